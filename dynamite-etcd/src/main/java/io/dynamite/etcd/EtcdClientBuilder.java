package io.dynamite.etcd;

import io.etcd.jetcd.Client;
import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The connection choice shared by the builders of {@link EtcdMetricSource}, {@link
 * EtcdStateStore} and {@link EtcdLeadership}: exactly one of {@link #settings settings} (the
 * component opens and owns its connection), a shared {@link #connection connection} or a
 * caller-owned jetcd {@link #client client} (neither is ever closed by the component).
 *
 * <p>Not thread-safe, like every builder. Only this package's builders extend it.
 *
 * @param <B> the concrete builder, returned by every setter
 * @since 0.1
 */
public abstract class EtcdClientBuilder<B extends EtcdClientBuilder<B>> {
  /** Request timeout used with a caller-owned jetcd client, whose own settings we cannot read. */
  private static final Duration CLIENT_REQUEST_TIMEOUT = Duration.ofSeconds(5);

  private @Nullable EtcdSettings settings;
  private @Nullable EtcdConnection connection;
  private @Nullable Client client;

  EtcdClientBuilder() {}

  /** A resolved connection and whether the component must close it. */
  record Resolved(EtcdConnection connection, boolean owned) {}

  @SuppressWarnings("unchecked")
  private B self() {
    return (B) this;
  }

  /**
   * Connects with these settings; the component owns and closes the connection.
   *
   * @param settings the settings
   * @return this builder
   */
  public B settings(EtcdSettings settings) {
    this.settings = Objects.requireNonNull(settings, "settings");
    return self();
  }

  /**
   * Uses a shared connection, which the component never closes.
   *
   * @param connection the connection
   * @return this builder
   */
  public B connection(EtcdConnection connection) {
    this.connection = Objects.requireNonNull(connection, "connection");
    return self();
  }

  /**
   * Uses a caller-owned jetcd client, which the component never closes.
   *
   * @param client the client
   * @return this builder
   */
  public B client(Client client) {
    this.client = Objects.requireNonNull(client, "client");
    return self();
  }

  /**
   * Opens or wraps the chosen connection.
   *
   * @return the connection; owned only when opened from settings
   * @throws IllegalStateException unless exactly one choice was made
   */
  Resolved resolveConnection() {
    int n = (settings != null ? 1 : 0) + (connection != null ? 1 : 0) + (client != null ? 1 : 0);
    if (n != 1) {
      throw new IllegalStateException("set exactly one of settings, connection or client");
    }
    if (settings != null) {
      return new Resolved(EtcdConnection.open(settings), true);
    }
    if (client != null) {
      return new Resolved(EtcdConnection.of(client, CLIENT_REQUEST_TIMEOUT), false);
    }
    return new Resolved(Objects.requireNonNull(connection), false);
  }
}
