package io.dynamite.api.spi;

import io.dynamite.api.ConfigException;
import io.dynamite.api.ConfigProblem;
import io.dynamite.api.PolicySpec;
import java.util.List;

/**
 * Creates {@link ScalingPolicy} instances of one type. Found with {@link java.util.ServiceLoader};
 * register implementations with {@code @AutoService(ScalingPolicyProvider.class)}.
 *
 * <p>Providers are stateless, public, have a public no-argument constructor and are thread-safe. A
 * YAML policy entry selects a provider with {@code type: <type>}; entries without {@code type} use
 * the built-in {@code threshold} type.
 *
 * @since 0.1
 */
public interface ScalingPolicyProvider {
  /**
   * Returns the type name, kebab-case and unique among the providers an engine knows.
   *
   * @return the type, for example {@code threshold}
   */
  String type();

  /**
   * Returns other names that select this provider in {@code type:}, for example an earlier name
   * of the type kept so that existing configurations still load. A registry treats an alias like
   * a type name: it must not clash with any other provider's type or alias. Configurations loaded
   * with an alias report the canonical {@link #type()}.
   *
   * @return the aliases; empty (the default) for none
   * @since 0.3
   */
  default java.util.Set<String> aliases() {
    return java.util.Set.of();
  }

  /**
   * Returns the settings keys this provider understands besides {@code type}, so that a
   * configuration with a misspelt key is rejected with its path instead of silently ignored.
   *
   * @return the keys; empty (the default) when the provider does not declare them, in which case
   *     every key is handed over unchecked
   * @since 0.2
   */
  default java.util.Set<String> settingsKeys() {
    return java.util.Set.of();
  }

  /**
   * Creates one policy instance. Called once per (service, direction) the policy is attached to.
   *
   * @param spec the policy's configuration
   * @param context the plugin context
   * @return a new, independent policy instance
   * @throws ConfigException if the settings are unusable; paths are relative to the policy entry
   *     (for example {@code threshold})
   */
  ScalingPolicy create(PolicySpec spec, PluginContext context);

  /**
   * Checks a configuration without keeping a policy. The default creates one and reports its
   * {@link ConfigException}.
   *
   * @param spec the policy's configuration
   * @param context the plugin context
   * @return every problem found, with paths relative to the policy entry; empty if valid
   */
  default List<ConfigProblem> validate(PolicySpec spec, PluginContext context) {
    try {
      create(spec, context);
      return List.of();
    } catch (ConfigException e) {
      return e.problems();
    }
  }
}
