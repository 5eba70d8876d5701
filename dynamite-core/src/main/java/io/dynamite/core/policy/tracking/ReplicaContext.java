package io.dynamite.core.policy.tracking;

import java.util.Objects;

/**
 * The service-level facts one replica calculation needs besides the metric itself.
 *
 * <p>Immutable and thread-safe.
 *
 * @param currentReplicas the desired count currently set on the target (HPA: spec replicas); the
 *     count a "no change" proposal returns
 * @param observedReplicas the count actually observed (HPA: status replicas); the divisor of
 *     per-instance targets on aggregated metrics
 * @param listedInstances how many instances the target lists right now; aggregated value targets
 *     fail when this is 0
 * @param readyInstances how many listed instances are running and report ready; aggregated value
 *     targets scale by this count
 * @param tolerance the dead band
 * @since 0.2
 */
public record ReplicaContext(
    int currentReplicas, int observedReplicas, int listedInstances, int readyInstances, Tolerance tolerance) {
  /**
   * Validates the counts.
   *
   * @param currentReplicas the desired count currently set on the target (HPA: spec replicas); the
   *     count a "no change" proposal returns
   * @param observedReplicas the count actually observed (HPA: status replicas); the divisor of
   *     per-instance targets on aggregated metrics
   * @param listedInstances how many instances the target lists right now; aggregated value targets
   *     fail when this is 0
   * @param readyInstances how many listed instances are running and report ready; aggregated value
   *     targets scale by this count
   * @param tolerance the dead band
   * @throws IllegalArgumentException if a count is negative or more instances are ready than listed
   */
  public ReplicaContext {
    Objects.requireNonNull(tolerance, "tolerance");
    if (currentReplicas < 0 || observedReplicas < 0 || listedInstances < 0 || readyInstances < 0) {
      throw new IllegalArgumentException(
          "counts must be >= 0: current=" + currentReplicas + " observed=" + observedReplicas
              + " listed=" + listedInstances + " ready=" + readyInstances);
    }
    if (readyInstances > listedInstances) {
      throw new IllegalArgumentException(
          "ready instances (" + readyInstances + ") exceed listed instances (" + listedInstances + ")");
    }
  }
}
