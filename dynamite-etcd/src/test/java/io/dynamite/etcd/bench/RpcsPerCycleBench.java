package io.dynamite.etcd.bench;

import io.dynamite.api.MetricQuery;
import io.dynamite.api.MetricSample;
import io.dynamite.etcd.EtcdConnection;
import io.dynamite.etcd.EtcdMetricSource;
import io.dynamite.etcd.EtcdSettings;
import io.dynamite.etcd.EtcdV2MetricSource;
import io.dynamite.etcd.MetricMode;
import io.dynamite.testkit.etcd.EtcdProcess;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * etcd calls per evaluation cycle with 1,000 live instances (one new sample each per cycle) and
 * 1,000 stale uuid directories, one per-instance policy, measured on the source's own connection
 * (a gRPC interceptor counts every call started; v2: every HTTP request). Compared with the
 * original's formula: per policy per pass one GET of the type directory, one GET per uuid
 * directory (live and stale), one DELETE per sample.
 */
public final class RpcsPerCycleBench {
  private static final DateTimeFormatter TS =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
  private static final MetricQuery Q = new MetricQuery("webserver", "cpu_user", false);
  /** The engine's tick; the original polled once per second. */
  private static final long TICK_NANOS = 1_000_000_000L;

  private RpcsPerCycleBench() {}

  /**
   * Runs the benchmark and prints the figures.
   *
   * @param args optional sizes, see the class comment
   * @throws Exception if etcd cannot be started or a write fails
   */
  public static void main(String[] args) throws Exception {
    int instances = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
    int stale = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
    int cycles = args.length > 2 ? Integer.parseInt(args[2]) : 10;
    // etcd's --max-txn-ops (default 128) caps the deletes per transaction in consume mode
    int maxTxnOps = args.length > 3 ? Integer.parseInt(args[3]) : 128;
    long original = 1 + (instances + stale) + instances;
    System.out.printf(
        "instances=%d stale_uuids=%d cycles=%d original_per_cycle=%d (1 type GET + %d uuid GETs + %d DELETEs)%n",
        instances, stale, cycles, original, instances + stale, instances);
    System.out.printf("max_txn_ops=%d%n", maxTxnOps);
    try (EtcdProcess etcd = EtcdProcess.start("--enable-v2=true", "--max-txn-ops=" + maxTxnOps);
        Client writer = Client.builder().endpoints(etcd.endpoint()).build()) {
      for (MetricMode mode : MetricMode.values()) {
        v3(etcd, writer, mode, instances, stale, cycles, maxTxnOps);
      }
      for (MetricMode mode : MetricMode.values()) {
        v2(etcd, mode, instances, stale, cycles);
      }
    }
  }

  static void v3(
      EtcdProcess etcd, Client writer, MetricMode mode, int instances, int stale, int cycles, int maxTxnOps)
      throws Exception {
    String root = "/rpc-" + mode.name().toLowerCase();
    for (int s = 0; s < stale; s++) {
      // stale uuid directories of an old metric (the original lists them every pass)
      put(writer, root + "/metrics/webserver/stale-" + s + "/mem/2015-01-01T00:00:00.000Z", "1");
    }
    try (EtcdConnection c = EtcdConnection.open(EtcdSettings.builder().endpoints(etcd.endpoint()).build());
        EtcdMetricSource src =
            EtcdMetricSource.builder()
                .connection(c)
                .metricsBasePath(root + "/metrics")
                .applicationBasePath(root + "/services")
                .checkpointKey(root + "/checkpoint")
                .mode(mode)
                .maxTxnOps(maxTxnOps)
                .build()) {
      src.poll(List.of(Q));
      long idleBefore = c.rpcCount();
      for (int i = 0; i < 10; i++) {
        src.poll(List.of(Q));
      }
      long idle = c.rpcCount() - idleBefore;
      long before = c.rpcCount();
      int delivered = 0;
      for (int cycle = 0; cycle < cycles; cycle++) {
        long tickEnd = System.nanoTime() + TICK_NANOS;
        writeCycle(writer, root, instances, cycle);
        // the engine polls once per tick
        parkUntil(tickEnd);
        delivered += src.poll(List.of(Q)).samples().size();
      }
      parkUntil(System.nanoTime() + TICK_NANOS);
      delivered += src.poll(List.of(Q)).samples().size();
      long total = c.rpcCount() - before;
      System.out.printf(
          "v3 mode=%s rpcs_per_cycle=%.1f idle_rpcs_per_poll=%.1f samples_delivered=%d of %d%n",
          mode, total / (double) cycles, idle / 10.0, delivered, instances * cycles);
    }
  }

  static void v2(EtcdProcess etcd, MetricMode mode, int instances, int stale, int cycles) throws Exception {
    String root = "/rpc2-" + mode.name().toLowerCase();
    HttpClient http = HttpClient.newHttpClient();
    List<CompletableFuture<?>> fs = new ArrayList<>();
    for (int s = 0; s < stale; s++) {
      fs.add(v2put(http, etcd, root + "/metrics/webserver/stale-" + s + "/mem/2015-01-01T00:00:00.000Z", "1"));
    }
    CompletableFuture.allOf(fs.toArray(new CompletableFuture<?>[0])).get(60, TimeUnit.SECONDS);
    try (EtcdV2MetricSource src =
        EtcdV2MetricSource.builder()
            .endpoint(etcd.endpoint())
            .metricsBasePath(root + "/metrics")
            .applicationBasePath(root + "/services")
            .checkpointKey(root + "/checkpoint")
            .mode(mode)
            .build()) {
      src.poll(List.of(Q));
      long before = src.requestCount();
      int delivered = 0;
      for (int cycle = 0; cycle < cycles; cycle++) {
        long tickEnd = System.nanoTime() + TICK_NANOS;
        fs.clear();
        for (int i = 0; i < instances; i++) {
          fs.add(v2put(http, etcd, root + "/metrics/webserver/uuid-" + i + "/cpu_user/" + TS.format(Instant.ofEpochSecond(cycle)), Integer.toString(i)));
        }
        CompletableFuture.allOf(fs.toArray(new CompletableFuture<?>[0])).get(60, TimeUnit.SECONDS);
        for (CompletableFuture<?> f : fs) {
          int code = ((HttpResponse<?>) f.get()).statusCode();
          if (code / 100 != 2) {
            throw new IllegalStateException("v2 write answered " + code);
          }
        }
        parkUntil(tickEnd);
        delivered += src.poll(List.of(Q)).samples().size();
      }
      parkUntil(System.nanoTime() + TICK_NANOS);
      delivered += src.poll(List.of(Q)).samples().size();
      long total = src.requestCount() - before;
      System.out.printf(
          "v2 mode=%s http_requests_per_cycle=%.1f samples_delivered=%d of %d%n",
          mode, total / (double) cycles, delivered, instances * cycles);
    }
  }

  static void parkUntil(long deadline) {
    for (long left = deadline - System.nanoTime(); left > 0; left = deadline - System.nanoTime()) {
      java.util.concurrent.locks.LockSupport.parkNanos(left);
    }
  }

  static void writeCycle(Client writer, String root, int instances, int cycle) throws Exception {
    List<CompletableFuture<?>> fs = new ArrayList<>(instances);
    for (int i = 0; i < instances; i++) {
      fs.add(
          writer
              .getKVClient()
              .put(
                  bytes(root + "/metrics/webserver/uuid-" + i + "/cpu_user/" + TS.format(Instant.ofEpochSecond(cycle))),
                  bytes(Integer.toString(i))));
    }
    CompletableFuture.allOf(fs.toArray(new CompletableFuture<?>[0])).get(60, TimeUnit.SECONDS);
  }

  static CompletableFuture<HttpResponse<Void>> v2put(HttpClient http, EtcdProcess etcd, String key, String value) {
    return http.sendAsync(
        HttpRequest.newBuilder(URI.create(etcd.endpoint() + "/v2/keys" + key))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .PUT(HttpRequest.BodyPublishers.ofString("value=" + value))
            .build(),
        HttpResponse.BodyHandlers.discarding());
  }

  static void put(Client c, String key, String value) throws Exception {
    c.getKVClient().put(bytes(key), bytes(value)).get(5, TimeUnit.SECONDS);
  }

  static ByteSequence bytes(String s) {
    return ByteSequence.from(s, StandardCharsets.UTF_8);
  }
}
