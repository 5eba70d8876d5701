package io.dynamite.testkit.etcd;

import io.dynamite.testkit.internal.LocalServers;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import javax.net.ssl.SSLContext;
import org.jspecify.annotations.Nullable;

/**
 * One single-member etcd server for tests, listening on free loopback ports with its own temporary
 * data directory.
 *
 * <p>The binary is {@code $ETCD_BIN} if set, else {@code etcd} on the {@code PATH}; when neither
 * exists {@link #start} fails with "install etcd-server or set ETCD_BIN" (tests never skip
 * silently). The server runs with {@code --heartbeat-interval 10 --election-timeout 100} so that
 * it is healthy within about 100 ms and short lease TTLs work. Never uses port 2379: another etcd
 * may be listening there.
 *
 * <p>An instance can be stopped ({@link #stop}, SIGTERM), killed ({@link #kill}, SIGKILL) and
 * started again on the same ports and data ({@link #restart}), or with its data wiped first ({@link
 * #wipeData}); {@link #close} stops it and deletes
 * the data directory. Not thread-safe: drive it from one test thread.
 *
 * @since 0.1
 */
public final class EtcdProcess implements AutoCloseable {
  private static final Duration HEALTH_TIMEOUT = Duration.ofSeconds(15);
  private static final int START_ATTEMPTS = 3;

  private final Path binary;
  private final List<String> extraFlags;
  private final @Nullable SSLContext healthSsl;
  private final Path dir;
  private int clientPort;
  private int peerPort;
  private @Nullable Process process;

  private EtcdProcess(Path binary, List<String> extraFlags, @Nullable SSLContext healthSsl)
      throws IOException {
    this.binary = binary;
    this.extraFlags = List.copyOf(extraFlags);
    this.healthSsl = healthSsl;
    this.dir = Files.createTempDirectory("dynamite-etcd-");
  }

  /**
   * Starts etcd with the fast test flags plus {@code extraFlags} and waits until {@code /health}
   * reports healthy.
   *
   * @param extraFlags further command line flags, for example {@code --enable-v2=true}
   * @return the running process
   * @throws IllegalStateException if the binary is missing or etcd does not become healthy
   */
  public static EtcdProcess start(String... extraFlags) {
    return start(List.of(extraFlags), null);
  }

  /**
   * Starts etcd with client TLS: pass the TLS flags ({@code --cert-file}, {@code --key-file},
   * {@code --trusted-ca-file}, {@code --client-cert-auth}) in {@code extraFlags}; the health check
   * then uses {@code healthSsl} and the client URL is {@code https}.
   *
   * @param extraFlags further command line flags
   * @param healthSsl the SSL context the health check uses, or null for plain HTTP
   * @return the running process
   * @throws IllegalStateException if the binary is missing or etcd does not become healthy
   */
  public static EtcdProcess start(List<String> extraFlags, @Nullable SSLContext healthSsl) {
    Objects.requireNonNull(extraFlags, "extraFlags");
    EtcdProcess p;
    try {
      p = new EtcdProcess(findBinary(), extraFlags, healthSsl);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    IllegalStateException last = null;
    for (int attempt = 0; attempt < START_ATTEMPTS; attempt++) {
      try {
        p.clientPort = LocalServers.freeLoopbackPort();
        p.peerPort = LocalServers.freeLoopbackPort();
        p.launch();
        return p;
      } catch (IllegalStateException e) {
        // the usual cause is a port taken between probing and binding: retry with new ports
        last = e;
        p.destroy(true);
      }
    }
    p.deleteDir();
    throw Objects.requireNonNull(last);
  }

  /**
   * Returns the client URL, for example {@code http://127.0.0.1:41234}.
   *
   * @return the URL clients connect to
   */
  public String endpoint() {
    return scheme() + "://127.0.0.1:" + clientPort;
  }

  /**
   * Returns the client port.
   *
   * @return the port number
   */
  public int clientPort() {
    return clientPort;
  }

  /**
   * Tells whether the etcd process is alive.
   *
   * @return true while running
   */
  public boolean isRunning() {
    Process p = process;
    return p != null && p.isAlive();
  }

  /**
   * Returns the operating-system process id of the running etcd, for example to read its CPU time
   * or memory in {@code /proc}.
   *
   * @return the pid
   * @throws IllegalStateException if etcd is not running (stopped, killed, or between restarts)
   */
  public long pid() {
    Process p = process;
    if (p == null || !p.isAlive()) {
      throw new IllegalStateException("etcd is not running");
    }
    return p.pid();
  }

  /** Stops etcd gracefully (SIGTERM), keeping the data directory. Idempotent. */
  public void stop() {
    destroy(false);
  }

  /** Kills etcd (SIGKILL), keeping the data directory: a crash. Idempotent. */
  public void kill() {
    destroy(true);
  }

  /**
   * Starts etcd again on the same ports with the same data, after {@link #stop} or {@link #kill}.
   *
   * @throws IllegalStateException if it does not become healthy
   */
  public void restart() {
    if (isRunning()) {
      throw new IllegalStateException("etcd is still running");
    }
    launch();
  }

  /**
   * Deletes etcd's data while it is stopped, so that the next {@link #restart} starts an empty,
   * new cluster on the same ports: revisions start again at 1 and every key is gone, as when an
   * operator replaces a broken member's data directory.
   *
   * @throws IllegalStateException if etcd is running
   */
  public void wipeData() {
    if (isRunning()) {
      throw new IllegalStateException("etcd is still running: stop or kill it first");
    }
    LocalServers.deleteTree(dir.resolve("data"));
  }

  /** Stops etcd and deletes its data directory. Idempotent. */
  @Override
  public void close() {
    destroy(false);
    deleteDir();
  }

  @Override
  public String toString() {
    return "EtcdProcess[" + endpoint() + ", dir=" + dir + "]";
  }

  private String scheme() {
    return healthSsl == null ? "http" : "https";
  }

  private void launch() {
    String client = scheme() + "://127.0.0.1:" + clientPort;
    String peer = "http://127.0.0.1:" + peerPort;
    List<String> cmd = new ArrayList<>();
    cmd.add(binary.toString());
    cmd.addAll(
        List.of(
            "--name", "test",
            "--data-dir", dir.resolve("data").toString(),
            "--listen-client-urls", client,
            "--advertise-client-urls", client,
            "--listen-peer-urls", peer,
            "--initial-advertise-peer-urls", peer,
            "--initial-cluster", "test=" + peer,
            "--initial-cluster-state", "new",
            "--heartbeat-interval", "10",
            "--election-timeout", "100",
            "--logger", "zap",
            "--log-outputs", dir.resolve("etcd.log").toString()));
    cmd.addAll(extraFlags);
    try {
      // discard output: a full pipe would block etcd; its log goes to --log-outputs
      process =
          new ProcessBuilder(cmd)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .redirectError(ProcessBuilder.Redirect.DISCARD)
              .start();
    } catch (IOException e) {
      throw new IllegalStateException("cannot start " + binary + ": " + e.getMessage(), e);
    }
    awaitHealthy(client);
  }

  private void awaitHealthy(String client) {
    HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(200));
    if (healthSsl != null) {
      b.sslContext(healthSsl);
    }
    HttpClient http = b.build();
    HttpRequest req =
        HttpRequest.newBuilder(URI.create(client + "/health"))
            .timeout(Duration.ofSeconds(1))
            .build();
    LocalServers.awaitReady(Objects.requireNonNull(process), "etcd", "not healthy", HEALTH_TIMEOUT, Duration.ofMillis(10), () -> {
      HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
      return r.statusCode() == 200 && r.body().contains("\"health\":\"true\"");
    }, this::logTail);
  }

  private String logTail() {
    return LocalServers.logTail(dir.resolve("etcd.log"), 5);
  }

  private void destroy(boolean force) {
    Process p = process;
    if (p != null) {
      process = null;
      LocalServers.stop(p, force, Duration.ofSeconds(5));
    }
  }

  private void deleteDir() {
    LocalServers.deleteTree(dir);
  }

  private static Path findBinary() {
    String env = System.getenv("ETCD_BIN");
    if (env != null && !env.isBlank()) {
      Path p = Path.of(env);
      if (Files.isExecutable(p)) {
        return p;
      }
      throw new IllegalStateException("ETCD_BIN=" + env + " is not executable");
    }
    String path = System.getenv("PATH");
    if (path != null) {
      for (String d : path.split(java.io.File.pathSeparator)) {
        Path p = Path.of(d, "etcd");
        if (Files.isExecutable(p)) {
          return p;
        }
      }
    }
    throw new IllegalStateException("etcd binary not found: install etcd-server or set ETCD_BIN");
  }

}
