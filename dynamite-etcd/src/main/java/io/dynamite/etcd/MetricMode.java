package io.dynamite.etcd;

/**
 * What a metric source does with the metric keys it has read.
 *
 * @since 0.1
 */
public enum MetricMode {
  /**
   * Delete every key of a queried stream once its sample was handed to the engine, as the
   * original Dynamite did. Only one consumer may read a cluster's metrics in this mode.
   */
  CONSUME,
  /** Never delete; the writers' TTLs clean up. Several readers may share the metrics. */
  SHARED
}
