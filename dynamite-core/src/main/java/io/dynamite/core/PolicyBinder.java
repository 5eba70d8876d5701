package io.dynamite.core;

import io.dynamite.api.ConfigException;
import io.dynamite.api.ConfigProblem;
import io.dynamite.api.Direction;
import io.dynamite.api.MetricQuery;
import io.dynamite.api.PolicySpec;
import io.dynamite.api.ServiceId;
import io.dynamite.api.spi.PluginContext;
import io.dynamite.api.spi.ScalingPolicy;
import io.dynamite.api.spi.ScalingPolicyProvider;
import io.dynamite.core.config.DynamiteConfig;
import io.dynamite.core.config.PolicyConfig;
import io.dynamite.core.config.ServiceConfig;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BiFunction;

/**
 * Builds the engine's per-service state from a configuration: one {@link ServiceState} per
 * scalable service, one {@link PolicyBinding} per policy attached to it (the two legacy slots,
 * scale_down first as the original did, then the services' {@code policies:} lists), and one
 * {@link SeriesTable} per service and stream for the policies that read the metric history.
 */
final class PolicyBinder {
  private PolicyBinder() {}

  /** What binding produced: the services in configuration order with their policies and histories. */
  record Bound(Map<ServiceId, ServiceState> services, List<ServiceState> order, List<PolicyBinding> bindings,
      List<SeriesTable> tables) {}

  /**
   * Creates every service's state and every policy instance through its provider.
   *
   * @throws ConfigException with every unknown policy or type and every provider's problem at once
   */
  static Bound bind(DynamiteConfig config, PluginRegistry registry, Clock clock, Duration window,
      BiFunction<String, String, Optional<String>> resolver) {
    Map<ServiceId, ServiceState> services = new LinkedHashMap<>();
    List<ServiceState> order = new ArrayList<>();
    List<PolicyBinding> bindings = new ArrayList<>();
    List<SeriesTable> tables = new ArrayList<>();
    List<ConfigProblem> problems = new ArrayList<>();
    for (ServiceConfig sc : config.scalableServices()) {
      List<ServiceConfig> attached = new ArrayList<>();
      for (ServiceId a : sc.attached()) {
        attached.add(config.service(a));
      }
      ServiceState s = new ServiceState(sc, attached, order.size());
      services.put(sc.id(), s);
      order.add(s);
    }
    Map<MetricQuery, SeriesTable> tableOf = new HashMap<>();
    for (ServiceState s : order) {
      tableOf.clear();
      String base = "Dynamite.Service." + s.id();
      // The original builds scale_down before scale_up for every service; keep that order so that
      // evaluation order (and therefore action order) matches. Policies listed under policies:
      // follow in their order.
      List<Object[]> attachments = new ArrayList<>();
      for (Direction d : new Direction[] {Direction.DOWN, Direction.UP}) {
        s.config.policy(d == Direction.UP).ifPresent(name -> attachments.add(new Object[] {name, d,
            base + (d == Direction.UP ? ".scale_up_policy" : ".scale_down_policy")}));
      }
      for (int i = 0; i < s.config.policies().size(); i++) {
        attachments.add(new Object[] {s.config.policies().get(i), null, base + ".policies[" + i + "]"});
      }
      for (Object[] a : attachments) {
        String name = (String) a[0];
        Direction slot = (Direction) a[1];
        PolicyConfig pc = config.policies().get(name);
        if (pc == null) {
          problems.add(new ConfigProblem((String) a[2], "unknown policy '" + name + "'"));
          continue;
        }
        String path = "Dynamite.ScalingPolicy." + name;
        Optional<ScalingPolicyProvider> provider = registry.policy(pc.type());
        if (provider.isEmpty()) {
          problems.add(new ConfigProblem(path + ".type", "unknown policy type '" + pc.type()
              + "'; known types: " + String.join(", ", registry.policies().keySet())));
          continue;
        }
        Direction direction = slot != null ? slot : PolicyConfig.direction(pc.settings()).orElse(null);
        String id = s.id() + "/" + (slot != null ? slot.name().toLowerCase(Locale.ROOT) + "/" : "") + pc.name();
        PolicySpec spec = new PolicySpec(pc.name(), pc.type(), s.id(), direction, pc.query(), pc.settings());
        try {
          ScalingPolicy policy = Objects.requireNonNull(
              provider.get().create(spec, PluginContext.of(clock, id, pc.type())), "provider returned null");
          SeriesTable table = null;
          if (pc.query() != null && policy.readsMetricHistory()) {
            table = tableOf.computeIfAbsent(pc.query(), q -> new SeriesTable(s, q, window.toNanos(), resolver));
            if (!s.tables.contains(table)) {
              s.tables.add(table);
              tables.add(table);
            }
          }
          PolicyBinding binding = new PolicyBinding(id, pc.name(), direction, s, policy, pc.query(), table);
          s.bindings.add(binding);
          bindings.add(binding);
          s.asksForTime |= overridesNextEvaluation(policy);
          binding.keepsState = keepsState(policy);
        } catch (ConfigException e) {
          for (ConfigProblem p : e.problems()) {
            problems.add(p.under(path));
          }
        }
      }
    }
    if (!problems.isEmpty()) {
      throw new ConfigException(problems);
    }
    for (ServiceState s : order) {
      s.policies = s.bindings.toArray(new PolicyBinding[0]);
    }
    return new Bound(services, order, bindings, tables);
  }

  private static boolean overridesNextEvaluation(ScalingPolicy policy) {
    if (policy instanceof io.dynamite.core.policy.health.MetricHealthGuard g) {
      return g.asksForTime(overridesNextEvaluation(g.delegate()));
    }
    return overrides(policy, "nextEvaluation");
  }

  /** Whether the policy has a state to export: the health guard only forwards its policy's. */
  private static boolean keepsState(ScalingPolicy policy) {
    if (policy instanceof io.dynamite.core.policy.health.MetricHealthGuard g) {
      return keepsState(g.delegate());
    }
    return overrides(policy, "exportState");
  }

  /** Whether the policy overrides one of the SPI's parameterless default methods. */
  private static boolean overrides(ScalingPolicy policy, String method) {
    try {
      return policy.getClass().getMethod(method).getDeclaringClass() != ScalingPolicy.class;
    } catch (NoSuchMethodException e) {
      return true; // cannot tell: ask it every time
    }
  }
}
