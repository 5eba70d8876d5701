package io.dynamite.core.policy.tracking;

import java.util.Objects;

/**
 * What a metric is kept at.
 *
 * <p>Immutable and thread-safe.
 *
 * @param type how {@code amount} is read
 * @param amount the target: a whole percent for {@link Type#UTILIZATION}, milli-units otherwise;
 *     {@code > 0}
 * @since 0.2
 */
public record Target(Type type, long amount) {

  /** The kinds of target. */
  public enum Type {
    /**
     * Per-instance average as a percentage of each instance's capacity (HPA {@code Utilization});
     * per-instance metrics only.
     */
    UTILIZATION,
    /** Per-instance average in milli-units (HPA {@code AverageValue}). */
    AVERAGE_VALUE,
    /** Total value in milli-units (HPA {@code Value}); aggregated metrics only. */
    VALUE
  }

  /**
   * Validates the target.
   *
   * @param type how {@code amount} is read
   * @param amount the target: a whole percent for {@link Type#UTILIZATION}, milli-units otherwise;
   *     {@code > 0}
   * @throws IllegalArgumentException if {@code amount <= 0}
   */
  public Target {
    Objects.requireNonNull(type, "type");
    if (amount <= 0) {
      throw new IllegalArgumentException("target amount must be > 0: " + amount);
    }
  }

  /**
   * A utilization target.
   *
   * @param percent whole percent of capacity
   * @return the target
   */
  public static Target utilization(int percent) {
    return new Target(Type.UTILIZATION, percent);
  }

  /**
   * A per-instance average-value target.
   *
   * @param milli milli-units per instance
   * @return the target
   */
  public static Target averageValue(long milli) {
    return new Target(Type.AVERAGE_VALUE, milli);
  }

  /**
   * A total-value target.
   *
   * @param milli milli-units in total
   * @return the target
   */
  public static Target value(long milli) {
    return new Target(Type.VALUE, milli);
  }
}
