package io.dynamite.sandbox.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Scheduling constraints as fleet's engine honours them: a unit whose {@code MachineMetadata},
 * {@code MachineOf}, {@code Conflicts} or {@code MachineID} cannot be met stays unscheduled
 * ({@code currentState inactive}, no {@code machineID}, no {@code /state}) until the cluster
 * changes; what a started unit's process does.
 */
class FakeFleetSchedulingTest {
  static {
    System.setProperty("sun.net.httpserver.nodelay", "true");
  }

  private static final String M2 = "0123456789abcdef0123456789abcdef";
  private final FakeFleetServer fleet = FakeFleetServer.start();
  private final FleetHttp http = new FleetHttp(fleet);

  @AfterEach
  void stop() {
    fleet.close();
  }

  private void assertUnscheduled(String name) throws Exception {
    JsonNode u = http.unit(name);
    assertThat(u.get("desiredState").asText()).isEqualTo("launched");
    assertThat(u.get("currentState").asText()).isEqualTo("inactive");
    assertThat(u.has("machineID")).as(name + " has no machine").isFalse();
    assertThat(http.states(name)).isEmpty();
  }

  private String machineOf(String name) throws Exception {
    return http.unit(name).get("machineID").asText();
  }

  @Test
  void aUnitBlockedByAConflictAnswersExactlyAsTheLiveFleetDid() throws Exception {
    String web = "\"options\":[{\"section\":\"Unit\",\"name\":\"Description\",\"value\":\"Web %i\"},"
        + "{\"section\":\"Service\",\"name\":\"ExecStart\",\"value\":\"/bin/sleep 100%i\"},"
        + "{\"section\":\"X-Fleet\",\"name\":\"Conflicts\",\"value\":\"web@*.service\"}]";
    assertThat(http.put("web@1.service", "{\"desiredState\":\"launched\"," + web + "}")).isEqualTo(201);
    assertThat(http.put("web@2.service", "{\"desiredState\":\"launched\"," + web + "}")).isEqualTo(201);
    try (InputStream in = getClass().getResourceAsStream("/fleet/live/unit-unschedulable-conflict.json")) {
      String live = new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
      assertThat(http.send("GET", "/fleet/v1/units/web@2.service", null).body()).isEqualTo(live);
    }
    assertThat(http.systemd("web@1.service")).isEqualTo("active/running");
    // a second machine makes room: fleet's engine places the waiting unit there
    fleet.addMachine(M2, "127.0.0.2", Map.of());
    assertThat(machineOf("web@2.service")).isEqualTo(M2);
    assertThat(http.systemd("web@2.service")).isEqualTo("active/running");
  }

  @Test
  void aConflictingUnitGoingMakesRoom() throws Exception {
    String conflict = FleetHttp.body("launched", "Service", "ExecStart", "/bin/sleep 1", "X-Fleet", "Conflicts", "db*");
    assertThat(http.put("db.service", FleetHttp.body("launched", "Service", "ExecStart", "/bin/sleep 1"))).isEqualTo(201);
    assertThat(http.put("app.service", conflict)).isEqualTo(201);
    assertUnscheduled("app.service");
    assertThat(http.delete("db.service")).isEqualTo(204);
    assertThat(machineOf("app.service")).isEqualTo(FakeFleetServer.DEFAULT_MACHINE_ID);
  }

  @Test
  void unmetMachineMetadataLeavesAUnitUnscheduledUntilAMachineHasIt() throws Exception {
    assertThat(http.put("meta-no.service", FleetHttp.body("launched",
        "Service", "ExecStart", "/bin/sleep 1000", "X-Fleet", "MachineMetadata", "role=db"))).isEqualTo(201);
    assertUnscheduled("meta-no.service");
    String id = FakeFleetServer.DEFAULT_MACHINE_ID;
    assertThat(http.send("PATCH", "/fleet/v1/machines",
        "[{\"op\":\"add\",\"path\":\"/" + id + "/metadata/role\",\"value\":{\"value\":\"db\"}}]", FleetHttp.JSON).statusCode())
        .isEqualTo(204);
    assertThat(machineOf("meta-no.service")).isEqualTo(id);
    assertThat(http.systemd("meta-no.service")).isEqualTo("active/running");
  }

  @Test
  void quotedMetadataValuesAreAndOverKeysAndOrOverValuesOfOneKey() throws Exception {
    fleet.addMachine(M2, "127.0.0.2", Map.of("region", "eu", "disk", "ssd"));
    assertThat(http.put("either.service", FleetHttp.body("launched", "Service", "ExecStart", "/bin/sleep 1",
        "X-Fleet", "MachineMetadata", "\"region=us\" \"region=eu\""))).isEqualTo(201);
    assertThat(http.put("both.service", FleetHttp.body("launched", "Service", "ExecStart", "/bin/sleep 1",
        "X-Fleet", "MachineMetadata", "\"region=eu\" \"disk=hdd\""))).isEqualTo(201);
    assertThat(machineOf("either.service")).isEqualTo(M2);
    assertUnscheduled("both.service");
  }

  @Test
  void machineOfFollowsItsPeerAndWaitsForIt() throws Exception {
    fleet.addMachine(M2, "127.0.0.2", Map.of());
    String side = FleetHttp.body("launched", "Service", "ExecStart", "/bin/sleep 1", "X-Fleet", "MachineOf", "main@%i.service");
    assertThat(http.put("side@4.service", side)).isEqualTo(201);
    assertUnscheduled("side@4.service");
    assertThat(http.put("filler.service", FleetHttp.body("launched", "Service", "ExecStart", "/bin/sleep 1"))).isEqualTo(201);
    assertThat(http.put("main@4.service", FleetHttp.body("launched", "Service", "ExecStart", "/bin/sleep 1"))).isEqualTo(201);
    // the least loaded machine for the peer, and the side unit with it
    assertThat(machineOf("main@4.service")).isNotEqualTo(machineOf("filler.service"));
    assertThat(machineOf("side@4.service")).isEqualTo(machineOf("main@4.service"));
    assertThat(http.systemd("side@4.service")).isEqualTo("active/running");
  }

  @Test
  void anUnknownMachineIdWaitsForThatMachine() throws Exception {
    assertThat(http.put("pin.service", FleetHttp.body("launched", "Service", "ExecStart", "/bin/sleep 1",
        "X-Fleet", "MachineID", M2))).isEqualTo(201);
    assertUnscheduled("pin.service");
    fleet.addMachine(M2, "127.0.0.2", Map.of());
    assertThat(machineOf("pin.service")).isEqualTo(M2);
  }

  @Test
  void aGlobalUnitRunsOnEveryMachineWhoseMetadataFitsIncludingOnesAddedLater() throws Exception {
    fleet.addMachine(M2, "127.0.0.2", Map.of("role", "web"));
    assertThat(http.put("g.service", FleetHttp.body("launched", "Service", "ExecStart", "/bin/sleep 1",
        "X-Fleet", "Global", "true", "X-Fleet", "MachineMetadata", "role=web"))).isEqualTo(201);
    assertThat(fleet.states("g.service")).extracting(FakeFleetServer.UnitState::machineId).containsExactly(M2);
    fleet.addMachine("ffffffffffffffffffffffffffffffff", "127.0.0.3", Map.of("role", "web"));
    assertThat(fleet.states("g.service")).extracting(FakeFleetServer.UnitState::machineId)
        .containsExactly(M2, "ffffffffffffffffffffffffffffffff");
    assertThat(http.unit("g.service").has("currentState")).isFalse();
  }

  @Test
  void unitsSpreadOverTheLeastLoadedMachines() throws Exception {
    fleet.addMachine(M2, "127.0.0.2", Map.of());
    for (int i = 1; i <= 4; i++) {
      assertThat(http.put("s" + i + ".service", FleetHttp.body("launched", "Service", "ExecStart", "/bin/sleep 1"))).isEqualTo(201);
    }
    assertThat(List.of(machineOf("s1.service"), machineOf("s2.service"), machineOf("s3.service"), machineOf("s4.service")))
        .containsExactly(FakeFleetServer.DEFAULT_MACHINE_ID, M2, FakeFleetServer.DEFAULT_MACHINE_ID, M2);
  }

  @Test
  void whatAStartedProcessDoes() throws Exception {
    String[][] cases = {
        {"false.service", "Service", "ExecStart", "/bin/false", "failed/failed"},
        {"true.service", "Service", "ExecStart", "/bin/true", "active/running"},
        {"oneshot.service", "Service", "Type", "oneshot", "inactive/dead"},
        {"remain.service", "Service", "RemainAfterExit", "yes", "active/exited"},
    };
    for (String[] c : cases) {
      String extra = c[0].equals("remain.service") ? ",{\"section\":\"Service\",\"name\":\"Type\",\"value\":\"oneshot\"}" : "";
      String body = FleetHttp.body("launched", "Service", "ExecStart", "/bin/sleep 1", c[1], c[2], c[3]);
      body = body.substring(0, body.length() - 2) + extra + "]}";
      assertThat(http.put(c[0], body)).isEqualTo(201);
      assertThat(http.systemd(c[0])).as(c[0]).isEqualTo(c[4]);
    }
  }

  @Test
  void aBuilderHookMakesMatchingUnitsFailAfterTheirStart() throws Exception {
    SteppedClock clock = new SteppedClock();
    try (FakeFleetServer f = FakeFleetServer.builder().clock(clock).failAfterStart("crash@*.service", Duration.ofSeconds(30)).start()) {
      FleetHttp h = new FleetHttp(f);
      assertThat(h.put("crash@1.service", FleetHttp.body("launched", "Service", "ExecStart", "/bin/sleep 1"))).isEqualTo(201);
      assertThat(h.put("fine@1.service", FleetHttp.body("launched", "Service", "ExecStart", "/bin/sleep 1"))).isEqualTo(201);
      clock.advance(Duration.ofSeconds(29));
      assertThat(h.systemd("crash@1.service")).isEqualTo("active/running");
      clock.advance(Duration.ofSeconds(1));
      assertThat(h.systemd("crash@1.service")).isEqualTo("failed/failed");
      assertThat(h.systemd("fine@1.service")).isEqualTo("active/running");
    }
  }
}
