package io.dynamite.api;

import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One instance of a service as a policy sees it.
 *
 * @param id the instance
 * @param number its number, or {@link InstancePlan#NO_NUMBER} for a single-instance service
 * @param phase where it is in its life
 * @param since when it entered {@code phase}, by the engine clock; for a running instance, when it
 *     was seen started (or adopted)
 * @param uuid the metric uuid the instance registered under, when the engine has resolved it; null
 *     when unknown
 * @since 0.2
 */
public record InstanceView(InstanceId id, int number, Phase phase, Instant since, @Nullable String uuid) {

  /** Where an instance is in its life. New phases may be added; use a default branch. */
  public enum Phase {
    /** Its start was requested and is not confirmed yet: like an unready pod. */
    STARTING,
    /** Started and counted. */
    RUNNING,
    /** Its stop (or the undoing of a failed start) is in flight; no longer counted. */
    STOPPING
  }

  /**
   * Validates the components.
   *
   * @param id the instance
   * @param number its number, or {@link InstancePlan#NO_NUMBER} for a single-instance service
   * @param phase where it is in its life
   * @param since when it entered {@code phase}, by the engine clock; for a running instance, when it
   *     was seen started (or adopted)
   * @param uuid the metric uuid the instance registered under, when the engine has resolved it; null
   *     when unknown
   */
  public InstanceView {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(phase, "phase");
    Objects.requireNonNull(since, "since");
  }
}
