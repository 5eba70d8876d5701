package io.dynamite.testkit.prometheus;

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
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * One Prometheus server for tests, listening on a free loopback port with its own temporary data
 * directory and a configuration the test writes (typically scraping an exporter the test serves on
 * loopback, see {@link #scrapeConfig}).
 *
 * <p>The binary is {@code $PROMETHEUS_BIN} if set, else {@code prometheus} on the {@code PATH}
 * (Debian's {@code prometheus} package installs {@code /usr/bin/prometheus}). {@link #binary()}
 * tells whether one exists, so that a test can skip with a clear assumption message on a machine
 * without it; {@link #start} fails when it is missing. The server's log goes to {@code
 * prometheus.log} in the data directory and its tail is quoted when the server does not become
 * ready. {@link #close} stops it and deletes the directory. Not thread-safe: drive it from one
 * test thread.
 *
 * @since 0.3
 */
public final class PrometheusProcess implements AutoCloseable {
  /** The message tests skip with when no binary is found. */
  public static final String MISSING =
      "prometheus binary not found: install Debian's prometheus package (/usr/bin/prometheus) or set PROMETHEUS_BIN";

  private static final Duration READY_TIMEOUT = Duration.ofSeconds(30);
  private static final int START_ATTEMPTS = 3;

  private final Path binary;
  private final Path dir;
  private int port;
  private @Nullable Process process;

  private PrometheusProcess(Path binary) throws IOException {
    this.binary = binary;
    this.dir = Files.createTempDirectory("dynamite-prometheus-");
  }

  /**
   * Finds the Prometheus binary without starting it.
   *
   * @return the binary, or empty when neither {@code $PROMETHEUS_BIN} nor {@code prometheus} on
   *     the {@code PATH} is executable
   */
  public static Optional<Path> binary() {
    String env = System.getenv("PROMETHEUS_BIN");
    if (env != null && !env.isBlank()) {
      Path p = Path.of(env);
      return Files.isExecutable(p) ? Optional.of(p) : Optional.empty();
    }
    String path = System.getenv("PATH");
    if (path != null) {
      for (String d : path.split(java.io.File.pathSeparator)) {
        Path p = Path.of(d, "prometheus");
        if (Files.isExecutable(p)) {
          return Optional.of(p);
        }
      }
    }
    return Optional.empty();
  }

  /**
   * Writes a configuration that scrapes the given targets every {@code interval} as job {@code
   * job}, with rules evaluated at the same interval.
   *
   * @param job the job name (the {@code job} label of every scraped series)
   * @param interval the scrape interval, at least one second
   * @param targets {@code host:port} of each exporter, for example {@code 127.0.0.1:41234}
   * @return the configuration's YAML text
   */
  public static String scrapeConfig(String job, Duration interval, List<String> targets) {
    Objects.requireNonNull(job, "job");
    if (interval.compareTo(Duration.ofSeconds(1)) < 0) {
      throw new IllegalArgumentException("scrape interval below 1s: " + interval);
    }
    StringBuilder t = new StringBuilder();
    for (String target : targets) {
      t.append(t.length() == 0 ? "" : ", ").append('\'').append(target).append('\'');
    }
    String every = interval.toMillis() + "ms";
    return """
        global:
          scrape_interval: %s
          scrape_timeout: %s
          evaluation_interval: %s
        scrape_configs:
          - job_name: '%s'
            static_configs:
              - targets: [%s]
        """.formatted(every, every, every, job, t);
  }

  /**
   * Starts Prometheus with a configuration and waits until {@code /-/ready} answers 200.
   *
   * @param configYaml the configuration file's text
   * @return the running process
   * @throws IllegalStateException if the binary is missing or Prometheus does not become ready
   */
  public static PrometheusProcess start(String configYaml) {
    Objects.requireNonNull(configYaml, "configYaml");
    Path bin = binary().orElseThrow(() -> new IllegalStateException(MISSING));
    PrometheusProcess p;
    try {
      p = new PrometheusProcess(bin);
      Files.writeString(p.dir.resolve("prometheus.yml"), configYaml);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    IllegalStateException last = null;
    for (int attempt = 0; attempt < START_ATTEMPTS; attempt++) {
      try {
        p.port = LocalServers.freeLoopbackPort();
        p.launch();
        return p;
      } catch (IllegalStateException e) {
        // the usual cause is a port taken between probing and binding: retry with a new one
        last = e;
        p.destroy();
      }
    }
    p.deleteDir();
    throw Objects.requireNonNull(last);
  }

  /**
   * Returns the base URL of the HTTP API, for example {@code http://127.0.0.1:41234}.
   *
   * @return the URL
   */
  public String url() {
    return "http://127.0.0.1:" + port;
  }

  /**
   * Returns the port.
   *
   * @return the port number
   */
  public int port() {
    return port;
  }

  /**
   * Tells whether the process is alive.
   *
   * @return true while running
   */
  public boolean isRunning() {
    Process p = process;
    return p != null && p.isAlive();
  }

  /** Stops Prometheus and deletes its data directory. Idempotent. */
  @Override
  public void close() {
    destroy();
    deleteDir();
  }

  @Override
  public String toString() {
    return "PrometheusProcess[" + url() + ", dir=" + dir + "]";
  }

  private void launch() {
    List<String> cmd = List.of(
        binary.toString(),
        "--config.file=" + dir.resolve("prometheus.yml"),
        "--storage.tsdb.path=" + dir.resolve("data"),
        "--web.listen-address=127.0.0.1:" + port,
        "--storage.tsdb.retention.time=1h",
        "--log.level=info");
    try {
      // to a file: a full pipe would block Prometheus
      process = new ProcessBuilder(cmd)
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("prometheus.log").toFile()))
          .start();
    } catch (IOException e) {
      throw new IllegalStateException("cannot start " + binary + ": " + e.getMessage(), e);
    }
    awaitReady();
  }

  private void awaitReady() {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(200)).build();
    HttpRequest req = HttpRequest.newBuilder(URI.create(url() + "/-/ready")).timeout(Duration.ofSeconds(1)).build();
    LocalServers.awaitReady(Objects.requireNonNull(process), "prometheus", "not ready", READY_TIMEOUT, Duration.ofMillis(50),
        () -> http.send(req, HttpResponse.BodyHandlers.discarding()).statusCode() == 200, this::logTail);
  }

  /**
   * Returns the last lines of the server's log, for failure messages.
   *
   * @return up to 10 lines
   */
  public String logTail() {
    return LocalServers.logTail(dir.resolve("prometheus.log"), 10);
  }

  private void destroy() {
    Process p = process;
    if (p != null) {
      process = null;
      LocalServers.stop(p, false, Duration.ofSeconds(10));
    }
  }

  private void deleteDir() {
    LocalServers.deleteTree(dir);
  }
}
