package io.dynamite.api;

import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A metric value a source could not use (not a number, missing JSON key, bad timestamp). The
 * engine counts it and logs it once per key; the value itself never reaches a policy.
 *
 * <p>When the source could still tell which stream, uuid and time the value belongs to (its key
 * and timestamp were readable, only the value was not a finite number), it passes that as the
 * {@link Origin}. The engine then also hands the rejection to the policies that read that stream
 * ({@link PolicyInput#rejected()}), so that they can tell an instance that sends NaN from one that
 * sends nothing ({@link MetricHealth#NAN}).
 *
 * @param key where the value was found, for example the etcd key
 * @param reason why it was rejected
 * @param origin the stream, uuid and time of the value, or null when the source cannot tell
 * @since 0.1
 */
public record RejectedSample(String key, String reason, @Nullable Origin origin) {
  /**
   * Validates the components.
   *
   * @param key where the value was found, for example the etcd key
   * @param reason why it was rejected
   * @param origin the stream the value was found under, when known, or null
   */
  public RejectedSample {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(reason, "reason");
  }

  /**
   * Creates a rejection whose stream is unknown, as 0.1 did.
   *
   * @param key where the value was found
   * @param reason why it was rejected
   */
  public RejectedSample(String key, String reason) {
    this(key, reason, null);
  }

  /**
   * Where a rejected value belongs: the same three facts a {@link MetricSample} carries besides
   * its value.
   *
   * @param query the stream
   * @param uuid the instance uuid, or {@link MetricSample#AGGREGATED}
   * @param timestamp when the value was measured; from {@link MetricSample#EARLIEST} to {@link
   *     MetricSample#LATEST}
   * @since 0.3
   */
  public record Origin(MetricQuery query, String uuid, Instant timestamp) {
    /**
     * Validates the components.
     *
     * @param query the stream the value belongs to
     * @param uuid the instance uuid, or {@link MetricSample#AGGREGATED}
     * @param timestamp when the value was measured
     * @throws IllegalArgumentException if {@code timestamp} is out of a sample's range
     */
    public Origin {
      Objects.requireNonNull(query, "query");
      Objects.requireNonNull(uuid, "uuid");
      Objects.requireNonNull(timestamp, "timestamp");
      if (!MetricSample.inRange(timestamp)) {
        throw new IllegalArgumentException("metric timestamp " + timestamp + " is outside " + MetricSample.EARLIEST
            + ".." + MetricSample.LATEST);
      }
    }
  }
}
