package io.dynamite.api.spi;

import io.dynamite.api.PolicyInput;
import io.dynamite.api.ScalingDecision;

/**
 * Turns metric samples into scaling decisions for one service in one direction.
 *
 * <p>Contract:
 *
 * <ul>
 *   <li>No I/O and no clock reads: everything needed is in the {@link PolicyInput}, whose {@code
 *       now} comes from the engine's clock.
 *   <li>The engine calls a given instance from one thread at a time, so a policy may keep memory
 *       (windows, cooldowns) in plain fields.
 *   <li>A policy is evaluated on every engine tick, with the samples that arrived since the last
 *       tick (possibly none).
 *   <li>Throwing is allowed and isolated: the engine counts the failure, reports it as an event
 *       and keeps evaluating the other policies and services.
 * </ul>
 *
 * @since 0.1
 */
public interface ScalingPolicy {
  /**
   * Evaluates new input.
   *
   * @param input the service's counts, new samples and the current time
   * @return the decision; never null
   */
  ScalingDecision evaluate(PolicyInput input);

  /**
   * Describes the policy's memory for decision records, for example {@code "u1: triggered since
   * 12:00:01, cooldown until 12:01:16"}.
   *
   * @return a short human-readable description; empty for stateless policies
   */
  default String describeState() {
    return "";
  }
}
