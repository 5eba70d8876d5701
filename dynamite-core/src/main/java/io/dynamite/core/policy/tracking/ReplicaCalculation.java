package io.dynamite.core.policy.tracking;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The replica calculation: turns each tracked metric into a proposed instance count and combines
 * several metrics into one {@link Recommendation}, exactly as HPA does before its behavior stage.
 *
 * <p>Stateless, pure and thread-safe; it never throws for missing data (that yields a {@link
 * MetricProposal.Failed}).
 *
 * @since 0.2
 */
public final class ReplicaCalculation {
  private ReplicaCalculation() {}

  /**
   * Computes one metric's proposal.
   *
   * <p>Per-instance metrics: {@code desired = ceil(ratio x ready instances)} with {@code ratio =
   * average / target} (utilization: truncated whole percent of summed capacity / target percent),
   * unless the ratio is within tolerance. Missing instances are assumed at 0 on a scale-up and at
   * the target (utilization: {@code max(100 %, target)} of capacity) on a scale-down; starting
   * instances are assumed at 0 on a scale-up and left out on a scale-down; if these assumptions put
   * the ratio inside the tolerance or reverse the direction, the current count is kept.
   *
   * <p>Aggregated metrics: a value target gives {@code ceil(value / target x ready instances)} (from
   * zero: {@code ceil(value / target)} without tolerance); a per-instance target gives {@code
   * ceil(value / target)} unless {@code value / (target x observed)} is within tolerance.
   *
   * @param metric the metric and its data
   * @param context the service-level facts and tolerance
   * @return the proposal, never null
   */
  public static MetricProposal propose(TrackedMetric metric, ReplicaContext context) {
    Objects.requireNonNull(metric, "metric");
    Objects.requireNonNull(context, "context");
    if (metric instanceof TrackedMetric.PerInstance) {
      return PerInstanceCalculation.propose((TrackedMetric.PerInstance) metric, context);
    }
    if (metric instanceof TrackedMetric.Aggregate) {
      return AggregateCalculation.propose((TrackedMetric.Aggregate) metric, context);
    }
    TrackedMetric.Unavailable u = (TrackedMetric.Unavailable) metric;
    return new MetricProposal.Failed(u.name(), u.reason(), u.message());
  }

  /**
   * Computes every metric's proposal and combines them: the largest proposal wins. If every
   * metric failed, or some failed and the largest proposal is below the current count, the
   * recommendation is not valid (a scale-down is never based on partial data; a scale-up is).
   *
   * @param metrics the metrics, at least one
   * @param context the service-level facts and tolerance
   * @return the recommendation, never null
   * @throws IllegalArgumentException if {@code metrics} is empty
   */
  public static Recommendation recommend(List<? extends TrackedMetric> metrics, ReplicaContext context) {
    if (metrics.isEmpty()) {
      throw new IllegalArgumentException("at least one metric is required");
    }
    List<MetricProposal> proposals = new ArrayList<>(metrics.size());
    int best = 0;
    @Nullable String winner = null;
    MetricProposal.@Nullable Failed firstFailure = null;
    for (TrackedMetric m : metrics) {
      MetricProposal p = propose(m, context);
      proposals.add(p);
      if (p instanceof MetricProposal.Computed) {
        MetricProposal.Computed c = (MetricProposal.Computed) p;
        // Strictly greater: on a tie the first metric keeps the credit, as in HPA.
        if (winner == null || c.replicas() > best) {
          best = c.replicas();
          winner = c.metric();
        }
      } else {
        if (firstFailure == null) {
          firstFailure = (MetricProposal.Failed) p;
        }
      }
    }
    if (firstFailure != null && (winner == null || best < context.currentReplicas())) {
      return new Recommendation(false, context.currentReplicas(), firstFailure.reason(), null, proposals);
    }
    return new Recommendation(true, best, Reasons.VALID_METRIC_FOUND, winner, proposals);
  }
}
