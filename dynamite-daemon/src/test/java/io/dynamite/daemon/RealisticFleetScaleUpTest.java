package io.dynamite.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import io.dynamite.api.Direction;
import io.dynamite.api.MetricQuery;
import io.dynamite.api.event.EngineEvent;
import io.dynamite.core.EngineSnapshot;
import io.dynamite.core.ScalingEngine;
import io.dynamite.core.config.ConfigLoader;
import io.dynamite.core.config.DynamiteConfig;
import io.dynamite.fleet.FleetClient;
import io.dynamite.fleet.FleetTarget;
import io.dynamite.sandbox.fleet.FakeFleetProfile;
import io.dynamite.sandbox.fleet.FakeFleetServer;
import io.dynamite.testkit.FakeMetricSource;
import io.dynamite.testkit.InMemoryStateStore;
import io.dynamite.testkit.ManualClock;
import io.dynamite.testkit.ManualScheduler;
import io.dynamite.testkit.RecordingListener;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real engine and {@link FleetTarget} against {@link FakeFleetServer}'s realistic profile, all
 * on one manual clock: the fake's units need 6-8 s of that clock to run, the target polls and
 * times out on the engine's manual scheduler, and the fleet client runs its HTTP calls on the
 * calling thread, so the whole run is driven step by step by the test and never sleeps. A start,
 * at start-up and for a scale-up, completes and is recorded (instance saved, action succeeded,
 * counted running) only once fleet reports every unit of the instance {@code active}, at the
 * target's first poll after that.
 */
class RealisticFleetScaleUpTest {
  private static final MetricQuery CPU = new MetricQuery("webserver", "cpu", false);
  private static final Duration STEP = Duration.ofMillis(100);
  private static final Duration POLL = Duration.ofSeconds(1);

  @TempDir Path dir;
  private final ManualClock clock = ManualClock.atDefaultStart();
  private final ManualScheduler scheduler = new ManualScheduler(clock);
  private final FakeMetricSource metrics = new FakeMetricSource();
  private final InMemoryStateStore store = new InMemoryStateStore();
  private final RecordingListener events = new RecordingListener();
  private FakeFleetServer fleet;
  private FleetClient client;

  @BeforeAll
  static void noDelay() {
    System.setProperty("sun.net.httpserver.nodelay", "true");
  }

  @BeforeEach
  void fleet() {
    fleet = FakeFleetServer.builder().profile(FakeFleetProfile.realistic()).clock(clock).seed(11).start();
    client = FleetClient.builder(fleet.endpoint()).executor(Runnable::run).scheduler(scheduler).build();
  }

  @AfterEach
  void stop() {
    client.close();
    fleet.close();
    events.assertNoInternalErrors();
  }

  private DynamiteConfig config() throws Exception {
    Path units = Files.createDirectories(dir.resolve("units"));
    Files.writeString(units.resolve("web@.service"), "[Service]\nExecStart=/bin/sleep 1000\n");
    Files.writeString(units.resolve("web_logger@.service"),
        "[Service]\nExecStart=/bin/sleep 1000\n\n[X-Fleet]\nMachineOf=web@%i.service\n");
    Path yaml = Files.writeString(dir.resolve("dynamite.yaml"), """
        Dynamite:
          ServiceFiles:
            PathList: [%s]
          ETCD:
            application_base_path: /services
            metrics_base_path: /metrics
          Service:
            web:
              name_of_unit_file: web@.service
              type: webserver
              min_instance: 1
              max_instance: 3
              base_instance_prefix_number: 8080
              ports_per_instance: 1
              attached_service: [web_logger]
              scale_up_policy:
                ScalingPolicy: cpu_high
            web_logger:
              name_of_unit_file: web_logger@.service
              type: attached_service
          ScalingPolicy:
            cpu_high:
              service_type: webserver
              metric: cpu
              metric_aggregated: false
              comparative_operator: gt
              threshold: 50
              threshold_unit: percent
              period: 10
              period_unit: second
              cooldown_period: 1
              cooldown_period_unit: minute
        """.formatted(units));
    return ConfigLoader.builder().build().load(yaml);
  }

  private ScalingEngine engine(FleetTarget target) throws Exception {
    return ScalingEngine.builder().config(config()).metricSource(metrics).target(target).stateStore(store)
        .clock(clock).scheduler(scheduler).listener(events).build();
  }

  private EngineSnapshot.ServiceSnapshot web(ScalingEngine engine) {
    return engine.snapshot().services().get(0);
  }

  private boolean active(String unit) {
    List<FakeFleetServer.UnitState> s = fleet.states(unit);
    return !s.isEmpty() && s.stream().allMatch(x -> x.activeState().equals("active"));
  }

  private EngineEvent.@Nullable ActionSucceeded succeeded(String unit) {
    return events.events(EngineEvent.ActionSucceeded.class).stream()
        .filter(e -> e.direction() == Direction.UP && e.instance().unitName().equals(unit)).findFirst().orElse(null);
  }

  /**
   * Steps the clock until the start of instance {@code number} succeeds, checking at every step that
   * it is neither recorded nor counted running while a unit of it is not active; returns when fleet
   * had both units active (observed at the step's granularity) and when the engine recorded it.
   */
  private Instant[] awaitStart(ScalingEngine engine, int number, boolean feed) {
    String main = "web@" + number + ".service";
    String side = "web_logger@" + number + ".service";
    int runningBefore = web(engine).view().running();
    Instant activeAt = null;
    Instant limit = clock.instant().plus(Duration.ofSeconds(30));
    while (succeeded(main) == null) {
      assertThat(clock.instant()).as("start of " + main + " not done by " + limit).isBefore(limit);
      if (activeAt == null && active(main) && active(side)) {
        activeAt = clock.instant();
      }
      if (activeAt == null) {
        assertThat(store.writes()).as("not recorded before it runs").doesNotContain("saveInstance " + main);
        assertThat(web(engine).view().running()).isEqualTo(runningBefore);
      }
      if (feed) {
        metrics.push(CPU, "u1", clock.instant(), 90);
      }
      scheduler.advance(STEP);
    }
    if (activeAt == null) {
      activeAt = clock.instant();
    }
    Instant recordedAt = succeeded(main).at();
    assertThat(store.writes()).contains("saveInstance " + main);
    assertThat(web(engine).view().running()).isEqualTo(runningBefore + 1);
    return new Instant[] {activeAt, recordedAt};
  }

  @Test
  void startUpAndAScaleUpCompleteOnlyOnceTheUnitsAreActive() throws Exception {
    try (FleetTarget target = FleetTarget.builder(client).scheduler(scheduler).pollInterval(POLL).build();
        ScalingEngine engine = engine(target)) {
      Instant t0 = clock.instant();
      engine.start();
      scheduler.runPending();
      // start-up top-up: min_instance 1
      Instant[] first = awaitStart(engine, 8080, false);
      assertRecordedAtTheFirstPollAfterActive(first);
      Duration took = Duration.between(t0, first[1]);
      assertThat(took).as("a realistic launch takes 6-8 s, plus at most one poll").isBetween(Duration.ofSeconds(6), Duration.ofSeconds(9).plus(STEP));

      // a sustained breach scales up by one; it is recorded only once that instance runs
      Instant[] second = awaitStart(engine, 8081, true);
      assertRecordedAtTheFirstPollAfterActive(second);
      EngineEvent.ActionStarted began = events.events(EngineEvent.ActionStarted.class).stream()
          .filter(e -> e.instance().unitName().equals("web@8081.service")).findFirst().orElseThrow();
      assertThat(Duration.between(began.at(), second[1])).isBetween(Duration.ofSeconds(6), Duration.ofSeconds(9).plus(STEP));
      assertThat(fleet.unit("web_logger@8081.service").orElseThrow().machineId())
          .isEqualTo(fleet.unit("web@8081.service").orElseThrow().machineId());
    }
  }

  @Test
  void theOriginalsStartUpRunsEveryInstanceWithBothAttachedUnitsOnItsMachine() throws Exception {
    fleet.addMachine("0123456789abcdef0123456789abcdef", "127.0.0.2", java.util.Map.of());
    DynamiteConfig original = ConfigLoader.builder().build().load(OriginalFixture.prepare(dir));
    try (FleetTarget target = FleetTarget.builder(client).scheduler(scheduler).pollInterval(POLL).build();
        ScalingEngine engine = ScalingEngine.builder().config(original).metricSource(metrics).target(target)
            .stateStore(store).clock(clock).scheduler(scheduler).listener(events).build()) {
      engine.start();
      scheduler.runPending();
      Instant limit = clock.instant().plus(Duration.ofSeconds(30));
      while (events.events(EngineEvent.ActionSucceeded.class).size() < 3) {
        assertThat(clock.instant()).as("start-up not done: " + events.events()).isBefore(limit);
        scheduler.advance(STEP);
      }
      for (String n : List.of("12021", "12022")) {
        String machine = fleet.unit("a@" + n + ".service").orElseThrow().machineId();
        for (String u : List.of("a@", "a_service_announcer@", "a_logger@")) {
          FakeFleetServer.Unit unit = fleet.unit(u + n + ".service").orElseThrow();
          assertThat(unit.currentState()).as(unit.name()).isEqualTo("launched");
          assertThat(unit.machineId()).as(unit.name() + " on its instance's machine").isEqualTo(machine);
          assertThat(active(unit.name())).as(unit.name()).isTrue();
        }
      }
    }
  }

  private static void assertRecordedAtTheFirstPollAfterActive(Instant[] activeAndRecorded) {
    Instant active = activeAndRecorded[0];
    Instant recorded = activeAndRecorded[1];
    // "active" is seen at a step, up to one step after fleet flipped; the poll may see it in between
    assertThat(recorded).isAfterOrEqualTo(active.minus(STEP));
    assertThat(recorded).isBeforeOrEqualTo(active.plus(POLL));
  }

  @Test
  void aStartTimeoutShorterThanFleetsLaunchFailsTheStartAndDestroysItsUnits() throws Exception {
    try (FleetTarget target = FleetTarget.builder(client).scheduler(scheduler).pollInterval(POLL)
        .startTimeout(Duration.ofSeconds(5)).build();
        ScalingEngine engine = engine(target)) {
      engine.start();
      scheduler.runPending();
      Instant limit = clock.instant().plus(Duration.ofSeconds(7));
      while (events.events(EngineEvent.ActionFailed.class).isEmpty()) {
        assertThat(clock.instant()).as("the 5 s start timeout fires").isBefore(limit);
        scheduler.advance(STEP);
      }
      EngineEvent.ActionFailed failed = events.events(EngineEvent.ActionFailed.class).get(0);
      assertThat(failed.error()).contains("not running after PT5S");
      assertThat(fleet.unitNames()).as("the failed start destroyed its units").isEmpty();
      assertThat(store.writes()).doesNotContain("saveInstance web@8080.service");
      assertThat(web(engine).view().running()).isZero();
    }
  }
}
