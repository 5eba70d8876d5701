package io.dynamite.api;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The engine-kept history of one stream of one policy's metric: one instance uuid of a
 * per-instance metric, or the single series of an aggregated one.
 *
 * <p>A series handed to a policy is a read-only view that is valid only during the {@link
 * io.dynamite.api.spi.ScalingPolicy#evaluate} call it was passed to; copy what you keep. It is not
 * thread-safe.
 *
 * @since 0.2
 */
public interface MetricSeries {
  /**
   * Returns the uuid of the series.
   *
   * @return the instance uuid, or {@link MetricSample#AGGREGATED} for an aggregated metric
   */
  String uuid();

  /**
   * Returns the instance the uuid resolved to through the metric source's registrations.
   *
   * @return the instance, or empty when the uuid is not (yet) registered or belongs to no
   *     instance of the policy's service
   */
  Optional<InstanceId> instance();

  /**
   * Returns the newest value.
   *
   * @return the value of the sample with the newest timestamp
   */
  double latestValue();

  /**
   * Returns the timestamp of the newest value.
   *
   * @return event time of the newest sample
   */
  Instant latestAt();

  /**
   * Returns the samples kept in the engine's window, oldest first; the newest is always kept even
   * when the window length is zero.
   *
   * @return a new immutable list
   */
  List<MetricSample> window();

  /**
   * Tells whether this series belongs to an aggregated metric.
   *
   * @return true if {@link #uuid()} is {@link MetricSample#AGGREGATED}
   */
  default boolean isAggregated() {
    return uuid().isEmpty();
  }
}
