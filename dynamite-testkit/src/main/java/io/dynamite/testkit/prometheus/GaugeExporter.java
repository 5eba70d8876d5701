package io.dynamite.testkit.prometheus;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/**
 * A small Prometheus exporter for tests: serves the gauges the test sets at {@code /metrics} in
 * the text exposition format, on a free loopback port, for a {@link PrometheusProcess} to scrape
 * (see {@link PrometheusProcess#scrapeConfig}). Thread-safe: the test sets values while the
 * server's thread answers scrapes.
 *
 * @since 0.3
 */
public final class GaugeExporter implements AutoCloseable {
  private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
  private static final Pattern LABEL = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");

  private final HttpServer server;
  /** Series text ({@code name{a="1"}}) to value, sorted so that each metric's series are together. */
  private final Map<String, Double> series = new ConcurrentSkipListMap<>();
  private final AtomicInteger scrapes = new AtomicInteger();

  private GaugeExporter(HttpServer server) {
    this.server = server;
    server.createContext("/metrics", exchange -> {
      scrapes.incrementAndGet();
      byte[] body = exposition().getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
      exchange.sendResponseHeaders(200, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    });
    server.start();
  }

  /**
   * Starts an exporter with no series on a free loopback port.
   *
   * @return the running exporter
   */
  public static GaugeExporter start() {
    try {
      return new GaugeExporter(HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Sets a gauge series; the next scrape sees it.
   *
   * @param name the metric name
   * @param labels the series' labels (the scraper adds {@code job} and {@code instance})
   * @param value the value; NaN and infinities are written as Prometheus spells them
   * @return this exporter
   */
  public GaugeExporter set(String name, Map<String, String> labels, double value) {
    series.put(key(name, labels), value);
    return this;
  }

  /**
   * Removes a series, as when the instance behind it disappears.
   *
   * @param name the metric name
   * @param labels the series' labels
   * @return this exporter
   */
  public GaugeExporter remove(String name, Map<String, String> labels) {
    series.remove(key(name, labels));
    return this;
  }

  /** Removes every series. */
  public void clear() {
    series.clear();
  }

  /**
   * Returns the address to scrape, for example {@code 127.0.0.1:41234}.
   *
   * @return host and port
   */
  public String target() {
    return "127.0.0.1:" + server.getAddress().getPort();
  }

  /**
   * Returns how many scrapes were answered.
   *
   * @return the count
   */
  public int scrapes() {
    return scrapes.get();
  }

  /** Stops serving. Idempotent. */
  @Override
  public void close() {
    server.stop(0);
  }

  private static String key(String name, Map<String, String> labels) {
    Objects.requireNonNull(name, "name");
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("not a metric name: " + name);
    }
    StringBuilder b = new StringBuilder(name).append('{');
    boolean first = true;
    for (Map.Entry<String, String> e : new TreeMap<>(labels).entrySet()) {
      if (!LABEL.matcher(e.getKey()).matches()) {
        throw new IllegalArgumentException("not a label name: " + e.getKey());
      }
      b.append(first ? "" : ",").append(e.getKey()).append("=\"")
          .append(e.getValue().replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n")).append('"');
      first = false;
    }
    return b.append('}').toString();
  }

  private String exposition() {
    StringBuilder b = new StringBuilder();
    String current = null;
    for (Map.Entry<String, Double> e : series.entrySet()) {
      String name = e.getKey().substring(0, e.getKey().indexOf('{'));
      if (!name.equals(current)) {
        b.append("# TYPE ").append(name).append(" gauge\n");
        current = name;
      }
      double v = e.getValue();
      String value = Double.isNaN(v) ? "NaN" : v == Double.POSITIVE_INFINITY ? "+Inf" : v == Double.NEGATIVE_INFINITY ? "-Inf"
          : Double.toString(v);
      b.append(e.getKey()).append(' ').append(value).append('\n');
    }
    return b.toString();
  }
}
