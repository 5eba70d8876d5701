package io.dynamite.api.event;

import io.dynamite.api.Direction;
import io.dynamite.api.ServiceView;
import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The explanation of one policy evaluation: its inputs, the policy's state, the outcome and why.
 *
 * @param at the engine clock's time of the evaluation
 * @param policyId {@code <service>/<direction>/<policy name>}
 * @param direction the policy's slot
 * @param service the service's counts before the decision was applied
 * @param samples how many new samples the policy saw
 * @param lastValue the newest sample's value, or null if none
 * @param policyState the policy's own description of its memory
 * @param outcome what happened
 * @param reason why, for humans: the policy's reason, or "not scaled because ..." when a gate
 *     refused the action
 * @since 0.1
 */
public record DecisionRecord(
    Instant at,
    String policyId,
    Direction direction,
    ServiceView service,
    int samples,
    @Nullable Double lastValue,
    String policyState,
    Outcome outcome,
    String reason) {

  /** What became of an evaluation. */
  public enum Outcome {
    /** The policy recommended nothing. */
    HOLD,
    /** An action was started. */
    SCALED,
    /** The policy recommended an action that a gate refused (bounds, no victim, dry run). */
    REFUSED,
    /** The policy threw. */
    ERROR
  }

  /** Validates the components. */
  public DecisionRecord {
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(policyId, "policyId");
    Objects.requireNonNull(direction, "direction");
    Objects.requireNonNull(service, "service");
    Objects.requireNonNull(policyState, "policyState");
    Objects.requireNonNull(outcome, "outcome");
    Objects.requireNonNull(reason, "reason");
  }
}
