package io.dynamite.daemon;

import static org.awaitility.Awaitility.await;

import io.dynamite.testkit.etcd.EtcdProcess;
import io.dynamite.sandbox.fleet.FakeFleetServer;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Daemon figures for docs/benchmarks.md: start to first decision, resident memory idle and with
 * 1,000 instances, reaction time from a metric write in etcd to the fleet PUT. Not part of the
 * suite (the name does not end in IT); run it with {@code -Dit.test=DaemonBenchmark}.
 */
class DaemonBenchmark {
  private static final DateTimeFormatter TS = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir Path dir;

  private static String config(Path units, int min) {
    return """
        Dynamite:
          ServiceFiles:
            PathList: ['%s']
          ETCD:
            application_base_path: /services
            metrics_base_path: /metrics
          Service:
            web:
              name_of_unit_file: web@.service
              type: web
              min_instance: %d
              max_instance: 5000
              base_instance_prefix_number: 10000
              ports_per_instance: 1
              scale_up_policy:
                ScalingPolicy: up
          ScalingPolicy:
            up:
              service_type: lb
              metric: rt
              metric_aggregated: true
              comparative_operator: gt
              threshold: 100
              period: 0
              cooldown_period: 0
        """.formatted(units, min);
  }

  @Test
  void measure() throws Exception {
    System.setProperty("sun.net.httpserver.nodelay", "true");
    Path units = Files.createDirectories(dir.resolve("units"));
    Files.writeString(units.resolve("web@.service"), "[Unit]\nDescription=web %i\n[Service]\nExecStart=/bin/true\n");
    try (EtcdProcess etcd = EtcdProcess.start("--enable-v2=true"); FakeFleetServer fleet = FakeFleetServer.builder().pageSize(1000).start()) {
      // 1. start to first decision (the start-up top-up of min_instance 1) and idle RSS
      Path cfg = Files.writeString(dir.resolve("small.yaml"), config(units, 1));
      long t0 = System.nanoTime();
      List<String> args = new ArrayList<>(List.of("-c", cfg.toString(), "--etcd", etcd.endpoint(), "--fleet", fleet.endpoint(),
          "--status-port", "0"));
      // e.g. -Dbench.daemonArgs="--metrics-mode shared" to measure without the consuming delete
      String extra = System.getProperty("bench.daemonArgs", "").trim();
      if (!extra.isEmpty()) {
        args.addAll(List.of(extra.split("\\s+")));
      }
      DaemonProcess d = DaemonProcess.start(dir.resolve("small.log"), Map.of(), args.toArray(new String[0]));
      await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(5))
          .until(() -> fleet.requests().stream().anyMatch(r -> r.method().equals("PUT")));
      long firstPut = (System.nanoTime() - t0) / 1_000_000;
      await().atMost(Duration.ofSeconds(60)).until(() -> fleet.unit("web@10000.service").map(u -> u.desiredState().equals("launched")).orElse(false));
      String ready = d.output().lines().filter(l -> l.contains("ready ")).findFirst().orElse("?");
      await().pollDelay(Duration.ofSeconds(10)).atMost(Duration.ofSeconds(11)).until(() -> true);
      long idleRss = rssKb(d.pid());

      // 2. reaction time: metric write (v2, the original writers' API) -> fleet PUT of the new unit
      List<Long> latencies = new ArrayList<>();
      // where the time goes: the moment the engine's intent for the start lands in etcd splits the
      // way into "write -> watch -> engine -> intent" and "intent -> fleet PUT"
      List<Long> toIntent = new ArrayList<>();
      java.util.concurrent.atomic.AtomicLong intentAt = new java.util.concurrent.atomic.AtomicLong();
      io.etcd.jetcd.Client watcher = io.etcd.jetcd.Client.builder().endpoints(etcd.endpoint()).build();
      io.etcd.jetcd.Watch.Watcher intents = watcher.getWatchClient().watch(
          io.etcd.jetcd.ByteSequence.from("/_dynamite/run/intent/", StandardCharsets.UTF_8),
          io.etcd.jetcd.options.WatchOption.builder().isPrefix(true).build(),
          r -> r.getEvents().stream().filter(e -> e.getEventType() == io.etcd.jetcd.watch.WatchEvent.EventType.PUT)
              .findFirst().ifPresent(e -> intentAt.compareAndSet(0, System.nanoTime())));
      Instant ts = Instant.parse("2030-01-01T00:00:00Z");
      for (int i = 0; i < 120; i++) {
        write(etcd, ts, 500);
        ts = ts.plusSeconds(1);
        // the fake's request log is read under its lock at every poll below: kept short, so that the
        // polling neither slows the fake's answers to the daemon nor takes the CPU the daemon needs
        fleet.clearRequests();
        int puts = 0;
        intentAt.set(0);
        long w = System.nanoTime();
        write(etcd, ts, 500); // the second sample after the window start fires (period 0)
        ts = ts.plusSeconds(1);
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(1))
            .until(() -> fleet.requests().stream().filter(r -> r.method().equals("PUT") && r.body().contains("options")).count() > puts);
        latencies.add((System.nanoTime() - w) / 1_000_000);
        if (intentAt.get() != 0) {
          toIntent.add((intentAt.get() - w) / 1_000_000);
        }
        // let the start complete and the state settle before the next write; varied so that no
        // periodic work (reconciliation every 30 s) lines up with the writes
        await().pollDelay(Duration.ofMillis(100 + (i * 373L) % 300)).atMost(Duration.ofSeconds(3)).until(() -> true);
      }
      Collections.sort(latencies);
      System.out.printf("%nDAEMON BENCHMARK%nprocess start -> first fleet PUT: %d ms; %s%nRSS idle (1 instance, 10 s after start): %d MiB%n",
          firstPut, ready.substring(ready.indexOf("ready")), idleRss / 1024);
      System.out.printf("reaction metric write (etcd v2) -> fleet PUT, daemon args [%s], n=%d: p50 %d ms, p99 %d ms, min %d ms, max %d ms%n",
          extra, latencies.size(), latencies.get(latencies.size() / 2), latencies.get((int) Math.ceil(latencies.size() * 0.99) - 1),
          latencies.get(0), latencies.get(latencies.size() - 1));
      intents.close();
      watcher.close();
      Collections.sort(toIntent);
      if (!toIntent.isEmpty()) {
        System.out.printf("  of which metric write -> intent in etcd (seen by a watch), n=%d: p50 %d ms, p99 %d ms, max %d ms%n",
            toIntent.size(), toIntent.get(toIntent.size() / 2), toIntent.get((int) Math.ceil(toIntent.size() * 0.99) - 1),
            toIntent.get(toIntent.size() - 1));
      }
      d.terminate(60);

      // 3. RSS with 1,000 instances
      try (FakeFleetServer big = FakeFleetServer.builder().pageSize(1000).start()) {
        Path bigCfg = Files.writeString(dir.resolve("big.yaml"), config(units, 1000));
        long b0 = System.nanoTime();
        DaemonProcess d2 = DaemonProcess.start(dir.resolve("big.log"), Map.of(), "-c", bigCfg.toString(),
            "--etcd", etcd.endpoint(), "--fleet", big.endpoint(), "--status-port", "0", "--metrics-api", "v3");
        await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(200)).until(() -> big.unitNames().size() >= 1000
            && big.unitNames().stream().allMatch(u -> big.unit(u).map(x -> x.desiredState().equals("launched")).orElse(false)));
        long all = (System.nanoTime() - b0) / 1_000_000;
        await().pollDelay(Duration.ofSeconds(40)).atMost(Duration.ofSeconds(41)).until(() -> true);
        System.out.printf("1,000 instances: all launched %d ms after process start; RSS 40 s later (one reconcile pass included): %d MiB%n%n",
            all, rssKb(d2.pid()) / 1024);
        d2.terminate(60);
      }
    }
  }

  private static void write(EtcdProcess etcd, Instant at, double value) throws Exception {
    String body = "value=" + URLEncoder.encode(String.valueOf(value), StandardCharsets.UTF_8);
    HTTP.send(HttpRequest.newBuilder(URI.create(etcd.endpoint() + "/v2/keys/metrics/lb/rt/" + TS.format(at)))
        .header("Content-Type", "application/x-www-form-urlencoded").PUT(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.discarding());
  }

  private static long rssKb(long pid) throws Exception {
    for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    return -1;
  }
}
