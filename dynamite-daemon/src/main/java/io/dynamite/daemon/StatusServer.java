package io.dynamite.daemon;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.dynamite.api.StateStoreException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The status endpoint: {@code GET http://127.0.0.1:<port>/} is a status page (services, instances,
 * a chart of instances and the policy metric, decisions with their reasons; self-contained HTML,
 * refreshing itself), {@code /status} the engine snapshot as JSON (services, instances, recent
 * decisions with their reasons, counters), {@code /history} the chart's data, {@code
 * /decisions[?service=NAME]} the durable decision history kept in etcd (404 for an unknown service,
 * 503 when a standby cannot read etcd), and {@code /metrics} the engine's telemetry in Prometheus'
 * text format. Bound to loopback only: it is for the operator
 * on the host (and the {@code status} subcommand, and a Prometheus on the same host), not the
 * network.
 */
final class StatusServer implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final HttpServer server;
  private final ExecutorService executor;

  private StatusServer(HttpServer server, ExecutorService executor) {
    this.server = server;
    this.executor = executor;
  }

  static StatusServer start(int port, Supplier<Map<String, Object>> status, Supplier<String> metrics,
      Supplier<Map<String, Object>> history, Function<@Nullable String, Map<String, Object>> decisions) {
    byte[] page;
    try (var in = StatusServer.class.getResourceAsStream("status.html")) {
      page = java.util.Objects.requireNonNull(in, "status.html is missing from the jar").readAllBytes();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    HttpServer server;
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
    } catch (IOException e) {
      throw new FatalException("cannot bind the status endpoint to 127.0.0.1:" + port + ": " + e.getMessage()
          + " (choose another --status-port, or 0 to disable it)", java.util.List.of());
    }
    ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "dynamite-status");
      t.setDaemon(true);
      return t;
    });
    server.setExecutor(executor);
    server.createContext("/", exchange -> {
      try (exchange) {
        if (!exchange.getRequestMethod().equals("GET")) {
          send(exchange, 405, "{\"error\":\"GET only\"}");
        } else if (exchange.getRequestURI().getPath().equals("/")) {
          send(exchange, 200, "text/html; charset=utf-8", new String(page, StandardCharsets.UTF_8));
        } else if (exchange.getRequestURI().getPath().equals("/history")) {
          send(exchange, 200, JSON.writeValueAsString(history.get()));
        } else if (exchange.getRequestURI().getPath().equals("/metrics")) {
          send(exchange, 200, "text/plain; version=0.0.4; charset=utf-8", metrics.get());
        } else if (exchange.getRequestURI().getPath().equals("/decisions")) {
          String service = query(exchange.getRequestURI().getRawQuery(), "service");
          try {
            send(exchange, 200, JSON.writeValueAsString(decisions.apply(service)));
          } catch (IllegalArgumentException e) {
            send(exchange, 404, JSON.writeValueAsString(Map.of("error", String.valueOf(e.getMessage()))));
          } catch (StateStoreException e) {
            send(exchange, 503, JSON.writeValueAsString(Map.of("error", "cannot read the decision history: "
                + e.getMessage())));
          }
        } else if (!exchange.getRequestURI().getPath().equals("/status")) {
          send(exchange, 404, "{\"error\":\"try /, /status, /history, /decisions or /metrics\"}");
        } else {
          send(exchange, 200, JSON.writeValueAsString(status.get()));
        }
      }
    });
    server.start();
    return new StatusServer(server, executor);
  }

  /** A query parameter's decoded value, or null when absent or empty. */
  static @Nullable String query(@Nullable String rawQuery, String name) {
    if (rawQuery == null) {
      return null;
    }
    for (String pair : rawQuery.split("&")) {
      int eq = pair.indexOf('=');
      String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      if (key.equals(name) && eq >= 0) {
        String v = URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
        return v.isEmpty() ? null : v;
      }
    }
    return null;
  }

  int port() {
    return server.getAddress().getPort();
  }

  private static void send(HttpExchange exchange, int code, String body) throws IOException {
    send(exchange, code, "application/json", body);
  }

  private static void send(HttpExchange exchange, int code, String type, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", type);
    exchange.sendResponseHeaders(code, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
