package io.dynamite.core.config;

import io.dynamite.api.ServiceId;
import io.dynamite.api.UnitOption;
import io.dynamite.api.state.UnitDefinition;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * One validated {@code Dynamite.Service.<name>} entry. Loaded from YAML by {@link ConfigLoader},
 * built in code with {@link #builder(String)} and {@link DynamiteConfig#builder()}, or made by
 * hand with the constructors.
 *
 * @param id the service key
 * @param unitFileName {@code name_of_unit_file}
 * @param type {@code type}, or null; only {@link #ATTACHED_TYPE} is special
 * @param minInstance {@code min_instance}; defaults to 1 (0 for attached services, which are never
 *     scaled on their own)
 * @param maxInstance {@code max_instance}, or null for unbounded (only allowed for single-instance
 *     services, which can never exceed 1)
 * @param baseNumber {@code base_instance_prefix_number}, or null for single-instance services
 * @param portsPerInstance {@code ports_per_instance}, or null for single-instance services
 * @param attached {@code attached_service}, in file order
 * @param dependencies {@code service_dependency} (validated, not yet used for ordering)
 * @param scaleUpPolicy name of the policy in {@code scale_up_policy.ScalingPolicy}, or null
 * @param scaleDownPolicy name of the policy in {@code scale_down_policy.ScalingPolicy}, or null
 * @param unit the loaded unit file
 * @param raw the entry as parsed, in file order
 * @param policies names of the policies listed under {@code policies:}, in file order; they are
 *     evaluated after the scale_down/scale_up slots' policies
 * @param adoptUnknown {@code adopt_unknown} (default true): units on the target that the engine
 *     does not know but that match this template service exactly (main unit {@code
 *     <service>@<number>.service} with a number of its numbering, and every attached unit {@code
 *     <attached>@<number>.service}) are adopted as instances instead of being left alone; only
 *     meaningful for template services that are not attached
 * @since 0.1
 */
public record ServiceConfig(
    ServiceId id,
    String unitFileName,
    @Nullable String type,
    int minInstance,
    @Nullable Integer maxInstance,
    @Nullable Integer baseNumber,
    @Nullable Integer portsPerInstance,
    List<ServiceId> attached,
    List<ServiceId> dependencies,
    @Nullable String scaleUpPolicy,
    @Nullable String scaleDownPolicy,
    UnitDefinition unit,
    Map<String, Object> raw,
    List<String> policies,
    boolean adoptUnknown) {

  /** The {@code type} value that marks a service as attached to another. */
  public static final String ATTACHED_TYPE = "attached_service";

  /**
   * Validates and copies the components. The numbers are checked only as far as the record needs
   * them to be computable with; every rule of the YAML format ({@code min_instance} above {@code
   * max_instance}, its limits and cross-entry checks included) is applied to a configuration of
   * such records by {@link ConfigLoader#validate(DynamiteConfig)}, which {@code
   * ScalingEngineBuilder#build()} calls, with the YAML's path and message (for example {@code
   * Dynamite.Service.web.min_instance: min_instance (5) is greater than max_instance (2)}).
   *
   * @param id the service key
   * @param unitFileName {@code name_of_unit_file}
   * @param type {@code type}, or null; only {@link #ATTACHED_TYPE} is special
   * @param minInstance {@code min_instance}; defaults to 1 (0 for attached services, which are never
   *     scaled on their own)
   * @param maxInstance {@code max_instance}, or null for unbounded (only allowed for single-instance
   *     services, which can never exceed 1)
   * @param baseNumber {@code base_instance_prefix_number}, or null for single-instance services
   * @param portsPerInstance {@code ports_per_instance}, or null for single-instance services
   * @param attached {@code attached_service}, in file order
   * @param dependencies {@code service_dependency} (validated, not yet used for ordering)
   * @param scaleUpPolicy name of the policy in {@code scale_up_policy.ScalingPolicy}, or null
   * @param scaleDownPolicy name of the policy in {@code scale_down_policy.ScalingPolicy}, or null
   * @param unit the loaded unit file
   * @param raw the entry as parsed, in file order
   * @param policies names of the policies listed under {@code policies:}, in file order; they are
   *     evaluated after the scale_down/scale_up slots' policies
   * @param adoptUnknown {@code adopt_unknown} (default true): units on the target that the engine
   *     does not know but that match this template service exactly (main unit {@code
   *     <service>@<number>.service} with a number of its numbering, and every attached unit {@code
   *     <attached>@<number>.service}) are adopted as instances instead of being left alone; only
   *     meaningful for template services that are not attached
   * @throws IllegalArgumentException naming the component: a negative {@code minInstance}, {@code
   *     maxInstance} or {@code baseNumber}, a {@code portsPerInstance} below 1, or instance numbers
   *     beyond {@link Integer#MAX_VALUE}
   */
  public ServiceConfig {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(unitFileName, "unitFileName");
    Objects.requireNonNull(unit, "unit");
    atLeast("minInstance", minInstance, 0);
    atLeast("maxInstance", maxInstance, 0);
    atLeast("baseNumber", baseNumber, 0);
    atLeast("portsPerInstance", portsPerInstance, 1);
    if (maxInstance != null && baseNumber != null && portsPerInstance != null
        && baseNumber + (long) maxInstance * portsPerInstance - 1 > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("service " + id + ": the last instance number, baseNumber ("
          + baseNumber + ") + maxInstance (" + maxInstance + ") * portsPerInstance (" + portsPerInstance
          + ") - 1, exceeds " + Integer.MAX_VALUE);
    }
    attached = List.copyOf(attached);
    dependencies = List.copyOf(dependencies);
    raw = Collections.unmodifiableMap(new LinkedHashMap<>(raw));
    policies = List.copyOf(policies);
  }

  /**
   * Creates a service that adopts unknown look-alike units ({@code adopt_unknown: true}, the
   * default), the form before {@code adopt_unknown} existed.
   *
   * @param id the service key
   * @param unitFileName {@code name_of_unit_file}
   * @param type {@code type}, or null
   * @param minInstance {@code min_instance}
   * @param maxInstance {@code max_instance}, or null
   * @param baseNumber {@code base_instance_prefix_number}, or null
   * @param portsPerInstance {@code ports_per_instance}, or null
   * @param attached {@code attached_service}
   * @param dependencies {@code service_dependency}
   * @param scaleUpPolicy the scale-up policy's name, or null
   * @param scaleDownPolicy the scale-down policy's name, or null
   * @param unit the loaded unit file
   * @param raw the entry as parsed
   * @param policies names of the policies listed under {@code policies:}
   */
  public ServiceConfig(ServiceId id, String unitFileName, @Nullable String type, int minInstance,
      @Nullable Integer maxInstance, @Nullable Integer baseNumber, @Nullable Integer portsPerInstance,
      List<ServiceId> attached, List<ServiceId> dependencies, @Nullable String scaleUpPolicy,
      @Nullable String scaleDownPolicy, UnitDefinition unit, Map<String, Object> raw, List<String> policies) {
    this(id, unitFileName, type, minInstance, maxInstance, baseNumber, portsPerInstance, attached, dependencies,
        scaleUpPolicy, scaleDownPolicy, unit, raw, policies, true);
  }

  /**
   * Creates a service without a {@code policies:} list, as configurations in the original format
   * have.
   *
   * @param id the service key
   * @param unitFileName {@code name_of_unit_file}
   * @param type {@code type}, or null
   * @param minInstance {@code min_instance}
   * @param maxInstance {@code max_instance}, or null
   * @param baseNumber {@code base_instance_prefix_number}, or null
   * @param portsPerInstance {@code ports_per_instance}, or null
   * @param attached {@code attached_service}
   * @param dependencies {@code service_dependency}
   * @param scaleUpPolicy the scale-up policy's name, or null
   * @param scaleDownPolicy the scale-down policy's name, or null
   * @param unit the loaded unit file
   * @param raw the entry as parsed
   */
  public ServiceConfig(ServiceId id, String unitFileName, @Nullable String type, int minInstance,
      @Nullable Integer maxInstance, @Nullable Integer baseNumber, @Nullable Integer portsPerInstance,
      List<ServiceId> attached, List<ServiceId> dependencies, @Nullable String scaleUpPolicy,
      @Nullable String scaleDownPolicy, UnitDefinition unit, Map<String, Object> raw) {
    this(id, unitFileName, type, minInstance, maxInstance, baseNumber, portsPerInstance, attached, dependencies,
        scaleUpPolicy, scaleDownPolicy, unit, raw, List.of(), true);
  }

  private static void atLeast(String name, @Nullable Integer value, int min) {
    if (value != null && value < min) {
      throw new IllegalArgumentException(name + " must be >= " + min + ": " + value);
    }
  }

  /**
   * Starts building a service in code, for {@link DynamiteConfig.Builder#service}. Every setter
   * stands for the YAML key of the same name; nothing is checked until {@link
   * DynamiteConfig.Builder#build()}, which checks the service with the rules and messages of the
   * YAML.
   *
   * @param name the service key, which names its units and state keys
   * @return a new builder
   * @since 0.3
   */
  public static Builder builder(String name) {
    return new Builder(name);
  }

  /**
   * A service in code: the {@code Dynamite.Service.<name>} entry a YAML file would hold, plus its
   * unit file given inline. Setters left uncalled leave their key out, so the YAML's defaults
   * apply. Not thread-safe; a builder is read when {@link DynamiteConfig.Builder#build()} runs, so
   * changes made after {@link DynamiteConfig.Builder#service} still count until then.
   *
   * @since 0.3
   */
  public static final class Builder {
    private final String name;
    private final Map<String, Object> entry = new LinkedHashMap<>();
    private @Nullable InlineUnit unit;

    private Builder(String name) {
      this.name = Objects.requireNonNull(name, "name");
    }

    /**
     * Returns the service key.
     *
     * @return the name given to {@link ServiceConfig#builder}
     */
    public String name() {
      return name;
    }

    /**
     * Gives the unit file as its text, in systemd's syntax; sets {@code name_of_unit_file}. The
     * text is parsed by {@link DynamiteConfig.Builder#build()}, which reports a malformed text at
     * {@code name_of_unit_file} as the YAML loader reports a malformed file. The unit's {@link
     * UnitDefinition#path()} is {@code <inline>}.
     *
     * @param fileName the unit file's name; a template ({@code web@.service}) for a service with
     *     numbered instances
     * @param text the unit file's text, for example {@code "[Service]\nExecStart=/bin/web %i\n"}
     * @return this builder
     * @throws IllegalArgumentException if {@code fileName} is blank
     */
    public Builder unit(String fileName, String text) {
      return unit(InlineUnit.text(fileName, text));
    }

    /**
     * Gives the unit file as its options, in order; sets {@code name_of_unit_file}.
     *
     * @param fileName the unit file's name
     * @param options the options, for example {@code UnitOption.of("Service", "ExecStart", "/bin/web %i")}
     * @return this builder
     * @throws IllegalArgumentException if {@code fileName} is blank
     */
    public Builder unit(String fileName, List<UnitOption> options) {
      return unit(InlineUnit.options(fileName, options));
    }

    /**
     * Gives the unit file as a file anywhere on disk; sets {@code name_of_unit_file} to its name.
     * The file is read by {@link DynamiteConfig.Builder#build()}.
     *
     * @param file the unit file
     * @return this builder
     * @throws IllegalArgumentException if the path has no file name
     */
    public Builder unitFile(Path file) {
      return unit(InlineUnit.file(file));
    }

    private Builder unit(InlineUnit u) {
      this.unit = u;
      entry.put("name_of_unit_file", u.fileName());
      return this;
    }

    /**
     * Sets {@code type}.
     *
     * @param type the type; {@link ServiceConfig#ATTACHED_TYPE} makes an attached service
     * @return this builder
     */
    public Builder type(String type) {
      entry.put("type", Objects.requireNonNull(type, "type"));
      return this;
    }

    /**
     * Makes this an attached service ({@code type: attached_service}), started and stopped with
     * the services that list it in {@link #attachedService}.
     *
     * @return this builder
     */
    public Builder asAttachedService() {
      return type(ATTACHED_TYPE);
    }

    /**
     * Sets {@code min_instance} (default 1, 0 for attached services).
     *
     * @param n the minimum
     * @return this builder
     */
    public Builder minInstance(int n) {
      entry.put("min_instance", n);
      return this;
    }

    /**
     * Sets {@code max_instance}; required for template services.
     *
     * @param n the maximum
     * @return this builder
     */
    public Builder maxInstance(int n) {
      entry.put("max_instance", n);
      return this;
    }

    /**
     * Sets {@code base_instance_prefix_number}, the first instance number; required for template
     * services.
     *
     * @param n the first number
     * @return this builder
     */
    public Builder baseInstancePrefixNumber(int n) {
      entry.put("base_instance_prefix_number", n);
      return this;
    }

    /**
     * Sets {@code ports_per_instance}, the step between instance numbers; required for template
     * services.
     *
     * @param n the step
     * @return this builder
     */
    public Builder portsPerInstance(int n) {
      entry.put("ports_per_instance", n);
      return this;
    }

    /**
     * Sets {@code attached_service}: services started and stopped with each instance of this one.
     *
     * @param services the attached services' keys, in order
     * @return this builder
     */
    public Builder attachedService(String... services) {
      entry.put("attached_service", List.of(services));
      return this;
    }

    /**
     * Sets {@code service_dependency}.
     *
     * @param services the keys of the services this one depends on
     * @return this builder
     */
    public Builder serviceDependency(String... services) {
      entry.put("service_dependency", List.of(services));
      return this;
    }

    /**
     * Sets {@code scale_up_policy: {ScalingPolicy: <policy>}}.
     *
     * @param policy the policy's name under {@code ScalingPolicy}
     * @return this builder
     */
    public Builder scaleUpPolicy(String policy) {
      entry.put("scale_up_policy", policyRef(policy));
      return this;
    }

    /**
     * Sets {@code scale_down_policy: {ScalingPolicy: <policy>}}.
     *
     * @param policy the policy's name under {@code ScalingPolicy}
     * @return this builder
     */
    public Builder scaleDownPolicy(String policy) {
      entry.put("scale_down_policy", policyRef(policy));
      return this;
    }

    /**
     * Sets {@code policies}: policies evaluated after the two slots' policies.
     *
     * @param policies the policies' names under {@code ScalingPolicy}, in order
     * @return this builder
     */
    public Builder policies(String... policies) {
      entry.put("policies", List.of(policies));
      return this;
    }

    /**
     * Sets {@code adopt_unknown} (default true for template services).
     *
     * @param adopt whether look-alike units the engine does not know are adopted
     * @return this builder
     */
    public Builder adoptUnknown(boolean adopt) {
      entry.put("adopt_unknown", adopt);
      return this;
    }

    private static Map<String, Object> policyRef(String policy) {
      Map<String, Object> ref = new LinkedHashMap<>();
      ref.put("ScalingPolicy", Objects.requireNonNull(policy, "policy"));
      return ref;
    }

    /** The entry as the YAML would parse to, keys in the README's order. */
    Map<String, Object> entry() {
      Map<String, Object> out = new LinkedHashMap<>();
      for (String key : ConfigValidator.SERVICE_KEYS) {
        if (entry.containsKey(key)) {
          out.put(key, entry.get(key));
        }
      }
      return out;
    }

    @Nullable InlineUnit inlineUnit() {
      return unit;
    }
  }

  /**
   * Tells whether the unit file is a template ({@code @} in its name), so the service can have
   * many numbered instances.
   *
   * @return true for template services
   */
  public boolean isTemplate() {
    return unitFileName.contains("@");
  }

  /**
   * Tells whether this is an attached service.
   *
   * @return true if {@code type} is {@code attached_service}
   */
  public boolean isAttached() {
    return ATTACHED_TYPE.equals(type);
  }

  /**
   * Returns the effective maximum.
   *
   * @return {@code max_instance}, 1 for a single-instance service without one, otherwise {@link
   *     Integer#MAX_VALUE}
   */
  public int effectiveMax() {
    if (maxInstance != null) {
      return isTemplate() ? maxInstance : Math.min(1, maxInstance);
    }
    return isTemplate() ? Integer.MAX_VALUE : 1;
  }

  /**
   * Returns the policy name attached in a direction.
   *
   * @param up true for {@code scale_up_policy}
   * @return the policy name, if any
   */
  public Optional<String> policy(boolean up) {
    return Optional.ofNullable(up ? scaleUpPolicy : scaleDownPolicy);
  }
}
