package io.dynamite.api;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What became of a policy's previous recommendation, handed back to the policy with its next
 * input so that it can adapt (for example not repeat a step that max_instance refused).
 *
 * @param at when the recommendation was made
 * @param kind what happened to it
 * @param recommended the count the policy asked for (for a step decision, the count its steps
 *     would have led to)
 * @param desired the count the engine settled on for the service after combining every policy
 *     and applying bounds and gates
 * @param clamps every limit that changed the count, for humans, for example {@code "max_instance
 *     5"}; empty when none did
 * @param detail why, for humans
 * @since 0.2
 */
public record PolicyOutcome(
    Instant at, Kind kind, int recommended, int desired, List<String> clamps, String detail) {

  /** What happened to a recommendation. New kinds may be added; use a default branch. */
  public enum Kind {
    /** The engine acted on it (or the service was already at that count). */
    APPLIED,
    /** It was applied partly: min_instance, max_instance or the in-flight limit cut it. */
    CLAMPED,
    /**
     * Another policy's recommendation won: scale-ups take the highest recommendation, scale-downs
     * need every policy to agree.
     */
    OVERRULED,
    /** Nothing was done: a failure backoff, leadership, or no instance that could be stopped. */
    REFUSED,
    /** The engine runs in dry-run mode; the actions were only reported. */
    DRY_RUN
  }

  /**
   * Validates and copies the components.
   *
   * @param at when the recommendation was made
   * @param kind what happened to it
   * @param recommended the count the policy asked for (for a step decision, the count its steps
   *     would have led to)
   * @param desired the count the engine settled on for the service after combining every policy
   *     and applying bounds and gates
   * @param clamps every limit that changed the count, for humans, for example {@code "max_instance
   *     5"}; empty when none did
   * @param detail why, for humans
   */
  public PolicyOutcome {
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(detail, "detail");
    clamps = List.copyOf(clamps);
  }
}
