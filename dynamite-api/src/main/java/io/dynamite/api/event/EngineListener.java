package io.dynamite.api.event;

/**
 * Receives engine events.
 *
 * <p>Called synchronously on the engine thread, in order. Implementations must be fast and should
 * not throw; an exception is logged and does not stop the engine or the other listeners.
 *
 * @since 0.1
 */
@FunctionalInterface
public interface EngineListener {
  /**
   * Handles one event.
   *
   * @param event the event
   */
  void onEvent(EngineEvent event);
}
