package io.dynamite.sim;

import java.util.Locale;

/**
 * What the simulated service reports under a metric name.
 *
 * @since 0.3
 */
public enum MetricKind {
  /**
   * CPU-like utilization in percent: per instance its share of the demand divided by its capacity;
   * aggregated, the service's demand divided by the capacity of its serving instances. Capped at
   * {@link ServiceModel#utilizationCap()}.
   */
  UTILIZATION,
  /** Mean response time in milliseconds from the M/M/c approximation; the same for every instance. */
  LATENCY,
  /** Demand in the trace's unit: per instance its share, aggregated the total. */
  DEMAND;

  /**
   * The kind a metric name gets when none is configured: {@link #LATENCY} for names containing
   * {@code latency} or {@code response_time}, {@link #UTILIZATION} otherwise.
   *
   * @param metric the metric name as configured
   * @return the kind
   */
  public static MetricKind guess(String metric) {
    String m = metric.toLowerCase(Locale.ROOT);
    return m.contains("latency") || m.contains("response_time") ? LATENCY : UTILIZATION;
  }

  /**
   * Parses {@code utilization}, {@code latency} or {@code demand}, in any case.
   *
   * @param s the text
   * @return the kind
   * @throws IllegalArgumentException if unknown
   */
  public static MetricKind parse(String s) {
    try {
      return valueOf(s.strip().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("unknown metric kind '" + s + "'; known: utilization, latency, demand", e);
    }
  }
}
