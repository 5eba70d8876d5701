package io.dynamite.core.policy.tracking;

import java.util.Objects;

/**
 * The result of the behavior stage: a recommendation after stabilization, rate limits and bounds.
 *
 * <p>Immutable and thread-safe.
 *
 * @param replicas the final desired count
 * @param stabilized the count after stabilization, before limits
 * @param stabilizationReason {@link Reasons#READY_FOR_NEW_SCALE}, {@link
 *     Reasons#SCALE_UP_STABILIZED} or {@link Reasons#SCALE_DOWN_STABILIZED}
 * @param limited true if a rate limit or bound changed the stabilized count
 * @param limitReason {@link Reasons#DESIRED_WITHIN_RANGE} when not limited, else {@link
 *     Reasons#SCALE_UP_LIMIT}, {@link Reasons#SCALE_DOWN_LIMIT}, {@link Reasons#TOO_MANY_REPLICAS}
 *     or {@link Reasons#TOO_FEW_REPLICAS}
 * @param history the history with this recommendation stored (scale events unchanged)
 * @since 0.2
 */
public record Normalization(
    int replicas,
    int stabilized,
    String stabilizationReason,
    boolean limited,
    String limitReason,
    ScalingHistory history) {
  /**
   * Validates the record.
   *
   * @param replicas the final desired count
   * @param stabilized the count after stabilization, before limits
   * @param stabilizationReason {@link Reasons#READY_FOR_NEW_SCALE}, {@link
   *     Reasons#SCALE_UP_STABILIZED} or {@link Reasons#SCALE_DOWN_STABILIZED}
   * @param limited true if a rate limit or bound changed the stabilized count
   * @param limitReason {@link Reasons#DESIRED_WITHIN_RANGE} when not limited, else {@link
   *     Reasons#SCALE_UP_LIMIT}, {@link Reasons#SCALE_DOWN_LIMIT}, {@link Reasons#TOO_MANY_REPLICAS}
   *     or {@link Reasons#TOO_FEW_REPLICAS}
   * @param history the history with this recommendation stored (scale events unchanged)
   */
  public Normalization {
    Objects.requireNonNull(stabilizationReason, "stabilizationReason");
    Objects.requireNonNull(limitReason, "limitReason");
    Objects.requireNonNull(history, "history");
  }

  /**
   * The single most telling reason: the limit if one applied, else the stabilization if it held the
   * count back, else {@link Reasons#DESIRED_WITHIN_RANGE}.
   *
   * @return a {@link Reasons} code
   */
  public String reason() {
    if (limited) {
      return limitReason;
    }
    return Reasons.READY_FOR_NEW_SCALE.equals(stabilizationReason) ? limitReason : stabilizationReason;
  }
}
