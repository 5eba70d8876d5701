package io.dynamite.core.config;

import io.dynamite.api.MetricQuery;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * One validated {@code Dynamite.ScalingPolicy.<name>} entry.
 *
 * @param name the policy key
 * @param type the provider type: the entry's {@code type:} key, or {@code threshold}
 * @param query the stream built from {@code service_type}, {@code metric} and {@code
 *     metric_aggregated}, or null if the entry names no metric (allowed for plugin types only)
 * @param settings every key of the entry as parsed, in file order
 * @since 0.1
 */
public record PolicyConfig(
    String name, String type, @Nullable MetricQuery query, Map<String, Object> settings) {

  /** The type of entries without a {@code type:} key: the original threshold rule. */
  public static final String DEFAULT_TYPE = "threshold";

  /**
   * Validates and copies the components.
   *
   * @param name the policy key
   * @param type the provider type: the entry's {@code type:} key, or {@code threshold}
   * @param query the stream built from {@code service_type}, {@code metric} and {@code
   *     metric_aggregated}, or null if the entry names no metric (allowed for plugin types only)
   * @param settings every key of the entry as parsed, in file order
   */
  public PolicyConfig {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(type, "type");
    settings = Collections.unmodifiableMap(new LinkedHashMap<>(settings));
  }

  /**
   * Reads the {@code direction} setting of a policy listed under a service's {@code policies:}.
   *
   * @param settings the entry's settings
   * @return up or down, if the setting is {@code up} or {@code down}
   */
  public static Optional<io.dynamite.api.Direction> direction(Map<String, Object> settings) {
    Object d = settings.get("direction");
    if ("up".equals(d)) {
      return Optional.of(io.dynamite.api.Direction.UP);
    }
    if ("down".equals(d)) {
      return Optional.of(io.dynamite.api.Direction.DOWN);
    }
    return Optional.empty();
  }

  /**
   * Returns the query.
   *
   * @return the metric stream, if any
   */
  public Optional<MetricQuery> metricQuery() {
    return Optional.ofNullable(query);
  }
}
