package io.dynamite.core.policy.tracking;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The behavior rules of one direction (HPA {@code HPAScalingRules}). As written by an operator
 * every field may be null; {@link #scaleUpDefaults} and {@link #scaleDownDefaults} fill the unset
 * fields the way the Kubernetes API defaulting does, and {@link Behavior#of} produces the fully
 * effective rules.
 *
 * <p>Immutable and thread-safe.
 *
 * @param stabilizationWindow how far back recommendations are considered; null = unset
 * @param selectPolicy how several rate policies combine; null = unset
 * @param policies the rate policies, replaced as a whole when set; null = unset
 * @param tolerance this direction's tolerance, overriding the default tolerance for that side of
 *     the dead band only; null = use the default
 * @since 0.2
 */
public record ScalingRules(
    @Nullable Duration stabilizationWindow,
    @Nullable SelectPolicy selectPolicy,
    @Nullable List<RatePolicy> policies,
    @Nullable Double tolerance) {

  /** Scale-up default policies: 4 instances or 100 % per 15 s, whichever allows more. */
  public static final List<RatePolicy> SCALE_UP_DEFAULT_POLICIES =
      List.of(
          new RatePolicy(RatePolicy.Type.PODS, 4, Duration.ofSeconds(15)),
          new RatePolicy(RatePolicy.Type.PERCENT, 100, Duration.ofSeconds(15)));

  /** Scale-down default policy: 100 % per 15 s. */
  public static final List<RatePolicy> SCALE_DOWN_DEFAULT_POLICIES =
      List.of(new RatePolicy(RatePolicy.Type.PERCENT, 100, Duration.ofSeconds(15)));

  /** Rules with every field unset. */
  public static final ScalingRules UNSET = new ScalingRules(null, null, null, null);

  /** How several rate policies of one direction combine. */
  public enum SelectPolicy {
    /** The policy that allows the largest change wins (default). */
    MAX,
    /** The policy that allows the smallest change wins. */
    MIN,
    /** No change in this direction at all. */
    DISABLED
  }

  /**
   * One rate limit: at most {@code value} instances (or percent of the count at the start of the
   * period) of change within any {@code period}.
   *
   * @param type how {@code value} is read
   * @param value instances or percent; {@code > 0}
   * @param period the sliding period; {@code > 0}
   */
  public record RatePolicy(Type type, int value, Duration period) {
    /** Policy types. */
    public enum Type {
      /** An absolute number of instances. */
      PODS,
      /** A percentage of the count at the start of the period. */
      PERCENT
    }

    /**
     * Validates the policy.
     *
     * @param type how {@code value} is read
     * @param value instances or percent; {@code > 0}
     * @param period the sliding period; {@code > 0}
     * @throws IllegalArgumentException if {@code value} or {@code period} is not positive
     */
    public RatePolicy {
      Objects.requireNonNull(type, "type");
      Objects.requireNonNull(period, "period");
      if (value <= 0) {
        throw new IllegalArgumentException("rate policy value must be > 0: " + value);
      }
      if (period.isZero() || period.isNegative()) {
        throw new IllegalArgumentException("rate policy period must be > 0: " + period);
      }
    }
  }

  /**
   * Validates the rules and copies the policy list.
   *
   * @param stabilizationWindow how far back recommendations are considered; null = unset
   * @param selectPolicy how several rate policies combine; null = unset
   * @param policies the rate policies, replaced as a whole when set; null = unset
   * @param tolerance this direction's tolerance, overriding the default tolerance for that side of
   *     the dead band only; null = use the default
   * @throws IllegalArgumentException if the window or tolerance is negative
   */
  public ScalingRules {
    if (stabilizationWindow != null && stabilizationWindow.isNegative()) {
      throw new IllegalArgumentException("stabilization window must be >= 0: " + stabilizationWindow);
    }
    if (tolerance != null && !(tolerance >= 0)) {
      throw new IllegalArgumentException("tolerance must be >= 0: " + tolerance);
    }
    policies = policies == null ? null : List.copyOf(policies);
  }

  /**
   * Fills the unset fields of scale-up rules with HPA's API defaults: window 0, select {@code MAX},
   * policies {@link #SCALE_UP_DEFAULT_POLICIES}. The tolerance has no default here.
   *
   * @param asWritten the rules as written, or null for none
   * @return the defaulted rules
   */
  public static ScalingRules scaleUpDefaults(@Nullable ScalingRules asWritten) {
    ScalingRules r = asWritten == null ? UNSET : asWritten;
    return new ScalingRules(
        r.stabilizationWindow == null ? Duration.ZERO : r.stabilizationWindow,
        r.selectPolicy == null ? SelectPolicy.MAX : r.selectPolicy,
        r.policies == null ? SCALE_UP_DEFAULT_POLICIES : r.policies,
        r.tolerance);
  }

  /**
   * Fills the unset fields of scale-down rules with HPA's API defaults: select {@code MAX},
   * policies {@link #SCALE_DOWN_DEFAULT_POLICIES}. The window stays unset, as in the Kubernetes API:
   * its default is a controller setting, applied by {@link Behavior#of}.
   *
   * @param asWritten the rules as written, or null for none
   * @return the defaulted rules
   */
  public static ScalingRules scaleDownDefaults(@Nullable ScalingRules asWritten) {
    ScalingRules r = asWritten == null ? UNSET : asWritten;
    return new ScalingRules(
        r.stabilizationWindow,
        r.selectPolicy == null ? SelectPolicy.MAX : r.selectPolicy,
        r.policies == null ? SCALE_DOWN_DEFAULT_POLICIES : r.policies,
        r.tolerance);
  }

  /**
   * The longest policy period, or zero without policies; scale events older than this can no
   * longer affect a rate limit.
   *
   * @return the longest period
   */
  public Duration longestPeriod() {
    Duration longest = Duration.ZERO;
    if (policies != null) {
      for (RatePolicy p : policies) {
        if (p.period().compareTo(longest) > 0) {
          longest = p.period();
        }
      }
    }
    return longest;
  }
}
