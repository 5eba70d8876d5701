package io.dynamite.core.policy.tracking;

/**
 * The reason codes reported by the calculation. They are spelled exactly as the Kubernetes HPA
 * spells its condition reasons, so operators who know HPA can read them and the conformance vectors
 * can be compared verbatim.
 *
 * @since 0.2
 */
public final class Reasons {
  /** No stabilization applied: the recommendation passed through unchanged. */
  public static final String READY_FOR_NEW_SCALE = "ReadyForNewScale";
  /** A scale-up was held back to the lowest recommendation of the scale-up window. */
  public static final String SCALE_UP_STABILIZED = "ScaleUpStabilized";
  /** A scale-down was held back to the highest recommendation of the scale-down window. */
  public static final String SCALE_DOWN_STABILIZED = "ScaleDownStabilized";
  /** The (stabilized) recommendation needed no clamping. */
  public static final String DESIRED_WITHIN_RANGE = "DesiredWithinRange";
  /** Clamped up to the minimum instance count. */
  public static final String TOO_FEW_REPLICAS = "TooFewReplicas";
  /** Clamped down to the maximum instance count. */
  public static final String TOO_MANY_REPLICAS = "TooManyReplicas";
  /** Held back by the scale-up rate limit, which was tighter than the maximum. */
  public static final String SCALE_UP_LIMIT = "ScaleUpLimit";
  /** Held back by the scale-down rate limit, which was tighter than the minimum. */
  public static final String SCALE_DOWN_LIMIT = "ScaleDownLimit";
  /** At least one metric produced a usable recommendation. */
  public static final String VALID_METRIC_FOUND = "ValidMetricFound";
  /** The service is at zero instances and may not be scaled from there by this policy. */
  public static final String SCALING_DISABLED = "ScalingDisabled";
  /** A per-instance resource metric (capacity-relative or raw) could not be evaluated. */
  public static final String FAILED_GET_RESOURCE_METRIC = "FailedGetResourceMetric";
  /** A per-instance custom metric could not be evaluated. */
  public static final String FAILED_GET_INSTANCE_METRIC = "FailedGetPodsMetric";
  /** An object-level (aggregated) metric could not be evaluated. */
  public static final String FAILED_GET_OBJECT_METRIC = "FailedGetObjectMetric";
  /** An external (aggregated, summed) metric could not be evaluated. */
  public static final String FAILED_GET_EXTERNAL_METRIC = "FailedGetExternalMetric";
  /** A metric entry of a kind the policy does not know. */
  public static final String INVALID_METRIC_SOURCE_TYPE = "InvalidMetricSourceType";

  private Reasons() {}
}
