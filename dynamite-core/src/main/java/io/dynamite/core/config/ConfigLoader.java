package io.dynamite.core.config;

import io.dynamite.api.ConfigException;
import io.dynamite.api.UnitOption;
import io.dynamite.api.spi.PluginContext;
import io.dynamite.api.spi.ScalingPolicyProvider;
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
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
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
 * <p>The checks themselves are shared with {@link DynamiteConfig#builder()} (a configuration built
 * in code) and {@link #validate(DynamiteConfig)} (records built by hand), so each mistake gets the
 * same path and message whichever way it was made. Unit files may also be given in code ({@link
 * Builder#unit(String, String)}) instead of a folder.
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
  static final int MAX_INSTANCES = ConfigValidator.MAX_INSTANCES;
  /** The most instance numbers a service may reserve: {@code max_instance * ports_per_instance}. */
  static final int MAX_NUMBERS = ConfigValidator.MAX_NUMBERS;

  private final List<Path> extraFolders;
  /** Unit files given in code, by file name; looked up before the folders. */
  private final Map<String, InlineUnit> units;
  private final Map<String, String> placeholders;
  private final ConfigValidator validator;

  private ConfigLoader(Builder b) {
    this.extraFolders = List.copyOf(b.extraFolders);
    this.units = Map.copyOf(b.units);
    this.placeholders = new LinkedHashMap<>(b.placeholders);
    this.validator = new ConfigValidator(b.providers, b.sourceTypes, b.targetTypes, b.clock);
  }

  /**
   * Starts a builder with no extra folders, no placeholders, the system UTC clock and the built-in
   * {@code threshold}, {@code target-tracking}, {@code step}, {@code schedule} (alias {@code scheduled}) and {@code predictive} policy types.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns the policy types this loader accepts in {@code type:}.
   *
   * @return the type names, sorted; always contains {@code target-tracking} and {@code threshold}
   */
  public Set<String> policyTypes() {
    return validator.policyTypes();
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

  /**
   * Validates a configuration assembled from records by hand ({@code new DynamiteConfig(...)},
   * {@code new ServiceConfig(...)}) with the checks and messages a YAML file gets: the records are
   * turned into the document their YAML would parse to ({@link ConfigWriter} writes the same) and
   * that document is checked against this loader's policy, metric-source and target types. Each
   * service's unit is the one its record holds; folders are not read. {@link
   * io.dynamite.core.ScalingEngineBuilder#build()} calls this for every configuration it is given.
   *
   * @param config the configuration
   * @return {@code config}, unchanged
   * @throws ConfigException listing every problem, located by YAML path (for example {@code
   *     Dynamite.Service.web.min_instance})
   */
  public DynamiteConfig validate(DynamiteConfig config) {
    Objects.requireNonNull(config, "config");
    validator.validate(ConfigTree.of(config), GivenUnits.of(config));
    return config;
  }

  /** The validator with this loader's types, for configurations built in code. */
  ConfigValidator validator() {
    return validator;
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
    DynamiteConfig config = validator.validate(root, new FolderUnits(baseDir, extraFolders, units));
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
    private final Map<String, InlineUnit> units = new LinkedHashMap<>();
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
     * Gives a unit file in code: a service whose {@code name_of_unit_file} is {@code fileName}
     * gets these options without any folder being read. Units given here are looked up before the
     * folders, and while any is given an empty {@code PathList} is accepted. The text is parsed
     * when a configuration is loaded; a malformed text is reported at the service's {@code
     * name_of_unit_file}, as a malformed file would be. Giving a name again replaces it.
     *
     * @param fileName the unit file's name, for example {@code web@.service}
     * @param text the unit file's text, for example {@code "[Service]\nExecStart=/bin/web %i\n"}
     * @return this builder
     * @throws IllegalArgumentException if {@code fileName} is blank
     */
    public Builder unit(String fileName, String text) {
      InlineUnit u = InlineUnit.text(fileName, text);
      units.put(u.fileName(), u);
      return this;
    }

    /**
     * Gives a unit file in code as its parsed options; see {@link #unit(String, String)}.
     *
     * @param fileName the unit file's name
     * @param options its options, in order
     * @return this builder
     * @throws IllegalArgumentException if {@code fileName} is blank
     */
    public Builder unit(String fileName, List<UnitOption> options) {
      InlineUnit u = InlineUnit.options(fileName, options);
      units.put(u.fileName(), u);
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
     * Registers every policy, metric-source and target type of a plugin registry, so that the
     * configuration is validated against the same plugins the engine will run with (pass the
     * registry to {@link io.dynamite.core.ScalingEngineBuilder#plugins} too). The registry's
     * provider of a policy type replaces one registered before, built-in types included.
     *
     * @param registry the registry
     * @return this builder
     */
    public Builder plugins(io.dynamite.core.PluginRegistry registry) {
      // A registry resolved its own clashes and may override a built-in type on purpose (as
      // ScalingEngineBuilder#policyProvider does): its provider of a type wins.
      providers.putAll(registry.policies());
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
