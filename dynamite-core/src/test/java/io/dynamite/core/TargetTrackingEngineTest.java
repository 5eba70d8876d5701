package io.dynamite.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.dynamite.api.MetricHealth;
import io.dynamite.api.MetricQuery;
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
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code target-tracking} policy driven through the real engine on a manual clock: configured
 * in YAML under a service's {@code policies:}, fed per-instance CPU samples.
 */
class TargetTrackingEngineTest {
  static final MetricQuery CPU = new MetricQuery("webserver", "cpu", false);
  static final String TRACKING_ID = "web/cpu";

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
      %s
            policies:
              - cpu
        ScalingPolicy:
          cpu:
            type: target-tracking
            service_type: webserver
            metric: cpu
            target: 60
      %s
      """;

  @TempDir Path dir;

  @BeforeEach
  void writeUnits() throws IOException {
    Path units = Files.createDirectories(dir.resolve("units"));
    Files.writeString(units.resolve("web@.service"), "[Unit]\nDescription=web\n[Service]\nExecStart=/bin/true\n");
  }

  /** The YAML above with extra lines for the service and for the policy entry. */
  private DynamiteConfig config(String serviceExtra, String policyExtra) {
    String yaml = String.format(YAML, indent(serviceExtra, 6), indent(policyExtra, 6));
    return ConfigLoader.builder().build().load(yaml, dir);
  }

  private DynamiteConfig config(String policyExtra) {
    return config("", policyExtra);
  }

  private static String indent(String text, int spaces) {
    if (text.isEmpty()) {
      return "";
    }
    String pad = " ".repeat(spaces);
    return text.lines().map(l -> pad + l).reduce((a, b) -> a + "\n" + b).orElse("");
  }

  /** An engine whose periodic reconciliation is too rare to matter, so only samples and timers evaluate. */
  private static EngineHarness harness(DynamiteConfig c) {
    return new EngineHarness(c, new InMemoryStateStore(), b -> b.reconcileInterval(Duration.ofHours(1)));
  }

  /** Running units of the service, sorted. */
  private static List<String> running(EngineHarness h) {
    return h.target.units().entrySet().stream()
        .filter(e -> e.getKey().startsWith("web@") && e.getValue() == UnitHealth.RUNNING)
        .map(Map.Entry::getKey).sorted().toList();
  }

  /**
   * For {@code seconds} seconds, pushes one sample per running unit (its uuid registered to it),
   * valued by {@code valueOf} (null: that unit sends nothing), then advances one second.
   */
  private static void feed(EngineHarness h, Function<String, @Nullable Double> valueOf, int seconds) {
    for (int i = 0; i < seconds; i++) {
      for (String unit : running(h)) {
        Double v = valueOf.apply(unit);
        if (v != null) {
          String uuid = "id-" + unit;
          h.metrics.register("webserver", uuid, unit);
          h.metrics.push(CPU, uuid, h.clock.instant(), v);
        }
      }
      h.scheduler.advance(Duration.ofSeconds(1));
    }
  }

  /** A total CPU load (in percent of one instance) spread evenly over the running units. */
  private static void load(EngineHarness h, double total, int seconds) {
    for (int i = 0; i < seconds; i++) {
      int n = running(h).size();
      feed(h, u -> total / n, 1);
    }
  }

  private static List<DecisionRecord> decisions(EngineHarness h, String policyId) {
    return h.events.decisions().stream().filter(d -> d.policyId().equals(policyId)).toList();
  }

  private static DecisionRecord lastDecision(EngineHarness h, String policyId) {
    List<DecisionRecord> all = decisions(h, policyId);
    assertThat(all).isNotEmpty();
    return all.get(all.size() - 1);
  }

  // ---- scale-up ----------------------------------------------------------------------------------

  @Test
  void sustainedLoadScalesUpToTheHpaCountAndThenHolds() {
    try (EngineHarness h = harness(config("")).start()) {
      assertThat(running(h)).hasSize(2);
      load(h, 300, 1); // 150 % on each of 2 instances: ceil(150 / 60 * 2) = 5
      assertThat(running(h)).hasSize(5);
      DecisionRecord up = decisions(h, TRACKING_ID).stream()
          .filter(d -> d.outcome() == DecisionRecord.Outcome.SCALED).findFirst().orElseThrow();
      assertThat(up.reason())
          .startsWith("DesiredWithinRange: cpu utilization 150% of capacity 100 (target 60%)")
          .contains("ceil(usage ratio x ready instances) -> 5")
          .contains("desired 5, current 2");
      assertThat(up.desired()).isEqualTo(5);

      load(h, 300, 120); // the same load over 5 instances is 60 % each: on target
      assertThat(h.target.started()).hasSize(5);
      assertThat(running(h)).hasSize(5);
      assertThat(lastDecision(h, TRACKING_ID).outcome()).isEqualTo(DecisionRecord.Outcome.HOLD);
      assertThat(lastDecision(h, TRACKING_ID).reason())
          .startsWith("DesiredWithinRange: cpu utilization 60%")
          .contains("usage ratio within tolerance");
    }
  }

  @Test
  void loadWithinTheToleranceHoldsAndJustOutsideItScales() {
    try (EngineHarness h = harness(config("")).start()) {
      load(h, 130, 600); // 65 %: ratio 1.083, inside the default 10 % band
      assertThat(h.target.started()).hasSize(2);
      assertThat(decisions(h, TRACKING_ID)).isNotEmpty()
          .allSatisfy(d -> assertThat(d.outcome()).isEqualTo(DecisionRecord.Outcome.HOLD));
      assertThat(lastDecision(h, TRACKING_ID).reason()).contains("utilization 65%").contains("within tolerance");

      load(h, 110, 600); // 55 %: ratio 0.917, inside on the low side as well
      assertThat(running(h)).hasSize(2);

      load(h, 134, 1); // 67 %: ratio 1.117 -> ceil(1.117 * 2) = 3
      assertThat(running(h)).hasSize(3);
    }
  }

  @Test
  void aNarrowerToleranceScalesEarlier() {
    try (EngineHarness h = harness(config("tolerance_up: 0.05")).start()) {
      load(h, 130, 1); // 65 %: ratio 1.083 is outside a 5 % band
      assertThat(running(h)).hasSize(3);
    }
  }

  @Test
  void aStepInLoadConvergesFromTwoWithinTheRateLimitWithoutOvershootAndScaleDownWaitsForTheWindow() {
    try (EngineHarness h = harness(config("")).start()) {
      load(h, 120, 30); // 60 % on each of 2: on target
      assertThat(running(h)).hasSize(2);

      // a step in load: 2400 % of one instance, spread over whatever runs; 2400 / 60 = 40 needed
      Instant step = h.clock.instant();
      List<Integer> counts = new java.util.ArrayList<>(List.of(2));
      for (int i = 0; i < 180; i++) {
        load(h, 2400, 1);
        int n = running(h).size();
        if (n != counts.get(counts.size() - 1)) {
          counts.add(n);
        }
      }
      // HPA's default scale-up rate: max(+4 instances, +100 %) per 15 s, so 2 -> 6 -> 12 -> 24 -> 40, never above
      assertThat(counts).containsExactly(2, 6, 12, 24, 40);
      List<DecisionRecord> ups = decisions(h, TRACKING_ID).stream()
          .filter(d -> d.outcome() == DecisionRecord.Outcome.SCALED).toList();
      assertThat(ups).extracting(DecisionRecord::desired).containsExactly(6, 12, 24, 40);
      assertThat(ups).extracting(DecisionRecord::at).containsExactly(step, step.plusSeconds(15), step.plusSeconds(30),
          step.plusSeconds(45)); // each step as soon as the previous one leaves the 15 s period
      assertThat(ups.get(0).reason()).contains("-> 40; limited to 6 (ScaleUpLimit");
      assertThat(h.target.started()).hasSize(40);

      // the load halves: 20 would do, but the scale-down waits for the 300 s window
      Instant drop = h.clock.instant();
      while (h.clock.instant().isBefore(drop.plusSeconds(298))) {
        load(h, 1200, 1);
        assertThat(running(h)).hasSize(40);
      }
      assertThat(lastDecision(h, TRACKING_ID).reason()).startsWith("ScaleDownStabilized:");
      load(h, 1200, 4);
      assertThat(running(h)).hasSize(20);
      DecisionRecord down = decisions(h, TRACKING_ID).stream()
          .filter(d -> d.outcome() == DecisionRecord.Outcome.SCALED).reduce((a, b) -> b).orElseThrow();
      assertThat(Duration.between(drop, down.at())).isBetween(Duration.ofSeconds(298), Duration.ofSeconds(301));
      assertThat(down.reason()).contains("desired 20, current 40");
      load(h, 1200, 120);
      assertThat(running(h)).hasSize(20); // 60 % each: on target, no further change
      assertThat(h.target.stopped()).hasSize(20);
    }
  }

  // ---- scale-down --------------------------------------------------------------------------------

  @Test
  void scaleDownWaitsForTheStabilizationWindowThenStepsDownWithoutNewSamples() {
    // samples stay usable for 20 minutes, so the window can run out with no sample arriving
    try (EngineHarness h = harness(config("max_sample_age: 1200")).start()) {
      load(h, 300, 30); // up to 5, then on target
      assertThat(running(h)).hasSize(5);
      Instant drop = h.clock.instant();
      load(h, 100, 10); // 20 % each: ceil(20 / 60 * 5) = 2, held by the 300 s window
      assertThat(running(h)).hasSize(5);
      assertThat(lastDecision(h, TRACKING_ID).reason())
          .startsWith("ScaleDownStabilized:")
          .contains("-> 2; stabilized to 5 (ScaleDownStabilized: highest recommendation of the last 300s)");
      int polledSamples = h.metrics.polls();

      // no sample from now on: only the policy's timer can bring the change
      h.scheduler.advance(Duration.between(h.clock.instant(), drop.plusSeconds(298)));
      assertThat(running(h)).hasSize(5);
      h.scheduler.advance(Duration.ofSeconds(3));
      assertThat(running(h)).hasSize(2);
      assertThat(h.target.stopped()).hasSize(3);
      DecisionRecord down = lastDecision(h, TRACKING_ID);
      assertThat(down.outcome()).isEqualTo(DecisionRecord.Outcome.SCALED);
      assertThat(down.samples()).isZero();
      assertThat(down.reason()).startsWith("DesiredWithinRange: cpu utilization 20%").contains("desired 2, current 5");
      assertThat(down.policyState()).contains("awaiting the outcome of the change recommended at " + down.at());
      assertThat(h.metrics.polls()).isGreaterThan(polledSamples); // polling went on; nothing came
    }
  }

  @Test
  void aShorterWindowAndARatePolicyStepDownGradually() {
    String behavior = """
        max_sample_age: 1200
        behavior:
          scale_down:
            stabilization_window: 60
            policies:
              - type: pods
                value: 1
                period: 30
        """;
    try (EngineHarness h = harness(config(behavior)).start()) {
      load(h, 300, 5);
      assertThat(running(h)).hasSize(5);
      Instant drop = h.clock.instant();
      load(h, 100, 2);
      h.scheduler.advance(Duration.between(h.clock.instant(), drop.plusSeconds(58)));
      assertThat(running(h)).hasSize(5);
      h.scheduler.advance(Duration.ofSeconds(3)); // window over: one instance per 30 s
      assertThat(running(h)).hasSize(4);
      DecisionRecord first = lastDecision(h, TRACKING_ID);
      assertThat(first.reason()).startsWith("ScaleDownLimit:")
          .contains("limited to 4 (ScaleDownLimit: scale-down rate 1 instance(s) per 30s)");
      // the next step comes when that scale event leaves the 30 s period, again by timer
      h.scheduler.advance(Duration.between(h.clock.instant(), first.at().plusSeconds(29)));
      assertThat(running(h)).hasSize(4);
      h.scheduler.advance(Duration.ofSeconds(2));
      assertThat(running(h)).hasSize(3);
      h.scheduler.advance(Duration.ofSeconds(30));
      assertThat(running(h)).hasSize(2);
      h.scheduler.advance(Duration.ofMinutes(5));
      assertThat(running(h)).hasSize(2); // min_instance
    }
  }

  // ---- rate limit --------------------------------------------------------------------------------

  @Test
  void theDefaultRateLimitCapsABigJumpAndTheTimerTakesTheNextStep() {
    try (EngineHarness h = harness(config("max_sample_age: 600")).start()) {
      Instant t0 = h.clock.instant();
      feed(h, u -> 1000.0, 1); // 1000 % on 2 instances: 34 wanted, max(2 + 4, 2 x 2) = 6 allowed
      assertThat(running(h)).hasSize(6);
      DecisionRecord first = lastDecision(h, TRACKING_ID);
      assertThat(first.reason()).startsWith("ScaleUpLimit:")
          .contains("-> 34")
          .contains("limited to 6 (ScaleUpLimit: scale-up rate max(4 instance(s) per 15s, 100% per 15s))")
          .contains("desired 6, current 2");
      // no more samples: the 15 s period ends and the timer re-evaluates
      h.scheduler.advance(Duration.between(h.clock.instant(), t0.plusSeconds(14)));
      assertThat(running(h)).hasSize(6);
      h.scheduler.advance(Duration.ofSeconds(2));
      assertThat(running(h)).hasSize(12); // max(6 + 4, 6 x 2)
      h.scheduler.advance(Duration.ofSeconds(15));
      assertThat(running(h)).hasSize(24);
      h.scheduler.advance(Duration.ofSeconds(15));
      assertThat(running(h)).hasSize(34);
      h.scheduler.advance(Duration.ofMinutes(2));
      assertThat(running(h)).hasSize(34);
      assertThat(lastDecision(h, TRACKING_ID).policyState()).contains("scale-ups ");
    }
  }

  @Test
  void maxInstanceClampsAndIsReportedAsTooManyReplicas() {
    String yaml = String.format(YAML, "", "").replace("max_instance: 50", "max_instance: 4");
    try (EngineHarness h = harness(ConfigLoader.builder().build().load(yaml, dir)).start()) {
      feed(h, u -> 1000.0, 1);
      assertThat(running(h)).hasSize(4);
      assertThat(lastDecision(h, TRACKING_ID).reason()).startsWith("TooManyReplicas:")
          .contains("limited to 4 (TooManyReplicas: max 4)");
    }
  }

  // ---- partial data ------------------------------------------------------------------------------

  @Test
  void missingMetricsNeverScaleDownToMin() {
    try (EngineHarness h = harness(config("")).start()) {
      load(h, 300, 30);
      assertThat(running(h)).hasSize(5);
      String first = running(h).get(0);
      // only one instance keeps reporting, nearly idle; the others' samples age past 60 s
      feed(h, u -> u.equals(first) ? 5.0 : null, 900);
      assertThat(running(h)).hasSize(5);
      assertThat(h.target.stopped()).isEmpty();
      DecisionRecord last = lastDecision(h, TRACKING_ID);
      assertThat(last.outcome()).isEqualTo(DecisionRecord.Outcome.HOLD);
      assertThat(last.metricHealth()).isEqualTo(MetricHealth.PARTIAL);
      // the policy itself holds (HPA's rules); the guard would hold any scale-down (on_missing: hold)
      assertThat(last.reason()).contains("utilization 5%").contains("4 missing")
          .contains("assumed values for missing/starting instances reverse the direction: keep current count");

      // nothing at all for 15 minutes: every value is stale, the policy holds
      h.scheduler.advance(Duration.ofMinutes(15));
      feed(h, u -> null, 1);
      assertThat(running(h)).hasSize(5);
    }
  }

  @Test
  void everyValueStaleHoldsWithTheFailureReason() {
    try (EngineHarness h = harness(config("max_sample_age: 10")).start()) {
      load(h, 300, 5);
      assertThat(running(h)).hasSize(5);
      h.scheduler.advance(Duration.ofSeconds(20));
      // a sample of an unregistered uuid arrives: it alone is no basis for a utilization
      h.metrics.push(CPU, "unknown-uuid", h.clock.instant(), 1);
      h.scheduler.advance(Duration.ofSeconds(1));
      DecisionRecord last = lastDecision(h, TRACKING_ID);
      assertThat(last.outcome()).isEqualTo(DecisionRecord.Outcome.HOLD);
      assertThat(last.metricHealth()).isEqualTo(MetricHealth.STALE);
      assertThat(last.reason()).startsWith("FailedGetResourceMetric:").contains("5 stale").contains("keeping 5");
      assertThat(running(h)).hasSize(5);
    }
  }

  // ---- starting instances ------------------------------------------------------------------------

  @Test
  void startingInstancesCountAsUnreadyAndTheirSamplesAreLeftOut() {
    try (EngineHarness h = harness(config("")).start()) {
      h.target.delay(Duration.ofSeconds(30), h.scheduler);
      load(h, 180, 1); // 90 % on 2: ceil(1.5 x 2) = 3, the third starts for 30 s
      assertThat(h.engine.snapshot().services().get(0).view().starting()).isEqualTo(1);
      String starting = "web@8082.service";
      h.metrics.register("webserver", "id-" + starting, starting);
      for (int i = 0; i < 20; i++) {
        // the new instance reports a start-up burst; the running ones keep 90 %
        h.metrics.push(CPU, "id-" + starting, h.clock.instant(), 400);
        feed(h, u -> 90.0, 1);
      }
      // counted: (90 + 90 + 0) / 3 = 60 %, on target; the burst would have meant 10 instances
      assertThat(h.engine.snapshot().services().get(0).view().projected()).isEqualTo(3);
      assertThat(h.engine.snapshot().services().get(0).view().starting()).isEqualTo(1);
      assertThat(lastDecision(h, TRACKING_ID).reason()).contains("utilization 90%").contains("1 starting")
          .contains("within tolerance: keep current count");
      h.scheduler.advance(Duration.ofSeconds(10));
      assertThat(h.target.started()).hasSize(3);
    }
  }

  // ---- combination with a threshold policy -------------------------------------------------------

  @Test
  void combinesWithAThresholdScaleUpPolicyHighestWins() {
    // a threshold scale_up_policy next to the target-tracking policy listed under policies:
    DynamiteConfig c = ConfigLoader.builder().build().load(String.format(YAML,
        "      scale_up_policy:\n        ScalingPolicy: burst",
        "      max_sample_age: 600\n    burst:\n      service_type: webserver\n      metric: cpu\n"
            + "      comparative_operator: gt\n      threshold: 95\n      period: 0\n      cooldown_period: 20"), dir);
    try (EngineHarness h = harness(c).start()) {
      // both fire in one pass: the threshold rule (two breaching samples of one uuid) asks for 3,
      // target tracking for ceil(150 / 60 x 2) = 5; the highest wins, nothing is added twice
      String a = running(h).get(0);
      h.metrics.register("webserver", "id-" + a, a);
      h.metrics.push(CPU, "id-" + a, h.clock.instant().minusMillis(500), 150);
      feed(h, u -> 150.0, 1);
      assertThat(h.target.started()).hasSize(5);
      assertThat(lastDecision(h, TRACKING_ID).outcome()).isEqualTo(DecisionRecord.Outcome.SCALED);
      DecisionRecord burst = lastDecision(h, "web/up/burst");
      assertThat(burst.reason()).contains("cpu > 95");
      assertThat(burst.at()).isEqualTo(lastDecision(h, TRACKING_ID).at()); // the same pass
      assertThat(burst.desired()).isEqualTo(5);

      load(h, 300, 30); // 60 % each: target tracking holds
      assertThat(h.target.started()).hasSize(5);

      // one hot instance: the threshold rule adds one while target tracking is within tolerance
      // ((99 + 4 x 55) / 5 = 63 %)
      String hot = running(h).get(0);
      feed(h, u -> u.equals(hot) ? 99.0 : 55.0, 3);
      assertThat(h.target.started()).hasSize(6);
      assertThat(decisions(h, "web/up/burst")).anyMatch(d -> d.outcome() == DecisionRecord.Outcome.SCALED
          && d.reason().contains("cpu > 95"));
      assertThat(decisions(h, TRACKING_ID).get(decisions(h, TRACKING_ID).size() - 2).reason())
          .contains("utilization 63%").contains("within tolerance");
    }
  }
}
