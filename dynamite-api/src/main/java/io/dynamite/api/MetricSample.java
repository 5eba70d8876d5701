package io.dynamite.api;

import java.time.Instant;
import java.util.Objects;

/**
 * One metric value with the time it was measured.
 *
 * @param query the stream the sample belongs to
 * @param uuid the instance uuid for per-instance metrics, or {@link #AGGREGATED} for aggregated ones
 * @param timestamp when the value was measured (event time, taken from the metric's own key); from
 *     {@link #EARLIEST} to {@link #LATEST}
 * @param value the value; finite
 * @since 0.1
 */
public record MetricSample(MetricQuery query, String uuid, Instant timestamp, double value) {
  /** The uuid of a sample of an aggregated metric. */
  public static final String AGGREGATED = "";

  /**
   * The earliest timestamp a sample may carry, 1677-09-21T00:12:43.145224193Z: nanoseconds since
   * the epoch must fit a {@code long} (one more than {@link Long#MIN_VALUE}, which policies may use
   * as "no time"), so that policies can compute with them.
   */
  public static final Instant EARLIEST = Instant.ofEpochSecond(0, Long.MIN_VALUE + 1);

  /**
   * The latest timestamp a sample may carry, 2262-04-11T23:47:16.854775807Z ({@link
   * Long#MAX_VALUE} nanoseconds since the epoch).
   */
  public static final Instant LATEST = Instant.ofEpochSecond(0, Long.MAX_VALUE);

  /**
   * Validates the components.
   *
   * @param query the stream the sample belongs to
   * @param uuid the instance uuid for per-instance metrics, or {@link #AGGREGATED} for aggregated ones
   * @param timestamp when the value was measured (event time, taken from the metric's own key); from
   *     {@link #EARLIEST} to {@link #LATEST}
   * @param value the value; finite
   * @throws IllegalArgumentException if {@code value} is not finite or {@code timestamp} lies
   *     outside {@link #EARLIEST}..{@link #LATEST}
   */
  public MetricSample {
    Objects.requireNonNull(query, "query");
    Objects.requireNonNull(uuid, "uuid");
    Objects.requireNonNull(timestamp, "timestamp");
    if (!inRange(timestamp)) {
      throw new IllegalArgumentException("metric timestamp " + timestamp + " is outside " + EARLIEST
          + ".." + LATEST + " (nanoseconds since the epoch must fit a long)");
    }
    if (!Double.isFinite(value)) {
      throw new IllegalArgumentException("metric value must be finite: " + value);
    }
  }

  /**
   * Tells whether a timestamp can be a sample's.
   *
   * @param timestamp the timestamp
   * @return true if it lies in {@link #EARLIEST}..{@link #LATEST}
   */
  public static boolean inRange(Instant timestamp) {
    return !timestamp.isBefore(EARLIEST) && !timestamp.isAfter(LATEST);
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
