package io.dynamite.api.spi;

import io.dynamite.api.InstanceId;
import java.time.Instant;
import java.util.Objects;

/**
 * A running instance offered to a {@link VictimSelector}.
 *
 * @param id the instance
 * @param number its number, or {@link io.dynamite.api.InstancePlan#NO_NUMBER}
 * @param startedAt when the engine saw it start (or adopted it)
 * @since 0.1
 */
public record InstanceInfo(InstanceId id, int number, Instant startedAt) {
  /**
   * Validates the components.
   *
   * @param id the instance
   * @param number its number, or {@link io.dynamite.api.InstancePlan#NO_NUMBER}
   * @param startedAt when the engine saw it start (or adopted it)
   */
  public InstanceInfo {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(startedAt, "startedAt");
  }
}
