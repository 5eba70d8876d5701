package io.dynamite.etcd.bench;

import io.dynamite.api.MetricQuery;
import io.dynamite.api.MetricSample;
import io.dynamite.etcd.EtcdMetricSource;
import io.dynamite.etcd.EtcdSettings;
import io.dynamite.etcd.MetricMode;
import io.dynamite.testkit.etcd.EtcdProcess;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Latency from "metric written to etcd" to "sample returned by poll()": the writer puts one key,
 * the engine thread polls in a tight loop until the sample arrives. 100 warm-up writes, then
 * 1,000 measured, for both modes (consume includes the delete + checkpoint transaction in the
 * poll). Starts its own etcd on free loopback ports.
 */
public final class WriteToPollLatencyBench {
  private static final DateTimeFormatter TS =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  private WriteToPollLatencyBench() {}

  /**
   * Runs the benchmark and prints the figures.
   *
   * @param args optional sizes, see the class comment
   * @throws Exception if etcd cannot be started or a write fails
   */
  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
    try (EtcdProcess etcd = EtcdProcess.start();
        Client writer = Client.builder().endpoints(etcd.endpoint()).build()) {
      for (MetricMode mode : MetricMode.values()) {
        run(etcd, writer, mode, n);
      }
    }
  }

  static void run(EtcdProcess etcd, Client writer, MetricMode mode, int n) throws Exception {
    String root = "/bench-" + mode.name().toLowerCase();
    MetricQuery q = new MetricQuery("webserver", "cpu_user", false);
    List<MetricQuery> qs = List.of(q);
    try (EtcdMetricSource src =
        EtcdMetricSource.builder()
            .settings(EtcdSettings.builder().endpoints(etcd.endpoint()).build())
            .metricsBasePath(root + "/metrics")
            .applicationBasePath(root + "/services")
            .checkpointKey(root + "/checkpoint")
            .mode(mode)
            .build()) {
      src.poll(qs);
      long[] lat = new long[n];
      Instant base = Instant.parse("2020-01-01T00:00:00Z");
      for (int i = -100; i < n; i++) {
        String key = root + "/metrics/webserver/u1/cpu_user/" + TS.format(base.plusMillis(i + 100L));
        long t0 = System.nanoTime();
        writer.getKVClient().put(bytes(key), bytes(Integer.toString(i))).get(5, TimeUnit.SECONDS);
        List<MetricSample> got;
        do {
          got = src.poll(qs).samples();
          if (got.isEmpty()) {
            // yield the CPU between polls: on 2 cores a spinning poller starves etcd and the watch
            java.util.concurrent.locks.LockSupport.parkNanos(20_000);
          }
        } while (got.isEmpty() && System.nanoTime() - t0 < 5_000_000_000L);
        long t1 = System.nanoTime();
        if (got.size() != 1 || got.get(0).value() != i) {
          throw new IllegalStateException("write " + i + " delivered as " + got);
        }
        if (i >= 0) {
          lat[i] = t1 - t0;
        }
      }
      Arrays.sort(lat);
      System.out.printf(
          "mode=%s writes=%d p50=%.2f ms p90=%.2f ms p99=%.2f ms max=%.2f ms%n",
          mode, n, ms(lat, 0.50), ms(lat, 0.90), ms(lat, 0.99), lat[n - 1] / 1e6);
    }
  }

  static double ms(long[] sorted, double p) {
    int i = (int) Math.ceil(p * sorted.length) - 1;
    return sorted[Math.max(0, i)] / 1e6;
  }

  static ByteSequence bytes(String s) {
    return ByteSequence.from(s, StandardCharsets.UTF_8);
  }
}
