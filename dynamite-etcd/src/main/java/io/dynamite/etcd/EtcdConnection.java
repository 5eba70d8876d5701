package io.dynamite.etcd;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.ClientBuilder;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.MethodDescriptor;
import io.grpc.netty.GrpcSslContexts;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A connection to an etcd cluster (v3 API) that several Dynamite components can share: the metric
 * source, the state store and the leadership. Reconnects by itself with the configured backoff.
 *
 * <p>Create one with {@link #open(EtcdSettings)}; components given a connection never close it.
 * Thread-safe. Counts the RPCs it starts ({@link #rpcCount()}), which is how the number of etcd
 * calls per evaluation cycle is measured.
 *
 * @since 0.1
 */
public final class EtcdConnection implements AutoCloseable {
  private final Client client;
  private final boolean owned;
  private final Duration requestTimeout;
  private final String description;
  private final AtomicLong rpcs;
  private final AtomicBoolean closed = new AtomicBoolean();

  private EtcdConnection(
      Client client, boolean owned, Duration requestTimeout, String description, AtomicLong rpcs) {
    this.client = client;
    this.owned = owned;
    this.requestTimeout = requestTimeout;
    this.description = description;
    this.rpcs = rpcs;
  }

  /**
   * Opens a connection. The first RPC connects; this call does no I/O except reading the TLS
   * files.
   *
   * @param settings where and how to connect
   * @return the connection, owned by the caller
   * @throws IllegalArgumentException if the TLS files cannot be read
   */
  public static EtcdConnection open(EtcdSettings settings) {
    Objects.requireNonNull(settings, "settings");
    AtomicLong rpcs = new AtomicLong();
    ClientBuilder b =
        Client.builder()
            .endpoints(settings.endpoints().toArray(new java.net.URI[0]))
            .connectTimeout(settings.connectTimeout())
            .retryChronoUnit(ChronoUnit.MILLIS)
            .retryDelay(settings.reconnectDelay().toMillis())
            .retryMaxDelay(settings.reconnectMaxDelay().toMillis())
            .keepaliveTime(Duration.ofSeconds(30))
            .keepaliveTimeout(Duration.ofSeconds(10))
            .interceptor(new CountingInterceptor(rpcs));
    if (settings.user().isPresent()) {
      b.user(ByteSequence.from(settings.user().get(), StandardCharsets.UTF_8));
      b.password(ByteSequence.from(settings.password().orElse(""), StandardCharsets.UTF_8));
    }
    if (settings.tls()) {
      try {
        SslContextBuilder ssl =
            GrpcSslContexts.forClient().trustManager(settings.caFile().orElseThrow().toFile());
        if (settings.certFile().isPresent()) {
          File cert = settings.certFile().get().toFile();
          File key = settings.keyFile().orElseThrow().toFile();
          ssl.keyManager(cert, key);
        }
        b.sslContext(ssl.build());
      } catch (IOException | RuntimeException e) {
        throw new IllegalArgumentException("cannot load TLS files: " + e.getMessage(), e);
      }
    }
    return new EtcdConnection(b.build(), true, settings.requestTimeout(), settings.toString(), rpcs);
  }

  /**
   * Wraps a caller-owned jetcd client; {@link #close()} then leaves the client open. RPCs of such
   * a client are not counted.
   *
   * @param client the client
   * @param requestTimeout timeout of blocking requests
   * @return the connection
   */
  public static EtcdConnection of(Client client, Duration requestTimeout) {
    Objects.requireNonNull(client, "client");
    Objects.requireNonNull(requestTimeout, "requestTimeout");
    return new EtcdConnection(
        client, false, requestTimeout, "EtcdConnection[caller-owned client]", new AtomicLong());
  }

  Client client() {
    return client;
  }

  /**
   * Checks that the cluster answers: reads one key (Dynamite's status key) with the request
   * timeout. Used to wait for etcd at start-up without depending on jetcd types.
   *
   * @return completes normally once etcd answered, exceptionally with the cause otherwise
   * @since 0.1
   */
  public CompletableFuture<Void> probe() {
    return client.getKVClient()
        .get(ByteSequence.from("/_dynamite/state/application_status", StandardCharsets.UTF_8))
        .orTimeout(requestTimeout.toMillis(), TimeUnit.MILLISECONDS)
        .thenApply(r -> (Void) null);
  }

  /**
   * Returns the timeout of blocking requests.
   *
   * @return the timeout
   */
  public Duration requestTimeout() {
    return requestTimeout;
  }

  /**
   * Returns the number of RPCs started on this connection (unary calls and streams; messages on an
   * open watch or keep-alive stream are not calls).
   *
   * @return the count since opening
   */
  public long rpcCount() {
    return rpcs.get();
  }

  /** Closes the client if this connection opened it. Idempotent. */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true) && owned) {
      client.close();
    }
  }

  /** Describes the connection without credentials. */
  @Override
  public String toString() {
    return description;
  }

  /** Counts every call started on the channel. */
  private static final class CountingInterceptor implements ClientInterceptor {
    private final AtomicLong rpcs;

    CountingInterceptor(AtomicLong rpcs) {
      this.rpcs = rpcs;
    }

    @Override
    public <Q, R> ClientCall<Q, R> interceptCall(
        MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
      rpcs.incrementAndGet();
      return next.newCall(method, options);
    }
  }
}
