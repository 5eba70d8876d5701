package io.dynamite.core.policy.tracking;

import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What the target knows about one instance's lifecycle, as {@link InstanceClassifier} needs it.
 *
 * <p>Immutable and thread-safe.
 *
 * @param phase the instance's phase
 * @param ready whether the instance reports ready; null if it reports no readiness at all
 * @param startedAt when the instance started; null if unknown
 * @param readySince when {@code ready} last changed value; null if unknown (then taken to be
 *     {@code startedAt})
 * @since 0.2
 */
public record InstanceLifecycle(
    Phase phase, @Nullable Boolean ready, @Nullable Instant startedAt, @Nullable Instant readySince) {

  /** Lifecycle phases, mirroring the pod phases HPA distinguishes. */
  public enum Phase {
    /** Accepted but not yet running (HPA: Pending). */
    PENDING,
    /** Running (HPA: Running, and Succeeded, which HPA does not single out). */
    RUNNING,
    /** Failed (HPA: Failed). */
    FAILED,
    /** Being removed (HPA: a deletion timestamp is set). */
    TERMINATING
  }

  /**
   * Validates the record.
   *
   * @param phase the instance's phase
   * @param ready whether the instance reports ready; null if it reports no readiness at all
   * @param startedAt when the instance started; null if unknown
   * @param readySince when {@code ready} last changed value; null if unknown (then taken to be
   *     {@code startedAt})
   */
  public InstanceLifecycle {
    Objects.requireNonNull(phase, "phase");
  }
}
