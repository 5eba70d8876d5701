package io.dynamite.sim;

import io.dynamite.api.Direction;
import io.dynamite.api.event.DecisionRecord;
import org.jspecify.annotations.Nullable;

/**
 * A policy decision that was not a hold, as the engine reported it: an action it started, or a
 * recommendation a gate refused. A streak of refusals of one policy is kept once, at its first
 * refusal (a policy held back at {@code max_instance} would otherwise repeat it every second);
 * {@link #repeats()} counts the refusals of the streak that followed.
 *
 * @param atSeconds trace time (negative during the warm-up)
 * @param policy the policy id, {@code <service>/<policy>} or {@code <service>/<direction>/<policy>}
 * @param outcome {@link DecisionRecord.Outcome#SCALED} or {@link DecisionRecord.Outcome#REFUSED}
 * @param direction the direction of the recommendation, or null if it had none
 * @param from the service's instances (running and starting) before the decision
 * @param desired the count the engine settled on, or null if it reported none
 * @param reason the engine's reason, for humans
 * @param repeats further refusals in a row of the same policy after this one (0 for SCALED)
 * @since 0.3
 */
public record DecisionPoint(
    double atSeconds,
    String policy,
    DecisionRecord.Outcome outcome,
    @Nullable Direction direction,
    int from,
    @Nullable Integer desired,
    String reason,
    int repeats) {

  /**
   * Returns a copy counting one more refusal.
   *
   * @return the copy
   */
  DecisionPoint repeated() {
    return new DecisionPoint(atSeconds, policy, outcome, direction, from, desired, reason, repeats + 1);
  }
}
