package io.dynamite.etcd;

import com.google.auto.service.AutoService;
import io.dynamite.api.ConfigException;
import io.dynamite.api.spi.MetricSource;
import io.dynamite.api.spi.MetricSourceProvider;
import io.dynamite.api.spi.PluginContext;
import io.dynamite.etcd.internal.ProviderSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Provider of type {@code etcd}: an {@link EtcdMetricSource} over the v3 API. Settings: {@code
 * endpoints} (required; list or comma-separated URLs), {@code metrics_base_path}, {@code
 * application_base_path}, {@code mode} ({@code consume} | {@code shared}), {@code checkpoint_key}
 * ({@code none} to disable), {@code ca_file}, {@code cert_file}, {@code key_file}, {@code user},
 * {@code password}, {@code connect_timeout_ms}, {@code request_timeout_ms}, {@code
 * buffer_capacity}, {@code max_txn_ops} (match the server's {@code --max-txn-ops}). Stateless.
 *
 * @since 0.1
 */
@AutoService(MetricSourceProvider.class)
public final class EtcdMetricSourceProvider implements MetricSourceProvider {
  /** Creates the provider; found through {@link java.util.ServiceLoader}. */
  public EtcdMetricSourceProvider() {}

  /**
   * Returns {@code etcd}.
   *
   * @return the type
   */
  @Override
  public String type() {
    return "etcd";
  }

  /**
   * Creates a v3 source from settings.
   *
   * @param settings the settings
   * @param context the plugin context
   * @return the source
   * @throws ConfigException listing every problem in the settings
   */
  @Override
  public MetricSource create(Map<String, Object> settings, PluginContext context) {
    ProviderSettings s = new ProviderSettings(settings);
    EtcdMetricSource.Builder b = EtcdMetricSource.builder().mode(MetricMode.valueOf(s.mode()));
    paths(s, b::metricsBasePath, b::applicationBasePath);
    String cp = s.string("checkpoint_key");
    if (cp != null) {
      b.checkpointKey(cp.equalsIgnoreCase("none") ? null : cp);
    }
    Integer cap = s.positive("buffer_capacity");
    if (cap != null) {
      b.bufferCapacity(cap);
    }
    Integer ops = s.positive("max_txn_ops");
    if (ops != null) {
      if (ops < 2) {
        s.problem("max_txn_ops", "must be at least 2: " + ops);
      } else {
        b.maxTxnOps(ops);
      }
    }
    // last: it throws with every problem collected so far
    EtcdSettings conn = connection(s);
    return b.settings(conn).build();
  }

  static void paths(
      ProviderSettings s,
      java.util.function.Consumer<String> metrics,
      java.util.function.Consumer<String> apps) {
    try {
      String m = s.string("metrics_base_path");
      if (m != null) {
        metrics.accept(m);
      }
      String a = s.string("application_base_path");
      if (a != null) {
        apps.accept(a);
      }
    } catch (IllegalArgumentException e) {
      s.problem("metrics_base_path", e.getMessage());
    }
  }

  static EtcdSettings connection(ProviderSettings s) {
    List<String> endpoints = s.list("endpoints");
    if (endpoints.isEmpty()) {
      s.problem("endpoints", "at least one endpoint URL (with port) is required");
    }
    EtcdSettings.Builder b = EtcdSettings.builder();
    try {
      b.endpoints(endpoints);
    } catch (IllegalArgumentException e) {
      s.problem("endpoints", e.getMessage());
    }
    String ca = s.string("ca_file");
    String cert = s.string("cert_file");
    String key = s.string("key_file");
    if (ca != null) {
      b.caFile(Path.of(ca));
    }
    if ((cert == null) != (key == null)) {
      s.problem("cert_file", "cert_file and key_file go together");
    } else if (cert != null) {
      b.clientCertificate(Path.of(cert), Path.of(key));
    }
    String user = s.string("user");
    String password = s.string("password");
    if (user != null) {
      b.credentials(user, password == null ? "" : password);
    } else if (password != null) {
      s.problem("password", "password without user");
    }
    Integer ct = s.positive("connect_timeout_ms");
    if (ct != null) {
      b.connectTimeout(Duration.ofMillis(ct));
    }
    Integer rt = s.positive("request_timeout_ms");
    if (rt != null) {
      b.requestTimeout(Duration.ofMillis(rt));
    }
    s.check();
    try {
      return b.build();
    } catch (IllegalStateException e) {
      throw new ConfigException("endpoints", e.getMessage());
    }
  }
}
