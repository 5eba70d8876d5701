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
   * Creates a source.
   *
   * @param settings the source's settings as parsed from configuration
   * @param context the plugin context
   * @return a new source; the engine closes it when it closes
   * @throws io.dynamite.api.ConfigException if the settings are unusable
   */
  MetricSource create(Map<String, Object> settings, PluginContext context);
}
