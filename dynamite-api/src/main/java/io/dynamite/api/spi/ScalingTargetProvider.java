package io.dynamite.api.spi;

import java.util.Map;

/**
 * Creates {@link ScalingTarget}s of one type from settings. Found with {@link
 * java.util.ServiceLoader}; register with {@code @AutoService(ScalingTargetProvider.class)}.
 *
 * @since 0.1
 */
public interface ScalingTargetProvider {
  /**
   * Returns the type name, kebab-case and unique.
   *
   * @return the type, for example {@code fleet}
   */
  String type();

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
   * Creates a target.
   *
   * @param settings the target's settings as parsed from configuration
   * @param context the plugin context
   * @return a new target; the engine closes it when it closes
   * @throws io.dynamite.api.ConfigException if the settings are unusable
   */
  ScalingTarget create(Map<String, Object> settings, PluginContext context);
}
