package io.dynamite.core.policy.step;

import static io.dynamite.core.policy.PolicyInputs.aggregated;
import static io.dynamite.core.policy.PolicyInputs.input;
import static io.dynamite.core.policy.PolicyInputs.running;
import static io.dynamite.core.policy.PolicyInputs.spec;
import static io.dynamite.core.policy.PolicyInputs.starting;
import static io.dynamite.core.policy.PolicyInputs.values;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dynamite.api.ConfigException;
import io.dynamite.api.ConfigProblem;
import io.dynamite.api.InstanceView;
import io.dynamite.api.MetricQuery;
import io.dynamite.api.MetricSeries;
import io.dynamite.api.PolicyOutcome;
import io.dynamite.api.ScalingDecision;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StepPolicyTest {
  static final MetricQuery CPU = new MetricQuery("webserver", "cpu", false);
  static final Instant T0 = Instant.parse("2015-06-18T08:00:00Z");
  static final Instant LONG_AGO = T0.minusSeconds(3600);

  /**
   * Above 60: +1 from 0 to 20 over, +3 from 20 over; below 60: -1 from 20 under to the threshold,
   * -2 from 20 under down.
   */
  static final List<Map<String, Object>> STEPS = List.of(
      Map.of("lower", 0, "upper", 20, "adjustment", 1),
      Map.of("lower", 20, "adjustment", 3),
      Map.of("lower", -20, "upper", 0, "adjustment", -1),
      Map.of("upper", -20, "adjustment", -2));

  private static StepPolicy policy(Object... kv) {
    List<Object> all = new ArrayList<>(List.of("threshold", 60, "steps", STEPS));
    all.addAll(List.of(kv));
    return new StepPolicy(StepSettings.parse(spec("step", CPU, all.toArray())), null);
  }

  private static ScalingDecision eval(StepPolicy p, List<InstanceView> instances, List<MetricSeries> series,
      PolicyOutcome previous, Instant now) {
    return p.evaluate(input(instances, series, List.of(), previous, now));
  }

  @Test
  void picksTheStepThatHoldsTheDistanceToTheThreshold() {
    List<InstanceView> four = running(4, LONG_AGO, 0);
    ScalingDecision small = eval(policy(), four, values(T0, 70, 70, 70, 70), null, T0);
    assertThat(small).isEqualTo(ScalingDecision.scaleTo(5, small.reason()));
    assertThat(small.reason()).isEqualTo("cpu average 70 over 4 instance(s) is 10 from threshold 60:"
        + " step [0, 20) change_in_capacity +1 -> desired 5, current 4");
    ScalingDecision big = eval(policy(), four, values(T0, 90, 80, 85, 85), null, T0);
    assertThat(((ScalingDecision.ScaleTo) big).desired()).isEqualTo(7);
    // exactly on the bounds: 80 is 20 over (the upper step, lower bound inclusive); 60 is in [0, 20)
    assertThat(((ScalingDecision.ScaleTo) eval(policy(), four, values(T0, 80, 80, 80, 80), null, T0)).desired()).isEqualTo(7);
    assertThat(((ScalingDecision.ScaleTo) eval(policy(), four, values(T0, 60, 60, 60, 60), null, T0)).desired()).isEqualTo(5);
    // below the threshold the upper bound is inclusive and the lower exclusive
    assertThat(((ScalingDecision.ScaleTo) eval(policy(), four, values(T0, 50, 50, 50, 50), null, T0)).desired()).isEqualTo(3);
    // -20 is below the threshold, so it belongs to the step whose upper bound it is
    assertThat(((ScalingDecision.ScaleTo) eval(policy(), four, values(T0, 40, 40, 40, 40), null, T0)).desired()).isEqualTo(2);
    assertThat(((ScalingDecision.ScaleTo) eval(policy(), four, values(T0, 41, 41, 41, 41), null, T0)).desired()).isEqualTo(3);
    // a policy with steps on one side of the threshold only holds on the other side
    StepPolicy outOnly = new StepPolicy(StepSettings.parse(spec("step", CPU, "threshold", 60, "steps",
        STEPS.subList(0, 2))), null);
    ScalingDecision none = eval(outOnly, four, values(T0, 40, 40, 40, 40), null, T0);
    assertThat(none.reason()).isEqualTo("cpu average 40 over 4 instance(s) is -20 from threshold 60: in no step; keeping 4");
  }

  @Test
  void exactAndPercentAdjustmentsWithAwsRoundingAndMinimumMagnitude() {
    StepPolicy exact = new StepPolicy(StepSettings.parse(spec("step", CPU, "threshold", 60, "adjustment_type",
        "exact_capacity", "steps", List.of(Map.of("lower", 0, "adjustment", 9)))), null);
    assertThat(((ScalingDecision.ScaleTo) eval(exact, running(4, LONG_AGO, 0), values(T0, 99, 99, 99, 99), null, T0))
        .desired()).isEqualTo(9);
    assertThat(StepPolicy.percentChange(10, 25, 0)).isEqualTo(2); // 2.5 rounds down
    assertThat(StepPolicy.percentChange(2, 25, 0)).isEqualTo(1); // 0.5 becomes 1
    assertThat(StepPolicy.percentChange(2, -25, 0)).isEqualTo(-1); // -0.5 becomes -1
    assertThat(StepPolicy.percentChange(10, -25, 0)).isEqualTo(-2); // -2.5 rounds toward zero
    assertThat(StepPolicy.percentChange(10, 25, 4)).isEqualTo(4); // raised to min_adjustment_magnitude
    assertThat(StepPolicy.percentChange(10, -25, 4)).isEqualTo(-4);
    assertThat(StepPolicy.percentChange(10, 0, 4)).isZero();
  }

  @Test
  void anAggregatedMetricIsComparedAsItIs() {
    StepPolicy p = new StepPolicy(StepSettings.parse(spec("step", new MetricQuery("lb", "rps", true),
        "threshold", 1000, "adjustment_type", "percent_change_in_capacity",
        "steps", List.of(Map.of("lower", 0, "adjustment", 50)))), null);
    ScalingDecision d = eval(p, running(4, LONG_AGO, 0), List.of(aggregated(1500, T0)), null, T0);
    assertThat(d.reason()).isEqualTo("rps 1500 is 500 from threshold 1000: step [0, +inf) percent_change_in_capacity"
        + " +50% -> desired 6, current 4");
  }

  @Test
  void warmingInstancesAreLeftOutOfTheMetricCountTowardCapacityAndBlockScaleIn() {
    StepPolicy p = policy("estimated_instance_warmup", 300);
    // 4 settled instances plus 1 started 100 s ago: the new one's 0 is left out
    List<InstanceView> five = new ArrayList<>(running(4, LONG_AGO, 0));
    five.add(running(4, T0.minusSeconds(100)));
    List<MetricSeries> series = values(T0, 70, 70, 70, 70, 0);
    ScalingDecision same = eval(p, five, series, null, T0);
    assertThat(same).isInstanceOf(ScalingDecision.Hold.class);
    assertThat(same.reason()).contains("cpu average 70 over 4 instance(s)")
        .contains("-> 5 from 4 settled instance(s); the 1 instance(s) warming up already cover it; keeping 5");
    ScalingDecision bigger = eval(p, five, values(T0, 90, 90, 90, 90, 0), null, T0);
    assertThat(((ScalingDecision.ScaleTo) bigger).desired()).isEqualTo(7); // 4 + 3, one of them already there
    // the same samples again (the engine re-evaluates when instances change): no second step
    assertThat(eval(p, five, values(T0, 90, 90, 90, 90, 0), null, T0).reason()).startsWith("no fresh value of cpu")
        .contains("only samples taken after the change recommended at 2015-06-18T08:00:00Z count");
    p = policy("estimated_instance_warmup", 300);
    ScalingDecision in = eval(p, five, values(T0, 50, 50, 50, 50, 0), null, T0);
    assertThat(in.reason()).contains("scale-in waits for the warm-up of 1 instance(s) until 2015-06-18T08:03:20Z");
    assertThat(p.nextEvaluation()).isEqualTo("2015-06-18T08:03:20Z");
    // a starting instance is warming too
    List<InstanceView> withStarting = new ArrayList<>(running(4, LONG_AGO, 0));
    withStarting.add(starting(4, T0));
    assertThat(eval(p, withStarting, values(T0, 50, 50, 50, 50), null, T0.plusSeconds(400)).reason())
        .contains("no fresh value"); // samples from T0 are 400 s old with max_sample_age 60
  }

  @Test
  void cooldownCountsAddedInstancesForTheNextScaleOutAndBlocksScaleInUntilItEnds() {
    StepPolicy p = policy("cooldown", 120);
    ScalingDecision up = eval(p, running(4, LONG_AGO, 0), values(T0, 70, 70, 70, 70), null, T0);
    assertThat(((ScalingDecision.ScaleTo) up).desired()).isEqualTo(5);
    PolicyOutcome applied = new PolicyOutcome(T0, PolicyOutcome.Kind.APPLIED, 5, 5, List.of(), "");
    Instant t1 = T0.plusSeconds(30);
    List<InstanceView> five = running(5, LONG_AGO, 0);
    ScalingDecision again = eval(p, five, values(t1, 70, 70, 70, 70, 70), applied, t1);
    assertThat(again.reason()).contains("the 1 instance(s) added within the cooldown already cover it");
    ScalingDecision in = eval(p, five, values(t1, 50, 50, 50, 50, 50), applied, t1);
    assertThat(in.reason()).contains("scale-in waits for the cooldown until 2015-06-18T08:02:00Z");
    ScalingDecision more = eval(p, five, values(t1, 90, 90, 90, 90, 90), applied, t1);
    assertThat(((ScalingDecision.ScaleTo) more).desired()).isEqualTo(7); // from 4 settled: +3
    PolicyOutcome second = new PolicyOutcome(t1, PolicyOutcome.Kind.APPLIED, 7, 7, List.of(), "");
    Instant t2 = t1.plusSeconds(121);
    List<InstanceView> seven = running(7, LONG_AGO, 0);
    assertThat(((ScalingDecision.ScaleTo) eval(p, seven, values(t2, 50, 50, 50, 50, 50, 50, 50), second, t2))
        .desired()).isEqualTo(6);
    assertThat(p.describeState()).contains("last change applied at 2015-06-18T08:00:30Z,"
        + " cooldown until 2015-06-18T08:02:30Z (3 added within it)");
  }

  @Test
  void everySettingsProblemIsReportedWithItsPath() {
    assertThatThrownBy(() -> StepSettings.parse(spec("step", null, "adjustment_type", "change",
        "min_adjustment_magnitude", 0, "cooldown", -1, "on_missing", "panic", "steps", List.of(
            Map.of("lower", 0, "upper", 20, "adjustment", 1),
            Map.of("lower", 10, "adjustment", 2.5),
            Map.of("lower", 30, "upper", 30, "adjustment", 1, "uper", 3),
            Map.of("lower", 15, "upper", 25, "adjustment", 1)))))
        .isInstanceOf(ConfigException.class)
        .extracting(e -> ((ConfigException) e).problems().stream().map(ConfigProblem::path).toList())
        .asList()
        .containsExactly("metric", "threshold", "adjustment_type", "min_adjustment_magnitude", "steps[1].adjustment",
            "steps[2].uper", "steps[2]", "cooldown", "on_missing");
    assertThatThrownBy(() -> StepSettings.parse(spec("step", CPU, "threshold", 60, "steps", List.of(
        Map.of("lower", 0, "upper", 20, "adjustment", 1),
        Map.of("lower", 15, "upper", 25, "adjustment", 1),
        Map.of("upper", 0, "adjustment", -1)))))
        .hasMessageContaining("steps[1]: overlaps steps[0]: [15, 25) and [0, 20)");
  }

  @Test
  void gapsBetweenStepsAndStepsThatStopShortOfTheThresholdOrOfInfinityAreRejectedAllAtOnce() {
    assertThatThrownBy(() -> StepSettings.parse(spec("step", CPU, "threshold", 60, "steps", List.of(
        Map.of("lower", 0, "upper", 20, "adjustment", 1),
        Map.of("lower", 25, "upper", 40, "adjustment", 2),
        Map.of("lower", -30, "upper", -5, "adjustment", -1)))))
        .isInstanceOf(ConfigException.class)
        .extracting(e -> ((ConfigException) e).problems().stream().map(p -> p.path() + ": " + p.message()).toList())
        .asList()
        .containsExactly(
            "steps[0]: leaves a gap after steps[2]: [0, 20) starts at 0 but (-30, -5] ends at -5, so values in"
                + " between are in no step; each step's lower bound must be the upper bound of the step below it"
                + " (bounds are relative to threshold)",
            "steps[1]: leaves a gap after steps[0]: [25, 40) starts at 25 but [0, 20) ends at 20, so values in"
                + " between are in no step; each step's lower bound must be the upper bound of the step below it"
                + " (bounds are relative to threshold)",
            "steps[2]: lower bound -30 leaves the values below it in no step: the lowest step needs no lower bound"
                + " (bounds are relative to threshold)",
            "steps[1]: upper bound 40 leaves the values above it in no step: the highest step needs no upper bound"
                + " (bounds are relative to threshold)");
    // steps above the threshold must start at it; steps below it must end at it
    assertThatThrownBy(() -> StepSettings.parse(spec("step", CPU, "threshold", 60, "steps", List.of(
        Map.of("lower", 5, "adjustment", 1)))))
        .hasMessageContaining("steps[0]: lower bound 5 leaves a gap from the threshold (0) to it");
    assertThatThrownBy(() -> StepSettings.parse(spec("step", CPU, "threshold", 60, "steps", List.of(
        Map.of("upper", -5, "adjustment", -1)))))
        .hasMessageContaining("steps[0]: upper bound -5 leaves a gap from it to the threshold (0)");
    // valid: one side entirely, the other side entirely, both sides
    for (List<Map<String, Object>> ok : List.of(List.of(Map.<String, Object>of("lower", 0, "adjustment", 1)),
        List.of(Map.<String, Object>of("upper", 0, "adjustment", -1)), List.of(Map.<String, Object>of("adjustment", 2)),
        STEPS)) {
      assertThat(StepSettings.parse(spec("step", CPU, "threshold", 60, "steps", ok)).steps()).hasSize(ok.size());
    }
  }
}
