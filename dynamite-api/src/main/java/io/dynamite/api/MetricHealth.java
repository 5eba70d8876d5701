package io.dynamite.api;

/**
 * The health of a policy's metric at one evaluation, as named in {@link
 * io.dynamite.api.event.DecisionRecord#metricHealth()}. A policy reports it through {@link
 * io.dynamite.api.spi.ScalingPolicy#metricHealth()}. New states may be added in a minor release;
 * use a default branch.
 *
 * <p>"Fresh" means not older than the policy's {@code max_sample_age}, measured from the sample's
 * own timestamp to the engine clock's time of the evaluation.
 *
 * @since 0.3
 */
public enum MetricHealth {
  /**
   * No health is reported: the policy reads no metric (a schedule), or it does not judge its
   * metric's health (a plugin policy that does not override {@link
   * io.dynamite.api.spi.ScalingPolicy#metricHealth()}, or {@code threshold} with {@code
   * legacy_rule: true}).
   */
  NONE,
  /** Every instance that should report has a fresh, usable value (or the aggregated value is). */
  OK,
  /** Values arrived, but none of them is fresh any more. */
  STALE,
  /**
   * The newest fresh values are not numbers (NaN, infinite or unparseable) and no fresh usable
   * value exists.
   */
  NAN,
  /** No value of the metric has arrived at all since the policy's first evaluation. */
  MISSING,
  /**
   * A per-instance metric with fresh usable values from some running instances but not from all:
   * the others are silent, stale or send values that are not numbers.
   */
  PARTIAL
}
