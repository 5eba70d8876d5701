package io.dynamite.prometheus;

import com.google.auto.service.AutoService;
import io.dynamite.api.spi.MetricSource;
import io.dynamite.api.spi.MetricSourceProvider;
import io.dynamite.api.spi.PluginContext;
import java.util.Map;
import java.util.Set;

/**
 * Provider of type {@code prometheus}: a {@link PrometheusMetricSource} from the daemon's {@code
 * MetricSource:} section. Settings: {@code url} (required), {@code queries} (required; a mapping
 * of policy metric, or {@code <service_type>/<metric>}, to a PromQL string or to a mapping with
 * {@code query}, {@code instance_label} and {@code unit_name}), {@code interval} and {@code
 * timeout} (durations such as {@code 15s}), {@code bearer_token_file}, or {@code username} with
 * {@code password_file}, {@code ca_file}, {@code buffer_capacity}. The source evaluates its
 * queries at the engine's clock. Stateless; see {@code docs/prometheus.md}.
 *
 * @since 0.3
 */
@AutoService(MetricSourceProvider.class)
public final class PrometheusMetricSourceProvider implements MetricSourceProvider {
  /** Creates the provider; found through {@link java.util.ServiceLoader}. */
  public PrometheusMetricSourceProvider() {}

  /**
   * Returns {@code prometheus}.
   *
   * @return the type
   */
  @Override
  public String type() {
    return "prometheus";
  }

  /**
   * Returns the top-level settings keys, so that a misspelt one is reported with its path.
   *
   * @return the keys besides {@code type}
   */
  @Override
  public Set<String> settingsKeys() {
    return ProviderSettings.KEYS;
  }

  /**
   * Creates a source from settings.
   *
   * @param settings the section's settings
   * @param context the plugin context; its clock times the queries
   * @return the source; it queries nothing before the engine's first poll
   * @throws io.dynamite.api.ConfigException listing every problem, with paths below the section
   */
  @Override
  public MetricSource create(Map<String, Object> settings, PluginContext context) {
    ProviderSettings s = new ProviderSettings(settings);
    PrometheusMetricSource.Builder b = s.read().clock(context.clock());
    return s.build(b);
  }
}
