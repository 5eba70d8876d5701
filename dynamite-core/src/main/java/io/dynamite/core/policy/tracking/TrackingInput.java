package io.dynamite.core.policy.tracking;

import java.util.List;

/**
 * What the engine observed for one evaluation.
 *
 * <p>Immutable and thread-safe.
 *
 * @param currentReplicas the desired count currently set on the target
 * @param observedReplicas the instance count actually observed
 * @param listedInstances how many instances the target lists
 * @param readyInstances how many listed instances are running and report ready
 * @param metrics the tracked metrics with this evaluation's data, at least one
 * @since 0.2
 */
public record TrackingInput(
    int currentReplicas, int observedReplicas, int listedInstances, int readyInstances, List<TrackedMetric> metrics) {
  /**
   * Validates the record and copies the list.
   *
   * @param currentReplicas the desired count currently set on the target
   * @param observedReplicas the instance count actually observed
   * @param listedInstances how many instances the target lists
   * @param readyInstances how many listed instances are running and report ready
   * @param metrics the tracked metrics with this evaluation's data, at least one
   * @throws IllegalArgumentException if a count is negative or there is no metric
   */
  public TrackingInput {
    if (currentReplicas < 0 || observedReplicas < 0 || listedInstances < 0 || readyInstances < 0) {
      throw new IllegalArgumentException("counts must be >= 0");
    }
    metrics = List.copyOf(metrics);
    if (metrics.isEmpty()) {
      throw new IllegalArgumentException("at least one metric is required");
    }
  }

  /**
   * Whether any metric is aggregated (object or external); only those can drive a scale from zero.
   *
   * @return true if there is one
   */
  public boolean hasAggregateMetric() {
    return metrics.stream()
        .anyMatch(m -> m.kind() == TrackedMetric.Kind.OBJECT || m.kind() == TrackedMetric.Kind.EXTERNAL);
  }
}
