package io.dynamite.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.dynamite.api.MetricHealth;
import io.dynamite.api.MetricQuery;
import io.dynamite.api.MetricSample;
import io.dynamite.api.UnitHealth;
import io.dynamite.api.event.DecisionRecord;
import io.dynamite.core.config.ConfigLoader;
import io.dynamite.core.config.DynamiteConfig;
import io.dynamite.testkit.InMemoryStateStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The {@code schedule}, {@code step} and {@code predictive} policies and the metric-health guard
 * driven through the real engine on a manual clock (starting 2015-06-18T08:00:00Z, a Thursday,
 * unless a test moves it on before the engine starts), configured in YAML under a service's
 * {@code policies:}.
 */
class BuiltInPoliciesEngineTest {
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
            min_instance: %d
            max_instance: 50
            base_instance_prefix_number: 8080
            ports_per_instance: 1
            policies: [%s]
        ScalingPolicy:
      %s
      """;

  @TempDir Path dir;

  @BeforeEach
  void writeUnits() throws IOException {
    Path units = Files.createDirectories(dir.resolve("units"));
    Files.writeString(units.resolve("web@.service"), "[Unit]\nDescription=web\n[Service]\nExecStart=/bin/true\n");
  }

  private EngineHarness harness(int min, String policies, String entries) {
    return harness(null, min, policies, entries);
  }

  /** An engine started at {@code start} (null: the manual clock's default start). */
  private EngineHarness harness(@Nullable Instant start, int min, String policies, String entries) {
    String body = entries.lines().map(l -> "    " + l).reduce((a, b) -> a + "\n" + b).orElse("");
    DynamiteConfig c = ConfigLoader.builder().build().load(String.format(YAML, min, policies, body), dir);
    EngineHarness h = new EngineHarness(c, new InMemoryStateStore(), b -> b.reconcileInterval(Duration.ofHours(1)));
    if (start != null) {
      h.clock.set(start);
    }
    return h.start();
  }

  private static List<String> running(EngineHarness h) {
    return h.target.units().entrySet().stream()
        .filter(e -> e.getKey().startsWith("web@") && e.getValue() == UnitHealth.RUNNING)
        .map(Map.Entry::getKey).sorted().toList();
  }

  private static void advanceTo(EngineHarness h, Instant t) {
    h.scheduler.advance(Duration.between(h.clock.instant(), t));
  }

  private static List<DecisionRecord> scaled(EngineHarness h, String policyId) {
    return h.events.decisions().stream()
        .filter(d -> d.policyId().equals(policyId) && d.outcome() == DecisionRecord.Outcome.SCALED).toList();
  }

  /** One sample per running unit (uuid registered to it), then one second on. */
  private static void cpu(EngineHarness h, double value, int seconds) {
    for (int i = 0; i < seconds; i++) {
      for (String unit : running(h)) {
        h.metrics.register("webserver", "id-" + unit, unit);
        h.metrics.push(CPU, "id-" + unit, h.clock.instant(), value);
      }
      h.scheduler.advance(Duration.ofSeconds(1));
    }
  }

  // ---- configuration -----------------------------------------------------------------------------

  @Test
  void theLoaderKnowsTheNewTypesAndReportsEveryProblemWithItsFullPath() {
    assertThat(PluginRegistry.builtIn().policies())
        .containsKeys("threshold", "target-tracking", "step", "schedule", "predictive");
    // an entry under the earlier type name scheduled is validated as a schedule
    String entries = """
        office:
          type: scheduled
          schedule:
            - {cron: "0 8 * * MON-FRY", min: 4}
        cpu:
          type: step
          service_type: webserver
          metric: cpu
          treshold: 60
          steps:
            - {lower: 0, adjustment: 1.5}
        forecast:
          type: predictive
          service_type: lb
          metric: rps
          target: 60
          on_missing: {scale_up_to: 0}
        """;
    String body = entries.lines().map(l -> "    " + l).reduce((a, b) -> a + "\n" + b).orElse("");
    String yaml = String.format(YAML, 1, "office, cpu, forecast", body);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> ConfigLoader.builder().build().load(yaml, dir))
        .isInstanceOf(io.dynamite.api.ConfigException.class)
        .extracting(e -> ((io.dynamite.api.ConfigException) e).problems().stream()
            .map(io.dynamite.api.ConfigProblem::path).toList())
        .asList()
        .contains("Dynamite.ScalingPolicy.office.schedule[0].cron", "Dynamite.ScalingPolicy.cpu.treshold",
            "Dynamite.ScalingPolicy.cpu.threshold", "Dynamite.ScalingPolicy.cpu.steps[0].adjustment",
            "Dynamite.ScalingPolicy.forecast.on_missing.scale_up_to");
  }

  // ---- schedule ----------------------------------------------------------------------------------

  private static final String OFFICE = """
      office:
        type: schedule
        schedule:
          - {name: day, cron: "0 8 * * *", duration: 10h, min: 4}
          - {name: night, cron: "0 18 * * *", duration: 14h, max: 2}
      """;

  @Test
  void aScheduledFloorRisesAtEightAndACeilingTakesOverAtSixWithoutAnySample() {
    Instant start = Instant.parse("2015-06-18T08:00:00Z");
    try (EngineHarness h = harness(1, "office", OFFICE)) {
      // the day window is in force at the start: the floor tops the service up from 1 to 4
      assertThat(running(h)).hasSize(4);
      DecisionRecord up = scaled(h, "web/office").get(0);
      assertThat(up.reason()).startsWith("schedule day (cron '0 8 * * *' for 10h) in force since 2015-06-18T08:00:00Z"
          + " until 2015-06-18T18:00:00Z: min 4 -> floor 4; next change at 2015-06-18T18:00:00Z");
      assertThat(up.samples()).isZero();

      advanceTo(h, start.plus(Duration.ofHours(10)).minusSeconds(1));
      assertThat(running(h)).hasSize(4);
      h.scheduler.advance(Duration.ofSeconds(1)); // 18:00: the night ceiling stops two
      assertThat(running(h)).hasSize(2);
      assertThat(scaled(h, "web/office")).last().extracting(DecisionRecord::reason).asString()
          .contains("night (cron '0 18 * * *' for 14h) in force since 2015-06-18T18:00:00Z").contains("ceiling 2");

      advanceTo(h, start.plus(Duration.ofDays(1)).minusSeconds(1));
      assertThat(running(h)).hasSize(2);
      h.scheduler.advance(Duration.ofSeconds(1)); // 08:00 the next day
      assertThat(running(h)).hasSize(4);
      assertThat(h.metrics.polls()).isGreaterThan(0);
      assertThat(h.events.decisions()).allSatisfy(d -> assertThat(d.samples()).isZero());
    }
  }

  @Test
  void aScheduledFloorHoldsBackAnotherPolicysScaleInButNeverScalesDownByItself() {
    String entries = OFFICE + """
        cpu:
          type: step
          service_type: webserver
          metric: cpu
          threshold: 60
          adjustment_type: exact_capacity
          steps:
            - {lower: 0, adjustment: 8}
            - {upper: 0, adjustment: 1}
        """;
    try (EngineHarness h = harness(1, "office, cpu", entries)) {
      assertThat(running(h)).hasSize(4);
      cpu(h, 90, 1); // the step asks for exactly 8, above the floor: it wins
      assertThat(running(h)).hasSize(8);
      cpu(h, 30, 5); // the step asks for exactly 1; the floor keeps 4
      assertThat(running(h)).hasSize(4);
      assertThat(scaled(h, "web/office")).last().extracting(DecisionRecord::reason).asString()
          .startsWith("schedule day");
      cpu(h, 30, 60);
      assertThat(running(h)).hasSize(4);
    }
  }

  private static final String ZURICH_OFFICE = """
      office:
        type: schedule
        timezone: Europe/Zurich
        schedule:
          - {name: day, cron: "0 8 * * *", duration: 10h, min: 4}
          - {name: night, cron: "0 18 * * *", duration: 12h, max: 1}
      """;

  /**
   * Runs the office-hours schedule from {@code start} and checks that the floor rises at each of
   * the given instants (08:00 in Zurich) and not a second earlier, and the night ceiling at 18:00.
   */
  private void floorRisesAtEightInZurich(Instant start, Instant... eightOClock) {
    try (EngineHarness h = harness(start, 1, "office", ZURICH_OFFICE)) {
      assertThat(running(h)).hasSize(1);
      for (Instant at : eightOClock) {
        assertThat(at.atZone(ZoneId.of("Europe/Zurich")).toLocalTime()).isEqualTo(LocalTime.of(8, 0));
        advanceTo(h, at.minusSeconds(1));
        assertThat(running(h)).as("one second before %s", at).hasSize(1);
        h.scheduler.advance(Duration.ofSeconds(1));
        assertThat(running(h)).as("at %s", at).hasSize(4);
        DecisionRecord up = scaled(h, "web/office").get(scaled(h, "web/office").size() - 1);
        assertThat(up.at()).isEqualTo(at);
        assertThat(up.reason()).contains("schedule day").contains("in force since " + at).contains("floor 4");
        assertThat(up.metricHealth()).isEqualTo(MetricHealth.NONE);
        advanceTo(h, at.plus(Duration.ofHours(10))); // 18:00 in Zurich: the night ceiling
        assertThat(running(h)).as("at 18:00 after %s", at).hasSize(1);
      }
    }
  }

  @Test
  void aScheduleRaisesMinAtEightLocalTimeAcrossTheSpringDaylightSavingChange() {
    // Zurich moves from UTC+1 to UTC+2 on Sunday 2016-03-27 at 02:00 local
    floorRisesAtEightInZurich(Instant.parse("2016-03-25T20:00:00Z"),
        Instant.parse("2016-03-26T07:00:00Z"), // Saturday, 08:00 CET
        Instant.parse("2016-03-27T06:00:00Z"), // Sunday, the day of the change, 08:00 CEST
        Instant.parse("2016-03-28T06:00:00Z")); // Monday, the day after, 08:00 CEST
  }

  @Test
  void aScheduleRaisesMinAtEightLocalTimeAcrossTheAutumnDaylightSavingChange() {
    // Zurich moves from UTC+2 back to UTC+1 on Sunday 2016-10-30 at 03:00 local
    floorRisesAtEightInZurich(Instant.parse("2016-10-28T20:00:00Z"),
        Instant.parse("2016-10-29T06:00:00Z"), // Saturday, 08:00 CEST
        Instant.parse("2016-10-30T07:00:00Z"), // Sunday, the day of the change, 08:00 CET
        Instant.parse("2016-10-31T07:00:00Z")); // Monday, the day after, 08:00 CET
  }

  // ---- step --------------------------------------------------------------------------------------

  private static final String STEP = """
      cpu:
        type: step
        service_type: webserver
        metric: cpu
        threshold: 60
        estimated_instance_warmup: 0
        max_sample_age: 30
        %s
        steps:
          - {lower: 0, upper: 20, adjustment: 1}
          - {lower: 20, adjustment: 3}
          - {upper: 0, lower: -30, adjustment: -1}
          - {upper: -30, adjustment: -2}
      """;

  @Test
  void aStepPolicyPicksTheRightStepAtEachBoundary() {
    try (EngineHarness h = harness(2, "cpu", String.format(STEP, ""))) {
      cpu(h, 95, 1); // 35 above: +3
      assertThat(running(h)).hasSize(5);
      assertThat(scaled(h, "web/cpu").get(0).reason()).startsWith("cpu average 95 over 2 instance(s) is 35 from"
          + " threshold 60: step [20, +inf) change_in_capacity +3 -> desired 5, current 2");
      // above the threshold a bound belongs to the step above it, below the threshold to the step below it
      double[] values = {80, 79.9, 60, 59.9, 30, 30.1};
      int[] counts = {8, 9, 10, 9, 7, 6};
      String[] steps = {"[20, +inf) change_in_capacity +3", "[0, 20) change_in_capacity +1",
          "[0, 20) change_in_capacity +1", "(-30, 0) change_in_capacity -1", "(-inf, -30] change_in_capacity -2",
          "(-30, 0) change_in_capacity -1"};
      for (int i = 0; i < values.length; i++) {
        cpu(h, values[i], 1);
        assertThat(running(h)).as("cpu %s", values[i]).hasSize(counts[i]);
        assertThat(scaled(h, "web/cpu")).last().extracting(DecisionRecord::reason).asString().as("cpu %s", values[i])
            .contains("from threshold 60: step " + steps[i] + " -> desired " + counts[i]);
      }
    }
  }

  // ---- metric health -----------------------------------------------------------------------------

  @Test
  void aStaleMetricNeverScalesDownAndFallbackScalesUpByTimerWithoutSamples() {
    String entry = """
        cpu:
          type: step
          service_type: webserver
          metric: cpu
          threshold: 60
          max_sample_age: 30
          on_missing: fallback(6)
          steps:
            - {lower: 20, adjustment: 3}
            - {lower: -20, upper: 20, adjustment: 0}
            - {upper: -20, adjustment: -1}
        """;
    try (EngineHarness h = harness(1, "cpu", entry)) {
      cpu(h, 95, 1);
      assertThat(running(h)).hasSize(4); // 1 + 3
      cpu(h, 60, 1); // every instance reports, in the step that changes nothing
      assertThat(running(h)).hasSize(4);
      Instant last = h.clock.instant().minusSeconds(1);
      // samples stamped long ago (a source replaying old data) at a value that would scale in
      for (String unit : running(h)) {
        h.metrics.push(CPU, "id-" + unit, last.minusSeconds(300), 40);
      }
      h.scheduler.advance(Duration.ofSeconds(1));
      assertThat(running(h)).hasSize(4);
      // nothing arrives any more: 30 s after the newest sample the guard scales up to 6 by its timer
      advanceTo(h, last.plusSeconds(30));
      assertThat(running(h)).hasSize(4);
      h.scheduler.advance(Duration.ofSeconds(1));
      assertThat(running(h)).hasSize(6);
      DecisionRecord stale = scaled(h, "web/cpu").get(scaled(h, "web/cpu").size() - 1);
      assertThat(stale.reason()).startsWith("metric cpu stale since " + last.plusSeconds(30) + " (newest sample at "
          + last + "), max_sample_age 30s; on_missing fallback(6): scaling up to 6 (current 4)");
      assertThat(stale.metricHealth()).isEqualTo(MetricHealth.STALE);
      assertThat(stale.samples()).isZero();
      h.scheduler.advance(Duration.ofHours(3));
      assertThat(running(h)).hasSize(6);
      assertThat(h.target.stopped()).isEmpty();
      // fresh samples again: the step policy decides, and may scale in
      cpu(h, 30, 1);
      assertThat(running(h)).hasSize(5);
    }
  }

  @Test
  void staleSamplesAreReportedAndNeverScaleDown() {
    try (EngineHarness h = harness(1, "cpu", String.format(STEP, ""))) {
      cpu(h, 95, 1);
      assertThat(running(h)).hasSize(4);
      h.scheduler.advance(Duration.ofSeconds(40)); // nothing for longer than max_sample_age
      // then samples stamped two minutes ago (a lagging source), at a value that would scale in
      Instant old = h.clock.instant().minusSeconds(120);
      for (int i = 0; i < 5; i++) {
        for (String unit : running(h)) {
          h.metrics.push(CPU, "id-" + unit, old.plusSeconds(i), 45);
        }
        h.scheduler.advance(Duration.ofSeconds(1));
      }
      assertThat(running(h)).hasSize(4);
      DecisionRecord hold = h.events.decisions().get(h.events.decisions().size() - 1);
      assertThat(hold.outcome()).isEqualTo(DecisionRecord.Outcome.HOLD);
      assertThat(hold.metricHealth()).isEqualTo(MetricHealth.STALE);
      assertThat(hold.reason()).startsWith("no fresh value of cpu (max_sample_age 30s"); // the step policy's own hold
    }
  }

  // ---- predictive --------------------------------------------------------------------------------

  @Test
  void thePredictivePolicyScalesAheadOfTheDailyPeakAfterTwoDaysOfHistory() {
    String entries = """
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
    Instant start = Instant.parse("2015-06-18T08:00:00Z");
    try (EngineHarness h = harness(2, "forecast", entries)) {
      Instant dayThree = Instant.parse("2015-06-20T00:00:00Z");
      // 100 rps, 600 rps from 12:00 to 13:00 UTC, one sample a minute; for the first two days the
      // peak is served by the 2 instances (nothing else scales here) and only remembered
      Instant until = dayThree.plus(Duration.ofHours(10)).plus(Duration.ofMinutes(59));
      while (h.clock.instant().isBefore(until)) {
        Instant now = h.clock.instant();
        long hour = now.atZone(java.time.ZoneOffset.UTC).getHour();
        h.metrics.push(RPS, MetricSample.AGGREGATED, now, hour == 12 ? 600 : 100);
        h.scheduler.advance(Duration.ofMinutes(1));
      }
      assertThat(running(h)).hasSize(2);
      assertThat(scaled(h, "web/forecast")).isEmpty();
      // 11:00 on day three: one hour ahead of the peak, the floor rises to 600 / 60 = 10
      advanceTo(h, dayThree.plus(Duration.ofHours(11)));
      assertThat(running(h)).hasSize(10);
      DecisionRecord up = scaled(h, "web/forecast").get(0);
      assertThat(up.at()).isEqualTo(dayThree.plus(Duration.ofHours(11)));
      assertThat(up.reason()).startsWith("predictive: forecast peak 600 at 2015-06-20T12:00:00Z (mean of 2 past day(s))"
          + " within the next 1h / target 60 per instance -> floor 10");
      assertThat(Duration.between(start, up.at())).isGreaterThanOrEqualTo(Duration.ofDays(2));
      // after the peak the floor falls back, but the predictive policy never scales in by itself
      advanceTo(h, dayThree.plus(Duration.ofHours(14)));
      assertThat(running(h)).hasSize(10);
    }
  }

  @Test
  void aForecastOnlyPredictivePolicyRecordsTheFloorButNeverActs() {
    String entries = """
        forecast:
          type: predictive
          service_type: lb
          metric: rps
          metric_aggregated: true
          target: 60
          min_history: 2d
          forecast_window: 1h
          max_sample_age: 120
          mode: forecast_only
        """;
    try (EngineHarness h = harness(2, "forecast", entries)) {
      // the same three days as above, through the peak of the third
      Instant until = Instant.parse("2015-06-20T14:00:00Z");
      while (h.clock.instant().isBefore(until)) {
        Instant now = h.clock.instant();
        h.metrics.push(RPS, MetricSample.AGGREGATED, now, now.atZone(java.time.ZoneOffset.UTC).getHour() == 12 ? 600 : 100);
        h.scheduler.advance(Duration.ofMinutes(1));
      }
      assertThat(running(h)).hasSize(2);
      assertThat(h.target.started()).hasSize(2); // only the top-up to min_instance
      assertThat(h.events.decisions()).allSatisfy(d -> assertThat(d.outcome()).isEqualTo(DecisionRecord.Outcome.HOLD));
      // at 11:00 on day three it forecasts the peak and says what it would do
      DecisionRecord at11 = h.events.decisions().stream()
          .filter(d -> d.at().equals(Instant.parse("2015-06-20T11:00:00Z"))).findFirst().orElseThrow();
      assertThat(at11.reason()).startsWith("predictive (forecast_only): forecast peak 600 at 2015-06-20T12:00:00Z"
          + " (mean of 2 past day(s)) within the next 1h / target 60 per instance -> floor 10").endsWith("not applied");
      assertThat(at11.metricHealth()).isEqualTo(MetricHealth.OK);
    }
  }

  // ---- metric outages, for every metric policy type ---------------------------------------------

  /** One sample per running unit for {@code seconds} seconds: a number, NaN (sent as a rejected value) or nothing (null). */
  private static void feedUnits(EngineHarness h, java.util.function.Function<String, @Nullable Double> valueOf,
      int seconds) {
    for (int i = 0; i < seconds; i++) {
      for (String unit : running(h)) {
        h.metrics.register("webserver", "id-" + unit, unit);
        Double v = valueOf.apply(unit);
        if (v != null && v.isNaN()) {
          h.metrics.rejectValue(CPU, "id-" + unit, h.clock.instant(), "NaN");
        } else if (v != null) {
          h.metrics.push(CPU, "id-" + unit, h.clock.instant(), v);
        }
      }
      h.scheduler.advance(Duration.ofSeconds(1));
    }
  }

  private static String outagePolicy(String type) {
    String common = "  service_type: webserver\n  metric: cpu\n  max_sample_age: 30\n";
    return "cpu:\n  type: " + type + "\n" + common + switch (type) {
      case "threshold" -> """
            direction: down
            comparative_operator: lt
            threshold: 30
            period: 10
            period_unit: second
          """;
      case "target-tracking" -> """
            target: 60
            behavior:
              scale_down:
                stabilization_window: 0
          """;
      case "step" -> """
            threshold: 60
            steps:
              - {lower: 20, adjustment: 1}
              - {lower: -20, upper: 20, adjustment: 0}
              - {upper: -20, adjustment: -1}
          """;
      case "predictive" -> """
            target: 1000
            min_history: 0
          """;
      default -> throw new IllegalArgumentException(type);
    };
  }

  /**
   * A floor of 4 for the first two minutes brings the service to 4; then, with the default
   * {@code on_missing: hold}, the metric goes partial (one instance silent, the others report a
   * value that would scale in, except for threshold), then NaN, then stale (nothing for ten
   * minutes, then samples stamped five minutes ago). Nothing is stopped, and every record of those phases names the health and
   * holds. Then the same low value from every instance does scale in: the outage, not the data,
   * held the service (a predictive floor never scales in, so that control does not apply to it).
   */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"threshold", "target-tracking", "step", "predictive"})
  void aMetricOutageNeverCausesAScaleDown(String type) {
    String floor = """
        floor:
          type: schedule
          schedule:
            - {at: "2015-06-18T08:00:00Z", until: "2015-06-18T08:02:00Z", min: 4}
        """;
    try (EngineHarness h = harness(1, "floor, cpu", floor + outagePolicy(type))) {
      assertThat(running(h)).hasSize(4);
      feedUnits(h, u -> 60.0, 150); // healthy and on target; the floor ends at 08:02
      assertThat(running(h)).hasSize(4);
      int healthyRecords = h.events.decisions().size();

      String silent = running(h).get(3);
      feedUnits(h, u -> u.equals(silent) ? null : 60.0, 31); // its last value turns stale
      // partial, at a value that would scale in; not for threshold, whose fires rest on the firing
      // instance's own values, so a silent instance can never cause one (see the next test)
      double partialValue = type.equals("threshold") ? 60.0 : 10.0;
      feedUnits(h, u -> u.equals(silent) ? null : partialValue, 150);
      feedUnits(h, u -> Double.NaN, 120);
      h.scheduler.advance(Duration.ofMinutes(10));
      for (int i = 0; i < 15; i++) { // a lagging source delivers old values
        for (String unit : running(h)) {
          h.metrics.push(CPU, "id-" + unit, h.clock.instant().minusSeconds(300), 10);
        }
        h.scheduler.advance(Duration.ofSeconds(1));
      }

      assertThat(running(h)).hasSize(4);
      assertThat(h.target.stopped()).isEmpty();
      List<DecisionRecord> outage = h.events.decisions().subList(healthyRecords, h.events.decisions().size()).stream()
          .filter(d -> d.policyId().equals("web/cpu")).toList();
      assertThat(outage).extracting(DecisionRecord::metricHealth)
          .contains(MetricHealth.PARTIAL, MetricHealth.NAN, MetricHealth.STALE);
      assertThat(outage).filteredOn(d -> d.metricHealth() != MetricHealth.OK)
          .allSatisfy(d -> assertThat(d.outcome()).isEqualTo(DecisionRecord.Outcome.HOLD));
      if (!type.equals("predictive")) { // the others wanted to scale in, and the guard said no
        assertThat(outage).anySatisfy(d -> assertThat(d.reason())
            .contains("on_missing hold: holding, never scaling down on missing data; ignored the policy's"));
      }

      if (!type.equals("predictive")) {
        feedUnits(h, u -> 10.0, 60);
        assertThat(h.target.stopped()).as("healthy low values scale in").isNotEmpty();
      }
    }
  }

  @Test
  void aThresholdFireOnAnInstancesOwnFreshValuesStandsWhileAnotherInstanceIsSilent() {
    String floor = """
        floor:
          type: schedule
          schedule:
            - {at: "2015-06-18T08:00:00Z", until: "2015-06-18T08:02:00Z", min: 3}
        """;
    try (EngineHarness h = harness(1, "floor, cpu", floor + outagePolicy("threshold"))) {
      feedUnits(h, u -> 60.0, 150);
      assertThat(running(h)).hasSize(3);
      String silent = running(h).get(2);
      String idle = running(h).get(0);
      feedUnits(h, u -> u.equals(silent) ? null : 60.0, 31); // the silent one's value turns stale
      feedUnits(h, u -> u.equals(silent) ? null : u.equals(idle) ? 10.0 : 60.0, 15);
      assertThat(h.target.stopped()).containsExactly(idle); // the victim is the instance that fired
      DecisionRecord fire = scaled(h, "web/cpu").get(0);
      assertThat(fire.metricHealth()).isEqualTo(MetricHealth.PARTIAL);
      assertThat(fire.reason()).startsWith("metric cpu partial: fresh values from 2 of 3 running instance(s);"
          + " 1 stale, 0 silent, 0 not a number (max_sample_age 30s); fired by uuid id-" + idle
          + " on fresh values of its own: cpu < 30 on uuid id-" + idle + " for 10s");
    }
  }
}
