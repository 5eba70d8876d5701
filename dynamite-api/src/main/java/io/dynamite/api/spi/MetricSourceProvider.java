package io.dynamite.api.spi;

import java.util.Map;

/**
 * Creates {@link MetricSource}s of one type from settings. Found with {@link
 * java.util.ServiceLoader}; register with {@code @AutoService(MetricSourceProvider.class)}.
 *
 * @since 0.1
 */
public interface MetricSourceProvider {
  /**
   * Returns the type name, kebab-case and unique.
   *
   * @return the type, for example {@code etcd}
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
   * Creates a source.
   *
   * @param settings the source's settings as parsed from configuration
   * @param context the plugin context
   * @return a new source; the engine closes it when it closes
   * @throws io.dynamite.api.ConfigException if the settings are unusable
   */
  MetricSource create(Map<String, Object> settings, PluginContext context);
}
