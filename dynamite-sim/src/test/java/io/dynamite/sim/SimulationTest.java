package io.dynamite.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dynamite.api.Direction;
import io.dynamite.api.ServiceId;
import io.dynamite.api.ServiceView;
import io.dynamite.api.event.DecisionRecord;
import io.dynamite.api.event.EngineEvent;
import io.dynamite.sandbox.VirtualClock;
import io.dynamite.core.config.DynamiteConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real engine on the simulator: determinism, the model's delays and failures, and scores that agree with each other. */
class SimulationTest {
  @TempDir Path dir;

  private static final Trace JUMP = SimConfigs.trace("twitter-jump-25min.csv");

  private SimulationResult run(String yaml, ServiceModel model, long seed) {
    DynamiteConfig config = SimConfigs.load(dir, yaml);
    return Simulation.builder().config(config).trace(JUMP).model(model).seed(seed).run();
  }

  @Test
  void sameInputsAndSeedGiveIdenticalResults() {
    ServiceModel m = ServiceModel.of(20).withStartFailureRate(0.1);
    SimulationResult a = run(SimConfigs.threshold(2, 20), m, 7);
    SimulationResult b = run(SimConfigs.threshold(2, 20), m, 7);
    assertThat(a.engineErrors()).isEmpty();
    assertThat(b.scores()).isEqualTo(a.scores());
    assertThat(b.actions()).isEqualTo(a.actions());
    assertThat(b.timeline().provisioned()).isEqualTo(a.timeline().provisioned());
    assertThat(b.timeline().serving()).isEqualTo(a.timeline().serving());
    assertThat(b.samples()).isEqualTo(a.samples());
    assertThat(a.scores().scalingActions()).isPositive();

    SimulationResult other = run(SimConfigs.threshold(2, 20), m, 8);
    assertThat(other.actions()).isNotEqualTo(a.actions()); // the seed drives noise and failures
  }

  @Test
  void aMaximumTooLowViolatesTheObjectiveLongerAndCostsLess() {
    SimulationResult low = run(SimConfigs.tracking(2, 4), ServiceModel.of(20), 1);
    SimulationResult high = run(SimConfigs.tracking(2, 30), ServiceModel.of(20), 1);
    assertThat(low.engineErrors()).isEmpty();
    assertThat(high.engineErrors()).isEmpty();
    assertThat(low.scores().maxInstances()).isEqualTo(4);
    assertThat(high.scores().maxInstances()).isGreaterThan(4).isLessThanOrEqualTo(30);
    assertThat(low.scores().sloViolationSeconds()).isGreaterThan(high.scores().sloViolationSeconds() + 300);
    assertThat(low.scores().instanceSeconds()).isLessThan(high.scores().instanceSeconds());
    // the jump ending at t = 720 s: the low maximum recovers only when the demand falls again
    assertThat(low.scores().largestJumpAtSeconds()).isBetween(660.0, 780.0);
    assertThat(high.scores().recoverySeconds()).isLessThan(60.0);
    assertThat(low.scores().recoverySeconds()).isGreaterThan(300.0);
  }

  @Test
  void scoresAreConsistentWithTheTimeline() {
    SimulationResult r = run(SimConfigs.tracking(2, 30), ServiceModel.of(20), 3);
    Scores s = r.scores();
    Timeline tl = r.timeline();
    assertThat(r.engineErrors()).isEmpty();
    assertThat(tl.size()).isEqualTo(1500);
    assertThat(s.scoredSeconds()).isEqualTo(1500.0);
    assertThat(s.sloViolationSeconds()).isBetween(0.0, s.scoredSeconds());
    assertThat(s.longestViolationSeconds()).isLessThanOrEqualTo(s.sloViolationSeconds());
    assertThat(s.instanceSeconds()).isEqualTo(Arrays.stream(tl.provisioned()).sum() * 1.0);
    assertThat(s.overProvisionedSeconds()).isLessThan(s.instanceSeconds());
    assertThat(s.maxInstances()).isEqualTo(Arrays.stream(tl.provisioned()).max().orElseThrow());
    assertThat(s.scalingActions()).isEqualTo(s.starts() + s.stops());
    assertThat(s.directionChanges()).isLessThan(Math.max(1, s.scalingActions()));
    int[] serving = tl.serving();
    int[] prov = tl.provisioned();
    for (int k = 0; k < serving.length; k++) {
      assertThat(serving[k]).isBetween(2 - 2, prov[k]); // never more serving than provisioned
      assertThat(prov[k]).isBetween(2, 30); // min and max hold
    }
    // target tracking scales out for the jump
    assertThat(s.starts()).isGreaterThan(3);
    assertThat(s.recovered()).isTrue();
  }

  @Test
  void instancesServeOnlyAfterTheStartupDelay() {
    Trace flat = Trace.of("flat", new double[] {0, 100}, new double[] {10, 10});
    DynamiteConfig config = SimConfigs.load(dir, SimConfigs.threshold(3, 5));
    SimulationResult r = Simulation.builder().config(config).trace(flat).model(ServiceModel.of(20)
        .withStartupDelay(Duration.ofSeconds(30))).warmup(Duration.ZERO).run();
    int[] serving = r.timeline().serving();
    int[] prov = r.timeline().provisioned();
    assertThat(prov[0]).isEqualTo(3); // the engine's top-up at t = 0 runs before the first tick
    assertThat(serving[0]).isZero();
    assertThat(serving[29]).isZero();
    assertThat(serving[30]).isEqualTo(3);
    // demand without a serving instance violates the objective
    assertThat(r.scores().sloViolationSeconds()).isEqualTo(30.0);
    assertThat(r.actions()).extracting(ActionRecord::direction).containsOnly(Direction.UP);
  }

  @Test
  void failedStartsAreRetriedByTheEngine() {
    SimulationResult r = run(SimConfigs.threshold(2, 20), ServiceModel.of(20).withStartFailureRate(0.5), 11);
    assertThat(r.scores().failedStarts()).isPositive();
    assertThat(r.scores().retries()).isPositive();
    assertThat(r.engineErrors()).isEmpty();
  }

  @Test
  void perInstanceVictimsResolveAndTheServiceScalesBackDown() {
    // demand falls from 200 to 20: the per-instance scale-down rule picks breaching instances by uuid
    Trace fall = Trace.of("fall", new double[] {0, 600, 601, 3600}, new double[] {200, 200, 20, 20});
    DynamiteConfig config = SimConfigs.load(dir, SimConfigs.threshold(2, 20));
    SimulationResult r = Simulation.builder().config(config).trace(fall).model(ServiceModel.of(20)).warmup(Duration.ofMinutes(15)).run();
    assertThat(r.engineErrors()).isEmpty();
    assertThat(r.scores().stops()).isPositive();
    int[] prov = r.timeline().provisioned();
    assertThat(prov[prov.length - 1]).isLessThan(prov[600]);
    assertThat(r.actions()).filteredOn(a -> a.direction() == Direction.DOWN)
        .allSatisfy(a -> assertThat(a.unit()).startsWith("web@80"));
  }

  @Test
  void aLatencyObjectiveCountsQueueingDelay() {
    DynamiteConfig config = SimConfigs.load(dir, SimConfigs.threshold(2, 20));
    SimulationResult plain = Simulation.builder().config(config).trace(JUMP).model(ServiceModel.of(20)).run();
    SimulationResult strict = Simulation.builder().config(config).trace(JUMP).model(ServiceModel.of(20))
        .latencyTarget(Duration.ofMillis(55)).run();
    assertThat(strict.scores().sloViolationSeconds()).isGreaterThan(plain.scores().sloViolationSeconds());
    assertThatThrownBy(() -> Simulation.builder().config(config).trace(JUMP).model(ServiceModel.of(20))
        .latencyTarget(Duration.ofMillis(40)).build()).hasMessageContaining("service time");
  }

  @Test
  void severalServicesNeedAChoice() {
    String two = SimConfigs.threshold(2, 20).replace("  ScalingPolicy:\n",
        "    api:\n"
            + "      name_of_unit_file: web@.service\n"
            + "      min_instance: 1\n"
            + "      max_instance: 3\n"
            + "      base_instance_prefix_number: 9000\n"
            + "      ports_per_instance: 1\n"
            + "  ScalingPolicy:\n");
    DynamiteConfig config = SimConfigs.load(dir, two);
    assertThatThrownBy(() -> Simulation.builder().config(config).trace(JUMP).model(ServiceModel.of(20)).build())
        .hasMessageContaining("choose one of: web, api");
    SimulationResult r = Simulation.builder().config(config).service("web").trace(JUMP).model(ServiceModel.of(20)).run();
    assertThat(r.service()).isEqualTo("web");
    assertThat(r.actions()).allSatisfy(a -> assertThat(a.unit()).startsWith("web@"));
  }

  @Test
  void decisionsAreKeptWithTheirReasons() {
    // max 4 on the jump: the threshold rule keeps asking for a fifth instance and the gate refuses
    SimulationResult r = run(SimConfigs.threshold(2, 4), ServiceModel.of(20), 1);
    DecisionPoint firstScaled = r.decisionPoints().stream()
        .filter(d -> d.outcome() == DecisionRecord.Outcome.SCALED).findFirst().orElseThrow();
    assertThat(firstScaled.policy()).isEqualTo("web/up/cpu_high");
    assertThat(firstScaled.direction()).isEqualTo(Direction.UP);
    assertThat(firstScaled.reason()).isNotBlank();
    // every scaled decision started one action of the rule (warm-up included)
    long scaled = r.decisionPoints().stream().filter(d -> d.outcome() == DecisionRecord.Outcome.SCALED).count();
    assertThat(scaled).isEqualTo(r.actions().stream().filter(a -> a.attempt() == 1).count() - 2); // 2 = the top-up to min
    List<DecisionPoint> refused = r.decisionPoints().stream().filter(d -> d.outcome() == DecisionRecord.Outcome.REFUSED).toList();
    assertThat(refused).isNotEmpty().allSatisfy(d -> {
      assertThat(d.reason()).contains("max_instance");
      assertThat(d.from()).isEqualTo(4);
    });
    assertThat(r.decisions()).isEqualTo(r.decisionPoints().size() + refused.stream().mapToInt(DecisionPoint::repeats).sum());
  }

  @Test
  void aStreakOfRefusalsIsKeptOnce() {
    VirtualClock clock = new VirtualClock(Simulation.TRACE_START);
    Simulation.Events events = new Simulation.Events(clock, 0);
    ServiceView view = new ServiceView(ServiceId.of("web"), 4, 0, 0, 2, 4);
    java.util.function.BiConsumer<String, DecisionRecord.Outcome> decide = (policy, outcome) -> {
      events.onEvent(new EngineEvent.DecisionMade(new DecisionRecord(clock.instant(), policy,
          outcome == DecisionRecord.Outcome.HOLD ? null : Direction.UP, view, 1, 90.0, "", outcome, "because " + clock.instant(),
          outcome == DecisionRecord.Outcome.HOLD ? null : 5, List.of())));
      clock.moveTo(clock.nanos() + 1_000_000_000L);
    };
    decide.accept("web/a", DecisionRecord.Outcome.REFUSED);  // t = 0: a streak starts
    decide.accept("web/b", DecisionRecord.Outcome.REFUSED);  // another policy's streak
    decide.accept("web/a", DecisionRecord.Outcome.REFUSED);
    decide.accept("web/a", DecisionRecord.Outcome.REFUSED);
    decide.accept("web/b", DecisionRecord.Outcome.HOLD);     // b's streak ends
    decide.accept("web/b", DecisionRecord.Outcome.REFUSED);  // t = 5: a new one
    decide.accept("web/a", DecisionRecord.Outcome.SCALED);   // t = 6
    decide.accept("web/a", DecisionRecord.Outcome.REFUSED);  // t = 7: a new one after the scale
    assertThat(events.points).extracting(DecisionPoint::policy, DecisionPoint::atSeconds, DecisionPoint::outcome, DecisionPoint::repeats)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("web/a", 0.0, DecisionRecord.Outcome.REFUSED, 2),
            org.assertj.core.groups.Tuple.tuple("web/b", 1.0, DecisionRecord.Outcome.REFUSED, 0),
            org.assertj.core.groups.Tuple.tuple("web/b", 5.0, DecisionRecord.Outcome.REFUSED, 0),
            org.assertj.core.groups.Tuple.tuple("web/a", 6.0, DecisionRecord.Outcome.SCALED, 0),
            org.assertj.core.groups.Tuple.tuple("web/a", 7.0, DecisionRecord.Outcome.REFUSED, 0));
    assertThat(events.points.get(0).reason()).isEqualTo("because " + Simulation.TRACE_START);
    assertThat(events.points.get(0).from()).isEqualTo(4);
    assertThat(events.points.get(0).desired()).isEqualTo(5);
    assertThat(events.decisions).isEqualTo(7);
  }

  @Test
  void refusalStreaksEndWhereHoldRecordsWouldEndThem() {
    // start failures back the service off, so target tracking is refused evaluation after evaluation
    ServiceModel failing = ServiceModel.of(20).withStartFailureRate(0.6);
    int repeats = 0;
    for (String yaml : List.of(SimConfigs.tracking(2, 30), SimConfigs.threshold(2, 4))) {
      for (Duration interval : List.of(Duration.ofSeconds(1), Duration.ofSeconds(7))) {
        DynamiteConfig config = SimConfigs.load(dir, yaml);
        Simulation.Builder b = Simulation.builder().config(config).trace(JUMP).model(failing).seed(5).sampleInterval(interval);
        SimulationResult withHolds = b.holdRecords(true).run();
        SimulationResult fromPolls = b.holdRecords(false).run();
        assertThat(fromPolls.engineErrors()).isEmpty();
        assertThat(fromPolls.decisionPoints()).isEqualTo(withHolds.decisionPoints());
        assertThat(fromPolls.decisions()).isEqualTo(withHolds.decisions());
        assertThat(fromPolls.actions()).isEqualTo(withHolds.actions());
        repeats += fromPolls.decisionPoints().stream().mapToInt(DecisionPoint::repeats).sum();
      }
    }
    assertThat(repeats).isPositive(); // streaks were there to be ended
  }

  @Test
  void progressIsReportedInOrderUpToTheEnd() {
    DynamiteConfig config = SimConfigs.load(dir, SimConfigs.tracking(2, 30));
    java.util.List<double[]> seen = new java.util.ArrayList<>();
    SimulationResult r = Simulation.builder().config(config).trace(JUMP).model(ServiceModel.of(20))
        .progress((done, total) -> seen.add(new double[] {done, total})).run();
    assertThat(seen.size()).isBetween(200, 260); // every 7th of 1,500 ticks, and the end
    for (int i = 1; i < seen.size(); i++) {
      assertThat(seen.get(i)[0]).isGreaterThanOrEqualTo(seen.get(i - 1)[0]);
      assertThat(seen.get(i)[1]).isEqualTo(1500.0);
    }
    assertThat(seen.get(seen.size() - 1)[0]).isEqualTo(1500.0);
    // the listener changes nothing
    SimulationResult quiet = Simulation.builder().config(config).trace(JUMP).model(ServiceModel.of(20)).run();
    assertThat(quiet.actions()).isEqualTo(r.actions());
  }

  @Test
  void anAggregatedDemandMetricReportsTheTotal() {
    // 200 requests/s over the two instances: the aggregated value is 200, above the rule's 150
    String yaml = SimConfigs.threshold(2, 5)
        .replace("      metric: cpu_user\n      metric_aggregated: false\n      comparative_operator: gt\n      threshold: 70",
            "      metric: requests\n      metric_aggregated: true\n      comparative_operator: gt\n      threshold: 150");
    assertThat(yaml).contains("threshold: 150");
    Trace flat = Trace.of("flat", new double[] {0, 600}, new double[] {200, 200});
    SimulationResult r = Simulation.builder().config(SimConfigs.load(dir, yaml)).trace(flat).model(ServiceModel.of(1000))
        .metricKind("requests", MetricKind.DEMAND).warmup(Duration.ZERO).run();
    assertThat(r.engineErrors()).isEmpty();
    assertThat(r.scores().maxInstances()).isEqualTo(5);
  }

  @Test
  void theNoiseIsStandardNormalAndSeeded() {
    Simulation.Gaussian g = new Simulation.Gaussian(new java.util.SplittableRandom(42));
    int n = 200_000;
    double sum = 0;
    double squares = 0;
    int beyondTwo = 0;
    double[] first = new double[4];
    for (int i = 0; i < n; i++) {
      double x = g.next();
      if (i < 4) {
        first[i] = x;
      }
      sum += x;
      squares += x * x;
      beyondTwo += Math.abs(x) > 2 ? 1 : 0;
    }
    assertThat(sum / n).isBetween(-0.01, 0.01);
    assertThat(squares / n).isBetween(0.99, 1.01);
    assertThat(beyondTwo / (double) n).isBetween(0.043, 0.048); // 4.55 % of a normal lies beyond 2 sigma
    Simulation.Gaussian again = new Simulation.Gaussian(new java.util.SplittableRandom(42));
    for (double x : first) {
      assertThat(again.next()).isEqualTo(x);
    }
  }

  /** The kind of test an embedder writes: a policy keeps the objective on a real trace. */
  @Test
  void targetTrackingKeepsViolationsUnderOnePercentOfTheJump() {
    DynamiteConfig config = SimConfigs.load(dir, SimConfigs.tracking(2, 30));
    SimulationResult r = Simulation.builder().config(config).trace(JUMP).model(ServiceModel.of(20)).run();
    assertThat(r.scores().sloViolationSeconds() / r.scores().scoredSeconds()).isLessThan(0.01);
    // and the original rule on the same trace does not
    SimulationResult original = Simulation.builder().config(Baselines.original(SimConfigs.load(dir, SimConfigs.threshold(2, 30)), null))
        .legacyRouting(true).trace(JUMP).model(ServiceModel.of(20)).run();
    assertThat(original.scores().sloViolationSeconds() / original.scores().scoredSeconds()).isGreaterThan(0.01);
  }
}
