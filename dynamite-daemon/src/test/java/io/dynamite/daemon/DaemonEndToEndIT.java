package io.dynamite.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dynamite.testkit.etcd.EtcdProcess;
import io.dynamite.sandbox.fleet.FakeFleetProfile;
import io.dynamite.sandbox.fleet.FakeFleetServer;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The daemon jar as a separate process against a real etcd (v2 enabled, as the original's writers
 * need) and a {@link FakeFleetServer} with a real fleetd's timings, with the original's own test configuration: start-up makes
 * the original's fleet calls; metrics written in the original layout through the v2 API scale up;
 * a SIGKILL in the middle of a scale-up leaves no duplicate and no orphan after a restart, and
 * scaling resumes; per-instance metrics of a registered instance scale it down with the golden's
 * DELETE order; SIGTERM exits 0.
 */
class DaemonEndToEndIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern INSTANCE = Pattern.compile("^(a|a_service_announcer|a_logger)@(\\d+)\\.service$");

  @TempDir Path dir;
  private EtcdProcess etcd;
  private FakeFleetServer fleet;
  private final List<DaemonProcess> daemons = new ArrayList<>();

  @BeforeAll
  static void noDelay() {
    System.setProperty("sun.net.httpserver.nodelay", "true");
  }

  @BeforeEach
  void cluster() throws Exception {
    etcd = EtcdProcess.start("--enable-v2=true");
    // fleet's measured timings: a launched unit runs after 6-8 s, a deleted one's state lingers
    fleet = FakeFleetServer.builder().profile(FakeFleetProfile.realistic()).start();
    OriginalFixture.prepare(dir);
  }

  @AfterEach
  void stop() throws Exception {
    for (DaemonProcess d : daemons) {
      d.close();
    }
    fleet.close();
    etcd.close();
  }

  private DaemonProcess daemon(int statusPort) {
    DaemonProcess d = DaemonProcess.start(dir.resolve("daemon.log"), Map.of(),
        "-c", dir.resolve("config.yaml").toString(),
        "-e", "127.0.0.1:" + etcd.clientPort(),
        "-f", "127.0.0.1:" + fleet.port(),
        "--status-port", String.valueOf(statusPort));
    daemons.add(d);
    return d;
  }

  @Test
  void startsLikeTheOriginalScalesOnV2MetricsSurvivesSigkillAndStopsOnSigterm() throws Exception {
    int statusPort = freePort();
    DaemonProcess first = daemon(statusPort);

    // 1. start-up: min_instance 2 of a (with its attached units) and the single example unit
    await("start-up top-up").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
        .untilAsserted(() -> {
          assertThat(first.isAlive()).as(first.output()).isTrue();
          assertThat(launched()).containsExactlyInAnyOrder("example.service",
              "a@12021.service", "a_service_announcer@12021.service", "a_logger@12021.service",
              "a@12022.service", "a_service_announcer@12022.service", "a_logger@12022.service");
        });
    JsonNode golden = JSON.readTree(getClass().getResourceAsStream("/original/etcd-fleet-golden-test-config.json"));
    List<String> expected12021 = goldenMutating(golden.get("steps").get(1));
    List<String> expected12022 = goldenMutating(golden.get("steps").get(2));
    assertThat(oursMutating("12021")).as("fleet calls for instance 12021").isEqualTo(expected12021);
    assertThat(oursMutating("12022")).as("fleet calls for instance 12022").isEqualTo(expected12022);
    assertThat(expected12021).hasSize(6);

    // the status endpoint reports what the engine sees
    await("status").atMost(Duration.ofSeconds(20)).ignoreExceptions().untilAsserted(() -> {
      JsonNode status = JSON.readTree(get("http://127.0.0.1:" + statusPort + "/status"));
      assertThat(status.get("leader").asBoolean()).isTrue();
      assertThat(serviceA(status).get("running").asInt()).isEqualTo(2);
    });

    // 2. aggregated loadbalancer response time above 250 for 15 s, written like logstash-output-etcd (v2)
    fleet.setStartDelay(Duration.ofSeconds(60));
    Instant t0 = Instant.parse("2030-01-01T00:00:00Z");
    writeResponseTimes(t0, 400);
    await("scale-up in flight").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20))
        .until(() -> fleet.unitNames().contains("a@12023.service"));

    // 3. SIGKILL in the middle of that scale-up, then start again
    first.kill();
    // the operator edits the file while it is down: the next start compares and reports
    Path config = dir.resolve("config.yaml");
    Files.writeString(config, Files.readString(config).replace("max_instance: 5", "max_instance: 6"));
    DaemonProcess second = daemon(statusPort);
    fleet.setStartDelay(fleet.profile().systemdStart());
    await("recovered, no duplicate, no orphan").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
        .untilAsserted(() -> {
          assertThat(second.isAlive()).as(second.output()).isTrue();
          JsonNode status = JSON.readTree(get("http://127.0.0.1:" + statusPort + "/status"));
          assertThat(status.get("ready").asBoolean()).isTrue();
          assertThat(serviceA(status).get("starting").asInt()
              + serviceA(status).get("stopping").asInt()).isZero();
          assertWholeInstancesOnly(status);
        });
    int before = instanceNumbers().size();
    assertThat(before).isBetween(2, 3);

    // 4. scaling resumes: another breach starts exactly one more instance
    writeResponseTimes(t0.plusSeconds(600), 500);
    await("scaling resumes").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
        .untilAsserted(() -> {
          assertThat(instanceNumbers()).hasSize(before + 1);
          JsonNode status = JSON.readTree(get("http://127.0.0.1:" + statusPort + "/status"));
          assertThat(serviceA(status).get("running").asInt()).isEqualTo(before + 1);
          assertWholeInstancesOnly(status);
        });
    assertThat(second.output()).contains("configuration differs from the stored one: Dynamite.Service.a.max_instance changed from 5 to 6");

    // 5. the golden's scale-down step: cpu_user of the instance registered (original layout
    // <application_base_path>/<type>/<uuid>/service_instance_name) as a@12021.service below 30 for 30 s
    int running = instanceNumbers().size();
    OriginalFixture.v2Put(etcd.endpoint(), "/services/webserver/uuid-12021/service_instance_name", "a@12021.service");
    OriginalFixture.writeCpuUserV2(etcd.endpoint(), "uuid-12021", t0.plusSeconds(1200), 10);
    await("scale-down of a@12021").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
        .untilAsserted(() -> {
          assertThat(instanceNumbers()).hasSize(running - 1).doesNotContain("12021");
          JsonNode status = JSON.readTree(get("http://127.0.0.1:" + statusPort + "/status"));
          assertThat(serviceA(status).get("running").asInt()).isEqualTo(running - 1);
          assertWholeInstancesOnly(status);
        });
    List<String> calls12021 = oursMutating("12021");
    List<String> expectedDown = goldenMutating(golden.get("steps").get(3));
    assertThat(expectedDown).containsExactly("DELETE a_service_announcer@12021.service", "DELETE a_logger@12021.service",
        "DELETE a@12021.service");
    assertThat(calls12021.subList(expected12021.size(), calls12021.size())).as("fleet calls of the scale-down").isEqualTo(expectedDown);

    // 6. SIGTERM: orderly stop, exit code 0
    assertThat(second.terminate(40)).as(second.output()).isZero();
    assertThat(second.output()).contains("SIGTERM received").contains("stopped");
  }

  @Test
  void waitsForEtcdAndSaysSoThenStartsWhenItAppears() throws Exception {
    int port = etcd.clientPort();
    etcd.stop();
    DaemonProcess d = daemon(0);
    await("waiting message").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
        .until(() -> d.output().contains("waiting for etcd at http://127.0.0.1:" + port + " (attempt 2"));
    etcd.restart();
    await("starts once etcd is back").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
        .until(() -> fleet.unitNames().contains("a@12022.service"));
    assertThat(d.terminate(40)).as(d.output()).isZero();
  }

  private void assertWholeInstancesOnly(JsonNode status) {
    // every a@N in fleet has its two attached units and is an instance the engine knows: no orphan
    TreeSet<String> engine = new TreeSet<>();
    for (JsonNode i : serviceA(status).get("instances")) {
      engine.add(i.get("unit").asText());
    }
    TreeSet<String> expectedUnits = new TreeSet<>();
    for (String n : instanceNumbers()) {
      expectedUnits.addAll(List.of("a@" + n + ".service", "a_service_announcer@" + n + ".service", "a_logger@" + n + ".service"));
    }
    TreeSet<String> aUnits = new TreeSet<>(fleet.unitNames());
    aUnits.remove("example.service");
    assertThat(aUnits).isEqualTo(expectedUnits);
    TreeSet<String> mains = new TreeSet<>();
    instanceNumbers().forEach(n -> mains.add("a@" + n + ".service"));
    assertThat(engine).isEqualTo(mains);
  }

  private static JsonNode serviceA(JsonNode status) {
    for (JsonNode s : status.get("services")) {
      if (s.get("service").asText().equals("a")) {
        return s;
      }
    }
    throw new AssertionError("no service a in " + status);
  }

  private TreeSet<String> instanceNumbers() {
    TreeSet<String> numbers = new TreeSet<>();
    for (String u : fleet.unitNames()) {
      Matcher m = INSTANCE.matcher(u);
      if (m.matches()) {
        numbers.add(m.group(2));
      }
    }
    return numbers;
  }

  private List<String> launched() {
    List<String> out = new ArrayList<>();
    for (String u : fleet.unitNames()) {
      fleet.unit(u).filter(x -> x.desiredState().equals("launched")).ifPresent(x -> out.add(u));
    }
    return out;
  }

  private void writeResponseTimes(Instant from, double value) throws Exception {
    OriginalFixture.writeResponseTimesV2(etcd.endpoint(), from, value);
  }

  /** PUT/DELETE calls of one instance number, in order, as "METHOD unit desiredState optionCount". */
  private List<String> oursMutating(String number) throws Exception {
    List<String> out = new ArrayList<>();
    for (FakeFleetServer.Request r : fleet.requests()) {
      if (!r.method().equals("GET") && r.path().endsWith("@" + number + ".service")) {
        out.add(describe(r.method(), r.path().substring("/fleet/v1/units/".length()),
            r.body().isEmpty() ? null : JSON.readTree(r.body())));
      }
    }
    return out;
  }

  private static List<String> goldenMutating(JsonNode step) {
    List<String> out = new ArrayList<>();
    for (JsonNode call : step.get("fleet_calls")) {
      if (!call.get(0).asText().equals("GET")) {
        out.add(describe(call.get(0).asText(), call.get(1).asText().substring("units/".length()),
            call.get(2).isNull() ? null : call.get(2)));
      }
    }
    return out;
  }

  private static String describe(String method, String unit, JsonNode body) {
    if (body == null) {
      return method + " " + unit;
    }
    JsonNode options = body.get("options");
    String count = options == null ? "" : options.isArray() ? " <" + options.size() + " options>" : " " + options.asText();
    return method + " " + unit + " " + body.get("desiredState").asText() + count;
  }

  private static String get(String url) throws Exception {
    return OriginalFixture.get(url);
  }

  static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
