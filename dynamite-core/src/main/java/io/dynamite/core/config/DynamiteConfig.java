package io.dynamite.core.config;

import io.dynamite.api.ServiceId;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A loaded and fully validated Dynamite configuration. Immutable and thread-safe.
 *
 * @param document the whole YAML document as parsed ({@code {"Dynamite": {...}}}), as stored in
 *     the state store
 * @param serviceFolders the folders unit files were looked up in (YAML {@code PathList} merged
 *     with extra folders), absolute
 * @param fleetEndpoint {@code FleetAPIEndpoint}, or null when absent
 * @param applicationBasePath {@code ETCD.application_base_path}
 * @param metricsBasePath {@code ETCD.metrics_base_path}
 * @param services every service, in file order
 * @param policies every policy, in file order
 * @since 0.1
 */
public record DynamiteConfig(
    Map<String, Object> document,
    List<Path> serviceFolders,
    @Nullable FleetEndpoint fleetEndpoint,
    String applicationBasePath,
    String metricsBasePath,
    Map<ServiceId, ServiceConfig> services,
    Map<String, PolicyConfig> policies) {

  /**
   * Validates and copies the components, keeping their order.
   *
   * @param document the whole YAML document as parsed ({@code {"Dynamite": {...}}}), as stored in
   *     the state store
   * @param serviceFolders the folders unit files were looked up in (YAML {@code PathList} merged
   *     with extra folders), absolute
   * @param fleetEndpoint {@code FleetAPIEndpoint}, or null when absent
   * @param applicationBasePath {@code ETCD.application_base_path}
   * @param metricsBasePath {@code ETCD.metrics_base_path}
   * @param services every service, in file order
   * @param policies every policy, in file order
   */
  public DynamiteConfig {
    Objects.requireNonNull(applicationBasePath, "applicationBasePath");
    Objects.requireNonNull(metricsBasePath, "metricsBasePath");
    document = Collections.unmodifiableMap(new LinkedHashMap<>(document));
    serviceFolders = List.copyOf(serviceFolders);
    services = Collections.unmodifiableMap(new LinkedHashMap<>(services));
    policies = Collections.unmodifiableMap(new LinkedHashMap<>(policies));
  }

  /** The metric-source type used when the configuration has no {@code MetricSource:} section. */
  public static final String DEFAULT_METRIC_SOURCE = "etcd";

  /** The target type used when the configuration has no {@code Target:} section. */
  public static final String DEFAULT_TARGET = "fleet";

  /**
   * Returns the {@code Dynamite.MetricSource} section: which metric-source type to use and its
   * settings. Absent means the original's metrics in etcd.
   *
   * @return the section, validated by the loader, if present
   */
  public Optional<PluginSection> metricSource() {
    return section("MetricSource");
  }

  /**
   * Returns the {@code Dynamite.Target} section: which target type runs the instances and its
   * settings. Absent means fleet.
   *
   * @return the section, validated by the loader, if present
   */
  public Optional<PluginSection> target() {
    return section("Target");
  }

  private Optional<PluginSection> section(String key) {
    if (!(document.get("Dynamite") instanceof Map<?, ?> root) || !(root.get(key) instanceof Map<?, ?> m)
        || !(m.get("type") instanceof String type)) {
      return Optional.empty();
    }
    Map<String, Object> settings = new java.util.LinkedHashMap<>();
    m.forEach((k, v) -> {
      if (!"type".equals(k)) {
        settings.put(String.valueOf(k), v);
      }
    });
    return Optional.of(new PluginSection(type, settings));
  }

  /**
   * A {@code MetricSource:} or {@code Target:} section.
   *
   * @param type the provider type
   * @param settings every other key of the section, in file order
   */
  public record PluginSection(String type, Map<String, Object> settings) {
    /**
     * Validates and copies the components.
     *
     * @param type the provider type
     * @param settings every other key of the section, in file order
     */
    public PluginSection {
      java.util.Objects.requireNonNull(type, "type");
      settings = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(settings));
    }
  }

  /**
   * Returns the fleet endpoint.
   *
   * @return the endpoint from the file, if any
   */
  public Optional<FleetEndpoint> fleet() {
    return Optional.ofNullable(fleetEndpoint);
  }

  /**
   * Returns the services that are scaled on their own (not attached services), in file order.
   *
   * @return the scalable services
   */
  public List<ServiceConfig> scalableServices() {
    List<ServiceConfig> out = new ArrayList<>();
    for (ServiceConfig s : services.values()) {
      if (!s.isAttached()) {
        out.add(s);
      }
    }
    return out;
  }

  /**
   * Returns one service.
   *
   * @param id the service key
   * @return the service
   * @throws IllegalArgumentException if unknown
   */
  public ServiceConfig service(ServiceId id) {
    ServiceConfig s = services.get(id);
    if (s == null) {
      throw new IllegalArgumentException("unknown service " + id);
    }
    return s;
  }

  /**
   * The {@code FleetAPIEndpoint} mapping.
   *
   * @param ip host or address
   * @param port TCP port
   */
  public record FleetEndpoint(String ip, int port) {
    /**
     * Validates.
     *
     * @param ip host or address
     * @param port TCP port
     */
    public FleetEndpoint {
      Objects.requireNonNull(ip, "ip");
    }

    /**
     * Returns the base URL of fleet's API v1 at this endpoint.
     *
     * @return {@code http://<ip>:<port>/fleet/v1/}
     */
    public String baseUrl() {
      return "http://" + ip + ":" + port + "/fleet/v1/";
    }
  }
}
