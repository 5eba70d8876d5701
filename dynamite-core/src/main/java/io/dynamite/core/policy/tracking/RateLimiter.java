package io.dynamite.core.policy.tracking;

import io.dynamite.core.policy.tracking.ScalingHistory.ScaleEvent;
import io.dynamite.core.policy.tracking.ScalingRules.RatePolicy;
import java.time.Instant;
import java.util.List;

/**
 * Rate limits and min/max bounds, applied to a stabilized recommendation: the behavior form (HPA
 * {@code convertDesiredReplicasWithBehaviorRate}) and the legacy form without a behavior (HPA
 * {@code convertDesiredReplicasWithRules}). The bound of the direction of travel is folded into
 * that direction's rate limit, so a single reason names whichever was tighter. Stateless.
 */
final class RateLimiter {
  private RateLimiter() {}

  /** The limited count and the ScalingLimited-style reason; {@code limited} iff the count changed. */
  record Result(int replicas, String reason, boolean limited) {}

  static Result withBehavior(
      int current,
      int stabilized,
      int min,
      int max,
      Behavior behavior,
      List<ScaleEvent> upEvents,
      List<ScaleEvent> downEvents,
      Instant now) {
    if (stabilized > current) {
      int limit = Math.max(current, scaleUpLimit(current, upEvents, downEvents, behavior.scaleUp(), now));
      int maxAllowed = max;
      String reason = Reasons.TOO_MANY_REPLICAS;
      if (max > limit) {
        maxAllowed = limit;
        reason = Reasons.SCALE_UP_LIMIT;
      }
      if (stabilized > maxAllowed) {
        return new Result(maxAllowed, reason, true);
      }
    } else if (stabilized < current) {
      int limit = Math.min(current, scaleDownLimit(current, upEvents, downEvents, behavior.scaleDown(), now));
      int minAllowed = min;
      String reason = Reasons.TOO_FEW_REPLICAS;
      if (min < limit) {
        minAllowed = limit;
        reason = Reasons.SCALE_DOWN_LIMIT;
      }
      if (stabilized < minAllowed) {
        return new Result(minAllowed, reason, true);
      }
    }
    return new Result(stabilized, Reasons.DESIRED_WITHIN_RANGE, false);
  }

  /**
   * The highest count the scale-up policies allow now, before raising it to the current count.
   * Each policy starts from the count at the beginning of its period (current minus the scale-ups
   * plus the scale-downs recorded within it).
   */
  static int scaleUpLimit(
      int current, List<ScaleEvent> upEvents, List<ScaleEvent> downEvents, ScalingRules rules, Instant now) {
    if (rules.selectPolicy() == ScalingRules.SelectPolicy.DISABLED) {
      return current;
    }
    boolean min = rules.selectPolicy() == ScalingRules.SelectPolicy.MIN;
    int result = min ? Integer.MAX_VALUE : Integer.MIN_VALUE;
    for (RatePolicy p : policies(rules)) {
      int start = current - changeWithin(upEvents, p, now) + changeWithin(downEvents, p, now);
      int proposed =
          p.type() == RatePolicy.Type.PODS
              ? start + p.value()
              : Saturating.ceilToInt(start * (1 + p.value() / 100.0));
      result = min ? Math.min(result, proposed) : Math.max(result, proposed);
    }
    return result;
  }

  /**
   * The lowest count the scale-down policies allow now, before lowering it to the current count.
   * MAX selects the policy allowing the biggest change, i.e. the lowest count.
   */
  static int scaleDownLimit(
      int current, List<ScaleEvent> upEvents, List<ScaleEvent> downEvents, ScalingRules rules, Instant now) {
    if (rules.selectPolicy() == ScalingRules.SelectPolicy.DISABLED) {
      return current;
    }
    boolean min = rules.selectPolicy() == ScalingRules.SelectPolicy.MIN;
    int result = min ? Integer.MIN_VALUE : Integer.MAX_VALUE;
    for (RatePolicy p : policies(rules)) {
      int start = current - changeWithin(upEvents, p, now) + changeWithin(downEvents, p, now);
      int proposed =
          p.type() == RatePolicy.Type.PODS
              ? start - p.value()
              : Saturating.toInt(start * (1 - p.value() / 100.0));
      result = min ? Math.max(result, proposed) : Math.min(result, proposed);
    }
    return result;
  }

  /** The legacy clamp: {@code [min, min(max, truncate(max(factor x current, minimum)))]}. */
  static Result legacy(int current, int stabilized, int min, int max, double factor, double minimum) {
    int limit = Saturating.toInt(Math.max(factor * current, minimum));
    int maxAllowed = max;
    String reason = Reasons.TOO_MANY_REPLICAS;
    if (max > limit) {
      maxAllowed = limit;
      reason = Reasons.SCALE_UP_LIMIT;
    }
    if (stabilized < min) {
      return new Result(min, Reasons.TOO_FEW_REPLICAS, true);
    }
    if (stabilized > maxAllowed) {
      return new Result(maxAllowed, reason, true);
    }
    return new Result(stabilized, Reasons.DESIRED_WITHIN_RANGE, false);
  }

  /** Sum of the changes recorded strictly after {@code now - period}. */
  static int changeWithin(List<ScaleEvent> events, RatePolicy policy, Instant now) {
    Instant cutoff = now.minus(policy.period());
    int sum = 0;
    for (ScaleEvent e : events) {
      if (e.at().isAfter(cutoff)) {
        sum += e.change();
      }
    }
    return sum;
  }

  private static List<RatePolicy> policies(ScalingRules rules) {
    List<RatePolicy> p = rules.policies();
    return p == null ? List.of() : p;
  }
}
