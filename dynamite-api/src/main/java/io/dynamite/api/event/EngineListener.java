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

  /**
   * Whether this listener wants a {@link EngineEvent.DecisionMade} for every evaluation that held
   * ({@link DecisionRecord.Outcome#HOLD}). On a large fleet holds are almost every evaluation — tens
   * of thousands per second — and each record describes the policy's state and judges its metric
   * health, which costs about a quarter of an evaluation pass. The engine builds hold records only
   * while at least one listener wants them, and hands them only to those listeners; every other
   * event, and every decision that is not a hold, still reaches every listener. The engine counts
   * holds either way ({@code holds} in {@code EngineSnapshot.counters()}).
   *
   * <p>Asked once, when the engine is built.
   *
   * @return true (the default) to receive hold records, false to skip them
   * @since 0.3
   */
  default boolean receivesHolds() {
    return true;
  }

  /**
   * Wraps a listener (typically a lambda) so that it receives every event except hold records; see
   * {@link #receivesHolds()}.
   *
   * @param listener the listener to call, not null
   * @return a listener that delegates every event it receives and does not receive holds
   * @since 0.3
   */
  static EngineListener withoutHolds(EngineListener listener) {
    java.util.Objects.requireNonNull(listener, "listener");
    return new EngineListener() {
      @Override
      public void onEvent(EngineEvent event) {
        listener.onEvent(event);
      }

      @Override
      public boolean receivesHolds() {
        return false;
      }

      @Override
      public String toString() {
        return listener + " (without holds)";
      }
    };
  }
}
