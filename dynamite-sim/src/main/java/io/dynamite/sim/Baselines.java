package io.dynamite.sim;

import io.dynamite.api.MetricQuery;
import io.dynamite.api.ServiceId;
import io.dynamite.core.config.DynamiteConfig;
import io.dynamite.core.config.PolicyConfig;
import io.dynamite.core.config.ServiceConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Built-in comparison configurations, derived from a user's configuration so that they scale the
 * same service between the same bounds: how would Kubernetes' HPA defaults do, and how did the
 * original Dynamite's threshold rule do? Run them with {@link Simulation} like any configuration.
 *
 * <p>Both keep the service's unit, numbering, attached services and {@code min_instance}/{@code
 * max_instance}; only its policies are replaced. Stateless; thread-safe.
 *
 * @since 0.3
 */
public final class Baselines {
  /** The default target of the HPA baseline, 60 % CPU utilization. */
  public static final int DEFAULT_HPA_TARGET = 60;

  /** The metric the HPA baseline's policy reads: per-instance CPU-like utilization in percent. */
  public static final String HPA_METRIC = "cpu_utilization";

  private Baselines() {}

  /**
   * The service scaled by one {@code target-tracking} policy with every setting at its default,
   * which are the Kubernetes HPA's defaults (tolerance 0.1; scale-up without a window, at most 4
   * instances or 100 % per 15 s; scale-down after a 300-s window, at most 100 % per 15 s), keeping
   * the per-instance {@link #HPA_METRIC} at {@code targetPercent} percent.
   *
   * @param config the user's configuration
   * @param service the service key, or null for the only scalable one
   * @param targetPercent the utilization target, 1..100
   * @return a configuration whose service has only that policy
   * @throws IllegalArgumentException if the service cannot be chosen or the target is out of range
   */
  public static DynamiteConfig hpa(DynamiteConfig config, @Nullable String service, int targetPercent) {
    if (targetPercent < 1 || targetPercent > 100) {
      throw new IllegalArgumentException("the HPA target must be a percentage from 1 to 100, got " + targetPercent);
    }
    ServiceConfig s = Simulation.scalableService(config, service);
    String type = s.type() != null ? s.type() : s.id().name();
    String name = freeName(config, "hpa_baseline");
    Map<String, Object> settings = new LinkedHashMap<>();
    settings.put("type", "target-tracking");
    settings.put("service_type", type);
    settings.put("metric", HPA_METRIC);
    settings.put("metric_aggregated", false);
    settings.put("target", targetPercent);
    Map<String, PolicyConfig> policies = new LinkedHashMap<>(config.policies());
    policies.put(name, new PolicyConfig(name, "target-tracking", new MetricQuery(type, HPA_METRIC, false), settings));
    return with(config, withPolicies(s, null, null, List.of(name)), policies);
  }

  /**
   * The service scaled by its own threshold policies (those in its {@code scale_up_policy} and
   * {@code scale_down_policy} slots and the {@code threshold} entries of its {@code policies:}
   * list) in legacy mode ({@code legacy_rule: true}): the original Dynamite's rule, defect B7
   * included. Other policies are dropped. For the original's routing as well, run it with {@link
   * Simulation.Builder#legacyRouting(boolean)}.
   *
   * @param config the user's configuration
   * @param service the service key, or null for the only scalable one
   * @return a configuration whose service has only its threshold policies, in legacy mode
   * @throws IllegalArgumentException if the service cannot be chosen or has no threshold policy
   */
  public static DynamiteConfig original(DynamiteConfig config, @Nullable String service) {
    ServiceConfig s = Simulation.scalableService(config, service);
    Map<String, PolicyConfig> policies = new LinkedHashMap<>(config.policies());
    String up = legacy(s.scaleUpPolicy(), policies);
    String down = legacy(s.scaleDownPolicy(), policies);
    List<String> listed = new ArrayList<>();
    for (String p : s.policies()) {
      if (legacy(p, policies) != null) {
        listed.add(p);
      }
    }
    if (up == null && down == null && listed.isEmpty()) {
      throw new IllegalArgumentException("service '" + s.id().name() + "' has no threshold policy (in scale_up_policy, "
          + "scale_down_policy or a threshold entry of policies:) to rebuild the original rule from");
    }
    return with(config, withPolicies(s, up, down, listed), policies);
  }

  /**
   * Tells whether {@link #original} can be built for the service.
   *
   * @param config the configuration
   * @param service the service key, or null for the only scalable one
   * @return true if the service has a threshold policy
   * @throws IllegalArgumentException if the service cannot be chosen
   */
  public static boolean hasThresholdPolicy(DynamiteConfig config, @Nullable String service) {
    ServiceConfig s = Simulation.scalableService(config, service);
    List<String> names = new ArrayList<>(s.policies());
    if (s.scaleUpPolicy() != null) {
      names.add(s.scaleUpPolicy());
    }
    if (s.scaleDownPolicy() != null) {
      names.add(s.scaleDownPolicy());
    }
    for (String n : names) {
      PolicyConfig pc = config.policies().get(n);
      if (pc != null && PolicyConfig.DEFAULT_TYPE.equals(pc.type())) {
        return true;
      }
    }
    return false;
  }

  /** Switches a threshold policy to legacy mode in {@code policies}; null if the name is not a threshold policy. */
  private static @Nullable String legacy(@Nullable String name, Map<String, PolicyConfig> policies) {
    if (name == null) {
      return null;
    }
    PolicyConfig pc = policies.get(name);
    if (pc == null || !PolicyConfig.DEFAULT_TYPE.equals(pc.type())) {
      return null;
    }
    Map<String, Object> settings = new LinkedHashMap<>(pc.settings());
    settings.put("legacy_rule", true);
    policies.put(name, new PolicyConfig(pc.name(), pc.type(), pc.query(), settings));
    return name;
  }

  private static String freeName(DynamiteConfig config, String base) {
    String name = base;
    for (int i = 2; config.policies().containsKey(name); i++) {
      name = base + "_" + i;
    }
    return name;
  }

  private static ServiceConfig withPolicies(ServiceConfig s, @Nullable String up, @Nullable String down, List<String> listed) {
    return new ServiceConfig(s.id(), s.unitFileName(), s.type(), s.minInstance(), s.maxInstance(), s.baseNumber(),
        s.portsPerInstance(), s.attached(), s.dependencies(), up, down, s.unit(), s.raw(), listed, s.adoptUnknown());
  }

  private static DynamiteConfig with(DynamiteConfig c, ServiceConfig s, Map<String, PolicyConfig> policies) {
    Map<ServiceId, ServiceConfig> services = new LinkedHashMap<>(c.services());
    services.put(s.id(), s);
    return new DynamiteConfig(c.document(), c.serviceFolders(), c.fleetEndpoint(), c.applicationBasePath(),
        c.metricsBasePath(), services, policies);
  }
}
