package io.dynamite.core.policy.tracking;

import io.dynamite.api.Direction;
import io.dynamite.api.InstanceId;
import io.dynamite.api.InstanceView;
import io.dynamite.api.MetricQuery;
import io.dynamite.api.MetricSample;
import io.dynamite.api.MetricSeries;
import io.dynamite.api.PolicyInput;
import io.dynamite.api.PolicyOutcome;
import io.dynamite.api.PolicySpec;
import io.dynamite.api.ScalingDecision;
import io.dynamite.api.ServiceId;
import io.dynamite.api.ServiceView;
import io.dynamite.core.policy.PolicyInputs.Series;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import static org.assertj.core.api.Assertions.assertThat;

/** {@link TargetTrackingPolicy} on hand-made inputs: the mapping from {@link PolicyInput}. */
class TargetTrackingPolicyTest {
  static final ServiceId WEB = ServiceId.of("web");
  static final Instant T0 = Instant.parse("2024-01-01T00:00:00Z");


  private static TargetTrackingPolicy policy(boolean aggregated, @Nullable Direction direction, Object... kv) {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("type", "target-tracking");
    for (int i = 0; i < kv.length; i += 2) {
      s.put((String) kv[i], kv[i + 1]);
    }
    PolicySpec spec = new PolicySpec("p", "target-tracking", WEB, direction,
        new MetricQuery("webserver", "m", aggregated), s);
    return new TargetTrackingPolicy(TargetTrackingSettings.parse(spec), direction);
  }

  private static InstanceId id(int n) {
    return new InstanceId(WEB, "web@" + n + ".service");
  }

  private static InstanceView running(int n) {
    return new InstanceView(id(n), n, InstanceView.Phase.RUNNING, T0.minusSeconds(3600), null);
  }

  private static InstanceView starting(int n, Instant since) {
    return new InstanceView(id(n), n, InstanceView.Phase.STARTING, since, null);
  }

  private static InstanceView stopping(int n) {
    return new InstanceView(id(n), n, InstanceView.Phase.STOPPING, T0, null);
  }

  private static PolicyInput input(List<InstanceView> instances, List<MetricSeries> series,
      @Nullable PolicyOutcome previous, Instant now) {
    int running = 0;
    int starting = 0;
    int stopping = 0;
    for (InstanceView i : instances) {
      switch (i.phase()) {
        case RUNNING -> running++;
        case STARTING -> starting++;
        default -> stopping++;
      }
    }
    return new PolicyInput(new ServiceView(WEB, running, starting, stopping, 1, 100), instances, List.of(), series,
        previous, now);
  }

  private static List<InstanceView> runningInstances(int n) {
    List<InstanceView> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(running(i));
    }
    return out;
  }

  private static List<MetricSeries> values(Instant at, double... v) {
    List<MetricSeries> out = new ArrayList<>();
    for (int i = 0; i < v.length; i++) {
      out.add(new Series("u" + i, id(i), v[i], at));
    }
    return out;
  }

  @Test
  void holdsUntilTheFirstSampleArrives() {
    TargetTrackingPolicy p = policy(false, null, "target", 60);
    ScalingDecision d = p.evaluate(input(runningInstances(2), List.of(), null, T0));
    assertThat(d.kind()).isEqualTo(ScalingDecision.Kind.HOLD);
    assertThat(d.reason()).isEqualTo("waiting for the first sample of m");
    assertThat(p.history()).isEqualTo(ScalingHistory.NEW);
    assertThat(p.nextEvaluation()).isNull();
  }

  @Test
  void samplesOfUnregisteredUuidsCountInAnAverageValueButNotInAUtilization() {
    List<MetricSeries> series = new ArrayList<>(values(T0, 100, 100));
    series.add(new Series("new-uuid", null, 700, T0)); // e.g. an instance whose uuid is not registered yet
    TargetTrackingPolicy avg = policy(false, null, "target", 100, "target_type", "average_value");
    ScalingDecision d = avg.evaluate(input(runningInstances(2), series, null, T0));
    // HPA: (100 + 100 + 700) / 3 = 300 per instance -> ceil(3 x 2 ready) = 6
    assertThat(d).isEqualTo(ScalingDecision.scaleTo(6, d.reason()));
    assertThat(d.reason()).contains("m average 300 per instance (target 100)")
        .contains("1 from unregistered uuid(s)");

    TargetTrackingPolicy util = policy(false, null, "target", 100);
    ScalingDecision u = util.evaluate(input(runningInstances(2), series, null, T0));
    assertThat(u.kind()).isEqualTo(ScalingDecision.Kind.HOLD); // utilization 100 % of the listed two
    assertThat(u.reason()).contains("utilization 100%");
  }

  @Test
  void staleValuesAreMissingAndStoppingInstancesIgnored() {
    TargetTrackingPolicy p = policy(false, null, "target", 50, "max_sample_age", 30);
    List<MetricSeries> series = List.of(
        new Series("u0", id(0), 100, T0),
        new Series("u1", id(1), 100, T0.minusSeconds(31)), // stale: missing, counted as 0 on a scale-up
        new Series("u2", id(2), 100, T0)); // stopping: left out entirely
    ScalingDecision d = p.evaluate(input(List.of(running(0), running(1), stopping(2)), series, null, T0));
    // (100 + 0) / 2 = 50 % of the 2 counted: on target
    assertThat(d.kind()).isEqualTo(ScalingDecision.Kind.HOLD);
    assertThat(d.reason()).contains("1 missing").contains("1 stale")
        .contains("after assuming values for missing/starting instances the ratio is within tolerance");
  }

  @Test
  void anInitializationPeriodLeavesOutEarlySamplesOfNewInstances() {
    TargetTrackingPolicy p = policy(false, null, "target", 50, "initialization_period", 60);
    InstanceView fresh = new InstanceView(id(1), 1, InstanceView.Phase.RUNNING, T0.minusSeconds(10), null);
    ScalingDecision d = p.evaluate(input(List.of(running(0), fresh), values(T0, 50, 400), null, T0));
    assertThat(d.kind()).isEqualTo(ScalingDecision.Kind.HOLD);
    assertThat(d.reason()).contains("1 warming up");
  }

  @Test
  void anAggregatedMetricScalesByTheReadyCount() {
    TargetTrackingPolicy p = policy(true, null, "target", 10);
    MetricSeries total = new Series(MetricSample.AGGREGATED, null, 30, T0);
    ScalingDecision d = p.evaluate(input(List.of(running(0), running(1), starting(2, T0)), List.of(total), null, T0));
    // ceil(30 / 10 x 2 running) = 6
    assertThat(d).isEqualTo(ScalingDecision.scaleTo(6, d.reason()));
    assertThat(d.reason()).startsWith("DesiredWithinRange: m 30 (target 10) (1 fresh value(s))");

    ScalingDecision stale = p.evaluate(input(List.of(running(0), running(1)),
        List.of(new Series(MetricSample.AGGREGATED, null, 45, T0)), null, T0.plusSeconds(61)));
    assertThat(stale.kind()).isEqualTo(ScalingDecision.Kind.HOLD);
    assertThat(stale.reason()).startsWith("FailedGetObjectMetric: no values returned for m")
        .contains("newest sample 61s old, max_sample_age 60s");
  }

  @Test
  void aDirectionLimitsTheRecommendationsToThatDirection() {
    TargetTrackingPolicy up = policy(false, Direction.UP, "target", 50,
        "behavior", Map.of("scale_down", Map.of("stabilization_window", 0)));
    ScalingDecision d = up.evaluate(input(runningInstances(4), values(T0, 10, 10, 10, 10), null, T0));
    assertThat(d.kind()).isEqualTo(ScalingDecision.Kind.HOLD);
    assertThat(d.reason()).contains("desired 1, current 4; not recommended because this policy only scales up");
    assertThat(up.evaluate(input(runningInstances(4), values(T0, 90, 90, 90, 90), null, T0.plusSeconds(1))).kind())
        .isEqualTo(ScalingDecision.Kind.SCALE_TO);
  }

  @Test
  void recordsAScaleEventOnlyWhenTheEngineAppliedTheRecommendation() {
    TargetTrackingPolicy p = policy(false, null, "target", 10);
    ScalingDecision d = p.evaluate(input(runningInstances(2), values(T0, 100, 100), null, T0));
    assertThat(d).isEqualTo(ScalingDecision.scaleTo(6, d.reason())); // rate limit: max(2 + 4, 2 x 2)
    assertThat(p.nextEvaluation()).isEqualTo(T0.plusSeconds(15)); // the anticipated event leaves the period

    // the engine clamped it to 5 (say, max_instance): +3 is recorded at the time of the recommendation
    PolicyOutcome clamped = new PolicyOutcome(T0, PolicyOutcome.Kind.CLAMPED, 6, 5, List.of("max_instance 5"), "");
    p.evaluate(input(runningInstances(5), values(T0, 100, 100), clamped, T0.plusSeconds(1)));
    assertThat(p.history().scaleUpEvents()).containsExactly(new ScalingHistory.ScaleEvent(3, T0, false));
    assertThat(p.describeState()).contains("scale-ups +3 at " + T0);

    // an outcome seen again, or one that was overruled, records nothing more
    TargetTrackingPolicy q = policy(false, null, "target", 10);
    q.evaluate(input(runningInstances(2), values(T0, 100, 100), null, T0));
    PolicyOutcome overruled = new PolicyOutcome(T0, PolicyOutcome.Kind.OVERRULED, 6, 2, List.of(), "");
    q.evaluate(input(runningInstances(2), values(T0, 100, 100), overruled, T0.plusSeconds(1)));
    assertThat(q.history().scaleUpEvents()).isEmpty();
  }

  @Test
  void asksToBeEvaluatedWhenTheHoldingRecommendationLeavesTheWindow() {
    TargetTrackingPolicy p = policy(false, null, "target", 50);
    ScalingDecision first = p.evaluate(input(runningInstances(4), values(T0, 50, 50, 50, 50), null, T0));
    assertThat(first.kind()).isEqualTo(ScalingDecision.Kind.HOLD);
    assertThat(p.nextEvaluation()).isNull(); // on target: nothing would change by itself

    Instant t1 = T0.plusSeconds(10);
    ScalingDecision low = p.evaluate(input(runningInstances(4), values(t1, 10, 10, 10, 10), null, t1));
    assertThat(low.reason()).startsWith("ScaleDownStabilized:");
    assertThat(p.nextEvaluation()).isEqualTo(T0.plus(Duration.ofSeconds(300)));

    Instant t2 = T0.plusSeconds(300);
    ScalingDecision down = p.evaluate(input(runningInstances(4), values(t2, 10, 10, 10, 10), null, t2));
    assertThat(down).isEqualTo(ScalingDecision.scaleTo(1, down.reason()));
  }
}
