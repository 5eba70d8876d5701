package io.dynamite.api;

import java.time.Instant;
import java.util.Objects;

/**
 * One metric value with the time it was measured.
 *
 * @param query the stream the sample belongs to
 * @param uuid the instance uuid for per-instance metrics, or {@link #AGGREGATED} for aggregated ones
 * @param timestamp when the value was measured (event time, taken from the metric's own key)
 * @param value the value; finite
 * @since 0.1
 */
public record MetricSample(MetricQuery query, String uuid, Instant timestamp, double value) {
  /** The uuid of a sample of an aggregated metric. */
  public static final String AGGREGATED = "";

  /** Validates the components. */
  public MetricSample {
    Objects.requireNonNull(query, "query");
    Objects.requireNonNull(uuid, "uuid");
    Objects.requireNonNull(timestamp, "timestamp");
    if (!Double.isFinite(value)) {
      throw new IllegalArgumentException("metric value must be finite: " + value);
    }
  }

  /**
   * Tells whether this sample belongs to an aggregated stream.
   *
   * @return true if {@link #uuid()} is {@link #AGGREGATED}
   */
  public boolean isAggregated() {
    return uuid.isEmpty();
  }
}
