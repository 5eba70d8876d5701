package io.dynamite.core.policy.tracking;

/**
 * Integer conversions that saturate instead of wrapping. HPA converts ceil'd floating ratios to
 * int32 and sums int64 samples; its tests pin the results at the type limits, so every such
 * conversion here clamps (NaN becomes 0).
 */
final class Saturating {
  private Saturating() {}

  /** {@code ceil(x)} as an int, clamped to {@code [Integer.MIN_VALUE, Integer.MAX_VALUE]}. */
  static int ceilToInt(double x) {
    return toInt(Math.ceil(x));
  }

  /** Truncation toward zero as an int, clamped. */
  static int toInt(double x) {
    if (Double.isNaN(x)) {
      return 0;
    }
    if (x >= Integer.MAX_VALUE) {
      return Integer.MAX_VALUE;
    }
    if (x <= Integer.MIN_VALUE) {
      return Integer.MIN_VALUE;
    }
    return (int) x;
  }

  /** {@code ceil(x)} as a long; Java's cast already clamps at the long limits. */
  static long ceilToLong(double x) {
    return (long) Math.ceil(x);
  }

  /** {@code a + b} for non-negative operands, clamped at {@link Long#MAX_VALUE}. */
  static long add(long a, long b) {
    long sum = a + b;
    return ((a ^ sum) & (b ^ sum)) < 0 ? (a < 0 ? Long.MIN_VALUE : Long.MAX_VALUE) : sum;
  }
}
