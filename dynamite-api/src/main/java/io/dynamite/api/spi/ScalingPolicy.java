package io.dynamite.api.spi;

import io.dynamite.api.MetricHealth;
import io.dynamite.api.PolicyInput;
import io.dynamite.api.ScalingDecision;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * Turns a service's metrics and instances into a recommendation for that service.
 *
 * <p>Contract:
 *
 * <ul>
 *   <li>No I/O and no clock reads: everything needed is in the {@link PolicyInput}, whose {@code
 *       now} comes from the engine's clock.
 *   <li>The engine calls a given instance from one thread at a time (its own), so a policy may
 *       keep memory (windows, cooldowns) in plain fields.
 *   <li>A policy is evaluated when samples of its service's policies arrive (at once, coalesced),
 *       when the time it asked for with {@link #nextEvaluation()} comes, and after the service's
 *       instances changed; its {@link PolicyInput#samples()} are the ones new since its previous
 *       evaluation (possibly none).
 *   <li>A service may have several policies; the engine combines their recommendations as
 *       described on {@link ScalingDecision}. A {@link ScalingDecision.Hold} is no recommendation.
 *   <li>Throwing is allowed and isolated: the engine counts the failure, reports it as an event and
 *       keeps evaluating the other policies and services.
 *   <li>Memory that must survive a restart or a failover (windows, cooldowns, learned history) is
 *       handed to the engine as text with {@link #exportState()} and handed back with {@link
 *       #restoreState(String)}; the engine keeps it in the {@link StateStore}.
 * </ul>
 *
 * @since 0.1
 */
public interface ScalingPolicy {
  /**
   * Evaluates new input.
   *
   * @param input the service's counts, instances, metric history, new samples, the outcome of the
   *     previous recommendation and the current time
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

  /**
   * Tells whether the policy reads {@link PolicyInput#series()}. The engine keeps a metric history
   * per instance only for policies that do; a policy that returns false gets an empty series list
   * and saves the engine that work (a fleet of 100,000 instances sends 100,000 samples a second).
   * Asked once, when the policy is created.
   *
   * @return true (the default) if the policy reads the series
   * @since 0.2
   */
  default boolean readsMetricHistory() {
    return true;
  }

  /**
   * Tells when the policy wants to be evaluated again even if no sample arrives, for example when
   * a stabilization window or a cooldown ends. Asked after every evaluation; the engine sets one
   * timer per service for the earliest time its policies ask for.
   *
   * @return an engine-clock time, or null for "only when samples arrive" (the default)
   * @since 0.2
   */
  default @Nullable Instant nextEvaluation() {
    return null;
  }

  /**
   * Tells how healthy the policy's metric was at its last evaluation: fresh, stale, not a number,
   * missing, or reported by only some instances. The engine names it in the {@link
   * io.dynamite.api.event.DecisionRecord} of that evaluation. Asked on the engine thread right
   * after {@link #evaluate}.
   *
   * @return the health; {@link MetricHealth#NONE} (the default) when the policy reads no metric or
   *     does not judge its health
   * @since 0.3
   */
  default MetricHealth metricHealth() {
    return MetricHealth.NONE;
  }

  /**
   * Exports the policy's memory so that another engine, or this one after a restart, can go on
   * where it stopped. The engine asks on its own thread after an evaluation, at most once per
   * policy-state interval (10 s by default) while it leads, and once more when it is closed; it
   * stores the text when it differs from the last one stored ({@link
   * StateStore#savePolicyState}), off the engine thread. So after a crash the restored memory may
   * miss up to one interval of evaluations; after an orderly stop it misses nothing. A dry run
   * never stores it.
   *
   * <p>The text is the policy's own format (JSON is a good choice); it should carry a version or
   * the settings it depends on, so that {@link #restoreState} can recognise text it cannot use. It
   * must be at most {@link StateStore#MAX_POLICY_STATE_BYTES} bytes of UTF-8: a larger text is not
   * stored, and the engine reports that once per policy.
   *
   * <p>A policy that wraps another must forward this method and {@link #restoreState}.
   *
   * @return the memory as text, or null (the default) if the policy keeps nothing worth restoring
   * @since 0.3
   */
  default @Nullable String exportState() {
    return null;
  }

  /**
   * Replaces the policy's memory with one it exported earlier. The engine calls it on its own
   * thread when it gains leadership, before the first evaluation of that term, and only if a state
   * is stored for this policy's id; the text may come from an older version, from other settings,
   * or from another process. The policy takes what it can use and ignores the rest; it may throw
   * (the engine reports the failure and the policy keeps the memory it had). Times in the text are
   * engine-clock times of the engine that exported it.
   *
   * @param state a text returned by {@link #exportState()}
   * @since 0.3
   */
  default void restoreState(String state) {}
}
