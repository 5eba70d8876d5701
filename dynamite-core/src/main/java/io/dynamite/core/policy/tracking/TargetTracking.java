package io.dynamite.core.policy.tracking;

import io.dynamite.core.policy.tracking.ScalingHistory.TimedRecommendation;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One evaluation of a target-tracking policy, end to end, in the order of one Kubernetes HPA
 * controller pass: seed the history, pre-check the current count (zero, above max, below min),
 * compute and combine the metric proposals, normalize (behavior or legacy path), and prepare the
 * history for the next evaluation.
 *
 * <p>Stateless, pure and thread-safe. The caller keeps the {@link ScalingHistory} between
 * evaluations: pass {@link ScalingHistory#NEW} the first time, then {@link
 * TrackingOutcome#historyAfterScale()} if the change was applied, else {@link
 * TrackingOutcome#history()}.
 *
 * @since 0.2
 */
public final class TargetTracking {
  private TargetTracking() {}

  /**
   * Evaluates the policy once.
   *
   * @param settings the policy's settings
   * @param input what was observed
   * @param history the state kept from the previous evaluation
   * @param now the evaluation instant; the only notion of time used
   * @return the outcome, never null
   */
  public static TrackingOutcome evaluate(
      TrackingSettings settings, TrackingInput input, ScalingHistory history, Instant now) {
    Objects.requireNonNull(settings, "settings");
    Objects.requireNonNull(input, "input");
    Objects.requireNonNull(history, "history");
    Objects.requireNonNull(now, "now");
    int current = input.currentReplicas();
    int min = settings.minReplicas();
    int max = settings.maxReplicas();

    // A new policy remembers the current count as a recommendation, so a scale-down is stabilized
    // from the first evaluation on instead of acting on a single sample.
    ScalingHistory h = history.started() ? history : history.withRecommendations(List.of(new TimedRecommendation(current, now)));
    boolean parkedAtZero = settings.allowScaleToZero() && h.scaledToZero();
    if (!settings.allowScaleToZero() && h.scaledToZero()) {
      h = h.withScaledToZero(false);
    }

    boolean fromZero = false;
    if (current == 0) {
      // Zero instances not caused by this policy mean "paused by an operator": leave it alone.
      fromZero = parkedAtZero && (min != 0 || input.hasAggregateMetric());
      if (!fromZero) {
        return new TrackingOutcome(
            TrackingOutcome.Path.SCALING_DISABLED, 0, false, Reasons.SCALING_DISABLED, null, null, h, h);
      }
    }
    if (!fromZero && current > max) {
      return bounded(settings, input, h, max, Reasons.TOO_MANY_REPLICAS, now);
    }
    if (!fromZero && current < min) {
      return bounded(settings, input, h, min, Reasons.TOO_FEW_REPLICAS, now);
    }

    ReplicaContext context =
        new ReplicaContext(
            current,
            input.observedReplicas(),
            input.listedInstances(),
            Math.min(input.readyInstances(), input.listedInstances()),
            settings.effectiveTolerance());
    Recommendation rec = ReplicaCalculation.recommend(input.metrics(), context);
    if (!rec.valid()) {
      return new TrackingOutcome(TrackingOutcome.Path.METRICS_FAILED, current, false, rec.reason(), rec, null, h, h);
    }

    Behavior behavior = settings.behavior();
    Normalization n =
        behavior != null
            ? BehaviorCalculation.normalize(current, rec.replicas(), min, max, behavior, h, now)
            : BehaviorCalculation.normalizeLegacy(
                current,
                rec.replicas(),
                min,
                max,
                settings.downscaleStabilization(),
                settings.legacyScaleUpFactor(),
                settings.legacyScaleUpMinimum(),
                h,
                now);
    int desired = n.replicas();
    if (fromZero && min != 0 && desired < min) {
      desired = min;
    }
    ScalingHistory kept = n.history();
    return new TrackingOutcome(
        TrackingOutcome.Path.NORMALIZED,
        desired,
        desired != current,
        n.reason(),
        rec,
        n,
        kept,
        afterScale(settings, input, kept, current, desired, now));
  }

  private static TrackingOutcome bounded(
      TrackingSettings settings, TrackingInput input, ScalingHistory h, int desired, String reason, Instant now) {
    int current = input.currentReplicas();
    return new TrackingOutcome(
        TrackingOutcome.Path.OUT_OF_BOUNDS,
        desired,
        true,
        reason,
        null,
        null,
        h,
        afterScale(settings, input, h, current, desired, now));
  }

  /** The history once {@code current -> desired} has been applied. */
  private static ScalingHistory afterScale(
      TrackingSettings settings, TrackingInput input, ScalingHistory h, int current, int desired, Instant now) {
    if (desired == current) {
      return h;
    }
    ScalingHistory after = BehaviorCalculation.recordScale(h, settings.behavior(), current, desired, now);
    // Only a policy-made trip to zero may later be reversed by the policy itself.
    boolean parked =
        settings.allowScaleToZero() && desired == 0 && settings.minReplicas() == 0 && input.hasAggregateMetric();
    return after.withScaledToZero(parked);
  }
}
