package io.dynamite.core.policy.tracking;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The result of one target-tracking evaluation.
 *
 * <p>Immutable and thread-safe.
 *
 * @param path which branch of the evaluation produced the result
 * @param desiredReplicas the count the service should have; equals the current count when nothing
 *     is to change
 * @param scale true if {@code desiredReplicas} differs from the current count
 * @param reason the single most telling {@link Reasons} code for the result
 * @param recommendation the metrics' combined recommendation, or null when metrics were not
 *     consulted ({@link Path#SCALING_DISABLED}, {@link Path#OUT_OF_BOUNDS})
 * @param normalization the behavior stage's result, or null unless {@link Path#NORMALIZED}
 * @param history the state to keep if the change is not applied (no change, or the target refused)
 * @param historyAfterScale the state to keep once the target accepted the change; equals {@code
 *     history} plus the recorded scale event and scale-to-zero flag
 * @since 0.2
 */
public record TrackingOutcome(
    Path path,
    int desiredReplicas,
    boolean scale,
    String reason,
    @Nullable Recommendation recommendation,
    @Nullable Normalization normalization,
    ScalingHistory history,
    ScalingHistory historyAfterScale) {

  /** The branches of one evaluation, in the order they are checked. */
  public enum Path {
    /** At zero instances and not allowed to scale from there: nothing is done. */
    SCALING_DISABLED,
    /** The current count is outside {@code [min, max]}: moved to the bound, metrics not consulted. */
    OUT_OF_BOUNDS,
    /** No valid recommendation (see {@link Recommendation#valid()}): nothing is done. */
    METRICS_FAILED,
    /** Metrics recommended a count, which went through stabilization and limits. */
    NORMALIZED
  }

  /**
   * Validates the record.
   *
   * @param path which branch of the evaluation produced the result
   * @param desiredReplicas the count the service should have; equals the current count when nothing
   *     is to change
   * @param scale true if {@code desiredReplicas} differs from the current count
   * @param reason the single most telling {@link Reasons} code for the result
   * @param recommendation the metrics' combined recommendation, or null when metrics were not
   *     consulted ({@link Path#SCALING_DISABLED}, {@link Path#OUT_OF_BOUNDS})
   * @param normalization the behavior stage's result, or null unless {@link Path#NORMALIZED}
   * @param history the state to keep if the change is not applied (no change, or the target refused)
   * @param historyAfterScale the state to keep once the target accepted the change; equals {@code
   *     history} plus the recorded scale event and scale-to-zero flag
   */
  public TrackingOutcome {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(history, "history");
    Objects.requireNonNull(historyAfterScale, "historyAfterScale");
  }
}
