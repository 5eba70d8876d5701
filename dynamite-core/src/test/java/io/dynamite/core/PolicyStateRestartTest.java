package io.dynamite.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.dynamite.api.InstanceId;
import io.dynamite.api.MetricQuery;
import io.dynamite.api.MetricSample;
import io.dynamite.api.UnitHealth;
import io.dynamite.api.event.DecisionRecord;
import io.dynamite.api.spi.StateStore;
import io.dynamite.api.state.ActionIntent;
import io.dynamite.api.state.EngineStatus;
import io.dynamite.api.state.InstanceRecord;
import io.dynamite.api.state.ServiceRecord;
import io.dynamite.api.state.StoredState;
import io.dynamite.core.config.ConfigLoader;
import io.dynamite.core.config.DynamiteConfig;
import io.dynamite.testkit.InMemoryStateStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The built-in policies' memory across a restart of the engine on the same state store (same
 * manual clock, same target): the target-tracking policy's scale-down stabilization window and the
 * predictive policy's seasonal history go on where they were. Each case also runs against a store
 * that forgets policy states, to show that the outcome depends on the stored state.
 */
class PolicyStateRestartTest {
  static final MetricQuery CPU = new MetricQuery("webserver", "cpu", false);
  static final MetricQuery RPS = new MetricQuery("lb", "rps", true);

  private static final String YAML = """
      Dynamite:
        ServiceFiles:
          PathList:
            - units
        ETCD:
          application_base_path: /services
          metrics_base_path: /metrics
        Service:
          web:
            name_of_unit_file: web@.service
            min_instance: 2
            max_instance: 50
            base_instance_prefix_number: 8080
            ports_per_instance: 1
            policies: [%s]
        ScalingPolicy:
      %s
      """;

  private static final String TRACKING = """
          cpu:
            type: target-tracking
            service_type: webserver
            metric: cpu
            target: 60
            max_sample_age: 1200
      """;

  private static final String PREDICTIVE = """
          forecast:
            type: predictive
            service_type: lb
            metric: rps
            metric_aggregated: true
            target: 60
            min_history: 2d
            forecast_window: 1h
            max_sample_age: 120
      """;

  /** A store that keeps everything but the policies' states, like a store written for 0.2. */
  static final class Forgetful implements StateStore {
    private final InMemoryStateStore store;

    Forgetful(InMemoryStateStore store) {
      this.store = store;
    }

    @Override
    public StoredState load() {
      return store.load();
    }

    @Override
    public void saveStatus(EngineStatus status) {
      store.saveStatus(status);
    }

    @Override
    public void saveConfiguration(Map<String, Object> document) {
      store.saveConfiguration(document);
    }

    @Override
    public void saveService(ServiceRecord record) {
      store.saveService(record);
    }

    @Override
    public void saveInstance(InstanceRecord record) {
      store.saveInstance(record);
    }

    @Override
    public void deleteInstance(InstanceId id) {
      store.deleteInstance(id);
    }

    @Override
    public void saveIntent(ActionIntent intent) {
      store.saveIntent(intent);
    }

    @Override
    public void deleteIntent(String intentId) {
      store.deleteIntent(intentId);
    }
  }

  @TempDir Path dir;

  @BeforeEach
  void writeUnits() throws IOException {
    Path units = Files.createDirectories(dir.resolve("units"));
    Files.writeString(units.resolve("web@.service"), "[Unit]\nDescription=web\n[Service]\nExecStart=/bin/true\n");
  }

  private DynamiteConfig config(String policy, String entry) {
    return ConfigLoader.builder().build().load(String.format(YAML, policy, entry), dir);
  }

  private static Consumer<ScalingEngineBuilder> options(InMemoryStateStore store, boolean forget) {
    return b -> {
      b.reconcileInterval(Duration.ofHours(1));
      if (forget) {
        b.stateStore(new Forgetful(store));
      }
    };
  }

  private static EngineHarness first(DynamiteConfig c, InMemoryStateStore store, boolean forget) {
    return new EngineHarness(c, store, options(store, forget)).start();
  }

  private static EngineHarness restarted(DynamiteConfig c, InMemoryStateStore store, boolean forget,
      EngineHarness before) {
    return new EngineHarness(c, store, before.clock, before.target, options(store, forget)).start();
  }

  private static List<String> running(EngineHarness h) {
    return h.target.units().entrySet().stream()
        .filter(e -> e.getKey().startsWith("web@") && e.getValue() == UnitHealth.RUNNING)
        .map(Map.Entry::getKey).sorted().toList();
  }

  /** A total CPU load spread evenly over the running units, one sample per unit per second. */
  private static void load(EngineHarness h, double total, int seconds) {
    for (int i = 0; i < seconds; i++) {
      List<String> units = running(h);
      for (String unit : units) {
        h.metrics.register("webserver", "id-" + unit, unit);
        h.metrics.push(CPU, "id-" + unit, h.clock.instant(), total / units.size());
      }
      h.scheduler.advance(Duration.ofSeconds(1));
    }
  }

  private static void loadUntil(EngineHarness h, double total, Instant until) {
    load(h, total, (int) Duration.between(h.clock.instant(), until).getSeconds());
  }

  // ---- target tracking ---------------------------------------------------------------------------

  /**
   * Scales 2 -> 5, then the load drops at {@code drop} and the scale-down to 2 is held by the
   * default 300 s window; the engine is restarted 60 s later. Returns the new engine.
   */
  private EngineHarness scaleDownHeldThenRestart(boolean forget, boolean crash, Instant[] drop) {
    DynamiteConfig c = config("cpu", TRACKING);
    InMemoryStateStore store = new InMemoryStateStore();
    EngineHarness h = first(c, store, forget);
    load(h, 300, 30); // 150 % on 2: up to 5, then 60 % each
    assertThat(running(h)).hasSize(5);
    drop[0] = h.clock.instant();
    load(h, 100, 60); // 20 % each: ceil(20 / 60 x 5) = 2, held by the window
    assertThat(running(h)).hasSize(5);
    DecisionRecord held = h.events.decisions().get(h.events.decisions().size() - 1);
    assertThat(held.reason()).startsWith("ScaleDownStabilized:").contains("stabilized to 5");
    if (crash) {
      h.events.assertNoInternalErrors(); // abandoned without close(), as a killed process
    } else {
      h.close();
      h.scheduler.runPending(); // the write of the state exported at close
    }
    return restarted(c, store, forget, h);
  }

  @Test
  void aRestartInsideTheStabilizationWindowKeepsTheWindow() {
    Instant[] drop = new Instant[1];
    try (EngineHarness h = scaleDownHeldThenRestart(false, false, drop)) {
      assertThat(h.engine.snapshot().counters()).containsEntry("policy_state.restored", 1L);
      loadUntil(h, 100, drop[0].plusSeconds(297));
      assertThat(running(h)).as("still inside the window that began before the restart").hasSize(5);
      loadUntil(h, 100, drop[0].plusSeconds(303));
      assertThat(running(h)).as("the window that began before the restart is over").hasSize(2);
    }
  }

  @Test
  void aCrashInsideTheWindowKeepsTheWindowAsOfTheLastStoredState() {
    Instant[] drop = new Instant[1];
    try (EngineHarness h = scaleDownHeldThenRestart(false, true, drop)) {
      loadUntil(h, 100, drop[0].plusSeconds(297));
      assertThat(running(h)).hasSize(5);
      loadUntil(h, 100, drop[0].plusSeconds(303));
      assertThat(running(h)).hasSize(2);
    }
  }

  @Test
  void withoutTheStoredStateARestartStartsTheWindowAgain() {
    Instant[] drop = new Instant[1];
    try (EngineHarness h = scaleDownHeldThenRestart(true, false, drop)) {
      Instant restart = h.clock.instant();
      loadUntil(h, 100, drop[0].plusSeconds(303));
      assertThat(running(h)).hasSize(5);
      loadUntil(h, 100, restart.plusSeconds(303));
      assertThat(running(h)).hasSize(2);
    }
  }

  // ---- predictive --------------------------------------------------------------------------------

  /**
   * Two and a half days of 100 rps with 600 rps from 12:00 to 13:00 UTC, then a restart at 10:30
   * on day three; returns the new engine.
   */
  private EngineHarness dailyPeakThenRestart(boolean forget, Instant dayThree) {
    DynamiteConfig c = config("forecast", PREDICTIVE);
    InMemoryStateStore store = new InMemoryStateStore();
    EngineHarness h = first(c, store, forget);
    feedRps(h, dayThree.plus(Duration.ofMinutes(630)));
    assertThat(running(h)).hasSize(2);
    h.close();
    h.scheduler.runPending();
    return restarted(c, store, forget, h);
  }

  /** One aggregated sample a minute until {@code until}: 600 from 12:00 to 13:00 UTC, else 100. */
  private static void feedRps(EngineHarness h, Instant until) {
    while (h.clock.instant().isBefore(until)) {
      Instant now = h.clock.instant();
      h.metrics.push(RPS, MetricSample.AGGREGATED, now, now.atZone(ZoneOffset.UTC).getHour() == 12 ? 600 : 100);
      h.scheduler.advance(Duration.ofMinutes(1));
    }
  }

  @Test
  void thePredictiveForecastSurvivesARestart() {
    Instant dayThree = Instant.parse("2015-06-20T00:00:00Z");
    try (EngineHarness h = dailyPeakThenRestart(false, dayThree)) {
      feedRps(h, dayThree.plus(Duration.ofHours(11)));
      // 11:00 on day three, one hour ahead of the peak: the restored history forecasts 600 -> 10
      assertThat(running(h)).hasSize(10);
      DecisionRecord up = h.events.decisions().stream()
          .filter(d -> d.outcome() == DecisionRecord.Outcome.SCALED).findFirst().orElseThrow();
      assertThat(up.at()).isEqualTo(dayThree.plus(Duration.ofHours(11)));
      assertThat(up.reason()).startsWith("predictive: forecast peak 600 at 2015-06-20T12:00:00Z (mean of 2 past day(s))");
    }
  }

  @Test
  void withoutTheStoredStateThePredictivePolicyCollectsItsHistoryAgain() {
    Instant dayThree = Instant.parse("2015-06-20T00:00:00Z");
    try (EngineHarness h = dailyPeakThenRestart(true, dayThree)) {
      feedRps(h, dayThree.plus(Duration.ofHours(13)));
      assertThat(running(h)).hasSize(2);
      assertThat(h.events.decisions()).last().satisfies(d -> assertThat(d.reason()).contains("collecting history"));
    }
  }
}
