package io.dynamite.core.policy.tracking;

/**
 * Which rule of the replica calculation produced a proposal; see {@link #description()}.
 *
 * @since 0.2
 */
public enum CalculationRule {
  /** The usage ratio lies inside the tolerance: keep the current count. */
  WITHIN_TOLERANCE("usage ratio within tolerance: keep current count"),
  /** Every instance had data: {@code ceil(ratio x ready instances)}. */
  PROPORTIONAL("ceil(usage ratio x ready instances)"),
  /**
   * Missing/starting instances were filled in (0 on scale-up, target on scale-down) and the
   * recomputed ratio lies inside the tolerance: keep the current count.
   */
  FILLED_IN_WITHIN_TOLERANCE("after assuming values for missing/starting instances the ratio is within tolerance: keep current count"),
  /** The assumed values would reverse the direction of change: keep the current count. */
  DIRECTION_REVERSED("assumed values for missing/starting instances reverse the direction: keep current count"),
  /** The filled-in count still moves against the direction of the ratio: keep the current count. */
  COUNT_AGAINST_DIRECTION("filled-in count moves against the direction of the ratio: keep current count"),
  /** {@code ceil(recomputed ratio x instances counted)} after filling in missing/starting instances. */
  FILLED_IN("ceil(recomputed ratio x instances counted) after assuming values for missing/starting instances"),
  /** Aggregated value target at zero instances: {@code ceil(ratio)}, no tolerance. */
  FROM_ZERO("scaling from zero: ceil(value / target), tolerance not applied"),
  /** Aggregated per-instance target: {@code ceil(value / target)}. */
  PER_INSTANCE_TARGET("ceil(total value / per-instance target)");

  private final String description;

  CalculationRule(String description) {
    this.description = description;
  }

  /**
   * A one-line explanation suitable for logs and decision reasons.
   *
   * @return the explanation
   */
  public String description() {
    return description;
  }
}
