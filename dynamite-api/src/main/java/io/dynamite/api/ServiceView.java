package io.dynamite.api;

import java.util.Objects;

/**
 * A read-only snapshot of one service's instance counts, given to policies and listeners.
 *
 * @param service the service
 * @param running instances started and not being stopped
 * @param starting instances whose start is in flight
 * @param stopping instances whose stop is in flight
 * @param min the configured minimum
 * @param max the configured maximum, or {@link Integer#MAX_VALUE} when unbounded
 * @since 0.1
 */
public record ServiceView(
    ServiceId service, int running, int starting, int stopping, int min, int max) {
  /**
   * Validates the components.
   *
   * @param service the service
   * @param running instances started and not being stopped
   * @param starting instances whose start is in flight
   * @param stopping instances whose stop is in flight
   * @param min the configured minimum
   * @param max the configured maximum, or {@link Integer#MAX_VALUE} when unbounded
   */
  public ServiceView {
    Objects.requireNonNull(service, "service");
  }

  /**
   * Returns the count the service will have once every action in flight has finished.
   *
   * @return {@code running + starting}; stopping instances are not counted in {@code running}
   */
  public int projected() {
    return running + starting;
  }
}
