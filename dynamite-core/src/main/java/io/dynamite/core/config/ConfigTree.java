package io.dynamite.core.config;

import io.dynamite.api.MetricQuery;
import io.dynamite.api.ServiceId;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Turns a {@link DynamiteConfig} back into the document tree its YAML parses to: the typed
 * components are the truth (a configuration built by hand may carry a {@code document} or {@code
 * raw} map that says otherwise), and the parsed maps only decide how each value is spelled, so
 * that a configuration loaded from YAML turns back into the tree it was loaded from. Stateless.
 */
final class ConfigTree {
  private static final String POLICY_REF_KEY = "ScalingPolicy";

  private ConfigTree() {}

  /**
   * Returns {@code {"Dynamite": {...}}} with the sections in the order the README lists them.
   * From the parsed document it keeps what the records do not hold: the {@code ServiceFiles}
   * section as written (or the configuration's folders, possibly none, when the document has no
   * such section), extra {@code ETCD} keys, and the {@code MetricSource} and {@code Target}
   * sections.
   */
  static Map<String, Object> of(DynamiteConfig c) {
    Map<?, ?> doc = c.document().get(ConfigValidator.ROOT) instanceof Map<?, ?> m ? m : Map.of();
    Map<String, Object> dyn = new LinkedHashMap<>();
    if (doc.containsKey("ServiceFiles")) {
      dyn.put("ServiceFiles", doc.get("ServiceFiles"));
    } else {
      // the section the YAML requires; empty when the units were given in code
      List<String> folders = new ArrayList<>();
      for (Path p : c.serviceFolders()) {
        folders.add(p.toString());
      }
      dyn.put("ServiceFiles", map("PathList", folders));
    }
    if (c.fleetEndpoint() != null) {
      Map<String, Object> fleet = new LinkedHashMap<>();
      fleet.put("ip", c.fleetEndpoint().ip());
      fleet.put("port", c.fleetEndpoint().port());
      dyn.put("FleetAPIEndpoint", fleet);
    }
    Map<String, Object> etcd = new LinkedHashMap<>();
    etcd.put("application_base_path", c.applicationBasePath());
    etcd.put("metrics_base_path", c.metricsBasePath());
    if (doc.get("ETCD") instanceof Map<?, ?> written) {
      written.forEach((k, v) -> etcd.putIfAbsent(String.valueOf(k), v));
    }
    dyn.put("ETCD", etcd);
    for (String section : List.of("MetricSource", "Target")) {
      if (doc.get(section) != null) {
        dyn.put(section, doc.get(section));
      }
    }
    Map<String, Object> services = new LinkedHashMap<>();
    for (ServiceConfig s : c.services().values()) {
      services.put(s.id().name(), service(s));
    }
    dyn.put("Service", services);
    Map<String, Object> policies = new LinkedHashMap<>();
    for (PolicyConfig p : c.policies().values()) {
      policies.put(p.name(), policy(p));
    }
    dyn.put("ScalingPolicy", policies);
    return map(ConfigValidator.ROOT, dyn);
  }

  /** A service entry: every key whose value is not the default, and every key the entry spelled. */
  static Map<String, Object> service(ServiceConfig s) {
    Entry e = new Entry(s.raw());
    e.put("name_of_unit_file", s.unitFileName(), true);
    e.put("type", s.type(), s.type() != null);
    int defaultMin = s.isAttached() ? 0 : 1;
    e.put("min_instance", s.minInstance(), s.minInstance() != defaultMin);
    e.put("max_instance", s.maxInstance(), s.maxInstance() != null);
    e.put("base_instance_prefix_number", s.baseNumber(), s.baseNumber() != null);
    e.put("ports_per_instance", s.portsPerInstance(), s.portsPerInstance() != null);
    e.put("attached_service", names(s.attached()), !s.attached().isEmpty());
    e.put("service_dependency", names(s.dependencies()), !s.dependencies().isEmpty());
    e.put("scale_up_policy", ref(s.scaleUpPolicy()), s.scaleUpPolicy() != null);
    e.put("scale_down_policy", ref(s.scaleDownPolicy()), s.scaleDownPolicy() != null);
    e.put("policies", s.policies(), !s.policies().isEmpty());
    e.put("adopt_unknown", s.adoptUnknown(), !s.adoptUnknown());
    return e.out;
  }

  /**
   * A policy entry: its settings, with {@code type} and the metric stream set from the typed
   * components where the settings disagree with them.
   */
  static Map<String, Object> policy(PolicyConfig p) {
    Map<String, Object> out = new LinkedHashMap<>(p.settings());
    Object type = out.get("type");
    if (type == null ? !PolicyConfig.DEFAULT_TYPE.equals(p.type()) : !p.type().equals(type)) {
      out.put("type", p.type());
    }
    MetricQuery q = p.query();
    if (q == null) {
      // the validator would make a stream of these two keys
      if (out.get("service_type") != null && out.get("metric") != null) {
        out.remove("service_type");
        out.remove("metric");
      }
      return out;
    }
    putIfDifferent(out, "service_type", q.serviceType());
    putIfDifferent(out, "metric", q.metric());
    if (q.aggregated() != Boolean.TRUE.equals(out.get("metric_aggregated"))) {
      out.put("metric_aggregated", q.aggregated());
    }
    return out;
  }

  private static void putIfDifferent(Map<String, Object> m, String key, Object value) {
    if (!value.equals(m.get(key))) {
      m.put(key, value);
    }
  }

  private static List<String> names(List<ServiceId> ids) {
    List<String> out = new ArrayList<>(ids.size());
    for (ServiceId id : ids) {
      out.add(id.name());
    }
    return out;
  }

  private static @Nullable Map<String, Object> ref(@Nullable String policy) {
    return policy == null ? null : map(POLICY_REF_KEY, policy);
  }

  private static Map<String, Object> map(String key, Object value) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put(key, value);
    return m;
  }

  /** Builds one entry, keeping the spelling of the parsed entry where it means the same. */
  private static final class Entry {
    final Map<String, ?> raw;
    final Map<String, Object> out = new LinkedHashMap<>();

    Entry(Map<String, ?> raw) {
      this.raw = raw;
    }

    /**
     * Puts {@code value} when {@code include} is true or the parsed entry has the key; a parsed
     * value that reads as {@code value} is kept as it was written.
     */
    void put(String key, @Nullable Object value, boolean include) {
      if (raw.containsKey(key) && same(raw.get(key), value)) {
        out.put(key, raw.get(key));
      } else if (include || raw.containsKey(key)) {
        out.put(key, value);
      }
    }

    /** Whether a parsed value reads as a typed one: equal, an absent list, or the same integer. */
    private static boolean same(@Nullable Object parsed, @Nullable Object typed) {
      if (Objects.equals(parsed, typed)) {
        return true;
      }
      if (parsed == null) {
        return typed instanceof List<?> l && l.isEmpty();
      }
      return isInteger(parsed) && isInteger(typed) && integer(parsed).equals(integer(typed));
    }

    private static boolean isInteger(@Nullable Object v) {
      return v instanceof Integer || v instanceof Long || v instanceof BigInteger;
    }

    private static BigInteger integer(@Nullable Object v) {
      return v instanceof BigInteger b ? b : BigInteger.valueOf(((Number) Objects.requireNonNull(v)).longValue());
    }
  }
}
