package io.dynamite.core.policy.tracking;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One listed instance of the service as seen by one per-instance metric.
 *
 * <p>Immutable and thread-safe.
 *
 * @param id the instance id, unique within one metric's list; used only in messages
 * @param state how the instance takes part in the calculation
 * @param value the instance's recent sample in milli-units, or null if it has none ("missing")
 * @param capacity the instance's capacity (HPA: resource request) in the sample's milli-units, or
 *     null if unknown; required for every listed instance when the target is a utilization
 * @since 0.2
 */
public record InstanceSample(
    String id, InstanceState state, @Nullable Long value, @Nullable Long capacity) {

  /**
   * Validates the record.
   *
   * @param id the instance id, unique within one metric's list; used only in messages
   * @param state how the instance takes part in the calculation
   * @param value the instance's recent sample in milli-units, or null if it has none ("missing")
   * @param capacity the instance's capacity (HPA: resource request) in the sample's milli-units, or
   *     null if unknown; required for every listed instance when the target is a utilization
   * @throws NullPointerException if {@code id} or {@code state} is null
   * @throws IllegalArgumentException if {@code capacity} is negative
   */
  public InstanceSample {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(state, "state");
    if (capacity != null && capacity < 0) {
      throw new IllegalArgumentException("capacity must be >= 0: " + capacity);
    }
  }

  /**
   * A ready instance with a sample and no capacity (average-value targets).
   *
   * @param id the instance id
   * @param value the sample in milli-units
   * @return the instance
   */
  public static InstanceSample ready(String id, long value) {
    return new InstanceSample(id, InstanceState.READY, value, null);
  }

  /**
   * Tells whether the instance has a sample.
   *
   * @return true if {@link #value()} is not null
   */
  public boolean hasSample() {
    return value != null;
  }
}
