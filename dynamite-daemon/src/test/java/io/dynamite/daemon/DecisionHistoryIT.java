package io.dynamite.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dynamite.testkit.etcd.EtcdProcess;
import io.dynamite.sandbox.fleet.FakeFleetServer;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.options.GetOption;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The durable decision history with the daemon jar as separate processes on a real etcd and a
 * {@link FakeFleetServer}, with the original's test configuration: a scale-up decision is in etcd
 * under {@code /_dynamite/history/decisions/a/}, is shown by {@code /decisions} and {@code status
 * --history a} of the next daemon right after it started (restart), and by a standby, which after
 * the leader was killed continues the same ring with its own decisions (failover).
 */
class DecisionHistoryIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");
  private static final String RING = "/_dynamite/history/decisions/a/";

  @TempDir Path dir;
  private EtcdProcess etcd;
  private Client client;
  private FakeFleetServer fleet;
  private Path config;
  private final List<DaemonProcess> daemons = new ArrayList<>();

  @BeforeAll
  static void noDelay() {
    System.setProperty("sun.net.httpserver.nodelay", "true");
  }

  @BeforeEach
  void cluster() throws Exception {
    etcd = EtcdProcess.start("--enable-v2=true");
    client = Client.builder().endpoints(etcd.endpoint()).build();
    fleet = FakeFleetServer.start();
    config = OriginalFixture.prepare(dir);
  }

  @AfterEach
  void stop() throws Exception {
    for (DaemonProcess d : daemons) {
      d.close();
    }
    client.close();
    fleet.close();
    etcd.close();
  }

  private DaemonProcess daemon(int statusPort) {
    DaemonProcess d = DaemonProcess.start(dir.resolve("daemon-" + daemons.size() + ".log"), Map.of(),
        "-c", config.toString(), "--etcd", etcd.endpoint(), "--fleet", fleet.endpoint(),
        "--status-port", String.valueOf(statusPort));
    daemons.add(d);
    return d;
  }

  private static JsonNode get(int port, String path) throws Exception {
    HttpResponse<String> r = OriginalFixture.HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return JSON.readTree(r.body());
  }

  /** Service a's records as the daemon on {@code port} serves them. */
  private static JsonNode decisionsOfA(int port) throws Exception {
    JsonNode h = get(port, "/decisions?service=a");
    assertThat(h.get("services")).hasSize(1);
    return h.get("services").get(0).get("decisions");
  }

  /** Waits until the daemon leads and is ready (or is a standby), with a running instances of a when leading. */
  private static void awaitReady(DaemonProcess d, int port, boolean leader, int running) {
    try {
      await("ready, leader=" + leader).atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
          .ignoreExceptions().untilAsserted(() -> {
            assertThat(d.isAlive()).isTrue();
            JsonNode s = get(port, "/status");
            assertThat(s.get("leader").asBoolean()).isEqualTo(leader);
            assertThat(s.get("ready").asBoolean()).isEqualTo(leader);
            if (leader) {
              JsonNode a = null;
              for (JsonNode svc : s.get("services")) {
                a = svc.get("service").asText().equals("a") ? svc : a;
              }
              assertThat(a.get("running").asInt()).isEqualTo(running);
              assertThat(a.get("starting").asInt()).isZero();
            }
          });
    } catch (ConditionTimeoutException e) {
      throw new AssertionError(e.getMessage() + "\n" + d.output(), e);
    }
  }

  /** The scale-up of a, decided from a breach written like logstash-output-etcd (v2), with its record in etcd. */
  private JsonNode breachAndAwaitTheScaleUpRecord(int port, Instant from, int records) throws Exception {
    OriginalFixture.writeResponseTimesV2(etcd.endpoint(), from, 400);
    await("the scale-up record in etcd").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
        .ignoreExceptions().untilAsserted(() -> {
          assertThat(ring().keySet()).hasSize(records);
          JsonNode d = decisionsOfA(port);
          assertThat(d).hasSize(records);
          assertThat(d.get(records - 1).get("outcome").asText()).isEqualTo("SCALED");
        });
    return decisionsOfA(port).get(records - 1);
  }

  /** Service a's ring as stored: key -> record. */
  private Map<String, JsonNode> ring() throws Exception {
    Map<String, JsonNode> out = new LinkedHashMap<>();
    for (KeyValue kv : client.getKVClient().get(bytes(RING), GetOption.builder().isPrefix(true).build())
        .get(10, TimeUnit.SECONDS).getKvs()) {
      out.put(kv.getKey().toString(StandardCharsets.UTF_8), JSON.readTree(kv.getValue().toString(StandardCharsets.UTF_8)));
    }
    return out;
  }

  private static ByteSequence bytes(String s) {
    return ByteSequence.from(s, StandardCharsets.UTF_8);
  }

  private static int otherFreePort(int taken) throws Exception {
    int p = DaemonEndToEndIT.freePort();
    while (p == taken) {
      p = DaemonEndToEndIT.freePort();
    }
    return p;
  }

  /** {@code dynamite status --history a} against the daemon on {@code port}, in this JVM. */
  private static String statusHistory(int port) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = DynamiteDaemon.run(new String[] {"status", "--history", "a", "--status-port", String.valueOf(port)},
        Map.of(), new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void theHistorySurvivesARestartAndIsShownBeforeAnyNewDecision() throws Exception {
    int port = DaemonEndToEndIT.freePort();
    DaemonProcess first = daemon(port);
    awaitReady(first, port, true, 2);
    JsonNode up = breachAndAwaitTheScaleUpRecord(port, T0, 1);
    assertThat(up.get("policy").asText()).isEqualTo("a/up/scale_up");
    assertThat(up.get("reason").asText()).contains("started an instance");
    assertThat(up.get("desired").asInt()).isEqualTo(3);
    JsonNode stored = ring().get(RING + "00000000000000000000");
    assertThat(stored.get("at").asText()).isEqualTo(up.get("at").asText());
    assertThat(stored.get("reason").asText()).isEqualTo(up.get("reason").asText());
    assertThat(first.terminate(40)).as(first.output()).isZero();

    DaemonProcess second = daemon(port);
    awaitReady(second, port, true, 3);
    // right after the start, before any new decision: the record the first daemon made
    JsonNode shown = decisionsOfA(port);
    assertThat(shown).hasSize(1);
    assertThat(shown.get(0)).isEqualTo(up);
    assertThat(get(port, "/decisions").get("durable").asBoolean()).isTrue();
    assertThat(get(port, "/decisions").get("capacity").asInt()).isEqualTo(200);
    assertThat(get(port, "/status").get("recentDecisions")).as("this process decided nothing yet").isEmpty();
    HttpResponse<String> unknown = OriginalFixture.HTTP.send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + port + "/decisions?service=nope")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(unknown.body()).contains("no scalable service named 'nope'");

    String printed = statusHistory(port);
    assertThat(printed).contains("DECISION HISTORY of a: 1 record(s), at most 200 kept in etcd; leader")
        .contains(up.get("at").asText() + "  a/up/scale_up  up  SCALED  desired 3")
        .contains(up.get("reason").asText())
        .contains("before: running 2, starting 0, stopping 0 (min 2, max 5); " + up.get("samples").asInt()
            + " new sample(s), last 400.0")
        .contains("policy state: " + up.get("policyState").asText());
    assertThat(second.terminate(40)).as(second.output()).isZero();
  }

  @Test
  void theHistorySurvivesALeaderFailoverAndTheNewLeaderContinuesIt() throws Exception {
    int leaderPort = DaemonEndToEndIT.freePort();
    int standbyPort = otherFreePort(leaderPort);
    DaemonProcess leader = daemon(leaderPort);
    awaitReady(leader, leaderPort, true, 2);
    DaemonProcess standby = daemon(standbyPort);
    awaitReady(standby, standbyPort, false, 0);

    JsonNode first = breachAndAwaitTheScaleUpRecord(leaderPort, T0, 1);
    // a standby reads the leader's history from etcd
    await("the standby shows it").atMost(Duration.ofSeconds(10)).ignoreExceptions()
        .untilAsserted(() -> assertThat(decisionsOfA(standbyPort)).containsExactly(first));
    assertThat(statusHistory(standbyPort)).contains("standby (read from etcd)").contains(first.get("reason").asText());

    awaitReady(leader, leaderPort, true, 3);
    leader.kill(); // SIGKILL: no resignation, the lease expires
    awaitReady(standby, standbyPort, true, 3);
    assertThat(decisionsOfA(standbyPort)).containsExactly(first);

    // the new leader decides and appends to the same ring, after the old leader's record
    JsonNode second = breachAndAwaitTheScaleUpRecord(standbyPort, T0.plusSeconds(600), 2);
    assertThat(decisionsOfA(standbyPort)).containsExactly(first, second);
    assertThat(ring().keySet()).containsExactly(RING + "00000000000000000000", RING + "00000000000000000001");
    assertThat(ring().get(RING + "00000000000000000001").get("at").asText()).isEqualTo(second.get("at").asText());
    assertThat(Instant.parse(second.get("at").asText())).isAfter(Instant.parse(first.get("at").asText()));
    assertThat(standby.terminate(40)).as(standby.output()).isZero();
  }
}
