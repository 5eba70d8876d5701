package io.dynamite.core.config;

import io.dynamite.api.ConfigException;
import io.dynamite.api.ConfigProblem;
import io.dynamite.api.Direction;
import io.dynamite.api.MetricQuery;
import io.dynamite.api.PolicySpec;
import io.dynamite.api.ServiceId;
import io.dynamite.api.UnitOption;
import io.dynamite.api.spi.PluginContext;
import io.dynamite.api.spi.ScalingPolicyProvider;
import io.dynamite.api.state.UnitDefinition;
import io.dynamite.core.policy.ThresholdPolicyProvider;
import io.dynamite.core.policy.predictive.PredictivePolicyProvider;
import io.dynamite.core.policy.scheduled.ScheduledPolicyProvider;
import io.dynamite.core.policy.step.StepPolicyProvider;
import io.dynamite.core.policy.tracking.TargetTrackingPolicyProvider;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Parse;
import org.snakeyaml.engine.v2.events.Event;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.schema.CoreSchema;

/**
 * Loads the original Dynamite YAML configuration into a {@link DynamiteConfig}, validating
 * everything up front: a file that loads is complete and consistent, and a file that does not
 * load raises one {@link ConfigException} listing every problem with its YAML path (for example
 * {@code Dynamite.Service.a.max_instance} or {@code Dynamite.ServiceFiles.PathList[0]}).
 *
 * <p>The format, its defaults, its extensions and every check are described in {@code
 * docs/configuration.md}. In short, beyond the original:
 *
 * <ul>
 *   <li>Unknown keys are errors (typos such as {@code cooldown_perod} would otherwise silently
 *       change behaviour), except inside entries of plugin policy types, whose provider owns them.
 *   <li>Relative {@code PathList} entries are resolved against the configuration file's folder
 *       (the original used the process's working directory); extra folders given to the builder
 *       are resolved against the working directory, as the original's {@code --service_folder}.
 *   <li>Unit files of attached services must exist too, and every unit file is parsed at load
 *       time.
 * </ul>
 *
 * <p>Usage:
 *
 * <pre>{@code
 * DynamiteConfig config = ConfigLoader.builder()
 *     .serviceFolder(Path.of("/etc/dynamite/fleet-files"))
 *     .placeholder("<FLEET_IP>", "10.0.0.1")
 *     .build()
 *     .load(Path.of("/etc/dynamite/dynamite.yaml"));
 * }</pre>
 *
 * <p>Immutable and thread-safe; every {@code load} call is independent.
 *
 * @since 0.1
 */
public final class ConfigLoader {
  private static final Logger log = LoggerFactory.getLogger(ConfigLoader.class);

  /** The largest configuration accepted: 10 MiB (bytes of a file, characters of a text). */
  static final int MAX_FILE_BYTES = 10 * 1024 * 1024;
  /** The deepest nesting of mappings and lists accepted, aliases expanded. */
  static final int MAX_NESTING_DEPTH = 100;
  /** The most values (scalars, mappings, lists) the document may expand to through aliases. */
  static final int MAX_VALUES = 100_000;
  /** The most instances a template service may have ({@code max_instance}, {@code min_instance}). */
  static final int MAX_INSTANCES = 10_000;
  /** The most instance numbers a service may reserve: {@code max_instance * ports_per_instance}. */
  static final int MAX_NUMBERS = 65_536;

  private static final String ROOT = "Dynamite";
  private static final String FILES = ROOT + ".ServiceFiles";
  private static final String PATH_LIST = FILES + ".PathList";
  private static final String FLEET = ROOT + ".FleetAPIEndpoint";
  private static final String ETCD = ROOT + ".ETCD";
  private static final String SERVICES = ROOT + ".Service";
  private static final String POLICIES = ROOT + ".ScalingPolicy";
  private static final String POLICY_REF_KEY = "ScalingPolicy";
  /** The problem path of folders given to the builder, named after the original's CLI option. */
  private static final String EXTRA_FOLDER = "service_folder";

  private static final Set<String> ROOT_KEYS =
      orderedSet("ServiceFiles", "FleetAPIEndpoint", "ETCD", "Service", "ScalingPolicy", "MetricSource", "Target");
  /** The original's samples carry the ip/port keys commented out; it ignored them, so do we. */
  private static final Set<String> ETCD_KEYS = orderedSet(
      "application_base_path", "metrics_base_path", "ip_api_endpoint", "port_api_endpoint");
  private static final Set<String> SERVICE_KEYS = orderedSet("name_of_unit_file", "type",
      "min_instance", "max_instance", "base_instance_prefix_number", "ports_per_instance",
      "attached_service", "service_dependency", "scale_up_policy", "scale_down_policy", "policies",
      "adopt_unknown");
  private static final Set<String> THRESHOLD_KEYS = orderedSet("type", "service_type", "metric",
      "metric_aggregated", "comparative_operator", "threshold", "threshold_unit", "period",
      "period_unit", "cooldown_period", "cooldown_period_unit", "legacy_rule", "direction", "max_sample_age",
      "on_missing");
  /** Keys the loader itself reads from every policy entry, whatever its type. */
  private static final Set<String> COMMON_POLICY_KEYS =
      orderedSet("type", "service_type", "metric", "metric_aggregated", "direction");
  /** systemd's unit name characters minus {@code @} and {@code \}: service keys name units. */
  private static final Pattern SERVICE_NAME = Pattern.compile("[A-Za-z0-9:_.\\-]+");
  private static final Pattern HOST = Pattern.compile("[A-Za-z0-9._:\\-\\[\\]%]+");
  private static final Pattern WINDOWS_PATH = Pattern.compile("^[A-Za-z]:\\\\.*");
  /** The service id unreferenced policies are validated with; it only shows in plugin ids. */
  private static final String UNREFERENCED = "(unreferenced)";

  private final List<Path> extraFolders;
  private final Map<String, ScalingPolicyProvider> providers;
  /** Policy type aliases to their canonical type ({@link ScalingPolicyProvider#aliases()}). */
  private final Map<String, String> aliases;
  /** Metric-source and target types a configuration may select; the daemon's built-ins by default. */
  private final Map<String, Set<String>> sourceTypes;
  private final Map<String, Set<String>> targetTypes;
  private final Map<String, String> placeholders;
  private final Clock clock;

  private ConfigLoader(Builder b) {
    this.extraFolders = List.copyOf(b.extraFolders);
    this.providers = new TreeMap<>(b.providers);
    this.aliases = new TreeMap<>(b.aliases);
    this.sourceTypes = new TreeMap<>(b.sourceTypes);
    this.targetTypes = new TreeMap<>(b.targetTypes);
    this.placeholders = new LinkedHashMap<>(b.placeholders);
    this.clock = b.clock;
  }

  /**
   * Starts a builder with no extra folders, no placeholders, the system UTC clock and the built-in
   * {@code threshold}, {@code target-tracking}, {@code step}, {@code schedule} (alias {@code
   * scheduled}) and {@code predictive} policy types.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns the policy types this loader accepts in {@code type:}, without their aliases.
   *
   * @return the type names, sorted; always contains {@code target-tracking} and {@code threshold}
   */
  public Set<String> policyTypes() {
    return Collections.unmodifiableSet(providers.keySet());
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
   * Reads, parses and validates a configuration file (UTF-8). Relative {@code PathList} entries
   * are resolved against the file's folder.
   *
   * @param file the YAML file
   * @return the validated configuration
   * @throws ConfigException listing every problem found; a file that cannot be read is one problem
   *     located at the file's path
   */
  public DynamiteConfig load(Path file) {
    Objects.requireNonNull(file, "file");
    Path abs = file.toAbsolutePath().normalize();
    String text;
    try {
      text = readBounded(abs);
    } catch (NoSuchFileException e) {
      throw new ConfigException(abs.toString(), "configuration file does not exist");
    } catch (IOException e) {
      throw new ConfigException(abs.toString(), "cannot read the configuration file: " + e);
    }
    Path dir = abs.getParent() == null ? abs : abs.getParent();
    return load(text, dir, abs.toString());
  }

  /**
   * Reads a file as UTF-8, refusing one above {@link #MAX_FILE_BYTES} before reading it (and
   * reading at most one byte more, should it grow meanwhile).
   */
  private static String readBounded(Path file) throws IOException {
    long size = Files.size(file);
    if (size > MAX_FILE_BYTES) {
      throw tooLarge(file.toString(), size, "bytes");
    }
    byte[] bytes;
    try (InputStream in = Files.newInputStream(file)) {
      bytes = in.readNBytes(MAX_FILE_BYTES + 1);
    }
    if (bytes.length > MAX_FILE_BYTES) {
      throw tooLarge(file.toString(), bytes.length, "bytes");
    }
    // strict, as Files.readString: malformed UTF-8 is an error, never silently replaced
    return StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT)
        .decode(ByteBuffer.wrap(bytes))
        .toString();
  }

  private static ConfigException tooLarge(String source, long size, String unit) {
    return new ConfigException(source, "the configuration is " + size + " " + unit + "; the limit is "
        + MAX_FILE_BYTES + " " + unit + " (10 MiB)");
  }

  /**
   * Parses and validates configuration text.
   *
   * @param yaml the YAML text
   * @param baseDirectory the folder relative {@code PathList} entries are resolved against
   * @return the validated configuration
   * @throws ConfigException listing every problem found
   */
  public DynamiteConfig load(String yaml, Path baseDirectory) {
    Objects.requireNonNull(yaml, "yaml");
    Objects.requireNonNull(baseDirectory, "baseDirectory");
    return load(yaml, baseDirectory.toAbsolutePath().normalize(), UnitFileParser.TEXT_SOURCE);
  }

  private DynamiteConfig load(String yaml, Path baseDir, String source) {
    String text = yaml;
    // Textual, like the sed call of the original's Docker wrapper, so that a placeholder may stand
    // for any part of a scalar (an unquoted <FLEET_PORT> must become a YAML integer).
    for (Map.Entry<String, String> p : placeholders.entrySet()) {
      text = text.replace(p.getKey(), p.getValue());
    }
    if (text.length() > MAX_FILE_BYTES) {
      throw tooLarge(source, text.length(), "characters");
    }
    Object root = parseYaml(text, source);
    YamlTree.checkExpansion(root, MAX_NESTING_DEPTH, MAX_VALUES);
    DynamiteConfig config = new Run(baseDir).validate(root);
    log.debug("loaded configuration source={} services={} policies={} folders={}", source,
        config.services().size(), config.policies().size(), config.serviceFolders());
    return config;
  }

  private static @Nullable Object parseYaml(String text, String source) {
    LoadSettings settings = LoadSettings.builder()
        .setLabel(source)
        // The YAML 1.2 core schema: true/false, null/~, decimal/octal/hex integers, floats.
        .setSchema(new CoreSchema())
        // PyYAML let a repeated key silently win; here it is an error.
        .setAllowDuplicateKeys(false)
        // the default (3 MiB) would be below the size limit
        .setCodePointLimit(MAX_FILE_BYTES)
        .build();
    try {
      // snakeyaml-engine composes nested nodes recursively: a deep document would overflow the
      // stack, so the nesting is measured on the (iterative) event stream first
      checkNesting(new Parse(settings).parseString(text), source);
      return new Load(settings).loadFromString(text);
    } catch (MarkedYamlEngineException e) {
      String where = e.getProblemMark().or(e::getContextMark)
          .map((Mark m) -> source + ":" + (m.getLine() + 1) + ":" + (m.getColumn() + 1))
          .orElse(source);
      String what = e.getContext() == null ? e.getProblem() : e.getContext() + ", " + e.getProblem();
      throw new ConfigException(where, "invalid YAML: " + what);
    } catch (YamlEngineException e) {
      throw new ConfigException(source, "invalid YAML: " + e.getMessage());
    }
  }

  private static void checkNesting(Iterable<Event> events, String source) {
    int depth = 0;
    for (Event e : events) {
      Event.ID id = e.getEventId();
      if (id == Event.ID.MappingStart || id == Event.ID.SequenceStart) {
        depth++;
        if (depth > MAX_NESTING_DEPTH) {
          String where = e.getStartMark()
              .map((Mark m) -> source + ":" + (m.getLine() + 1) + ":" + (m.getColumn() + 1))
              .orElse(source);
          throw new ConfigException(where, "mappings and lists are nested deeper than the nesting limit of "
              + MAX_NESTING_DEPTH + " levels");
        }
      } else if (id == Event.ID.MappingEnd || id == Event.ID.SequenceEnd) {
        depth--;
      }
    }
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

  /** A folder that unit files are looked up in, with the path its problems are reported at. */
  private record Folder(Path path, String label) {}

  /** State of one load; confined to the calling thread. */
  private final class Run {
    final Path baseDir;
    final YamlTree t = new YamlTree();

    Run(Path baseDir) {
      this.baseDir = baseDir;
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

      int before = t.problems.size();
      List<Folder> folders = folders(dyn);
      Map<String, Path> index = new HashMap<>();
      // A folder problem leaves the index incomplete: "unit file not found" would only be noise.
      boolean folderProblems = t.problems.size() > before;
      boolean indexComplete = index(folders, index) && !folderProblems;
      DynamiteConfig.FleetEndpoint fleet = fleet(dyn);
      String[] etcd = etcd(dyn);
      Map<String, PolicyDraft> policies = policies(dyn);
      Map<String, ServiceDraft> services = services(dyn);
      if (folders.isEmpty() && !services.isEmpty() && !folderProblems) {
        t.problem(PATH_LIST, "no service folder: list at least one folder here or give one to"
            + " ConfigLoader.Builder.serviceFolder (the original's --service_folder)");
        indexComplete = false;
      }
      crossCheck(services, policies);
      Map<String, UnitDefinition> units = units(services, index, indexComplete, folders);
      validatePolicies(policies, services);
      pluginSection(dyn, "MetricSource", sourceTypes, "metric source");
      pluginSection(dyn, "Target", targetTypes, "target");

      if (!t.problems.isEmpty()) {
        throw new ConfigException(t.problems);
      }
      return build(top, folders, fleet, etcd, services, policies, units);
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

    // ---- ServiceFiles ------------------------------------------------------------------------

    private List<Folder> folders(Map<?, ?> dyn) {
      List<Folder> out = new ArrayList<>();
      Set<Path> seen = new HashSet<>();
      Map<?, ?> files = null;
      if (t.require(dyn, "ServiceFiles", ROOT, "a mapping with the key PathList")) {
        files = t.mapping(dyn.get("ServiceFiles"), FILES, "a mapping with the key PathList");
      }
      if (files != null) {
        t.knownKeys(files, FILES, Set.of("PathList"));
        if (!files.containsKey("PathList")) {
          t.problem(PATH_LIST, "required key is missing; expected a list of folders (it may be"
              + " empty when folders are given to the loader)");
        }
        Object list = files.get("PathList");
        if (list != null && !(list instanceof List<?>)) {
          t.problem(PATH_LIST, "expected a list of folders, found " + YamlTree.describe(list));
        } else if (list != null) {
          List<?> entries = (List<?>) list;
          for (int i = 0; i < entries.size(); i++) {
            String label = PATH_LIST + "[" + i + "]";
            Object e = entries.get(i);
            if (!(e instanceof String s) || s.isBlank()) {
              t.problem(label, "expected a folder path, found " + YamlTree.describe(e));
              continue;
            }
            Path p = baseDir.resolve(s).toAbsolutePath().normalize();
            if (checkFolder(p, label, s, true) && seen.add(p)) {
              out.add(new Folder(p, label));
            }
          }
        }
      }
      for (int i = 0; i < extraFolders.size(); i++) {
        Path p = extraFolders.get(i).toAbsolutePath().normalize();
        String label = EXTRA_FOLDER + "[" + i + "]";
        if (checkFolder(p, label, extraFolders.get(i).toString(), false) && seen.add(p)) {
          out.add(new Folder(p, label));
        }
      }
      return out;
    }

    private boolean checkFolder(Path p, String label, String written, boolean fromYaml) {
      if (Files.isDirectory(p)) {
        return true;
      }
      StringBuilder m = new StringBuilder("folder '").append(written).append('\'');
      if (!p.toString().equals(written)) {
        m.append(fromYaml ? " (resolved against the configuration file's folder to " : " (resolved to ")
            .append(p).append(')');
      }
      m.append(Files.exists(p) ? " is not a directory" : " does not exist");
      if (WINDOWS_PATH.matcher(written).matches()) {
        m.append("; it looks like a Windows path");
      }
      t.problem(label, m.toString());
      return false;
    }

    /** Indexes every regular file by name; returns false if some folder could not be listed. */
    private boolean index(List<Folder> folders, Map<String, Path> index) {
      boolean complete = true;
      for (Folder f : folders) {
        List<Path> files;
        try (Stream<Path> s = Files.list(f.path())) {
          files = s.filter(Files::isRegularFile).sorted().toList();
        } catch (IOException e) {
          t.problem(f.label(), "cannot list folder " + f.path() + ": " + e);
          complete = false;
          continue;
        }
        for (Path file : files) {
          String name = file.getFileName().toString();
          Path first = index.putIfAbsent(name, file);
          if (first != null) {
            t.problem(f.label(), "file name '" + name + "' exists in two service folders: " + first
                + " and " + file + "; unit files are looked up by name, so the name is ambiguous");
          }
        }
      }
      return complete;
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
      for (int j = 1; j < ranged.size(); j++) {
        ServiceDraft b = ranged.get(j);
        for (int i = 0; i < j; i++) {
          ServiceDraft a = ranged.get(i);
          if (first(a) <= last(b) && first(b) <= last(a)) {
            t.problem(b.path() + ".base_instance_prefix_number", "instance number range " + range(b)
                + " of service '" + b.name() + "' overlaps range " + range(a) + " of service '"
                + a.name() + "'; a range is [base_instance_prefix_number, base_instance_prefix_number"
                + " + max_instance * ports_per_instance - 1]");
          }
        }
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

    // ---- Unit files --------------------------------------------------------------------------

    private Map<String, UnitDefinition> units(Map<String, ServiceDraft> services,
        Map<String, Path> index, boolean indexComplete, List<Folder> folders) {
      Map<String, UnitDefinition> out = new HashMap<>();
      Map<Path, Object> parsed = new HashMap<>(); // options list or the UnitFileException
      for (ServiceDraft s : services.values()) {
        if (s.unitFile() == null) {
          continue;
        }
        String p = s.path() + ".name_of_unit_file";
        Path file = index.get(s.unitFile());
        if (file == null) {
          // With a folder missing the index is incomplete and "not found" would only be noise.
          if (indexComplete) {
            List<String> searched = new ArrayList<>();
            for (Folder f : folders) {
              searched.add(f.path().toString());
            }
            t.problem(p, "unit file '" + s.unitFile() + "' was not found in any service folder"
                + " (searched: " + String.join(", ", searched) + ")");
          }
          continue;
        }
        Object result = parsed.computeIfAbsent(file, f -> {
          try {
            return UnitFileParser.parse(f);
          } catch (UnitFileException ex) {
            return ex;
          }
        });
        if (result instanceof UnitFileException ex) {
          t.problem(p, "cannot parse the unit file: " + ex.locatedReason());
        } else {
          @SuppressWarnings("unchecked")
          List<UnitOption> options = (List<UnitOption>) result;
          out.put(s.name(), new UnitDefinition(s.name(), s.unitFile(), file.toString(), options));
        }
      }
      return out;
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

    private DynamiteConfig build(Map<?, ?> top, List<Folder> folders,
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
      List<Path> folderPaths = folders.stream().map(Folder::path).toList();
      return new DynamiteConfig(YamlTree.freezeMap(top), folderPaths, fleet,
          Objects.requireNonNull(etcd[0]), Objects.requireNonNull(etcd[1]), serviceConfigs, policyConfigs);
    }
  }

  private static Set<String> orderedSet(String... keys) {
    return Collections.unmodifiableSet(new LinkedHashSet<>(List.of(keys)));
  }

  /**
   * Builds a {@link ConfigLoader}. Not thread-safe; use from one thread, then share the loader.
   *
   * @since 0.1
   */
  public static final class Builder {
    private final List<Path> extraFolders = new ArrayList<>();
    private final Map<String, ScalingPolicyProvider> providers = new HashMap<>();
    private final Map<String, String> aliases = new HashMap<>();
    private final Map<String, Set<String>> sourceTypes = new TreeMap<>(Map.of(DynamiteConfig.DEFAULT_METRIC_SOURCE, Set.of()));
    private final Map<String, Set<String>> targetTypes = new TreeMap<>(Map.of(DynamiteConfig.DEFAULT_TARGET, Set.of()));
    private final Map<String, String> placeholders = new LinkedHashMap<>();
    private Clock clock = Clock.systemUTC();

    private Builder() {
      for (ScalingPolicyProvider p : List.of(new ThresholdPolicyProvider(), new TargetTrackingPolicyProvider(),
          new StepPolicyProvider(), new ScheduledPolicyProvider(), new PredictivePolicyProvider())) {
        policyProvider(p);
      }
    }

    /**
     * Adds a folder to look unit files up in, after the YAML's {@code PathList} folders (the
     * original's {@code --service_folder}). A relative path is resolved against the working
     * directory. A folder also in {@code PathList} is searched once. Existence is checked by
     * {@code load}, which reports a missing folder at the path {@code service_folder[i]}.
     *
     * @param folder the folder
     * @return this builder
     */
    public Builder serviceFolder(Path folder) {
      extraFolders.add(Objects.requireNonNull(folder, "folder"));
      return this;
    }

    /**
     * Adds several folders, in order; see {@link #serviceFolder(Path)}.
     *
     * @param folders the folders
     * @return this builder
     */
    public Builder serviceFolders(Collection<Path> folders) {
      for (Path f : Objects.requireNonNull(folders, "folders")) {
        serviceFolder(f);
      }
      return this;
    }

    /**
     * Registers a policy type, and its {@link ScalingPolicyProvider#aliases() aliases}, for {@code
     * type:} in policy entries. The built-in types are always registered. Registering another
     * instance of an already registered provider class is a no-op, so providers found with {@link
     * java.util.ServiceLoader} (which finds the built-in ones too) can be passed in as they are.
     *
     * @param provider the provider
     * @return this builder
     * @throws IllegalArgumentException if a provider of a different class has the same type, the
     *     type or an alias is another type's name or alias, or the type is blank
     */
    public Builder policyProvider(ScalingPolicyProvider provider) {
      Objects.requireNonNull(provider, "provider");
      String type = Objects.requireNonNull(provider.type(), "provider.type()");
      if (type.isBlank()) {
        throw new IllegalArgumentException("policy provider " + provider.getClass().getName() + " has a blank type");
      }
      ScalingPolicyProvider known = providers.get(type);
      if (known != null && known.getClass() != provider.getClass()) {
        throw new IllegalArgumentException("policy type '" + type + "' is provided by both "
            + known.getClass().getName() + " and " + provider.getClass().getName());
      }
      if (aliases.containsKey(type)) {
        throw new IllegalArgumentException("policy type '" + type + "' of " + provider.getClass().getName()
            + " is an alias of type '" + aliases.get(type) + "'");
      }
      if (known != null) {
        return this; // the same class again
      }
      for (String alias : provider.aliases()) {
        if (providers.containsKey(alias) || alias.equals(type)
            || (aliases.containsKey(alias) && !aliases.get(alias).equals(type))) {
          throw new IllegalArgumentException("policy type alias '" + alias + "' of " + provider.getClass().getName()
              + " is already a policy type or an alias of another type");
        }
      }
      providers.put(type, provider);
      for (String alias : provider.aliases()) {
        aliases.put(alias, type);
      }
      return this;
    }

    /**
     * Registers every {@link ScalingPolicyProvider} that {@link java.util.ServiceLoader} finds on
     * a class loader (plugins registered with {@code @AutoService}), as {@link
     * #policyProvider(ScalingPolicyProvider)} does.
     *
     * @param loader where to look, for example the class loader of a plugins folder
     * @return this builder
     * @throws IllegalArgumentException if two providers of different classes share a type
     */
    public Builder discoverPlugins(ClassLoader loader) {
      Objects.requireNonNull(loader, "loader");
      for (ScalingPolicyProvider p : java.util.ServiceLoader.load(ScalingPolicyProvider.class, loader)) {
        policyProvider(p);
      }
      return this;
    }

    /**
     * Registers every policy type of a plugin registry, so that the configuration is validated
     * against the same plugins the engine will run with (pass the registry to {@link
     * io.dynamite.core.ScalingEngine.Builder#plugins} too).
     *
     * @param registry the registry
     * @return this builder
     */
    public Builder plugins(io.dynamite.core.PluginRegistry registry) {
      registry.policies().values().forEach(this::policyProvider);
      registry.metricSources().values().forEach(p -> sourceTypes.put(p.type(), Set.copyOf(p.settingsKeys())));
      registry.targets().values().forEach(p -> targetTypes.put(p.type(), Set.copyOf(p.settingsKeys())));
      return this;
    }

    /**
     * Registers policy types by name; see {@link #policyProvider(ScalingPolicyProvider)}.
     *
     * @param byType providers keyed by their type
     * @return this builder
     * @throws IllegalArgumentException if a key differs from its provider's {@code type()}, or as
     *     {@link #policyProvider(ScalingPolicyProvider)}
     */
    public Builder policyProviders(Map<String, ? extends ScalingPolicyProvider> byType) {
      for (Map.Entry<String, ? extends ScalingPolicyProvider> e : Objects.requireNonNull(byType, "byType").entrySet()) {
        if (!e.getKey().equals(e.getValue().type())) {
          throw new IllegalArgumentException("policy provider registered as '" + e.getKey()
              + "' has type '" + e.getValue().type() + "'");
        }
        policyProvider(e.getValue());
      }
      return this;
    }

    /**
     * Replaces every occurrence of {@code placeholder} in the YAML text by {@code value} before
     * parsing, as the original's Docker wrapper did with {@code sed} for {@code <FLEET_IP>} and
     * {@code <FLEET_PORT>}. Replacements run in the order they were added. The replacement is
     * plain text: the result must still be valid YAML.
     *
     * @param placeholder the text to replace; not empty
     * @param value its replacement
     * @return this builder
     * @throws IllegalArgumentException if {@code placeholder} is empty
     */
    public Builder placeholder(String placeholder, String value) {
      Objects.requireNonNull(placeholder, "placeholder");
      Objects.requireNonNull(value, "value");
      if (placeholder.isEmpty()) {
        throw new IllegalArgumentException("placeholder must not be empty");
      }
      placeholders.put(placeholder, value);
      return this;
    }

    /**
     * Adds several placeholders, in the map's iteration order; see {@link #placeholder(String,
     * String)}.
     *
     * @param values replacement by placeholder
     * @return this builder
     */
    public Builder placeholders(Map<String, String> values) {
      Objects.requireNonNull(values, "values").forEach(this::placeholder);
      return this;
    }

    /**
     * Sets the clock handed to policy providers' {@code validate} through their {@link
     * PluginContext}. Defaults to the system UTC clock; loading itself never reads it.
     *
     * @param clock the clock
     * @return this builder
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Builds the loader.
     *
     * @return an immutable loader
     */
    public ConfigLoader build() {
      return new ConfigLoader(this);
    }
  }
}
