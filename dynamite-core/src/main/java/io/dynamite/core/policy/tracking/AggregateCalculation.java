package io.dynamite.core.policy.tracking;

/**
 * The replica calculation for aggregated metrics (HPA {@code GetObjectMetricReplicas}, {@code
 * GetExternalMetricReplicas} and their per-pod variants). Stateless.
 */
final class AggregateCalculation {
  private AggregateCalculation() {}

  static MetricProposal propose(TrackedMetric.Aggregate m, ReplicaContext ctx) {
    String failure = m.kind().failureReason();
    if (m.values().isEmpty()) {
      return new MetricProposal.Failed(m.name(), failure, "no values returned for " + m.name());
    }
    long value = 0;
    for (long v : m.values()) {
      value = Saturating.add(value, v);
    }
    boolean saturated = value == Long.MAX_VALUE;
    long target = m.target().amount();
    Tolerance tolerance = ctx.tolerance();

    if (m.target().type() == Target.Type.VALUE) {
      double ratio = (double) value / (double) target;
      int current = ctx.currentReplicas();
      if (current == 0) {
        // From zero there is no instance to scale by and no meaningful dead band.
        return new MetricProposal.Computed(
            m.name(), Math.max(0, Saturating.ceilToInt(ratio)), CalculationRule.FROM_ZERO, value, null);
      }
      if (tolerance.isWithin(ratio)) {
        return new MetricProposal.Computed(m.name(), current, CalculationRule.WITHIN_TOLERANCE, value, null);
      }
      if (ctx.listedInstances() == 0) {
        return new MetricProposal.Failed(
            m.name(), failure, "no instances listed while calculating ready instances for " + m.name());
      }
      int n = Saturating.ceilToInt(ratio * ctx.readyInstances());
      return new MetricProposal.Computed(m.name(), Math.max(0, n), CalculationRule.PROPORTIONAL, value, null);
    }

    int observed = ctx.observedReplicas();
    double ratio = (double) value / ((double) target * (double) observed);
    long usage = saturated ? Long.MAX_VALUE : Saturating.ceilToLong((double) value / (double) observed);
    if (tolerance.isWithin(ratio)) {
      return new MetricProposal.Computed(m.name(), observed, CalculationRule.WITHIN_TOLERANCE, usage, null);
    }
    int n = Saturating.ceilToInt((double) value / (double) target);
    return new MetricProposal.Computed(m.name(), Math.max(0, n), CalculationRule.PER_INSTANCE_TARGET, usage, null);
  }
}
