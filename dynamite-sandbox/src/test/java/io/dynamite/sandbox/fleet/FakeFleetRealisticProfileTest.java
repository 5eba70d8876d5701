package io.dynamite.sandbox.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The realistic profile reproduces, over HTTP and on a clock the test moves, each difference
 * measured between a real fleetd v1.0.0 and the instant fake. Times are observed by stepping the
 * clock 50 ms at a time, so an observed time is at most one step after the true one.
 */
class FakeFleetRealisticProfileTest {
  private static final Duration STEP = Duration.ofMillis(50);
  private static final String[] SLEEPER = {"Service", "ExecStart", "/bin/sleep 1000"};

  static {
    // the JDK server delays small answers without it (Nagle against delayed ACK): ~40 ms a request
    System.setProperty("sun.net.httpserver.nodelay", "true");
  }

  private final SteppedClock clock = new SteppedClock();
  private final List<FakeFleetServer> servers = new ArrayList<>();

  private FakeFleetServer realistic(long seed) {
    FakeFleetServer s = FakeFleetServer.builder().profile(FakeFleetProfile.realistic()).clock(clock).seed(seed).start();
    servers.add(s);
    return s;
  }

  @AfterEach
  void stop() {
    servers.forEach(FakeFleetServer::close);
  }

  /** Steps the clock until the condition holds; returns how long that took. */
  private Duration until(Check check, Duration max) throws Exception {
    Duration waited = Duration.ZERO;
    while (!check.holds()) {
      assertThat(waited).as("condition not met within " + max).isLessThan(max);
      clock.advance(STEP);
      waited = waited.plus(STEP);
    }
    return waited;
  }

  private interface Check {
    boolean holds() throws Exception;
  }

  private static void assertWithin(Duration observed, Duration min, Duration max) {
    assertThat(observed).isBetween(min, max.plus(STEP));
  }

  /** A time measured from another observed time: one step either way. */
  private static void assertAbout(Duration observed, Duration expected) {
    assertThat(observed).isBetween(expected.minus(STEP), expected.plus(STEP));
  }

  /** The times one launch shows: machine assigned, first state entry, active. */
  private record Launch(Duration machine, Duration loaded, Duration active) {}

  private List<Launch> launchAll(FakeFleetServer fleet, int n) throws Exception {
    FleetHttp http = new FleetHttp(fleet);
    for (int i = 0; i < n; i++) {
      assertThat(http.put("u" + i + ".service", FleetHttp.body("launched", SLEEPER))).isEqualTo(201);
    }
    Duration[] machine = new Duration[n];
    Duration[] loaded = new Duration[n];
    Duration[] active = new Duration[n];
    Duration t = Duration.ZERO;
    while (t.compareTo(Duration.ofSeconds(10)) <= 0) {
      for (int i = 0; i < n; i++) {
        String name = "u" + i + ".service";
        JsonNode u = http.unit(name);
        String systemd = http.systemd(name);
        if (machine[i] == null && u.has("machineID")) {
          machine[i] = t;
        }
        if (loaded[i] == null && !systemd.equals("-")) {
          loaded[i] = t;
          assertThat(systemd).as(name + " when its state appears").isEqualTo("activating/start");
          assertThat(u.get("currentState").asText()).isEqualTo("launched");
        }
        if (loaded[i] == null) {
          assertThat(u.get("currentState").asText()).as(name + " before the agent loaded it").isEqualTo("inactive");
        }
        if (active[i] == null && systemd.equals("active/running")) {
          active[i] = t;
        }
      }
      clock.advance(STEP);
      t = t.plus(STEP);
    }
    List<Launch> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(new Launch(machine[i], loaded[i], active[i]));
    }
    return out;
  }

  @Test
  void aLaunchedUnitShowsInactiveAndNoStateFor3To5sAndRunsAfter6To8s() throws Exception {
    List<Launch> launches = launchAll(realistic(7), 8);
    Set<Duration> distinct = new HashSet<>();
    for (Launch l : launches) {
      assertWithin(l.machine(), Duration.ofSeconds(1), Duration.ofSeconds(2));
      assertWithin(l.loaded(), Duration.ofSeconds(3), Duration.ofSeconds(5));
      assertWithin(l.active(), Duration.ofSeconds(6), Duration.ofSeconds(8));
      // systemd's start takes 3 s
      assertAbout(l.active().minus(l.loaded()), Duration.ofSeconds(3));
      distinct.add(l.loaded());
    }
    assertThat(distinct).as("the load times are drawn, not fixed").hasSizeGreaterThan(3);
  }

  @Test
  void theSameSeedRepeatsTheRunAndAnotherSeedDoesNot() throws Exception {
    List<Launch> first = launchAll(realistic(42), 3);
    List<Launch> again = launchAll(realistic(42), 3);
    List<Launch> other = launchAll(realistic(43), 3);
    assertThat(again).isEqualTo(first);
    assertThat(other).isNotEqualTo(first);
  }

  private FleetHttp running(FakeFleetServer fleet, String name) throws Exception {
    FleetHttp http = new FleetHttp(fleet);
    assertThat(http.put(name, FleetHttp.body("launched", SLEEPER))).isEqualTo(201);
    until(() -> http.systemd(name).equals("active/running"), Duration.ofSeconds(9));
    return http;
  }

  @Test
  void aDeletedRunningUnitsStateLingersAbout2sPassingThroughDeactivating() throws Exception {
    FleetHttp http = running(realistic(1), "d.service");
    assertThat(http.delete("d.service")).isEqualTo(204);
    assertThat(http.unit("d.service")).as("gone from /units at once").isNull();
    assertThat(http.systemd("d.service")).isEqualTo("active/running");
    Duration stopping = until(() -> http.systemd("d.service").equals("deactivating/stop"), Duration.ofSeconds(3));
    assertWithin(stopping, Duration.ofMillis(500), Duration.ofSeconds(1));
    Duration gone = stopping.plus(until(() -> http.states("d.service").isEmpty(), Duration.ofSeconds(3)));
    assertWithin(gone, Duration.ofMillis(1500), Duration.ofSeconds(2));
  }

  @Test
  void loadedOnARunningUnitPassesThroughDeactivating() throws Exception {
    FleetHttp http = running(realistic(2), "l.service");
    assertThat(http.put("l.service", "{\"desiredState\":\"loaded\"}")).isEqualTo(204);
    assertThat(http.unit("l.service").get("currentState").asText()).isEqualTo("launched");
    Duration stopping = until(() -> http.systemd("l.service").equals("deactivating/stop"), Duration.ofSeconds(3));
    assertWithin(stopping, Duration.ofMillis(500), Duration.ofSeconds(1));
    assertThat(http.unit("l.service").get("currentState").asText()).isEqualTo("loaded");
    Duration stopped = until(() -> http.systemd("l.service").equals("inactive/dead"), Duration.ofSeconds(3));
    assertAbout(stopped, Duration.ofSeconds(1));
    assertThat(http.unit("l.service").get("machineID").asText()).isEqualTo(FakeFleetServer.DEFAULT_MACHINE_ID);
  }

  @Test
  void aUnitReplacedWithoutDesiredStateKeepsLoadedAndItsMachineUntilTheNextReconcile() throws Exception {
    FleetHttp http = running(realistic(3), "r.service");
    String oldHash = http.states("r.service").get(0).get("hash").asText();
    assertThat(http.put("r.service", FleetHttp.body(null, "Service", "ExecStart", "/bin/sleep 2000"))).isEqualTo(201);
    JsonNode now = http.unit("r.service");
    assertThat(now.get("desiredState").asText()).isEqualTo("inactive");
    assertThat(now.get("currentState").asText()).isEqualTo("loaded");
    assertThat(now.get("machineID").asText()).isEqualTo(FakeFleetServer.DEFAULT_MACHINE_ID);
    assertThat(http.states("r.service").get(0).get("hash").asText()).as("still the old unit's state").isEqualTo(oldHash);
    Duration reconciled = until(() -> !http.unit("r.service").has("machineID"), Duration.ofSeconds(3));
    assertWithin(reconciled, Duration.ofMillis(500), Duration.ofSeconds(2));
    assertThat(http.unit("r.service").get("currentState").asText()).isEqualTo("inactive");
    assertThat(http.systemd("r.service")).isEqualTo("deactivating/stop");
    until(() -> http.states("r.service").isEmpty(), Duration.ofMillis(1100));
  }

  @Test
  void inactiveOnARunningUnitUnloadsItWithinAboutASecond() throws Exception {
    FleetHttp http = running(realistic(4), "i.service");
    assertThat(http.put("i.service", "{\"desiredState\":\"inactive\"}")).isEqualTo(204);
    Duration unscheduled = until(() -> !http.unit("i.service").has("machineID"), Duration.ofSeconds(2));
    assertWithin(unscheduled, Duration.ofMillis(500), Duration.ofSeconds(1));
    assertThat(http.unit("i.service").get("currentState").asText()).isEqualTo("inactive");
    assertThat(http.systemd("i.service")).isEqualTo("deactivating/stop");
    until(() -> http.states("i.service").isEmpty(), Duration.ofMillis(1100));
  }

  @Test
  void aUnitMarkedToFailAfterStartRunsThenFailsByItself() throws Exception {
    FakeFleetServer fleet = realistic(5);
    FleetHttp http = new FleetHttp(fleet);
    assertThat(http.put("f.service", FleetHttp.body("launched", "Service", "ExecStart", "/bin/sleep 1000",
        "X-FakeFleet", "FailAfterStart", "2s"))).isEqualTo(201);
    until(() -> http.systemd("f.service").equals("active/running"), Duration.ofSeconds(9));
    Duration failed = until(() -> http.systemd("f.service").equals("failed/failed"), Duration.ofSeconds(3));
    assertAbout(failed, Duration.ofSeconds(2));
    assertThat(http.unit("f.service").get("currentState").asText()).isEqualTo("launched");
  }

  @Test
  void aUnitWhoseProcessExitsFailsWhenItsStartEnds() throws Exception {
    FleetHttp http = new FleetHttp(realistic(6));
    assertThat(http.put("x.service", FleetHttp.body("launched", "Service", "ExecStart", "-/bin/false --now"))).isEqualTo(201);
    Duration loaded = until(() -> !http.systemd("x.service").equals("-"), Duration.ofSeconds(6));
    assertThat(http.systemd("x.service")).isEqualTo("activating/start");
    Duration failed = loaded.plus(until(() -> !http.systemd("x.service").equals("activating/start"), Duration.ofSeconds(4)));
    assertThat(http.systemd("x.service")).isEqualTo("failed/failed");
    assertWithin(failed, Duration.ofSeconds(6), Duration.ofSeconds(8));
  }

  @Test
  void aSideUnitLaunchedRightAfterItsPeerJoinsItOnTheSameMachine() throws Exception {
    FakeFleetServer fleet = realistic(8);
    fleet.addMachine("m2", "10.0.0.2", java.util.Map.of());
    FleetHttp http = new FleetHttp(fleet);
    // the peer goes to the least loaded machine; the side unit must follow it, whatever the draws
    assertThat(http.put("busy.service", FleetHttp.body("launched", SLEEPER))).isEqualTo(201);
    clock.advance(Duration.ofSeconds(3));
    assertThat(http.put("main@1.service", FleetHttp.body("launched", SLEEPER))).isEqualTo(201);
    assertThat(http.put("side@1.service", FleetHttp.body("launched", "Service", "ExecStart", "/bin/sleep 1000",
        "X-Fleet", "MachineOf", "main@%i.service"))).isEqualTo(201);
    until(() -> http.systemd("main@1.service").equals("active/running")
        && http.systemd("side@1.service").equals("active/running"), Duration.ofSeconds(9));
    String busyOn = http.unit("busy.service").get("machineID").asText();
    String mainOn = http.unit("main@1.service").get("machineID").asText();
    assertThat(mainOn).isNotEqualTo(busyOn);
    assertThat(http.unit("side@1.service").get("machineID").asText()).isEqualTo(mainOn);
  }
}
