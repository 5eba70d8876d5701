package io.dynamite.core.config;

import io.dynamite.api.ConfigException;
import io.dynamite.api.ConfigProblem;
import io.dynamite.api.Direction;
import io.dynamite.api.MetricQuery;
import io.dynamite.api.PolicySpec;
import io.dynamite.api.ServiceId;
import io.dynamite.api.spi.PluginContext;
import io.dynamite.api.spi.ScalingPolicyProvider;
import io.dynamite.api.state.UnitDefinition;
import io.dynamite.core.policy.ThresholdPolicyProvider;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The one set of checks every configuration passes, whether it was written in YAML ({@link
 * ConfigLoader}), built in code ({@link DynamiteConfig#builder()}) or assembled from records by
 * hand ({@link ConfigLoader#validate(DynamiteConfig)}): each source first turns its input into the
 * document tree the YAML would parse to, so that a mistake is reported with the same YAML path and
 * the same message whichever way it was made. Only where unit files come from differs ({@link
 * UnitSource}).
 *
 * <p>Every problem is collected; {@link #validate} throws one {@link ConfigException} listing all
 * of them, in the order the document is read. Immutable and thread-safe; each call is independent.
 */
final class ConfigValidator {
  /** The most instances a template service may have ({@code max_instance}, {@code min_instance}). */
  static final int MAX_INSTANCES = 10_000;
  /** The most instance numbers a service may reserve: {@code max_instance * ports_per_instance}. */
  static final int MAX_NUMBERS = 65_536;

  static final String ROOT = "Dynamite";
  private static final String FLEET = ROOT + ".FleetAPIEndpoint";
  private static final String ETCD = ROOT + ".ETCD";
  private static final String SERVICES = ROOT + ".Service";
  private static final String POLICIES = ROOT + ".ScalingPolicy";
  private static final String POLICY_REF_KEY = "ScalingPolicy";

  private static final Set<String> ROOT_KEYS =
      orderedSet("ServiceFiles", "FleetAPIEndpoint", "ETCD", "Service", "ScalingPolicy", "MetricSource", "Target");
  /** The original's samples carry the ip/port keys commented out; it ignored them, so do we. */
  private static final Set<String> ETCD_KEYS = orderedSet(
      "application_base_path", "metrics_base_path", "ip_api_endpoint", "port_api_endpoint");
  static final Set<String> SERVICE_KEYS = orderedSet("name_of_unit_file", "type",
      "min_instance", "max_instance", "base_instance_prefix_number", "ports_per_instance",
      "attached_service", "service_dependency", "scale_up_policy", "scale_down_policy", "policies",
      "adopt_unknown");
  private static final Set<String> THRESHOLD_KEYS = orderedSet("type", "service_type", "metric",
      "metric_aggregated", "comparative_operator", "threshold", "threshold_unit", "period",
      "period_unit", "cooldown_period", "cooldown_period_unit", "legacy_rule", "direction", "max_sample_age",
      "on_missing");
  /** Keys the validator itself reads from every policy entry, whatever its type. */
  private static final Set<String> COMMON_POLICY_KEYS =
      orderedSet("type", "service_type", "metric", "metric_aggregated", "direction");
  /** systemd's unit name characters minus {@code @} and {@code \}: service keys name units. */
  private static final Pattern SERVICE_NAME = Pattern.compile("[A-Za-z0-9:_.\\-]+");
  private static final Pattern HOST = Pattern.compile("[A-Za-z0-9._:\\-\\[\\]%]+");
  /** The service id unreferenced policies are validated with; it only shows in plugin ids. */
  private static final String UNREFERENCED = "(unreferenced)";

  private final Map<String, ScalingPolicyProvider> providers;
  /** Policy type aliases to their canonical type ({@link ScalingPolicyProvider#aliases()}). */
  private final Map<String, String> aliases = new TreeMap<>();
  /** Metric-source and target types a configuration may select, with the keys each accepts. */
  private final Map<String, Set<String>> sourceTypes;
  private final Map<String, Set<String>> targetTypes;
  private final Clock clock;

  /**
   * @param providers the policy types a configuration may use, by type
   * @param sourceTypes the metric-source types a {@code MetricSource:} section may select, with
   *     the settings keys each accepts (empty: any)
   * @param targetTypes the same for {@code Target:}
   * @param clock handed to policy providers' {@code validate}
   */
  ConfigValidator(Map<String, ScalingPolicyProvider> providers, Map<String, Set<String>> sourceTypes,
      Map<String, Set<String>> targetTypes, Clock clock) {
    this.providers = Collections.unmodifiableMap(new TreeMap<>(providers));
    for (ScalingPolicyProvider p : this.providers.values()) {
      for (String alias : p.aliases()) {
        if (!this.providers.containsKey(alias)) {
          aliases.putIfAbsent(alias, p.type());
        }
      }
    }
    this.sourceTypes = Collections.unmodifiableMap(new TreeMap<>(sourceTypes));
    this.targetTypes = Collections.unmodifiableMap(new TreeMap<>(targetTypes));
    this.clock = clock;
  }

  /** Returns the policy types this validator accepts, sorted, without their aliases. */
  Set<String> policyTypes() {
    return providers.keySet();
  }

  /** The provider of a type name or alias, or null. */
  private @Nullable ScalingPolicyProvider provider(String typeOrAlias) {
    ScalingPolicyProvider p = providers.get(typeOrAlias);
    if (p == null && aliases.containsKey(typeOrAlias)) {
      p = providers.get(aliases.get(typeOrAlias));
    }
    return p;
  }

  /**
   * Validates a document tree as the YAML parses to ({@code {"Dynamite": {...}}}) and builds the
   * configuration.
   *
   * @param root the document
   * @param units where unit files come from
   * @return the configuration
   * @throws ConfigException listing every problem found
   */
  DynamiteConfig validate(@Nullable Object root, UnitSource units) {
    return new Run(units).validate(root);
  }

  /** A service entry after its own checks, before the cross-entry checks. */
  private record ServiceDraft(
      String name,
      String path,
      Map<?, ?> entry,
      @Nullable String unitFile,
      @Nullable String type,
      int minInstance,
      @Nullable Integer maxInstance,
      @Nullable Integer base,
      @Nullable Integer portsPerInstance,
      List<String> attached,
      List<String> dependencies,
      @Nullable String up,
      @Nullable String down,
      List<String> policies,
      boolean adoptUnknown) {

    boolean isAttached() {
      return ServiceConfig.ATTACHED_TYPE.equals(type);
    }

    boolean isTemplate() {
      return unitFile != null && unitFile.contains("@");
    }
  }

  /** A policy entry after its own checks; {@code reported} holds the paths already reported. */
  private record PolicyDraft(
      String name,
      String path,
      Map<?, ?> entry,
      String type,
      @Nullable ScalingPolicyProvider provider,
      @Nullable MetricQuery query,
      Set<String> reported) {}

  /** One attachment of a policy to a service, as its provider is asked to validate it. */
  private record Use(ServiceId service, @Nullable Direction direction, String id) {}

  /** State of one validation; confined to the calling thread. */
  private final class Run {
    final UnitSource units;
    final YamlTree t = new YamlTree();

    Run(UnitSource units) {
      this.units = units;
    }

    DynamiteConfig validate(@Nullable Object root) {
      if (!(root instanceof Map<?, ?> top) || !top.containsKey(ROOT)) {
        throw new ConfigException(ROOT, "the document must be a mapping with the top-level key '"
            + ROOT + "', found " + (root instanceof Map<?, ?> ? "a mapping without it" : YamlTree.describe(root)));
      }
      for (Object k : top.keySet()) {
        if (!ROOT.equals(k)) {
          t.problem(String.valueOf(k), "unknown key; the only top-level key is " + ROOT);
        }
      }
      Map<?, ?> dyn = t.mapping(top.get(ROOT), ROOT, "a mapping");
      if (dyn == null) {
        throw new ConfigException(t.problems);
      }
      t.knownKeys(dyn, ROOT, ROOT_KEYS);

      units.prepare(dyn, t);
      DynamiteConfig.FleetEndpoint fleet = fleet(dyn);
      String[] etcd = etcd(dyn);
      Map<String, PolicyDraft> policies = policies(dyn);
      Map<String, ServiceDraft> services = services(dyn);
      units.checkAvailable(!services.isEmpty(), t);
      crossCheck(services, policies);
      List<UnitSource.Ref> refs = new ArrayList<>();
      for (ServiceDraft s : services.values()) {
        if (s.unitFile() != null) {
          refs.add(new UnitSource.Ref(s.name(), s.path(), s.unitFile()));
        }
      }
      Map<String, UnitDefinition> unitDefs = units.resolve(refs, t);
      validatePolicies(policies, services);
      pluginSection(dyn, "MetricSource", sourceTypes, "metric source");
      pluginSection(dyn, "Target", targetTypes, "target");

      if (!t.problems.isEmpty()) {
        throw new ConfigException(t.problems);
      }
      return build(top, units.folders(), fleet, etcd, services, policies, unitDefs);
    }

    // ---- MetricSource, Target ----------------------------------------------------------------

    /** Checks an optional {@code MetricSource:}/{@code Target:} section: a known type and the keys its provider declares. */
    private void pluginSection(Map<?, ?> dyn, String key, Map<String, Set<String>> known, String kind) {
      Object raw = dyn.get(key);
      if (raw == null) {
        return;
      }
      String path = ROOT + "." + key;
      Map<?, ?> m = t.mapping(raw, path, "a mapping with a type and the " + kind + "'s settings");
      if (m == null) {
        return;
      }
      String type = t.string(m, "type", path, true);
      if (type == null) {
        return;
      }
      Set<String> keys = known.get(type);
      if (keys == null) {
        t.problem(path + ".type", "unknown " + kind + " type '" + type + "'; known types: "
            + String.join(", ", known.keySet()) + " (plugins are loaded from --plugins)");
      } else if (!keys.isEmpty()) {
        Set<String> allowed = new LinkedHashSet<>();
        allowed.add("type");
        allowed.addAll(keys);
        t.knownKeys(m, path, allowed);
      }
    }

    // ---- FleetAPIEndpoint and ETCD -----------------------------------------------------------

    private DynamiteConfig.@Nullable FleetEndpoint fleet(Map<?, ?> dyn) {
      // Optional, unlike in the original (defect B4): the fleet address normally comes from code.
      Object raw = dyn.get("FleetAPIEndpoint");
      if (raw == null) {
        return null;
      }
      Map<?, ?> m = t.mapping(raw, FLEET, "a mapping with the keys ip and port");
      if (m == null) {
        return null;
      }
      t.knownKeys(m, FLEET, orderedSet("ip", "port"));
      String ip = t.string(m, "ip", FLEET, true);
      if (ip != null && !HOST.matcher(ip).matches()) {
        t.problem(FLEET + ".ip", "expected a host name or IP address, found " + YamlTree.describe(ip));
        ip = null;
      }
      Integer port = null;
      if (t.require(m, "port", FLEET, "an integer from 1 to 65535")) {
        port = t.integer(m, "port", FLEET, 1, 65535);
      }
      return ip == null || port == null ? null : new DynamiteConfig.FleetEndpoint(ip, port);
    }

    private String[] etcd(Map<?, ?> dyn) {
      String[] out = new String[2];
      if (!t.require(dyn, "ETCD", ROOT, "a mapping with application_base_path and metrics_base_path")) {
        return out;
      }
      Map<?, ?> m = t.mapping(dyn.get("ETCD"), ETCD, "a mapping with application_base_path and metrics_base_path");
      if (m != null) {
        t.knownKeys(m, ETCD, ETCD_KEYS);
        out[0] = t.string(m, "application_base_path", ETCD, true);
        out[1] = t.string(m, "metrics_base_path", ETCD, true);
      }
      return out;
    }

    // ---- ScalingPolicy -----------------------------------------------------------------------

    private Map<String, PolicyDraft> policies(Map<?, ?> dyn) {
      Map<String, PolicyDraft> out = new LinkedHashMap<>();
      if (!dyn.containsKey("ScalingPolicy")) {
        t.problem(POLICIES, "required key is missing; expected a mapping of policy name to policy"
            + " (it may be empty)");
        return out;
      }
      Object raw = dyn.get("ScalingPolicy");
      if (raw == null) {
        return out; // "ScalingPolicy:" with nothing under it: no policies
      }
      Map<?, ?> all = t.mapping(raw, POLICIES, "a mapping of policy name to policy");
      if (all == null) {
        return out;
      }
      for (Map.Entry<?, ?> e : all.entrySet()) {
        String path = YamlTree.path(POLICIES, e.getKey());
        if (!(e.getKey() instanceof String name) || name.isBlank()) {
          t.problem(path, "a policy name must be a non-empty string, found " + YamlTree.describe(e.getKey()));
          continue;
        }
        int before = t.problems.size();
        Map<?, ?> entry = t.mapping(e.getValue(), path, "a mapping of policy settings");
        if (entry == null) {
          continue;
        }
        String type = PolicyConfig.DEFAULT_TYPE;
        ScalingPolicyProvider provider = null;
        if (entry.get("type") != null) {
          String declared = t.string(entry, "type", path, false);
          type = declared == null ? type : declared;
          if (declared != null && provider(declared) == null) {
            t.problem(path + ".type", "unknown policy type '" + declared + "'; known types: "
                + String.join(", ", providers.keySet()));
          } else if (declared != null) {
            provider = provider(declared);
            type = provider.type(); // an alias loads as its canonical type
          }
        } else {
          provider = providers.get(type);
        }
        String serviceType = t.string(entry, "service_type", path, false);
        String metric = t.string(entry, "metric", path, false);
        Boolean aggregated = t.bool(entry, "metric_aggregated", path);
        boolean hasType = entry.get("service_type") != null;
        boolean hasMetric = entry.get("metric") != null;
        if (hasType != hasMetric) {
          String missing = hasType ? "metric" : "service_type";
          t.problem(path + "." + missing, "required key is missing; service_type and metric"
              + " name the metric stream together, so set both or neither");
        }
        MetricQuery query = serviceType != null && metric != null
            ? new MetricQuery(serviceType, metric, aggregated != null && aggregated)
            : null;
        if (provider instanceof ThresholdPolicyProvider) {
          t.knownKeys(entry, path, THRESHOLD_KEYS);
        } else if (provider != null && !provider.settingsKeys().isEmpty()) {
          Set<String> keys = new LinkedHashSet<>(COMMON_POLICY_KEYS);
          keys.addAll(provider.settingsKeys());
          t.knownKeys(entry, path, keys);
        }
        Object direction = entry.get("direction");
        if (direction != null && !"up".equals(direction) && !"down".equals(direction)) {
          t.problem(path + ".direction", "expected up or down, found " + YamlTree.describe(direction));
        }
        Set<String> reported = new HashSet<>();
        for (ConfigProblem p : t.problems.subList(before, t.problems.size())) {
          reported.add(p.path());
        }
        // Providers report a missing stream at one of the two keys; the loader already did.
        if (reported.contains(path + ".service_type") || reported.contains(path + ".metric")) {
          reported.add(path + ".service_type");
          reported.add(path + ".metric");
        }
        out.put(name, new PolicyDraft(name, path, entry, type, provider, query, reported));
      }
      return out;
    }

    // ---- Service -----------------------------------------------------------------------------

    private Map<String, ServiceDraft> services(Map<?, ?> dyn) {
      Map<String, ServiceDraft> out = new LinkedHashMap<>();
      if (!t.require(dyn, "Service", ROOT, "a mapping of service name to service")) {
        return out;
      }
      Map<?, ?> all = t.mapping(dyn.get("Service"), SERVICES, "a mapping of service name to service");
      if (all == null) {
        return out;
      }
      for (Map.Entry<?, ?> e : all.entrySet()) {
        String path = YamlTree.path(SERVICES, e.getKey());
        if (!(e.getKey() instanceof String name) || !SERVICE_NAME.matcher(name).matches()) {
          t.problem(path, "a service name must consist of letters, digits, ':', '_', '.' and '-'"
              + " because it names fleet units and state keys, found " + YamlTree.describe(e.getKey()));
          continue;
        }
        Map<?, ?> entry = t.mapping(e.getValue(), path, "a mapping of service settings");
        if (entry != null) {
          out.put(name, service(name, path, entry));
        }
      }
      return out;
    }

    private ServiceDraft service(String name, String path, Map<?, ?> e) {
      t.knownKeys(e, path, SERVICE_KEYS);
      String unit = t.string(e, "name_of_unit_file", path, true);
      String type = t.string(e, "type", path, false);
      boolean attached = ServiceConfig.ATTACHED_TYPE.equals(type);
      boolean template = unit != null && unit.contains("@");
      // bounded so that the engine's numbering table stays small and its numbers fit an int
      Integer min = t.integer(e, "min_instance", path, 0, MAX_INSTANCES);
      Integer max = t.integer(e, "max_instance", path, 1, MAX_INSTANCES);
      Integer base = t.integer(e, "base_instance_prefix_number", path, 0, Integer.MAX_VALUE);
      Integer ppi = t.integer(e, "ports_per_instance", path, 1, MAX_NUMBERS);
      if (max != null && ppi != null && (long) max * ppi > MAX_NUMBERS) {
        t.problem(path + ".ports_per_instance", "max_instance * ports_per_instance is " + (long) max * ppi
            + "; a service may reserve at most " + MAX_NUMBERS + " instance numbers");
      } else if (max != null && ppi != null && base != null
          && base + (long) max * ppi - 1 > Integer.MAX_VALUE) {
        t.problem(path + ".base_instance_prefix_number", "the last instance number "
            + (base + (long) max * ppi - 1) + " (base_instance_prefix_number + max_instance *"
            + " ports_per_instance - 1) exceeds " + Integer.MAX_VALUE);
      }
      if (min != null && max != null && min > max) {
        t.problem(path + ".min_instance", "min_instance (" + min + ") is greater than max_instance ("
            + max + ")");
      }
      if (min != null && min > 1 && unit != null && !template && !attached) {
        t.problem(path + ".min_instance", "a single-instance service (no '@' in name_of_unit_file)"
            + " runs at most 1 instance, found " + min);
      }
      if (template && !attached) {
        // The original crashed with a TypeError at startup or at the first scale-up (defect B16).
        for (String key : List.of("max_instance", "base_instance_prefix_number", "ports_per_instance")) {
          if (e.get(key) == null) {
            t.problem(path + "." + key, "required key is missing for a template service ('@' in"
                + " name_of_unit_file): instance numbers are base_instance_prefix_number plus"
                + " multiples of ports_per_instance, up to max_instance instances");
          }
        }
      }
      List<String> attachedNames = t.strings(e, "attached_service", path, "service names");
      List<String> deps = t.strings(e, "service_dependency", path, "service names");
      String up = policyRef(e, "scale_up_policy", path);
      String down = policyRef(e, "scale_down_policy", path);
      List<String> listed = t.strings(e, "policies", path, "policy names");
      Boolean adopt = t.bool(e, "adopt_unknown", path);
      if ((adopt != null && attached) || (Boolean.TRUE.equals(adopt) && unit != null && !template)) {
        t.problem(path + ".adopt_unknown", attached
            ? "an attached service's units are adopted with their main unit; set adopt_unknown on"
                + " the service they are attached to"
            : "only template services ('@' in name_of_unit_file) adopt unknown units: a numbered"
                + " unit name is what tells an instance apart");
      }
      if (attached) {
        if (!attachedNames.isEmpty()) {
          t.problem(path + ".attached_service", "an attached service cannot have attached services"
              + " of its own");
        }
        for (String key : List.of("scale_up_policy", "scale_down_policy", "policies")) {
          if (e.get(key) != null) {
            t.problem(path + "." + key, "an attached service is only started and stopped with its"
                + " parent, so it cannot have a scaling policy");
          }
        }
      }
      int effectiveMin = min != null ? min : attached ? 0 : 1;
      return new ServiceDraft(name, path, e, unit, type, effectiveMin, max, base, ppi,
          attachedNames, deps, up, down, listed, adopt == null || adopt);
    }

    private @Nullable String policyRef(Map<?, ?> e, String key, String path) {
      Object raw = e.get(key);
      if (raw == null) {
        return null;
      }
      String p = path + "." + key;
      if (!(raw instanceof Map<?, ?> m)) {
        String hint = raw instanceof String s ? "; write " + key + ": {ScalingPolicy: " + s + "}" : "";
        t.problem(p, "expected a mapping {ScalingPolicy: <policy name>}, found " + YamlTree.describe(raw) + hint);
        return null;
      }
      t.knownKeys(m, p, Set.of(POLICY_REF_KEY));
      if (!m.containsKey(POLICY_REF_KEY)) {
        t.problem(p, "expected a mapping {ScalingPolicy: <policy name>}, but the key ScalingPolicy"
            + " is missing");
        return null;
      }
      return t.string(m, POLICY_REF_KEY, p, true);
    }

    // ---- Cross-entry checks ------------------------------------------------------------------

    private void crossCheck(Map<String, ServiceDraft> services, Map<String, PolicyDraft> policies) {
      for (ServiceDraft s : services.values()) {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < s.attached().size(); i++) {
          String a = s.attached().get(i);
          String p = s.path() + ".attached_service[" + i + "]";
          ServiceDraft target = services.get(a);
          if (!seen.add(a)) {
            t.problem(p, "service '" + a + "' is listed twice");
          } else if (a.equals(s.name())) {
            t.problem(p, "a service cannot be attached to itself");
          } else if (target == null) {
            t.problem(p, "no service '" + a + "' is defined under " + SERVICES);
          } else if (!target.isAttached()) {
            t.problem(p, "service '" + a + "' must have type: " + ServiceConfig.ATTACHED_TYPE
                + " to be attached, its type is " + (target.type() == null ? "not set" : "'" + target.type() + "'"));
          }
        }
        for (int i = 0; i < s.dependencies().size(); i++) {
          String d = s.dependencies().get(i);
          String p = s.path() + ".service_dependency[" + i + "]";
          if (d.equals(s.name())) {
            t.problem(p, "a service cannot depend on itself");
          } else if (!services.containsKey(d)) {
            t.problem(p, "no service '" + d + "' is defined under " + SERVICES);
          }
        }
        checkPolicyRef(s.up(), s.path() + ".scale_up_policy." + POLICY_REF_KEY, policies);
        checkPolicyRef(s.down(), s.path() + ".scale_down_policy." + POLICY_REF_KEY, policies);
        Set<String> listed = new HashSet<>();
        for (int i = 0; i < s.policies().size(); i++) {
          String name = s.policies().get(i);
          String p = s.path() + ".policies[" + i + "]";
          if (!listed.add(name)) {
            t.problem(p, "policy '" + name + "' is listed twice");
          } else if (name.equals(s.up()) || name.equals(s.down())) {
            t.problem(p, "policy '" + name + "' is already attached through scale_up_policy or scale_down_policy");
          } else {
            checkPolicyRef(name, p, policies);
          }
        }
        for (String slot : List.of("scale_up_policy", "scale_down_policy")) {
          String name = slot.equals("scale_up_policy") ? s.up() : s.down();
          PolicyDraft d = name == null ? null : policies.get(name);
          Object dir = d == null ? null : d.entry().get("direction");
          if (dir != null && !dir.equals(slot.equals("scale_up_policy") ? "up" : "down")) {
            t.problem(s.path() + "." + slot + "." + POLICY_REF_KEY, "policy '" + name + "' has direction: " + dir
                + ", which contradicts " + slot);
          }
        }
      }
      checkRanges(services);
    }

    private void checkPolicyRef(@Nullable String name, String path, Map<String, PolicyDraft> policies) {
      if (name != null && !policies.containsKey(name)) {
        t.problem(path, "no policy '" + name + "' is defined under " + POLICIES);
      }
    }

    /**
     * Instance numbers double as host ports (the original's "port trick"), so two template services
     * whose number ranges overlap would compete for the same instance names and ports.
     */
    private void checkRanges(Map<String, ServiceDraft> services) {
      List<ServiceDraft> ranged = new ArrayList<>();
      for (ServiceDraft s : services.values()) {
        if (s.isTemplate() && !s.isAttached() && s.base() != null && s.maxInstance() != null
            && s.portsPerInstance() != null) {
          ranged.add(s);
        }
      }
      // Every overlapping pair, found by a sweep in the order of the ranges' first numbers (time
      // linear in the services and the overlaps, where comparing every pair would take seconds
      // for 10,000 services), then reported in configuration order: at the later service, naming
      // each earlier one.
      int n = ranged.size();
      long[] first = new long[n];
      long[] last = new long[n];
      Integer[] byFirst = new Integer[n];
      for (int i = 0; i < n; i++) {
        first[i] = first(ranged.get(i));
        last[i] = last(ranged.get(i));
        byFirst[i] = i;
      }
      Arrays.sort(byFirst, Comparator.comparingLong((Integer i) -> first[i]));
      List<int[]> overlaps = new ArrayList<>();
      List<Integer> open = new ArrayList<>(); // ranges that start before the current one and may reach it
      for (int b : byFirst) {
        open.removeIf(a -> last[a] < first[b]);
        for (int a : open) {
          overlaps.add(new int[] {Math.max(a, b), Math.min(a, b)});
        }
        open.add(b);
      }
      overlaps.sort(Comparator.comparingInt((int[] p) -> p[0]).thenComparingInt(p -> p[1]));
      for (int[] pair : overlaps) {
        ServiceDraft b = ranged.get(pair[0]);
        ServiceDraft a = ranged.get(pair[1]);
        t.problem(b.path() + ".base_instance_prefix_number", "instance number range " + range(b)
            + " of service '" + b.name() + "' overlaps range " + range(a) + " of service '"
            + a.name() + "'; a range is [base_instance_prefix_number, base_instance_prefix_number"
            + " + max_instance * ports_per_instance - 1]");
      }
    }

    private long first(ServiceDraft s) {
      return Objects.requireNonNull(s.base());
    }

    private long last(ServiceDraft s) {
      return first(s) + (long) Objects.requireNonNull(s.maxInstance())
          * Objects.requireNonNull(s.portsPerInstance()) - 1;
    }

    private String range(ServiceDraft s) {
      return "[" + first(s) + ", " + last(s) + "]";
    }

    // ---- Policy providers --------------------------------------------------------------------

    private void validatePolicies(Map<String, PolicyDraft> policies, Map<String, ServiceDraft> services) {
      Map<String, List<Use>> uses = new LinkedHashMap<>();
      for (ServiceDraft s : services.values()) {
        ServiceId id = ServiceId.of(s.name());
        if (s.up() != null) {
          uses.computeIfAbsent(s.up(), k -> new ArrayList<>()).add(new Use(id, Direction.UP, id + "/up/" + s.up()));
        }
        if (s.down() != null) {
          uses.computeIfAbsent(s.down(), k -> new ArrayList<>()).add(new Use(id, Direction.DOWN, id + "/down/" + s.down()));
        }
        for (String listed : s.policies()) {
          PolicyDraft d = policies.get(listed);
          Direction dir = d == null ? null : PolicyConfig.direction(YamlTree.freezeMap(d.entry())).orElse(null);
          uses.computeIfAbsent(listed, k -> new ArrayList<>()).add(new Use(id, dir, id + "/" + listed));
        }
      }
      for (PolicyDraft d : policies.values()) {
        ScalingPolicyProvider provider = d.provider();
        if (provider == null) {
          continue;
        }
        Map<String, Object> frozen = YamlTree.freezeMap(d.entry());
        Direction unreferenced = PolicyConfig.direction(frozen).orElse(frozen.containsKey("direction") ? null : Direction.UP);
        List<Use> refs = uses.getOrDefault(d.name(), List.of(new Use(ServiceId.of(UNREFERENCED), unreferenced,
            UNREFERENCED + "/" + (unreferenced == null ? "" : unreferenced.name().toLowerCase(java.util.Locale.ROOT) + "/")
                + d.name())));
        // A plugin may check direction-specific settings, so each attachment is validated; the
        // same problem found through two attachments is reported once.
        Set<ConfigProblem> found = new LinkedHashSet<>();
        Map<String, Object> settings = YamlTree.freezeMap(d.entry());
        for (Use ref : refs) {
          PolicySpec spec = new PolicySpec(d.name(), d.type(), ref.service(), ref.direction(), d.query(), settings);
          PluginContext ctx = PluginContext.of(clock, ref.id(), d.type());
          List<ConfigProblem> problems;
          try {
            problems = provider.validate(spec, ctx);
          } catch (ConfigException e) {
            problems = e.problems(); // a provider that throws instead of returning its problems
          }
          for (ConfigProblem p : problems) {
            ConfigProblem located = p.under(d.path());
            // The loader's own type checks already explain these keys; one problem per path.
            if (!d.reported().contains(located.path())) {
              found.add(located);
            }
          }
        }
        t.problems.addAll(found);
      }
    }

    // ---- Result ------------------------------------------------------------------------------

    private DynamiteConfig build(Map<?, ?> top, List<Path> folders,
        DynamiteConfig.@Nullable FleetEndpoint fleet, String[] etcd, Map<String, ServiceDraft> services,
        Map<String, PolicyDraft> policies, Map<String, UnitDefinition> units) {
      Map<ServiceId, ServiceConfig> serviceConfigs = new LinkedHashMap<>();
      for (ServiceDraft s : services.values()) {
        serviceConfigs.put(ServiceId.of(s.name()), new ServiceConfig(
            ServiceId.of(s.name()),
            Objects.requireNonNull(s.unitFile()),
            s.type(),
            s.minInstance(),
            s.maxInstance(),
            s.base(),
            s.portsPerInstance(),
            s.attached().stream().map(ServiceId::of).toList(),
            s.dependencies().stream().map(ServiceId::of).toList(),
            s.up(),
            s.down(),
            Objects.requireNonNull(units.get(s.name())),
            YamlTree.freezeMap(s.entry()),
            s.policies(),
            s.adoptUnknown()));
      }
      Map<String, PolicyConfig> policyConfigs = new LinkedHashMap<>();
      for (PolicyDraft d : policies.values()) {
        policyConfigs.put(d.name(), new PolicyConfig(d.name(), d.type(), d.query(), YamlTree.freezeMap(d.entry())));
      }
      return new DynamiteConfig(YamlTree.freezeMap(top), folders, fleet,
          Objects.requireNonNull(etcd[0]), Objects.requireNonNull(etcd[1]), serviceConfigs, policyConfigs);
    }
  }


  static Set<String> orderedSet(String... keys) {
    return Collections.unmodifiableSet(new LinkedHashSet<>(List.of(keys)));
  }
}
