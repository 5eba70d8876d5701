package io.dynamite.core.policy.tracking;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The outcome of the replica calculation for one metric: either {@link Computed} or {@link Failed}.
 * A failure is an expected outcome (no data, no matching instances), not an exception. New variants
 * may be added in a minor release.
 *
 * <p>All implementations are immutable and thread-safe.
 *
 * @since 0.2
 */
public sealed interface MetricProposal permits MetricProposal.Computed, MetricProposal.Failed {

  /**
   * The metric's name.
   *
   * @return the name
   */
  String metric();

  /**
   * Tells whether this is a {@link Computed} proposal.
   *
   * @return true if a count was computed
   */
  boolean computed();

  /**
   * A computed proposal.
   *
   * @param metric the metric's name
   * @param replicas the proposed instance count, saturated at {@link Integer#MAX_VALUE}
   * @param rule the rule that produced it
   * @param usage the usage reported for the metric, from the measured data only (never the
   *     filled-in values): the per-instance average in milli-units, or the aggregated value (the
   *     per-instance share {@code ceil(value / observed)} for an aggregated per-instance target)
   * @param utilizationPercent for a utilization target, the measured utilization in whole percent
   *     (truncated, as HPA does before forming the ratio); otherwise null
   */
  record Computed(
      String metric, int replicas, CalculationRule rule, long usage, @Nullable Integer utilizationPercent)
      implements MetricProposal {
    /**
     * Validates the record.
     *
     * @param metric the metric's name
     * @param replicas the proposed instance count, saturated at {@link Integer#MAX_VALUE}
     * @param rule the rule that produced it
     * @param usage the usage reported for the metric, from the measured data only (never the
     *     filled-in values): the per-instance average in milli-units, or the aggregated value (the
     *     per-instance share {@code ceil(value / observed)} for an aggregated per-instance target)
     * @param utilizationPercent for a utilization target, the measured utilization in whole percent
     *     (truncated, as HPA does before forming the ratio); otherwise null
     */
    public Computed {
      Objects.requireNonNull(metric, "metric");
      Objects.requireNonNull(rule, "rule");
      if (replicas < 0) {
        throw new IllegalArgumentException("replicas must be >= 0: " + replicas);
      }
    }

    @Override
    public boolean computed() {
      return true;
    }

    /**
     * A readable reason: the metric, the rule and the usage.
     *
     * @return the reason
     */
    public String reason() {
      return metric + ": " + rule.description() + " -> " + replicas
          + (utilizationPercent != null ? " (utilization " + utilizationPercent + "%)" : " (usage " + usage + "m)");
    }
  }

  /**
   * A metric that yielded no count.
   *
   * @param metric the metric's name
   * @param reason a {@link Reasons} code, e.g. {@link Reasons#FAILED_GET_RESOURCE_METRIC}
   * @param message what went wrong
   */
  record Failed(String metric, String reason, String message) implements MetricProposal {
    /**
     * Validates the record.
     *
     * @param metric the metric's name
     * @param reason a {@link Reasons} code, e.g. {@link Reasons#FAILED_GET_RESOURCE_METRIC}
     * @param message what went wrong
     */
    public Failed {
      Objects.requireNonNull(metric, "metric");
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(message, "message");
    }

    @Override
    public boolean computed() {
      return false;
    }
  }
}
