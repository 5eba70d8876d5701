package io.dynamite.api;

import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Which metric stream a policy reads, in the original Dynamite's terms.
 *
 * <p>{@code metric} is either a plain name ({@code cpu_user}) or {@code folder.json.key}: the first
 * segment names the metric folder and the rest, re-joined with dots, is a flat key inside a JSON
 * value ({@code response_time.time_backend_response.p95} reads key {@code
 * time_backend_response.p95} of the JSON stored under folder {@code response_time}).
 *
 * @param serviceType the service type the metrics are filed under (a path segment, not a service
 *     name)
 * @param metric the metric name as configured
 * @param aggregated true for one stream per service type, false for one stream per instance uuid
 * @since 0.1
 */
public record MetricQuery(String serviceType, String metric, boolean aggregated) {
  /**
   * Validates the components.
   *
   * @param serviceType the service type the metrics are filed under (a path segment, not a service
   *     name)
   * @param metric the metric name as configured
   * @param aggregated true for one stream per service type, false for one stream per instance uuid
   */
  public MetricQuery {
    Objects.requireNonNull(serviceType, "serviceType");
    Objects.requireNonNull(metric, "metric");
    if (metric.isEmpty()) {
      throw new IllegalArgumentException("metric must not be empty");
    }
  }

  /**
   * Compares by value, with an identity fast path: the engine looks every sample's query up in a
   * hash map, and sources usually hand back the very query objects they were polled with.
   */
  @Override
  public boolean equals(@Nullable Object o) {
    if (this == o) {
      return true;
    }
    return o instanceof MetricQuery q
        && aggregated == q.aggregated
        && serviceType.equals(q.serviceType)
        && metric.equals(q.metric);
  }

  @Override
  public int hashCode() {
    return (serviceType.hashCode() * 31 + metric.hashCode()) * 31 + Boolean.hashCode(aggregated);
  }

  /**
   * Returns the metric folder: the metric name up to its first dot.
   *
   * @return the folder name
   */
  public String folder() {
    int dot = metric.indexOf('.');
    return dot < 0 ? metric : metric.substring(0, dot);
  }

  /**
   * Returns the flat JSON key after the first dot, if the metric names one.
   *
   * @return the key, or empty for plain numeric values
   */
  public Optional<String> jsonKey() {
    int dot = metric.indexOf('.');
    return dot < 0 || dot == metric.length() - 1
        ? Optional.empty()
        : Optional.of(metric.substring(dot + 1));
  }
}
