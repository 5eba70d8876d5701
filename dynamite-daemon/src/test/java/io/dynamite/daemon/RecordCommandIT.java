package io.dynamite.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dynamite.api.MetricQuery;
import io.dynamite.sim.MetricKind;
import io.dynamite.sim.Recording;
import io.dynamite.sim.Trace;
import io.dynamite.testkit.etcd.EtcdProcess;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.options.GetOption;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code dynamite record} against a real etcd: it writes what the v3 metric source delivers, the
 * stored samples and those that arrive while it records, with the instances' unit names, leaves
 * the keys and the daemon's checkpoint alone, and its file replays through {@code simulate}.
 */
class RecordCommandIT {
  private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");

  @TempDir Path dir;

  private static final String YAML = """
      Dynamite:
        ServiceFiles:
          PathList: [units]
        ETCD:
          application_base_path: /services
          metrics_base_path: /metrics
        Service:
          web:
            name_of_unit_file: web@.service
            type: webserver
            min_instance: 1
            max_instance: 10
            base_instance_prefix_number: 8080
            ports_per_instance: 1
            policies:
              - cpu
        ScalingPolicy:
          cpu:
            type: target-tracking
            service_type: webserver
            metric: cpu_user
            target: 60
      """;

  @Test
  void recordsStoredAndArrivingSamplesWithTheirUnitsAndTheFileReplays() throws Exception {
    Files.createDirectories(dir.resolve("units"));
    Files.writeString(dir.resolve("units/web@.service"), "[Unit]\nDescription=web %i\n[Service]\nExecStart=/bin/true\n");
    Path config = Files.writeString(dir.resolve("dynamite.yaml"), YAML);
    Path file = dir.resolve("recording.csv");
    try (EtcdProcess etcd = EtcdProcess.start(); Client client = Client.builder().endpoints(etcd.endpoint()).build()) {
      KV kv = client.getKVClient();
      put(kv, "/services/webserver/uuid-a/service_instance_name", "web@8080.service");
      put(kv, "/services/webserver/uuid-b/service_instance_name", "web@8081.service");
      // a metric no policy reads: not recorded
      put(kv, "/metrics/webserver/uuid-a/memory/" + OriginalFixture.TS.format(T0), "12");
      for (int s = 0; s < 10; s++) {
        put(kv, cpuKey("uuid-a", s), "50");
        put(kv, cpuKey("uuid-b", s), "30");
      }
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      CompletableFuture<Integer> recording = CompletableFuture.supplyAsync(() -> DynamiteDaemon.run(new String[] {"record",
          "-c", config.toString(), "--etcd", etcd.endpoint(), "--metrics-api", "v3", "--out", file.toString(), "--samples", "30"},
          Map.of(), new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8)));
      // the stored samples first, from the source's initial read
      await("the stored samples recorded").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
          .until(() -> Files.exists(file) && dataLines(file) >= 20);
      assertThat(recording).isNotDone();
      // then samples written while it records, through the watch
      for (int s = 10; s < 20; s++) {
        put(kv, cpuKey("uuid-a", s), "90");
      }
      assertThat(recording.get(60, TimeUnit.SECONDS)).as(out.toString(StandardCharsets.UTF_8) + err).isZero();
      assertThat(out.toString(StandardCharsets.UTF_8)).contains("recording 1 stream(s) from etcd v3 at " + etcd.endpoint())
          .contains("recorded 30 sample(s) of 1 stream(s)");

      Recording rec = Recording.read(file);
      MetricQuery cpu = new MetricQuery("webserver", "cpu_user", false);
      assertThat(rec.streams()).containsExactly(cpu);
      assertThat(rec.samples()).hasSize(30);
      assertThat(rec.samples()).filteredOn(x -> x.uuid().equals("uuid-a")).hasSize(20)
          .allSatisfy(x -> assertThat(x.unit()).isEqualTo("web@8080.service"));
      assertThat(rec.samples()).filteredOn(x -> x.uuid().equals("uuid-b")).hasSize(10)
          .allSatisfy(x -> {
            assertThat(x.unit()).isEqualTo("web@8081.service");
            assertThat(x.value()).isEqualTo(30.0);
          });
      assertThat(rec.samples()).filteredOn(x -> x.at().equals(T0.plusSeconds(15)))
          .singleElement().satisfies(x -> assertThat(x.value()).isEqualTo(90.0));
      assertThat(Files.readString(file)).startsWith("# dynamite record:").contains("\n" + Recording.HEADER + "\n");

      // shared mode without a checkpoint: every key is still there and no checkpoint was written
      assertThat(kv.get(bytes("/metrics/webserver/"), GetOption.builder().isPrefix(true).withCountOnly(true).build())
          .get(10, TimeUnit.SECONDS).getCount()).isEqualTo(31);
      assertThat(kv.get(bytes("/_dynamite/"), GetOption.builder().isPrefix(true).withCountOnly(true).build())
          .get(10, TimeUnit.SECONDS).getCount()).isZero();
    }

    // the demand the recording stands for: 0.5 + 0.3 busy instances, then 0.9 + 0.3 (b's last value stays 60 s)
    Trace demand = Recording.read(file).demand(new MetricQuery("webserver", "cpu_user", false), MetricKind.UTILIZATION,
        Duration.ofSeconds(5), Recording.DEFAULT_MAX_AGE);
    assertThat(demand.demands()).containsExactly(0.8, 0.8, 1.2, 1.2);
    ByteArrayOutputStream sim = new ByteArrayOutputStream();
    int code = DynamiteDaemon.run(new String[] {"simulate", "-c", config.toString(), "--replay", file.toString(), "--replay-step", "5s"},
        Map.of(), new PrintStream(sim, true, StandardCharsets.UTF_8), new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    assertThat(code).as(sim.toString(StandardCharsets.UTF_8)).isZero();
    assertThat(sim.toString(StandardCharsets.UTF_8)).contains("recording recording.csv: 30 samples")
        .contains("4 rows, 20 s; mean demand 1, peak 1.2").contains("capacity 1 per instance");
  }

  private static String cpuKey(String uuid, int second) {
    return "/metrics/webserver/" + uuid + "/cpu_user/" + OriginalFixture.TS.format(T0.plusSeconds(second));
  }

  private static void put(KV kv, String key, String value) throws Exception {
    kv.put(bytes(key), bytes(value)).get(10, TimeUnit.SECONDS);
  }

  private static ByteSequence bytes(String s) {
    return ByteSequence.from(s, StandardCharsets.UTF_8);
  }

  private static long dataLines(Path file) throws Exception {
    List<String> lines = Files.readAllLines(file);
    return lines.stream().filter(l -> !l.startsWith("#") && !l.equals(Recording.HEADER) && !l.isBlank()).count();
  }
}
