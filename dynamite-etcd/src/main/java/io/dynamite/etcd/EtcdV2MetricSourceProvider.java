package io.dynamite.etcd;

import com.google.auto.service.AutoService;
import io.dynamite.api.ConfigException;
import io.dynamite.api.spi.MetricSource;
import io.dynamite.api.spi.MetricSourceProvider;
import io.dynamite.api.spi.PluginContext;
import io.dynamite.etcd.internal.ProviderSettings;
import java.util.Map;

/**
 * Provider of type {@code etcd-v2}: an {@link EtcdV2MetricSource} over the v2 keys API, with the
 * same settings as {@link EtcdMetricSourceProvider}. Stateless.
 *
 * @since 0.1
 */
@AutoService(MetricSourceProvider.class)
public final class EtcdV2MetricSourceProvider implements MetricSourceProvider {
  /** Creates the provider; found through {@link java.util.ServiceLoader}. */
  public EtcdV2MetricSourceProvider() {}

  /**
   * Returns {@code etcd-v2}.
   *
   * @return the type
   */
  @Override
  public String type() {
    return "etcd-v2";
  }

  /**
   * Creates a v2 source from settings.
   *
   * @param settings the settings
   * @param context the plugin context
   * @return the source
   * @throws ConfigException listing every problem in the settings
   */
  @Override
  public MetricSource create(Map<String, Object> settings, PluginContext context) {
    ProviderSettings s = new ProviderSettings(settings);
    EtcdV2MetricSource.Builder b = EtcdV2MetricSource.builder().mode(MetricMode.valueOf(s.mode()));
    EtcdMetricSourceProvider.paths(s, b::metricsBasePath, b::applicationBasePath);
    String cp = s.string("checkpoint_key");
    if (cp != null) {
      b.checkpointKey(cp.equalsIgnoreCase("none") ? null : cp);
    }
    Integer cap = s.positive("buffer_capacity");
    if (cap != null) {
      b.bufferCapacity(cap);
    }
    // last: it throws with every problem collected so far
    EtcdSettings conn = EtcdMetricSourceProvider.connection(s);
    return b.settings(conn).build();
  }
}
