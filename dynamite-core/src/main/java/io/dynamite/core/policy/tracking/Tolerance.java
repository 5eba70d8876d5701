package io.dynamite.core.policy.tracking;

import org.jspecify.annotations.Nullable;

/**
 * The dead band around a usage ratio of 1.0, set per direction. A ratio {@code r} is within
 * tolerance iff {@code 1 - scaleDown <= r <= 1 + scaleUp}; both bounds are inclusive, and the
 * bounds are computed in exactly that floating-point form so that boundary cases round as in HPA.
 *
 * <p>Immutable and thread-safe.
 *
 * @param scaleDown how far below 1.0 the ratio may fall before a scale-down is proposed; {@code >= 0}
 * @param scaleUp how far above 1.0 the ratio may rise before a scale-up is proposed; {@code >= 0}
 * @since 0.2
 */
public record Tolerance(double scaleDown, double scaleUp) {
  /** HPA's default: 10 % in both directions ({@code --horizontal-pod-autoscaler-tolerance}). */
  public static final Tolerance DEFAULT = new Tolerance(0.1, 0.1);

  /**
   * Validates the bounds.
   *
   * @param scaleDown how far below 1.0 the ratio may fall before a scale-down is proposed; {@code >= 0}
   * @param scaleUp how far above 1.0 the ratio may rise before a scale-up is proposed; {@code >= 0}
   * @throws IllegalArgumentException if a bound is negative or not finite
   */
  public Tolerance {
    if (!(scaleDown >= 0) || !Double.isFinite(scaleDown)) {
      throw new IllegalArgumentException("scaleDown tolerance must be >= 0: " + scaleDown);
    }
    if (!(scaleUp >= 0) || !Double.isFinite(scaleUp)) {
      throw new IllegalArgumentException("scaleUp tolerance must be >= 0: " + scaleUp);
    }
  }

  /**
   * Returns a tolerance with the same bound in both directions.
   *
   * @param both the bound
   * @return the tolerance
   */
  public static Tolerance of(double both) {
    return new Tolerance(both, both);
  }

  /**
   * Returns this tolerance with the direction-specific overrides of a behavior applied; a null
   * override keeps this tolerance's bound for that direction.
   *
   * @param scaleDownOverride the scale-down bound, or null
   * @param scaleUpOverride the scale-up bound, or null
   * @return the resulting tolerance
   */
  public Tolerance withOverrides(
      @Nullable Double scaleDownOverride,
      @Nullable Double scaleUpOverride) {
    return new Tolerance(
        scaleDownOverride == null ? scaleDown : scaleDownOverride,
        scaleUpOverride == null ? scaleUp : scaleUpOverride);
  }

  /**
   * Tells whether a usage ratio lies inside the dead band. NaN is never within.
   *
   * @param ratio the usage ratio
   * @return true if no change should be proposed
   */
  public boolean isWithin(double ratio) {
    return (1.0 - scaleDown) <= ratio && ratio <= (1.0 + scaleUp);
  }
}
