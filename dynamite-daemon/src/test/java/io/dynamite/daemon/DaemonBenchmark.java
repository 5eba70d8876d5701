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
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Daemon figures for docs/benchmarks.md: start to first decision, resident memory idle and with
 * 1,000 instances, reaction time from a metric write in etcd to the fleet PUT. Not part of the
 * suite (the name does not end in IT); run it with {@code -Dit.test=DaemonBenchmark}.
 *
 * <p>The reaction is timed from just before the benchmark's write of the breaching sample to the
 * moment the fake fleet reads the PUT that creates the new unit ({@link
 * FakeFleetServer.Builder#onRequest}, no polling). The first {@code bench.warmup} reactions (default
 * 20) are reported apart: the daemon runs that code for the first time. Options: {@code
 * -Dbench.launcher=true} starts the daemon through the shipped launcher, {@code
 * -Dbench.daemonArgs="..."} adds daemon options, {@code -Dbench.reactionOnly=true} skips the
 * 1,000-instance part.
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
    // the moments the fake receives the requests of a start, taken as they arrive (no polling)
    AtomicLong readAt = new AtomicLong();
    AtomicLong putAt = new AtomicLong();
    AtomicReference<CountDownLatch> putSeen =
        new AtomicReference<>(new CountDownLatch(1));
    Consumer<FakeFleetServer.Request> arrivals = r -> {
      if (r.method().equals("GET") && r.path().startsWith("/fleet/v1/units/web@")) {
        readAt.compareAndSet(0, System.nanoTime());
      } else if (r.method().equals("PUT") && r.body().contains("options") && putAt.compareAndSet(0, System.nanoTime())) {
        putSeen.get().countDown();
      }
    };
    try (EtcdProcess etcd = EtcdProcess.start("--enable-v2=true");
        FakeFleetServer fleet = FakeFleetServer.builder().pageSize(1000).onRequest(arrivals).start()) {
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
      await().pollDelay(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(6)).until(() -> true);
      long idleTicks = cpuTicks(d.pid());
      long idleFrom = System.nanoTime();
      await().pollDelay(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(6)).until(() -> true);
      double idleCpu = (cpuTicks(d.pid()) - idleTicks) * 10.0 / ((System.nanoTime() - idleFrom) / 1e9);
      long idleRss = rssKb(d.pid());

      // 2. reaction time: metric write (v2, the original writers' API) -> fleet PUT of the new unit
      List<Long> latencies = new ArrayList<>();
      // where the time goes: the moment the engine's intent for the start lands in etcd splits the
      // way into "write -> watch -> engine -> intent" and "intent -> fleet PUT"
      AtomicLong intentAt = new AtomicLong();
      io.etcd.jetcd.Client watcher = io.etcd.jetcd.Client.builder().endpoints(etcd.endpoint()).build();
      io.etcd.jetcd.Watch.Watcher intents = watcher.getWatchClient().watch(
          io.etcd.jetcd.ByteSequence.from("/_dynamite/run/intent/", StandardCharsets.UTF_8),
          io.etcd.jetcd.options.WatchOption.builder().isPrefix(true).build(),
          r -> r.getEvents().stream().filter(e -> e.getEventType() == io.etcd.jetcd.watch.WatchEvent.EventType.PUT)
              .findFirst().ifPresent(e -> intentAt.compareAndSet(0, System.nanoTime())));
      Instant ts = Instant.parse("2030-01-01T00:00:00Z");
      List<long[]> phases = new ArrayList<>();
      // the first reactions run code the daemon has not run since it started (interpreted, classes
      // loading): they are measured, but reported apart from the steady state (-Dbench.warmup=0 to
      // count them in)
      int warmup = Integer.getInteger("bench.warmup", 20);
      List<Long> warm = new ArrayList<>();
      long[] cpuBefore = null;
      for (int i = 0; i < warmup + 120; i++) {
        if (i == warmup) {
          cpuBefore = new long[] {cpuTicks(d.pid()), cpuTicks(etcd.pid()), cpuTicks(ProcessHandle.current().pid())};
        }
        write(etcd, ts, 500);
        ts = ts.plusSeconds(1);
        fleet.clearRequests();
        intentAt.set(0);
        readAt.set(0);
        putAt.set(0);
        CountDownLatch seen = new CountDownLatch(1);
        putSeen.set(seen);
        long w = System.nanoTime();
        write(etcd, ts, 500); // the second sample after the window start fires (period 0)
        ts = ts.plusSeconds(1);
        if (!seen.await(10, TimeUnit.SECONDS)) {
          throw new AssertionError("no fleet PUT within 10 s of write " + i);
        }
        long put = putAt.get() - w;
        if (i < warmup) {
          warm.add(put / 1_000_000);
          await().pollDelay(Duration.ofMillis(200)).atMost(Duration.ofSeconds(3)).until(() -> true);
          continue;
        }
        latencies.add(put / 1_000_000);
        phases.add(new long[] {put / 1000, intentAt.get() == 0 ? -1 : (intentAt.get() - w) / 1000,
            readAt.get() == 0 ? -1 : (readAt.get() - w) / 1000, i});
        // let the start complete and the state settle before the next write; varied so that no
        // periodic work (reconciliation every 30 s) lines up with the writes
        await().pollDelay(Duration.ofMillis(100 + (i * 373L) % 300)).atMost(Duration.ofSeconds(3)).until(() -> true);
      }
      long[] cpuAfter = {cpuTicks(d.pid()), cpuTicks(etcd.pid()), cpuTicks(ProcessHandle.current().pid())};
      intents.close();
      watcher.close();
      Collections.sort(latencies);
      System.out.printf("%nDAEMON BENCHMARK%nprocess start -> first fleet PUT: %d ms; %s%nRSS idle (1 instance, 10 s after start): %d MiB;"
          + " CPU when idle: %.1f ms per second%n", firstPut, ready.substring(ready.indexOf("ready")), idleRss / 1024, idleCpu);
      System.out.printf("reaction metric write (etcd v2) -> fleet PUT, daemon args [%s], n=%d after %d warm-up writes: p50 %d ms, p99 %d ms,"
          + " min %d ms, max %d ms%n", extra, latencies.size(), warmup, latencies.get(latencies.size() / 2), percentile99(latencies),
          latencies.get(0), latencies.get(latencies.size() - 1));
      if (!warm.isEmpty()) {
        System.out.printf("  warm-up writes (not counted above): first %d ms, then %s ms%n", warm.get(0), warm.subList(1, warm.size()));
      }
      List<Long> toIntent = phases.stream().filter(p -> p[1] >= 0).map(p -> p[1] / 1000).sorted().toList();
      if (!toIntent.isEmpty()) {
        System.out.printf("  of which metric write -> intent in etcd (seen by a watch), n=%d: p50 %d ms, p99 %d ms, max %d ms%n",
            toIntent.size(), toIntent.get(toIntent.size() / 2), percentile99(toIntent), toIntent.get(toIntent.size() - 1));
      }
      String[] names = {"write -> intent seen", "intent seen -> unit read at fleet", "unit read -> PUT at fleet"};
      for (int s = 0; s < names.length; s++) {
        int k = s;
        List<Long> seg = phases.stream().filter(p -> p[1] >= 0 && p[2] >= 0)
            .map(p -> k == 0 ? p[1] : k == 1 ? p[2] - p[1] : p[0] - p[2]).sorted().toList();
        System.out.printf("  segment %s: p50 %.1f ms, p90 %.1f ms, max %.1f ms%n", names[k],
            seg.get(seg.size() / 2) / 1000.0, seg.get(seg.size() * 9 / 10) / 1000.0, seg.get(seg.size() - 1) / 1000.0);
      }
      phases.sort((x, y) -> Long.compare(y[0], x[0]));
      System.out.println("  slowest five (ms after the write: intent seen, unit read, PUT; write number): " + phases.stream().limit(5)
          .map(p -> String.format("%.1f/%.1f/%.1f #%d", p[1] / 1000.0, p[2] / 1000.0, p[0] / 1000.0, p[3])).toList());
      System.out.printf("  CPU per measured reaction (two writes, the start and its completion): daemon %.1f ms, etcd %.1f ms,"
          + " benchmark JVM with the fake fleet %.1f ms%n", (cpuAfter[0] - cpuBefore[0]) * 10.0 / 120, (cpuAfter[1] - cpuBefore[1]) * 10.0 / 120,
          (cpuAfter[2] - cpuBefore[2]) * 10.0 / 120);
      d.terminate(60);
      // kept for a look at what the daemon logged during the measurement
      Files.copy(dir.resolve("small.log"), Path.of("target", "bench-daemon.log"), StandardCopyOption.REPLACE_EXISTING);

      if (Boolean.getBoolean("bench.reactionOnly")) {
        return;
      }
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

  private static long percentile99(List<Long> sorted) {
    return sorted.get((int) Math.ceil(sorted.size() * 0.99) - 1);
  }

  /** User and system CPU of a process in clock ticks (1/100 s on Linux). */
  private static long cpuTicks(long pid) throws Exception {
    String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return Long.parseLong(f[11]) + Long.parseLong(f[12]);
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
