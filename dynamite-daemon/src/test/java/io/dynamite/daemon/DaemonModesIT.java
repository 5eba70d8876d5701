package io.dynamite.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dynamite.testkit.etcd.EtcdProcess;
import io.dynamite.sandbox.fleet.FakeFleetProfile;
import io.dynamite.sandbox.fleet.FakeFleetServer;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;

/**
 * The daemon jar in its other run modes, against one real etcd (v2 enabled) shared by the class and
 * a fresh {@link FakeFleetServer} per test (with a real fleetd's timings for the slow start): SIGTERM while a start is in flight, {@code --dry-run}
 * (with {@code DYNAMITE_LOG_CONFIG_PATH}), and the metrics flags {@code --metrics-api v2|both} with
 * {@code --metrics-mode shared}.
 */
class DaemonModesIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");

  @TempDir static Path shared;
  private static EtcdProcess etcd;
  private static Client client;
  private static Path config;

  @TempDir Path dir;
  private FakeFleetServer fleet;
  private final List<DaemonProcess> daemons = new ArrayList<>();

  @BeforeAll
  static void etcd() throws Exception {
    System.setProperty("sun.net.httpserver.nodelay", "true");
    etcd = EtcdProcess.start("--enable-v2=true");
    client = Client.builder().endpoints(etcd.endpoint()).build();
    config = OriginalFixture.prepare(shared);
  }

  @AfterAll
  static void stopEtcd() {
    client.close();
    etcd.close();
  }

  @BeforeEach
  void fleet(TestInfo test) {
    // a real fleetd's timings where a start's duration is what the test is about; the metrics and
    // dry-run tests do not depend on it and keep the instant fake
    boolean timed = test.getTags().contains("fleet-timing");
    fleet = FakeFleetServer.builder().profile(timed ? FakeFleetProfile.realistic() : FakeFleetProfile.instant()).start();
  }

  @AfterEach
  void cleanUp() throws Exception {
    for (DaemonProcess d : daemons) {
      d.close();
    }
    fleet.close();
    // the next test starts from an empty cluster: Dynamite's state and election (v3), metrics and registrations (v2 and v3)
    client.getKVClient().delete(bytes("/"), DeleteOption.builder().isPrefix(true).build()).get(10, TimeUnit.SECONDS);
    for (String tree : List.of("/metrics", "/services")) {
      OriginalFixture.HTTP.send(HttpRequest.newBuilder(URI.create(etcd.endpoint() + "/v2/keys" + tree + "?recursive=true")).DELETE().build(),
          HttpResponse.BodyHandlers.discarding());
    }
  }

  private DaemonProcess daemon(Map<String, String> env, String... extra) {
    List<String> args = new ArrayList<>(List.of("-c", config.toString(),
        "--etcd", etcd.endpoint(), "--fleet", fleet.endpoint()));
    args.addAll(List.of(extra));
    DaemonProcess d = DaemonProcess.start(dir.resolve("daemon-" + daemons.size() + ".log"), env, args.toArray(String[]::new));
    daemons.add(d);
    return d;
  }

  @Test
  @Tag("fleet-timing")
  void sigtermDuringASlowStartFinishesItExitsZeroAndLeavesNothingToUndo() throws Exception {
    DaemonProcess first = daemon(Map.of(), "--status-port", "0", "--shutdown-timeout", "30");
    awaitUnits(first, 7); // example + 2 x (a, announcer, logger)
    // running in fleet, the engine records each start at its next poll
    await("start-up recorded").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
        .until(() -> v3Keys("/_dynamite/run/intent/").isEmpty());

    fleet.setStartDelay(Duration.ofSeconds(4));
    OriginalFixture.writeResponseTimesV2(etcd.endpoint(), T0, 400);
    await("scale-up in flight").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20))
        .until(() -> fleet.unitNames().contains("a@12023.service"));
    assertThat(fleet.states("a@12023.service")).as("still starting").noneMatch(x -> x.activeState().equals("active"));
    assertThat(v3Keys("/_dynamite/run/intent/")).as("the start is recorded as an intent").hasSize(1);

    long t = System.nanoTime();
    int code = first.terminate(40);
    long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t);
    String out = first.output();
    assertThat(code).as(out).isZero();
    assertThat(seconds).as("exits within the shutdown timeout").isLessThan(30);
    assertThat(out).contains("SIGTERM received").contains("started instance=a@12023.service")
        .doesNotContain("still in flight");
    for (String unit : List.of("a@12023.service", "a_service_announcer@12023.service", "a_logger@12023.service")) {
      FakeFleetServer.Unit u = fleet.unit(unit).orElseThrow();
      assertThat(u.desiredState()).as(unit).isEqualTo("launched");
      assertThat(fleet.states(unit)).as(unit).anyMatch(x -> x.activeState().equals("active"));
    }
    assertThat(v3Keys("/_dynamite/run/intent/")).as("no intent left").isEmpty();
    assertThat(v3Keys("/_dynamite/run/service/a/")).contains("/_dynamite/run/service/a/a@12023.service");

    fleet.setStartDelay(fleet.profile().systemdStart());
    fleet.clearRequests();
    DaemonProcess second = daemon(Map.of(), "--status-port", "0");
    await("restarted").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
        .untilAsserted(() -> assertThat(second.output()).as(second.output()).contains("state ready:"));
    assertThat(second.output()).contains("4 instance(s) adopted, 0 gone, 0 interrupted start(s) completed, "
        + "0 interrupted action(s) being undone");
    assertThat(mutatingRequests()).as("nothing to redo or undo").isEmpty();
    assertThat(second.terminate(40)).as(second.output()).isZero();
  }

  @Test
  void dryRunReportsDecisionsButNeverWritesToFleetAndHonoursTheLogConfigFile() throws Exception {
    Path logConfig = Files.writeString(dir.resolve("log.properties"), """
        # the jar's defaults show a date and short logger names
        org.slf4j.simpleLogger.showDateTime=false
        org.slf4j.simpleLogger.showShortLogName=false
        """);
    int statusPort = DaemonEndToEndIT.freePort();
    DaemonProcess d = daemon(Map.of(LogConfig.VARIABLE, logConfig.toString()),
        "--dry-run", "--status-port", String.valueOf(statusPort));
    await("the top-up is reported").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
        .untilAsserted(() -> assertThat(d.output()).as(d.output())
            .contains("dry run: would start 2 instance(s) of service=a to reach min_instance 2")
            .contains("dry run: would start 1 instance(s) of service=example to reach min_instance 1"));

    OriginalFixture.writeResponseTimesV2(etcd.endpoint(), T0, 400);
    await("the scale-up decision is reported").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
        .ignoreExceptions().untilAsserted(() -> {
          JsonNode status = JSON.readTree(OriginalFixture.get("http://127.0.0.1:" + statusPort + "/status"));
          assertThat(status.get("daemon").get("dryRun").asBoolean()).isTrue();
          JsonNode decision = status.get("recentDecisions").get(0);
          assertThat(decision.get("policy").asText()).isEqualTo("a/up/scale_up");
          assertThat(decision.get("outcome").asText()).isEqualTo("REFUSED");
          assertThat(decision.get("reason").asText()).contains("dry run: would start an instance");
        });
    assertThat(d.output()).contains("outcome=refused").contains("dry run: would start an instance");
    // the same decisions as Prometheus metrics: refused scale-ups, nothing started, the counts
    String metrics = OriginalFixture.get("http://127.0.0.1:" + statusPort + "/metrics");
    assertThat(metrics)
        .containsPattern("dynamite_decisions_total\\{direction=\"up\",outcome=\"refused\",reason=\"dry_run\",service=\"a\"} [1-9]")
        .contains("dynamite_instances{service=\"a\",state=\"running\"} 0.0")
        .contains("dynamite_instances_min{service=\"a\"} 2.0")
        .contains("dynamite_leader 1.0")
        .containsPattern("dynamite_sample_lag_seconds_count\\{service=\"a\"} [1-9]")
        .doesNotContain("dynamite_actions_total");
    // the reconciliation (every 30 s) lists units and may only read
    assertThat(mutatingRequests()).isEmpty();
    assertThat(fleet.unitNames()).isEmpty();

    // DYNAMITE_LOG_CONFIG_PATH: slf4j-simple's keys from the file shape every line
    assertThat(d.output().lines())
        .anyMatch(l -> l.startsWith("[INFO] io.dynamite.daemon.Daemon - log configuration DYNAMITE_LOG_CONFIG_PATH=" + logConfig))
        .anyMatch(l -> l.startsWith("[INFO] io.dynamite.core.ScalingEngine - decision policy=a/up/scale_up outcome=refused"))
        .noneMatch(l -> l.contains("[INFO] Daemon - "));
    assertThat(d.terminate(40)).as(d.output()).isZero();
    assertThat(mutatingRequests()).isEmpty();
  }

  @Test
  void forcedMetricsApisInSharedModeReadSamplesAndLeaveTheKeys() throws Exception {
    // v2 only, shared: the original's writers' keys are read and stay
    DaemonProcess v2 = daemon(Map.of(), "--status-port", "0", "--metrics-api", "v2", "--metrics-mode", "shared");
    awaitUnits(v2, 7);
    assertThat(v2.output()).contains("metrics api=[v2] mode=shared");
    OriginalFixture.writeResponseTimesV2(etcd.endpoint(), T0, 400);
    awaitUnits(v2, 10);
    assertThat(v2.output()).contains("starting instance=a@12023.service");
    assertThat(v2MetricKeys()).as("shared mode deletes nothing").hasSize(18);
    assertThat(v2.terminate(40)).as(v2.output()).isZero();
    // those samples were handled; the next daemon must not see them again
    OriginalFixture.HTTP.send(HttpRequest.newBuilder(URI.create(etcd.endpoint() + "/v2/keys/metrics?recursive=true")).DELETE().build(),
        HttpResponse.BodyHandlers.discarding());

    // both APIs, shared: v3 keys are read and stay
    DaemonProcess both = daemon(Map.of(), "--status-port", "0", "--metrics-api", "both", "--metrics-mode", "shared");
    await("ready").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
        .untilAsserted(() -> assertThat(both.output()).as(both.output()).contains("state ready:"));
    assertThat(both.output()).contains("metrics api=[v3, v2] mode=shared");
    KV kv = client.getKVClient();
    for (int s = 0; s <= 17; s++) {
      kv.put(bytes("/metrics/loadbalancer/response_time/" + OriginalFixture.TS.format(T0.plusSeconds(600 + s))),
          bytes("{\"time_backend_response.p95\": 500}")).get(10, TimeUnit.SECONDS);
    }
    awaitUnits(both, 13);
    assertThat(both.output()).contains("starting instance=a@12024.service");
    assertThat(v3Keys("/metrics/")).as("shared mode deletes nothing").hasSize(18);
    assertThat(both.terminate(40)).as(both.output()).isZero();
  }

  /** Waits until {@code count} units are launched and running (a real fleet needs seconds between the two). */
  private void awaitUnits(DaemonProcess d, int count) {
    await(count + " units running").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
        .untilAsserted(() -> {
          assertThat(d.isAlive()).as(d.output()).isTrue();
          assertThat(fleet.unitNames().stream()
              .filter(u -> fleet.unit(u).map(x -> x.currentState().equals("launched")).orElse(false))
              .filter(u -> fleet.states(u).stream().anyMatch(x -> x.activeState().equals("active"))))
              .hasSize(count);
        });
  }

  private List<String> mutatingRequests() {
    return fleet.requests().stream().filter(r -> !r.method().equals("GET")).map(r -> r.method() + " " + r.path()).toList();
  }

  private static List<String> v3Keys(String prefix) throws Exception {
    List<String> keys = new ArrayList<>();
    for (KeyValue kv : client.getKVClient().get(bytes(prefix), GetOption.builder().isPrefix(true).withKeysOnly(true).build())
        .get(10, TimeUnit.SECONDS).getKvs()) {
      keys.add(kv.getKey().toString(StandardCharsets.UTF_8));
    }
    return keys;
  }

  private List<String> v2MetricKeys() throws Exception {
    JsonNode node = JSON.readTree(OriginalFixture.get(etcd.endpoint() + "/v2/keys/metrics/loadbalancer/response_time"));
    List<String> keys = new ArrayList<>();
    node.path("node").path("nodes").forEach(n -> keys.add(n.get("key").asText()));
    return keys;
  }

  private static ByteSequence bytes(String s) {
    return ByteSequence.from(s, StandardCharsets.UTF_8);
  }
}
