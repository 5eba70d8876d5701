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

  /**
   * Starts building a configuration in code: the same sections, keys and checks as the YAML
   * ({@link ConfigLoader}), with each service's unit file given inline instead of found in a
   * folder.
   *
   * <pre>{@code
   * DynamiteConfig config = DynamiteConfig.builder()
   *     .service(ServiceConfig.builder("web")
   *         .unit("web@.service", "[Service]\nExecStart=/usr/bin/web --port %i\n")
   *         .minInstance(1).maxInstance(4)
   *         .baseInstancePrefixNumber(8000).portsPerInstance(1)
   *         .scaleUpPolicy("busy"))
   *     .policy(PolicyConfig.builder("busy")
   *         .metric("webserver", "cpu_user")
   *         .set("comparative_operator", "gt").set("threshold", 80)
   *         .set("period", 30).set("period_unit", "second"))
   *     .build();
   * }</pre>
   *
   * @return a new builder
   * @since 0.3
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Builds a {@link DynamiteConfig} in code. {@link #build()} turns what was set into the document
   * the equivalent YAML would parse to and checks it with the loader's validator, so every
   * mistake is reported at once, with the YAML path and the message the YAML would get (for
   * example {@code Dynamite.Service.web.min_instance: min_instance (5) is greater than
   * max_instance (2)}). Not thread-safe; a builder may build several configurations.
   *
   * @since 0.3
   */
  public static final class Builder {
    private final Map<String, ServiceConfig.Builder> services = new LinkedHashMap<>();
    private final Map<String, Object> policies = new LinkedHashMap<>();
    private final ConfigLoader.Builder types = ConfigLoader.builder();
    private @Nullable Map<String, Object> fleet;
    private String applicationBasePath = "/services";
    private String metricsBasePath = "/metrics";
    private @Nullable Map<String, Object> metricSource;
    private @Nullable Map<String, Object> target;

    private Builder() {}

    /**
     * Sets {@code ETCD}: where the original's etcd layout keeps registrations and metrics. Default
     * {@code /services} and {@code /metrics}, the original's values.
     *
     * @param applicationBasePath {@code application_base_path}
     * @param metricsBasePath {@code metrics_base_path}
     * @return this builder
     */
    public Builder etcd(String applicationBasePath, String metricsBasePath) {
      this.applicationBasePath = Objects.requireNonNull(applicationBasePath, "applicationBasePath");
      this.metricsBasePath = Objects.requireNonNull(metricsBasePath, "metricsBasePath");
      return this;
    }

    /**
     * Sets {@code FleetAPIEndpoint}; absent by default.
     *
     * @param ip host name or address
     * @param port TCP port
     * @return this builder
     */
    public Builder fleet(String ip, int port) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("ip", Objects.requireNonNull(ip, "ip"));
      m.put("port", port);
      this.fleet = m;
      return this;
    }

    /**
     * Adds a service, after those added before.
     *
     * @param service the service
     * @return this builder
     * @throws IllegalArgumentException if a service of that name was added before
     */
    public Builder service(ServiceConfig.Builder service) {
      Objects.requireNonNull(service, "service");
      if (services.putIfAbsent(service.name(), service) != null) {
        throw new IllegalArgumentException("service '" + service.name() + "' was added twice");
      }
      return this;
    }

    /**
     * Adds a policy, after those added before.
     *
     * @param policy the policy
     * @return this builder
     * @throws IllegalArgumentException if a policy of that name was added before
     */
    public Builder policy(PolicyConfig.Builder policy) {
      Objects.requireNonNull(policy, "policy");
      return addPolicy(policy.name(), policy);
    }

    /**
     * Adds a policy given as its YAML entry.
     *
     * @param name the policy's name
     * @param settings the entry's keys and values, as the YAML would parse to
     * @return this builder
     * @throws IllegalArgumentException if a policy of that name was added before
     */
    public Builder policy(String name, Map<String, ?> settings) {
      return addPolicy(Objects.requireNonNull(name, "name"), new LinkedHashMap<>(Objects.requireNonNull(settings, "settings")));
    }

    private Builder addPolicy(String name, Object policy) {
      if (policies.putIfAbsent(name, policy) != null) {
        throw new IllegalArgumentException("policy '" + name + "' was added twice");
      }
      return this;
    }

    /**
     * Sets the {@code MetricSource} section: which metric-source type the daemon uses.
     *
     * @param type the type, known to the plugins given to this builder (or {@code etcd})
     * @param settings its settings
     * @return this builder
     */
    public Builder metricSource(String type, Map<String, ?> settings) {
      this.metricSource = pluginSection(type, settings);
      return this;
    }

    /**
     * Sets the {@code Target} section: which target type the daemon uses.
     *
     * @param type the type, known to the plugins given to this builder (or {@code fleet})
     * @param settings its settings
     * @return this builder
     */
    public Builder target(String type, Map<String, ?> settings) {
      this.target = pluginSection(type, settings);
      return this;
    }

    private static Map<String, Object> pluginSection(String type, Map<String, ?> settings) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("type", Objects.requireNonNull(type, "type"));
      m.putAll(Objects.requireNonNull(settings, "settings"));
      return m;
    }

    /**
     * Registers a policy type, as {@link ConfigLoader.Builder#policyProvider} does.
     *
     * @param provider the provider
     * @return this builder
     * @throws IllegalArgumentException as {@link ConfigLoader.Builder#policyProvider}
     */
    public Builder policyProvider(io.dynamite.api.spi.ScalingPolicyProvider provider) {
      types.policyProvider(provider);
      return this;
    }

    /**
     * Registers every plugin type of a registry, as {@link ConfigLoader.Builder#plugins} does.
     *
     * @param registry the registry the engine will run with
     * @return this builder
     */
    public Builder plugins(io.dynamite.core.PluginRegistry registry) {
      types.plugins(registry);
      return this;
    }

    /**
     * Registers the policy types found on a class loader, as {@link
     * ConfigLoader.Builder#discoverPlugins} does.
     *
     * @param loader where to look
     * @return this builder
     */
    public Builder discoverPlugins(ClassLoader loader) {
      types.discoverPlugins(loader);
      return this;
    }

    /**
     * Sets the clock handed to policy providers' {@code validate}; default the system UTC clock.
     *
     * @param clock the clock
     * @return this builder
     */
    public Builder clock(java.time.Clock clock) {
      types.clock(clock);
      return this;
    }

    /**
     * Checks everything set and builds the configuration. Its {@link #document()} is the document
     * the equivalent YAML would parse to, with an empty {@code ServiceFiles.PathList}; {@link
     * #serviceFolders()} is empty; each unit's {@link io.dynamite.api.state.UnitDefinition#path()}
     * is {@code <inline>} (or the file given).
     *
     * @return the configuration
     * @throws io.dynamite.api.ConfigException listing every problem, with its YAML path
     */
    public DynamiteConfig build() {
      Map<String, Object> dyn = new LinkedHashMap<>();
      // the section the YAML requires; no folder is read, the units come with the services
      Map<String, Object> files = new LinkedHashMap<>();
      files.put("PathList", List.of());
      dyn.put("ServiceFiles", files);
      if (fleet != null) {
        dyn.put("FleetAPIEndpoint", fleet);
      }
      Map<String, Object> etcd = new LinkedHashMap<>();
      etcd.put("application_base_path", applicationBasePath);
      etcd.put("metrics_base_path", metricsBasePath);
      dyn.put("ETCD", etcd);
      if (metricSource != null) {
        dyn.put("MetricSource", metricSource);
      }
      if (target != null) {
        dyn.put("Target", target);
      }
      Map<String, Object> serviceEntries = new LinkedHashMap<>();
      Map<String, InlineUnit> units = new java.util.HashMap<>();
      for (ServiceConfig.Builder s : services.values()) {
        serviceEntries.put(s.name(), s.entry());
        InlineUnit u = s.inlineUnit();
        if (u != null) {
          units.put(s.name(), u);
        }
      }
      dyn.put("Service", serviceEntries);
      Map<String, Object> policyEntries = new LinkedHashMap<>();
      policies.forEach((name, p) -> policyEntries.put(name, p instanceof PolicyConfig.Builder b ? b.entry() : p));
      dyn.put("ScalingPolicy", policyEntries);
      Map<String, Object> root = new LinkedHashMap<>();
      root.put(ConfigValidator.ROOT, dyn);
      // settings maps come from the caller: a map that contains itself must fail as an alias would
      YamlTree.checkExpansion(root, ConfigLoader.MAX_NESTING_DEPTH, ConfigLoader.MAX_VALUES);
      return types.build().validator().validate(root, new GivenUnits(units, List.of()));
    }
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
