package io.dynamite.etcd;

import io.etcd.jetcd.Client;
import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The "exactly one of settings, connection or client" choice every etcd component's builder
 * offers, and who owns the resulting connection. Not thread-safe (builders are not).
 */
final class ConnectionSource {
  /** Request timeout used with a caller-owned jetcd client, whose own settings we cannot read. */
  private static final Duration CLIENT_REQUEST_TIMEOUT = Duration.ofSeconds(5);

  private @Nullable EtcdSettings settings;
  private @Nullable EtcdConnection connection;
  private @Nullable Client client;

  /** A resolved connection and whether the component must close it. */
  record Resolved(EtcdConnection connection, boolean owned) {}

  void settings(EtcdSettings settings) {
    this.settings = Objects.requireNonNull(settings, "settings");
  }

  void connection(EtcdConnection connection) {
    this.connection = Objects.requireNonNull(connection, "connection");
  }

  void client(Client client) {
    this.client = Objects.requireNonNull(client, "client");
  }

  /**
   * Opens or wraps the chosen connection.
   *
   * @return the connection; owned only when opened from settings
   * @throws IllegalStateException unless exactly one choice was made
   */
  Resolved resolve() {
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
