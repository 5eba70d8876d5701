package io.dynamite.core.config;

import io.dynamite.api.ServiceId;
import io.dynamite.api.state.UnitDefinition;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * One validated {@code Dynamite.Service.<name>} entry.
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
   * Validates and copies the components. The numbers are checked as far as the engine needs them;
   * {@link ConfigLoader} applies the stricter, documented limits of the YAML keys.
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
   *     maxInstance} or {@code baseNumber}, a {@code portsPerInstance} below 1, {@code minInstance}
   *     above {@code maxInstance}, or instance numbers beyond {@link Integer#MAX_VALUE}
   */
  public ServiceConfig {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(unitFileName, "unitFileName");
    Objects.requireNonNull(unit, "unit");
    atLeast("minInstance", minInstance, 0);
    atLeast("maxInstance", maxInstance, 0);
    atLeast("baseNumber", baseNumber, 0);
    atLeast("portsPerInstance", portsPerInstance, 1);
    if (maxInstance != null && minInstance > maxInstance) {
      throw new IllegalArgumentException("service " + id + ": minInstance (" + minInstance
          + ") is greater than maxInstance (" + maxInstance + ")");
    }
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
