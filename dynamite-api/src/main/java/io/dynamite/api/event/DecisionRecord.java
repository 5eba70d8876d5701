package io.dynamite.api.event;

import io.dynamite.api.Direction;
import io.dynamite.api.MetricHealth;
import io.dynamite.api.PolicyOutcome;
import io.dynamite.api.ServiceView;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The explanation of one policy evaluation: its inputs, the policy's state, the outcome and why.
 *
 * @param at the engine clock's time of the evaluation
 * @param policyId {@code <service>/<direction>/<policy name>} for a policy in a {@code
 *     scale_up_policy}/{@code scale_down_policy} slot, {@code <service>/<policy name>} for one listed
 *     under {@code policies:}
 * @param direction the direction of the recommendation (up when it is above the current count),
 *     or null for a hold or a recommendation of the current count
 * @param service the service's counts before the decision was applied
 * @param samples how many new samples the policy saw
 * @param lastValue the newest sample's value, or null if none
 * @param policyState the policy's own description of its memory
 * @param outcome what happened
 * @param reason why, for humans: the policy's reason, then what was done or "not scaled because
 *     ..." when a gate refused the action
 * @param desired the count the engine settled on for the service after combining its policies
 *     and applying bounds, or null for a hold or an error
 * @param clamps every limit that changed the count (for example {@code "max_instance 5"}), empty
 *     when none did
 * @param metricHealth the health of the policy's metric at this evaluation ({@link
 *     MetricHealth#NONE} for a policy that reads no metric or does not judge it); since 0.3
 * @param effect what became of the recommendation, in the words of {@link PolicyOutcome.Kind}
 *     (applied, clamped, overruled, refused, dry run): the kind of the reason, for counting
 *     decisions by it; null for a hold, an error, or a record written before 0.3
 * @since 0.1
 */
public record DecisionRecord(
    Instant at,
    String policyId,
    @Nullable Direction direction,
    ServiceView service,
    int samples,
    @Nullable Double lastValue,
    String policyState,
    Outcome outcome,
    String reason,
    @Nullable Integer desired,
    List<String> clamps,
    MetricHealth metricHealth,
    PolicyOutcome.@Nullable Kind effect) {

  /** What became of an evaluation. */
  public enum Outcome {
    /** The policy recommended nothing. */
    HOLD,
    /** An action was started. */
    SCALED,
    /**
     * The policy recommended an action that was not taken: a gate refused it (bounds, backoff, no
     * victim, dry run), or another policy's recommendation won.
     */
    REFUSED,
    /** The policy threw. */
    ERROR
  }

  /**
   * Validates the components.
   *
   * @param at the engine clock's time of the evaluation
   * @param policyId {@code <service>/<direction>/<policy name>} for a policy in a {@code
   *     scale_up_policy}/{@code scale_down_policy} slot, {@code <service>/<policy name>} for one listed
   *     under {@code policies:}
   * @param direction the direction of the recommendation (up when it is above the current count),
   *     or null for a hold or a recommendation of the current count
   * @param service the service's counts before the decision was applied
   * @param samples how many new samples the policy saw
   * @param lastValue the newest sample's value, or null if none
   * @param policyState the policy's own description of its memory
   * @param outcome what happened
   * @param reason why, for humans: the policy's reason, then what was done or "not scaled because
   *     ..." when a gate refused the action
   * @param desired the count the engine settled on for the service after combining its policies
   *     and applying bounds, or null for a hold or an error
   * @param clamps every limit that changed the count (for example {@code "max_instance 5"}), empty
   *     when none did
   * @param metricHealth the health of the policy's metric at this evaluation
   * @param effect what became of the recommendation, or null for a hold or an error
   */
  public DecisionRecord {
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(policyId, "policyId");
    Objects.requireNonNull(service, "service");
    Objects.requireNonNull(policyState, "policyState");
    Objects.requireNonNull(outcome, "outcome");
    Objects.requireNonNull(reason, "reason");
    clamps = List.copyOf(clamps);
    Objects.requireNonNull(metricHealth, "metricHealth");
  }

  /**
   * Creates a record without a metric health ({@link MetricHealth#NONE}), as 0.2 did.
   *
   * @param at when
   * @param policyId the policy
   * @param direction the direction, or null
   * @param service the counts before
   * @param samples new samples seen
   * @param lastValue newest value, or null
   * @param policyState the policy's memory
   * @param outcome what happened
   * @param reason why
   * @param desired the count settled on, or null
   * @param clamps the limits that changed the count
   */
  public DecisionRecord(Instant at, String policyId, @Nullable Direction direction, ServiceView service,
      int samples, @Nullable Double lastValue, String policyState, Outcome outcome, String reason,
      @Nullable Integer desired, List<String> clamps) {
    this(at, policyId, direction, service, samples, lastValue, policyState, outcome, reason, desired, clamps,
        MetricHealth.NONE, null);
  }

  /**
   * Creates a record without an effect, as 0.3's first form did.
   *
   * @param at when
   * @param policyId the policy
   * @param direction the direction, or null
   * @param service the counts before
   * @param samples new samples seen
   * @param lastValue newest value, or null
   * @param policyState the policy's memory
   * @param outcome what happened
   * @param reason why
   * @param desired the count settled on, or null
   * @param clamps the limits that changed the count
   * @param metricHealth the health of the policy's metric
   */
  public DecisionRecord(Instant at, String policyId, @Nullable Direction direction, ServiceView service,
      int samples, @Nullable Double lastValue, String policyState, Outcome outcome, String reason,
      @Nullable Integer desired, List<String> clamps, MetricHealth metricHealth) {
    this(at, policyId, direction, service, samples, lastValue, policyState, outcome, reason, desired, clamps,
        metricHealth, null);
  }

  /**
   * Creates a record without a desired count or clamps, as 0.1 did.
   *
   * @param at when
   * @param policyId the policy
   * @param direction the direction, or null
   * @param service the counts before
   * @param samples new samples seen
   * @param lastValue newest value, or null
   * @param policyState the policy's memory
   * @param outcome what happened
   * @param reason why
   */
  public DecisionRecord(Instant at, String policyId, @Nullable Direction direction, ServiceView service,
      int samples, @Nullable Double lastValue, String policyState, Outcome outcome, String reason) {
    this(at, policyId, direction, service, samples, lastValue, policyState, outcome, reason, null, List.of(),
        MetricHealth.NONE);
  }
}
