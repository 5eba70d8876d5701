package io.dynamite.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dynamite.api.UnitOption;
import io.dynamite.api.state.InstanceRecord;
import io.dynamite.api.state.StoredState;
import io.dynamite.etcd.EtcdSettings;
import io.dynamite.etcd.EtcdStateStore;
import io.dynamite.testkit.etcd.EtcdProcess;
import io.dynamite.sandbox.fleet.FakeFleetProfile;
import io.dynamite.sandbox.fleet.FakeFleetServer;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fault injection against the daemon jar: two daemon processes (leader and standby) on a real etcd
 * and a {@link FakeFleetServer} that fails, delays and lies about mutating calls at random. Each
 * scenario repeats {@code -Dchaos.runs} times (default 2 in the build; the {@code chaos} Maven profile
 * runs more): SIGKILL of the leader at a random point during scale-ups, SIGKILL and restart of
 * etcd with its data kept and wiped, and SIGSTOP of the leader in the middle of a start until a
 * standby took over, then SIGCONT. After every run the invariants are checked once the engine has
 * settled (see {@code docs/reliability.md}); the figures are printed as {@code CHAOS ...} lines.
 */
class ChaosIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern OURS = Pattern.compile("^(a|a_service_announcer|a_logger)@(\\d+)\\.service$");
  private static final List<String> ATTACHED = List.of("a_service_announcer", "a_logger");
  private static final String FOREIGN_LOOKALIKE = "a@99999.service";
  private static final String FOREIGN = "nginx.service";
  private static final int RUNS = Integer.getInteger("chaos.runs", 1);
  private static final long SEED = Long.getLong("chaos.seed", System.nanoTime());
  private static final List<Long> FAILOVER_MS = new ArrayList<>();
  private static final Map<String, int[]> TALLY = new HashMap<>(); // scenario -> {runs, violations}

  @TempDir Path dir;
  private EtcdProcess etcd;
  private FakeFleetServer fleet;
  private final Random random = new Random(SEED);
  private final DaemonSlot[] slots = new DaemonSlot[2];
  private Instant metricsClock = Instant.parse("2031-01-01T00:00:00Z");

  /** A daemon's place: its status port and the process running there, if any. */
  private final class DaemonSlot {
    final int statusPort;
    final String name;
    DaemonProcess process;

    DaemonSlot(String name) throws Exception {
      this.name = name;
      this.statusPort = freePort();
    }

    void start() {
      process = DaemonProcess.start(dir.resolve(name + ".log"), Map.of(),
          "-c", dir.resolve("config.yaml").toString(),
          "-e", "127.0.0.1:" + etcd.clientPort(),
          "-f", "127.0.0.1:" + fleet.port(),
          "--status-port", String.valueOf(statusPort));
    }

    JsonNode status() throws Exception {
      return JSON.readTree(OriginalFixture.get("http://127.0.0.1:" + statusPort + "/status"));
    }

    boolean leadingAndReady() {
      try {
        JsonNode s = status();
        return s.get("leader").asBoolean() && s.get("ready").asBoolean();
      } catch (Exception e) {
        return false;
      }
    }
  }

  @BeforeAll
  static void noDelay() {
    System.setProperty("sun.net.httpserver.nodelay", "true");
  }

  @AfterAll
  static void figures() {
    TALLY.forEach((k, v) -> System.out.println("CHAOS scenario=" + k + " runs=" + v[0] + " violations=" + v[1]));
    List<Long> f = new ArrayList<>(FAILOVER_MS);
    f.sort(null);
    if (!f.isEmpty()) {
      System.out.println("CHAOS failover samples=" + f.size() + " p50_ms=" + f.get(f.size() / 2) + " max_ms=" + f.get(f.size() - 1)
          + " all=" + f);
    }
    System.out.println("CHAOS seed=" + SEED);
  }

  @BeforeEach
  void cluster() throws Exception {
    etcd = EtcdProcess.start("--enable-v2=true");
    // a real fleetd's timings (a start takes 6-8 s, states linger after a delete), drawn from the run's seed
    fleet = FakeFleetServer.builder().profile(FakeFleetProfile.realistic()).seed(SEED).start();
    OriginalFixture.prepare(dir);
    // somebody else's units: one foreign, one named like a's instances but outside its numbering
    fleet.putUnit(FOREIGN, List.of(UnitOption.of("Service", "ExecStart", "/usr/sbin/nginx")), "launched");
    fleet.putUnit(FOREIGN_LOOKALIKE, List.of(UnitOption.of("Service", "ExecStart", "/bin/other")), "launched");
    slots[0] = new DaemonSlot("d0");
    slots[1] = new DaemonSlot("d1");
    slots[0].start();
    await("first leader").atMost(Duration.ofSeconds(60)).until(() -> leader() != null);
    slots[1].start();
    settleAndCheck("start-up");
    fleet.randomMutationFaults(0.15, SEED, Duration.ofMillis(800));
  }

  @AfterEach
  void stop() throws Exception {
    for (DaemonSlot s : slots) {
      if (s != null && s.process != null) {
        cont(s.process);
        s.process.close();
      }
    }
    fleet.close();
    etcd.close();
  }

  @Test
  void sigkillOfTheLeaderAtRandomPointsDuringScaleUps() throws Exception {
    for (int run = 0; run < RUNS; run++) {
      DaemonSlot lead = await().atMost(Duration.ofSeconds(60)).until(this::leader, l -> l != null);
      DaemonSlot standby = other(lead);
      breach(); // a scale-up begins
      pause(random.nextInt(3000)); // a random point of it
      long t0 = System.nanoTime();
      lead.process.kill();
      await("standby takes over").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20))
          .until(standby::leadingAndReady);
      FAILOVER_MS.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
      lead.start(); // the killed one comes back as the standby
      settleAndCheck("daemon-sigkill");
    }
  }

  @Test
  void etcdKilledAndRestartedWithItsDataKeptOrWiped() throws Exception {
    for (int run = 0; run < RUNS; run++) {
      for (boolean wipe : new boolean[] {false, true}) {
        breach();
        pause(random.nextInt(2000));
        etcd.kill();
        if (wipe) {
          etcd.wipeData();
        }
        pause(random.nextInt(3000));
        etcd.restart();
        settleAndCheck(wipe ? "etcd-restart-wiped" : "etcd-restart-kept");
      }
    }
  }

  @Test
  void aLeaderStoppedInTheMiddleOfAStartSendsNothingAfterTheStandbyTookOver() throws Exception {
    for (int run = 0; run < RUNS; run++) {
      DaemonSlot lead = await().atMost(Duration.ofSeconds(60)).until(this::leader, l -> l != null);
      DaemonSlot standby = other(lead);
      // every mutating call answers late, so a start spends seconds among its PUTs
      fleet.randomMutationFaults(0, SEED, Duration.ofMillis(700));
      fleet.injectMutationFaults(repeat(FakeFleetServer.MutationFault.APPLY_THEN_HANG, 12));
      int before = fleet.requests().size();
      breach();
      await("a start is under way").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20))
          .until(() -> fleet.requests().subList(before, fleet.requests().size()).stream().anyMatch(r -> r.method().equals("PUT")));
      pause(random.nextInt(1500));
      signal("STOP", lead.process);
      long t0 = System.nanoTime();
      await("standby takes over").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20))
          .until(standby::leadingAndReady);
      FAILOVER_MS.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
      pause(1000); // the new leader's recovery acts
      signal("CONT", lead.process);
      settleAndCheck("leader-sigstop");
      assertThat(lead.process.isAlive()).as(lead.process.output()).isTrue();
      fleet.randomMutationFaults(0.15, SEED + run, Duration.ofMillis(800));
    }
  }

  // ---------------------------------------------------------------- helpers

  private void breach() throws Exception {
    metricsClock = metricsClock.plusSeconds(600);
    OriginalFixture.writeResponseTimesV2(etcd.endpoint(), metricsClock, 400);
  }

  private DaemonSlot leader() {
    for (DaemonSlot s : slots) {
      if (s.process != null && s.process.isAlive() && s.leadingAndReady()) {
        return s;
      }
    }
    return null;
  }

  private DaemonSlot other(DaemonSlot s) {
    return s == slots[0] ? slots[1] : slots[0];
  }

  /**
   * Waits until a leader is ready with no action in flight and no intent stored, then checks the
   * invariants, which must hold within the settle time; a run whose invariants do not hold is
   * counted and fails the test with every violation.
   */
  private void settleAndCheck(String scenario) {
    int[] tally = TALLY.computeIfAbsent(scenario, k -> new int[2]);
    tally[0]++;
    List<String> last = new ArrayList<>();
    try {
      await(scenario + ": settled with the invariants holding").atMost(Duration.ofSeconds(120))
          .pollInterval(Duration.ofMillis(500)).ignoreExceptions().until(() -> {
            last.clear();
            last.addAll(violations());
            return last.isEmpty();
          });
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      tally[1]++;
      throw new AssertionError(scenario + ": invariants violated after settling: " + last + "\n"
          + "d0:\n" + tail(slots[0]) + "\nd1:\n" + tail(slots[1]), e);
    }
  }

  private static String tail(DaemonSlot s) {
    if (s == null || s.process == null) {
      return "";
    }
    String out = s.process.output();
    return out.substring(Math.max(0, out.length() - 6000));
  }

  /** Every invariant of docs/reliability.md that does not hold right now; empty when all hold. */
  private List<String> violations() throws Exception {
    List<String> v = new ArrayList<>();
    DaemonSlot lead = leader();
    if (lead == null) {
      return List.of("no ready leader");
    }
    JsonNode a = null;
    for (JsonNode s : lead.status().get("services")) {
      if (s.get("service").asText().equals("a")) {
        a = s;
      }
    }
    if (a == null || a.get("starting").asInt() + a.get("stopping").asInt() > 0) {
      return List.of("actions in flight");
    }
    StoredState stored;
    try (EtcdStateStore store = EtcdStateStore.builder()
        .settings(EtcdSettings.builder().endpoints(etcd.endpoint()).build()).build()) {
      stored = store.load();
    }
    if (!stored.intents().isEmpty()) {
      return List.of("intents stored: " + stored.intents().size());
    }
    Set<String> units = new TreeSet<>(fleet.unitNames());
    Map<String, InstanceRecord> records = new HashMap<>();
    Set<Integer> numbers = new HashSet<>();
    for (InstanceRecord r : stored.instances()) {
      records.put(r.id().unitName(), r);
      if (r.id().service().name().equals("a") && !numbers.add(r.number())) {
        v.add("number " + r.number() + " recorded twice");
      }
      // no record without its units
      if (!units.contains(r.id().unitName())) {
        v.add("record " + r.id().unitName() + " has no unit");
      }
      for (String att : r.attachedUnits()) {
        if (!units.contains(att)) {
          v.add("record " + r.id().unitName() + " misses its attached unit " + att);
        }
      }
    }
    int mains = 0;
    for (String u : units) {
      if (u.equals(FOREIGN) || u.equals(FOREIGN_LOOKALIKE)) {
        continue;
      }
      Matcher m = OURS.matcher(u);
      if (m.matches()) {
        String n = m.group(2);
        if (m.group(1).equals("a")) {
          mains++;
          // no unit without a record
          if (!records.containsKey(u)) {
            v.add("unit " + u + " has no record");
          }
          for (String att : ATTACHED) {
            if (!units.contains(att + "@" + n + ".service")) {
              v.add("instance " + u + " misses " + att + "@" + n + ".service");
            }
          }
        } else if (!units.contains("a@" + n + ".service")) {
          v.add("attached unit " + u + " has no main unit");
        }
      } else if (u.equals("example.service")) {
        if (!records.containsKey(u)) {
          v.add("unit example.service has no record");
        }
      } else {
        v.add("unexpected unit " + u);
      }
    }
    if (mains < 2 || mains > 5) {
      v.add(mains + " instances of a, outside [2, 5]");
    }
    if (!units.contains("example.service")) {
      v.add("example.service is missing");
    }
    // foreign units untouched: still there, launched, and never sent a mutating call
    for (String f : List.of(FOREIGN, FOREIGN_LOOKALIKE)) {
      if (fleet.unit(f).map(x -> !x.desiredState().equals("launched")).orElse(true)) {
        v.add("foreign unit " + f + " changed or gone");
      }
      if (fleet.requests().stream().anyMatch(r -> !r.method().equals("GET") && r.path().endsWith("/" + f))) {
        v.add("foreign unit " + f + " was sent a mutating call");
      }
    }
    return v;
  }

  /** Lets {@code millis} pass (a random point of an action), without blocking on anything. */
  private static void pause(long millis) {
    await().pollDelay(Duration.ofMillis(millis)).atMost(Duration.ofMillis(millis + 1000)).until(() -> true);
  }

  private static FakeFleetServer.MutationFault[] repeat(FakeFleetServer.MutationFault f, int n) {
    FakeFleetServer.MutationFault[] out = new FakeFleetServer.MutationFault[n];
    java.util.Arrays.fill(out, f);
    return out;
  }

  private static void signal(String sig, DaemonProcess p) throws Exception {
    new ProcessBuilder("kill", "-" + sig, Long.toString(p.pid())).inheritIO().start().waitFor(10, TimeUnit.SECONDS);
  }

  private static void cont(DaemonProcess p) {
    try {
      if (p.isAlive()) {
        signal("CONT", p);
      }
    } catch (Exception e) {
      // best effort before the kill
    }
  }

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0, 0, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
