package io.dynamite.api;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Configuration of one policy as it is attached to one service. A policy entry referenced by two
 * services (or in both directions) yields two specs and two independent policy instances, as in
 * the original Dynamite.
 *
 * @param name the policy's key under {@code Dynamite.ScalingPolicy}
 * @param type the provider type; {@code threshold} for entries without {@code type:}
 * @param service the service it scales
 * @param direction the slot it is attached to ({@code scale_up_policy} or {@code
 *     scale_down_policy}), or for a policy listed under a service's {@code policies:} its {@code
 *     direction} setting; null when neither gives one (a policy that decides desired counts needs
 *     none)
 * @param query the metric stream it reads, or null for a policy that reads no metric
 * @param settings every key of the YAML entry as parsed (strings, numbers, booleans, lists, maps),
 *     in file order
 * @since 0.1
 */
public record PolicySpec(
    String name,
    String type,
    ServiceId service,
    @Nullable Direction direction,
    @Nullable MetricQuery query,
    Map<String, Object> settings) {

  /**
   * Validates and copies the components.
   *
   * @param name the policy's key under {@code Dynamite.ScalingPolicy}
   * @param type the provider type; {@code threshold} for entries without {@code type:}
   * @param service the service it scales
   * @param direction the slot it is attached to ({@code scale_up_policy} or {@code
   *     scale_down_policy}), or for a policy listed under a service's {@code policies:} its {@code
   *     direction} setting; null when neither gives one (a policy that decides desired counts needs
   *     none)
   * @param query the metric stream it reads, or null for a policy that reads no metric
   * @param settings every key of the YAML entry as parsed (strings, numbers, booleans, lists, maps),
   *     in file order
   */
  public PolicySpec {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(service, "service");
    settings = Collections.unmodifiableMap(new LinkedHashMap<>(settings));
  }

  /**
   * Returns the query or empty.
   *
   * @return the metric stream, if the policy reads one
   */
  public Optional<MetricQuery> metricQuery() {
    return Optional.ofNullable(query);
  }

  /**
   * Returns the direction.
   *
   * @return the direction, if the attachment gives one
   */
  public java.util.Optional<Direction> directionIfSet() {
    return java.util.Optional.ofNullable(direction);
  }

  /**
   * Returns one raw setting.
   *
   * @param key the YAML key
   * @return its value, or empty when absent or null
   */
  public Optional<Object> setting(String key) {
    return Optional.ofNullable(settings.get(key));
  }
}
