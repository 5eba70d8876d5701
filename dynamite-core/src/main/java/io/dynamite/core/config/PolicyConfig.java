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
   * Starts building a policy in code, for {@link DynamiteConfig.Builder#policy(PolicyConfig.Builder)}.
   * Every setting stands for the YAML key of the same name; nothing is checked until {@link
   * DynamiteConfig.Builder#build()}, which checks the policy with the rules and messages of the
   * YAML, its provider's included.
   *
   * @param name the policy's name, which services refer to
   * @return a new builder
   * @since 0.3
   */
  public static Builder builder(String name) {
    return new Builder(name);
  }

  /**
   * A policy in code: the {@code Dynamite.ScalingPolicy.<name>} entry a YAML file would hold.
   * Values are what the YAML would parse to: strings, numbers, booleans, lists and maps of them.
   * Not thread-safe; a builder is read when {@link DynamiteConfig.Builder#build()} runs.
   *
   * <pre>{@code
   * PolicyConfig.builder("busy")
   *     .metric("webserver", "cpu_user")
   *     .set("comparative_operator", "gt").set("threshold", 80)
   *     .set("period", 30).set("period_unit", "second")
   * }</pre>
   *
   * @since 0.3
   */
  public static final class Builder {
    private final String name;
    private final Map<String, @Nullable Object> entry = new LinkedHashMap<>();

    private Builder(String name) {
      this.name = Objects.requireNonNull(name, "name");
    }

    /**
     * Returns the policy's name.
     *
     * @return the name given to {@link PolicyConfig#builder}
     */
    public String name() {
      return name;
    }

    /**
     * Sets {@code type}, the provider type (default {@code threshold}).
     *
     * @param type for example {@code target-tracking}, {@code step} or a plugin's type
     * @return this builder
     */
    public Builder type(String type) {
      return set("type", Objects.requireNonNull(type, "type"));
    }

    /**
     * Sets the per-instance metric stream the policy reads: {@code service_type} and {@code
     * metric}, with {@code metric_aggregated} left out (false).
     *
     * @param serviceType the stream's service type
     * @param metric the metric name
     * @return this builder
     */
    public Builder metric(String serviceType, String metric) {
      set("service_type", Objects.requireNonNull(serviceType, "serviceType"));
      set("metric", Objects.requireNonNull(metric, "metric"));
      entry.remove("metric_aggregated");
      return this;
    }

    /**
     * Sets the aggregated metric stream the policy reads: {@code service_type}, {@code metric} and
     * {@code metric_aggregated: true}.
     *
     * @param serviceType the stream's service type
     * @param metric the metric name
     * @return this builder
     */
    public Builder aggregatedMetric(String serviceType, String metric) {
      metric(serviceType, metric);
      return set("metric_aggregated", true);
    }

    /**
     * Sets {@code direction} (for a policy listed under a service's {@code policies:}).
     *
     * @param direction up or down
     * @return this builder
     */
    public Builder direction(io.dynamite.api.Direction direction) {
      return set("direction", Objects.requireNonNull(direction, "direction").name().toLowerCase(java.util.Locale.ROOT));
    }

    /**
     * Sets one key of the entry, as the YAML would hold it.
     *
     * @param key the key, for example {@code threshold}
     * @param value its value: a string, number, boolean, list or map; null as an empty YAML value
     * @return this builder
     */
    public Builder set(String key, @Nullable Object value) {
      entry.put(Objects.requireNonNull(key, "key"), value);
      return this;
    }

    /**
     * Sets several keys, in the map's order; see {@link #set}.
     *
     * @param settings keys and values
     * @return this builder
     */
    public Builder settings(Map<String, ?> settings) {
      Objects.requireNonNull(settings, "settings").forEach(this::set);
      return this;
    }

    /** The entry as the YAML would parse to. */
    Map<String, @Nullable Object> entry() {
      return new LinkedHashMap<>(entry);
    }
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
