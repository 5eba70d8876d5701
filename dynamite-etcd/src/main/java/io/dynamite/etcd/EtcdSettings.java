package io.dynamite.etcd;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * How to reach an etcd cluster: endpoints, TLS files, user/password authentication, timeouts and
 * the reconnect backoff. Immutable and thread-safe; the password never appears in {@link
 * #toString()}.
 *
 * <p>Endpoints are URLs such as {@code http://10.0.0.5:2379} or {@code https://etcd-1:2379}; there
 * is no default port, so every endpoint must name one.
 *
 * @since 0.1
 */
public final class EtcdSettings {
  private final List<URI> endpoints;
  private final @Nullable Path caFile;
  private final @Nullable Path certFile;
  private final @Nullable Path keyFile;
  private final @Nullable String user;
  private final @Nullable String password;
  private final Duration connectTimeout;
  private final Duration requestTimeout;
  private final Duration reconnectDelay;
  private final Duration reconnectMaxDelay;

  private EtcdSettings(Builder b) {
    this.endpoints = List.copyOf(b.endpoints);
    this.caFile = b.caFile;
    this.certFile = b.certFile;
    this.keyFile = b.keyFile;
    this.user = b.user;
    this.password = b.password;
    this.connectTimeout = b.connectTimeout;
    this.requestTimeout = b.requestTimeout;
    this.reconnectDelay = b.reconnectDelay;
    this.reconnectMaxDelay = b.reconnectMaxDelay;
  }

  /**
   * Starts a builder.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns a builder holding these settings.
   *
   * @return a new builder
   */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.endpoints.addAll(endpoints);
    b.caFile = caFile;
    b.certFile = certFile;
    b.keyFile = keyFile;
    b.user = user;
    b.password = password;
    b.connectTimeout = connectTimeout;
    b.requestTimeout = requestTimeout;
    b.reconnectDelay = reconnectDelay;
    b.reconnectMaxDelay = reconnectMaxDelay;
    return b;
  }

  /**
   * Returns the endpoints.
   *
   * @return at least one URL
   */
  public List<URI> endpoints() {
    return endpoints;
  }

  /**
   * Returns the CA certificate file (PEM) that server certificates are verified against.
   *
   * @return the file, empty for plain HTTP
   */
  public Optional<Path> caFile() {
    return Optional.ofNullable(caFile);
  }

  /**
   * Returns the client certificate file (PEM), for servers that require client certificates.
   *
   * @return the file, or empty
   */
  public Optional<Path> certFile() {
    return Optional.ofNullable(certFile);
  }

  /**
   * Returns the client key file (PEM, PKCS#8).
   *
   * @return the file, or empty
   */
  public Optional<Path> keyFile() {
    return Optional.ofNullable(keyFile);
  }

  /**
   * Returns the user for etcd authentication.
   *
   * @return the user, or empty without authentication
   */
  public Optional<String> user() {
    return Optional.ofNullable(user);
  }

  /**
   * Returns the password. Callers must never log it.
   *
   * @return the password, or empty without authentication
   */
  public Optional<String> password() {
    return Optional.ofNullable(password);
  }

  /**
   * Returns the connect timeout.
   *
   * @return the timeout
   */
  public Duration connectTimeout() {
    return connectTimeout;
  }

  /**
   * Returns the timeout of one blocking request (a state write, a poll's commit).
   *
   * @return the timeout
   */
  public Duration requestTimeout() {
    return requestTimeout;
  }

  /**
   * Returns the first reconnect delay; it doubles up to {@link #reconnectMaxDelay()}.
   *
   * @return the delay
   */
  public Duration reconnectDelay() {
    return reconnectDelay;
  }

  /**
   * Returns the longest reconnect delay.
   *
   * @return the delay
   */
  public Duration reconnectMaxDelay() {
    return reconnectMaxDelay;
  }

  /**
   * Tells whether TLS is configured.
   *
   * @return true if a CA file is set
   */
  public boolean tls() {
    return caFile != null;
  }

  /** Describes the settings with the password redacted. */
  @Override
  public String toString() {
    return "EtcdSettings[endpoints="
        + endpoints
        + ", tls="
        + tls()
        + ", clientCert="
        + (certFile != null)
        + ", user="
        + (user == null ? "none" : user)
        + ", password="
        + (password == null ? "none" : "***")
        + ", connectTimeout="
        + connectTimeout
        + ", requestTimeout="
        + requestTimeout
        + "]";
  }

  /** Builds {@link EtcdSettings}. Not thread-safe. */
  public static final class Builder {
    private final List<URI> endpoints = new ArrayList<>();
    private @Nullable Path caFile;
    private @Nullable Path certFile;
    private @Nullable Path keyFile;
    private @Nullable String user;
    private @Nullable String password;
    private Duration connectTimeout = Duration.ofSeconds(5);
    private Duration requestTimeout = Duration.ofSeconds(5);
    private Duration reconnectDelay = Duration.ofMillis(100);
    private Duration reconnectMaxDelay = Duration.ofSeconds(5);

    private Builder() {}

    /**
     * Adds endpoints.
     *
     * @param urls URLs with scheme, host and port, for example {@code http://127.0.0.1:2379}
     * @return this builder
     * @throws IllegalArgumentException if a URL lacks a scheme, host or port
     */
    public Builder endpoints(String... urls) {
      for (String u : urls) {
        endpoint(URI.create(Objects.requireNonNull(u, "url").trim()));
      }
      return this;
    }

    /**
     * Adds endpoints.
     *
     * @param urls URLs with scheme, host and port
     * @return this builder
     * @throws IllegalArgumentException if a URL lacks a scheme, host or port
     */
    public Builder endpoints(List<String> urls) {
      return endpoints(urls.toArray(new String[0]));
    }

    private void endpoint(URI uri) {
      if (uri.getScheme() == null
          || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))
          || uri.getHost() == null
          || uri.getPort() < 0) {
        throw new IllegalArgumentException(
            "endpoint must be http(s)://host:port (no default port): " + uri);
      }
      endpoints.add(uri);
    }

    /**
     * Enables TLS, verifying servers against a CA certificate.
     *
     * @param caFile PEM file
     * @return this builder
     */
    public Builder caFile(Path caFile) {
      this.caFile = Objects.requireNonNull(caFile, "caFile");
      return this;
    }

    /**
     * Sets the client certificate and key for servers that require client certificates.
     *
     * @param certFile PEM certificate (chain)
     * @param keyFile PEM key in PKCS#8
     * @return this builder
     */
    public Builder clientCertificate(Path certFile, Path keyFile) {
      this.certFile = Objects.requireNonNull(certFile, "certFile");
      this.keyFile = Objects.requireNonNull(keyFile, "keyFile");
      return this;
    }

    /**
     * Sets user/password authentication.
     *
     * @param user the etcd user
     * @param password the password; never logged
     * @return this builder
     */
    public Builder credentials(String user, String password) {
      this.user = Objects.requireNonNull(user, "user");
      this.password = Objects.requireNonNull(password, "password");
      return this;
    }

    /**
     * Sets the connect timeout (default 5 s).
     *
     * @param timeout positive
     * @return this builder
     */
    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = positive(timeout, "connectTimeout");
      return this;
    }

    /**
     * Sets the request timeout (default 5 s).
     *
     * @param timeout positive
     * @return this builder
     */
    public Builder requestTimeout(Duration timeout) {
      this.requestTimeout = positive(timeout, "requestTimeout");
      return this;
    }

    /**
     * Sets the reconnect backoff (default 100 ms doubling to 5 s).
     *
     * @param initial first delay, positive
     * @param max longest delay, at least {@code initial}
     * @return this builder
     */
    public Builder reconnectBackoff(Duration initial, Duration max) {
      positive(initial, "initial");
      positive(max, "max");
      if (max.compareTo(initial) < 0) {
        throw new IllegalArgumentException("max backoff " + max + " < initial " + initial);
      }
      this.reconnectDelay = initial;
      this.reconnectMaxDelay = max;
      return this;
    }

    /**
     * Builds the settings.
     *
     * @return the settings
     * @throws IllegalStateException without endpoints, or with https endpoints but no CA file
     */
    public EtcdSettings build() {
      if (endpoints.isEmpty()) {
        throw new IllegalStateException("at least one endpoint is required");
      }
      boolean https = endpoints.stream().anyMatch(u -> u.getScheme().equals("https"));
      if (https && caFile == null) {
        throw new IllegalStateException("https endpoints need a CA file");
      }
      if (!https && caFile != null) {
        throw new IllegalStateException("a CA file is set but the endpoints are http");
      }
      return new EtcdSettings(this);
    }

    private static Duration positive(Duration d, String name) {
      Objects.requireNonNull(d, name);
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(name + " must be positive: " + d);
      }
      return d;
    }
  }
}
