package io.dynamite.core.policy.tracking;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The behavior stage: turns a raw recommendation into the count to apply, in HPA's order —
 * stabilization over the recommendation history first, then the rate limit of the direction of
 * travel with the min/max bound folded in — and records applied changes for later rate limits.
 *
 * <p>Stateless, pure and thread-safe: all memory is in the {@link ScalingHistory} passed in and
 * returned; time is the {@code now} argument.
 *
 * @since 0.2
 */
public final class BehaviorCalculation {
  private BehaviorCalculation() {}

  /**
   * Normalizes with a behavior (HPA {@code normalizeDesiredReplicasWithBehaviors}). Stabilization:
   * {@code min(max(current, lowest recommendation within the scale-up window), highest within the
   * scale-down window)}, the new recommendation included. Rate limit: for each policy the count at
   * the start of its period is {@code current - scale-ups + scale-downs} recorded strictly within
   * the period; a PODS policy allows {@code start ± value}, a PERCENT policy {@code ceil(start x (1
   * + value/100))} up or {@code truncate(start x (1 - value/100))} down; the select policy picks
   * among them; the limit never passes the current count backwards and is combined with max (up)
   * or min (down).
   *
   * @param current the current desired count, {@code min <= current <= max} (or 0 from zero)
   * @param desired the raw recommendation
   * @param min the minimum count
   * @param max the maximum count
   * @param behavior the effective behavior
   * @param history the history; its recommendations are read and the new one is stored
   * @param now the evaluation instant
   * @return the normalization, with the updated history
   */
  public static Normalization normalize(
      int current, int desired, int min, int max, Behavior behavior, ScalingHistory history, Instant now) {
    Objects.requireNonNull(behavior, "behavior");
    Objects.requireNonNull(now, "now");
    Duration up = Objects.requireNonNull(behavior.scaleUp().stabilizationWindow());
    Duration down = Objects.requireNonNull(behavior.scaleDown().stabilizationWindow());
    Stabilizer.Result s = Stabilizer.withBehavior(history.recommendations(), current, desired, up, down, now);
    RateLimiter.Result r =
        RateLimiter.withBehavior(
            current, s.replicas(), min, max, behavior, history.scaleUpEvents(), history.scaleDownEvents(), now);
    return new Normalization(
        r.replicas(), s.replicas(), s.reason(), r.limited(), r.reason(), history.withRecommendations(s.recommendations()));
  }

  /**
   * Normalizes without a behavior (HPA's legacy path): only scale-downs are stabilized, to the
   * highest recommendation not older than {@code downscaleWindow}; then the count is clamped to
   * {@code [min, min(max, truncate(max(factor x current, minimum)))]}.
   *
   * @param current the current desired count
   * @param desired the raw recommendation
   * @param min the minimum count
   * @param max the maximum count
   * @param downscaleWindow the scale-down stabilization window (HPA default 300 s)
   * @param scaleUpFactor HPA's scale-up limit factor (2.0 in production)
   * @param scaleUpMinimum HPA's scale-up limit minimum (4.0 in production)
   * @param history the history; its recommendations are read and the new one is stored
   * @param now the evaluation instant
   * @return the normalization, with the updated history
   */
  public static Normalization normalizeLegacy(
      int current,
      int desired,
      int min,
      int max,
      Duration downscaleWindow,
      double scaleUpFactor,
      double scaleUpMinimum,
      ScalingHistory history,
      Instant now) {
    Objects.requireNonNull(downscaleWindow, "downscaleWindow");
    Objects.requireNonNull(now, "now");
    Stabilizer.Result s = Stabilizer.legacy(history.recommendations(), desired, downscaleWindow, now);
    RateLimiter.Result r = RateLimiter.legacy(current, s.replicas(), min, max, scaleUpFactor, scaleUpMinimum);
    return new Normalization(
        r.replicas(), s.replicas(), s.reason(), r.limited(), r.reason(), history.withRecommendations(s.recommendations()));
  }

  /**
   * The highest count the scale-up rules allow now, before it is raised to {@code current} and
   * combined with the maximum (HPA {@code calculateScaleUpLimitWithScalingRules}).
   *
   * @param current the current count
   * @param rules effective scale-up rules
   * @param history the scale events
   * @param now the evaluation instant
   * @return the limit
   */
  public static int scaleUpLimit(int current, ScalingRules rules, ScalingHistory history, Instant now) {
    return RateLimiter.scaleUpLimit(current, history.scaleUpEvents(), history.scaleDownEvents(), rules, now);
  }

  /**
   * The lowest count the scale-down rules allow now, before it is lowered to {@code current} and
   * combined with the minimum (HPA {@code calculateScaleDownLimitWithBehaviors}).
   *
   * @param current the current count
   * @param rules effective scale-down rules
   * @param history the scale events
   * @param now the evaluation instant
   * @return the limit
   */
  public static int scaleDownLimit(int current, ScalingRules rules, ScalingHistory history, Instant now) {
    return RateLimiter.scaleDownLimit(current, history.scaleUpEvents(), history.scaleDownEvents(), rules, now);
  }

  /**
   * Records an applied change so later rate limits see it. Call only after the target accepted the
   * change. Without a behavior nothing is recorded (the legacy path has no rate policies).
   *
   * @param history the history
   * @param behavior the effective behavior, or null on the legacy path
   * @param from the count before the change
   * @param to the count after the change
   * @param now when the change was applied
   * @return the updated history (the same one if nothing is recorded)
   */
  public static ScalingHistory recordScale(
      ScalingHistory history, @Nullable Behavior behavior, int from, int to, Instant now) {
    Objects.requireNonNull(now, "now");
    if (behavior == null || from == to) {
      return history;
    }
    if (to > from) {
      return history.withEvents(
          ScaleEventLog.store(history.scaleUpEvents(), behavior.scaleUp(), to - from, now), history.scaleDownEvents());
    }
    return history.withEvents(
        history.scaleUpEvents(), ScaleEventLog.store(history.scaleDownEvents(), behavior.scaleDown(), from - to, now));
  }
}
