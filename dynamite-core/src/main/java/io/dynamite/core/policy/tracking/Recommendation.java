package io.dynamite.core.policy.tracking;

import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The combined recommendation of all metrics of one evaluation, before stabilization and limits.
 *
 * <p>Immutable and thread-safe.
 *
 * @param valid true if the recommendation may be acted on; false when every metric failed, or some
 *     failed and the rest would scale down (never scale down on partial data)
 * @param replicas the largest proposal when valid; the current count otherwise
 * @param reason {@link Reasons#VALID_METRIC_FOUND} when valid, else the first failed metric's reason
 * @param metric the metric whose proposal won (the first one on a tie), or null when not valid
 * @param proposals every metric's proposal, in the order the metrics were given
 * @since 0.2
 */
public record Recommendation(
    boolean valid, int replicas, String reason, @Nullable String metric, List<MetricProposal> proposals) {
  /**
   * Validates the record and copies the list.
   *
   * @param valid true if the recommendation may be acted on; false when every metric failed, or some
   *     failed and the rest would scale down (never scale down on partial data)
   * @param replicas the largest proposal when valid; the current count otherwise
   * @param reason {@link Reasons#VALID_METRIC_FOUND} when valid, else the first failed metric's reason
   * @param metric the metric whose proposal won (the first one on a tie), or null when not valid
   * @param proposals every metric's proposal, in the order the metrics were given
   */
  public Recommendation {
    Objects.requireNonNull(reason, "reason");
    proposals = List.copyOf(proposals);
  }
}
