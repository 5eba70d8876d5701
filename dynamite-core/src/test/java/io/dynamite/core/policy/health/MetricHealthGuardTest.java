package io.dynamite.core.policy.health;

import static io.dynamite.core.policy.PolicyInputs.running;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dynamite.api.Direction;
import io.dynamite.api.InstanceView;
import io.dynamite.api.MetricHealth;
import io.dynamite.api.MetricQuery;
import io.dynamite.api.MetricSample;
import io.dynamite.api.PolicyInput;
import io.dynamite.api.RejectedSample;
import io.dynamite.api.ScalingDecision;
import io.dynamite.api.ServiceView;
import io.dynamite.api.spi.ScalingPolicy;
import io.dynamite.core.policy.PolicyInputs;
import io.dynamite.core.policy.SettingsReader;
import io.dynamite.core.policy.health.HealthSettings.OnMissing;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MetricHealthGuardTest {
  static final MetricQuery CPU = new MetricQuery("webserver", "cpu", false);
  static final MetricQuery RPS = new MetricQuery("lb", "rps", true);
  static final Instant T0 = Instant.parse("2015-06-18T08:00:00Z");
  static final HealthSettings HOLD_60 = new HealthSettings(Duration.ofSeconds(60), OnMissing.HOLD, 0);

  /** Always answers with the decision it was given. */
  static final class Fixed implements ScalingPolicy {
    ScalingDecision answer = ScalingDecision.hold("fine");
    int evaluations;

    @Override
    public ScalingDecision evaluate(PolicyInput input) {
      evaluations++;
      return answer;
    }

    @Override
    public boolean readsMetricHistory() {
      return false;
    }
  }

  /** A service of the given instances with new samples and rejected values. */
  private static PolicyInput input(List<InstanceView> instances, Instant now, List<MetricSample> samples,
      List<RejectedSample> rejected) {
    int running = (int) instances.stream().filter(i -> i.phase() == InstanceView.Phase.RUNNING).count();
    int starting = (int) instances.stream().filter(i -> i.phase() == InstanceView.Phase.STARTING).count();
    return new PolicyInput(new ServiceView(PolicyInputs.WEB, running, starting, 0, 1, 100), instances, samples,
        List.of(), null, now, rejected);
  }

  private static PolicyInput input(int count, Instant now, List<MetricSample> samples) {
    return input(running(count, T0.minusSeconds(86400), 0), now, samples, List.of());
  }

  /** One sample per uuid u<i> for each index given, taken at {@code at}. */
  private static List<MetricSample> cpu(Instant at, int... instances) {
    List<MetricSample> out = new ArrayList<>();
    for (int i : instances) {
      out.add(new MetricSample(CPU, "u" + i, at, 50));
    }
    return out;
  }

  private static RejectedSample nan(MetricQuery q, String uuid, Instant at) {
    return new RejectedSample("/metrics/" + uuid, "value is not finite: 'NaN'", new RejectedSample.Origin(q, uuid, at));
  }

  @Test
  void aStaleMetricNeverScalesDownAndSaysSinceWhen() {
    Fixed inner = new Fixed();
    MetricHealthGuard g = new MetricHealthGuard(inner, "cpu", false, HOLD_60);
    assertThat(g.metricHealth()).isEqualTo(MetricHealth.NONE);
    inner.answer = ScalingDecision.scaleTo(2, "cpu low");
    assertThat(g.evaluate(input(1, T0, cpu(T0, 0)))).isEqualTo(inner.answer); // fresh: the policy decides
    assertThat(g.metricHealth()).isEqualTo(MetricHealth.OK);
    assertThat(g.nextEvaluation()).isNull(); // hold changes nothing by itself: no timer needed
    ScalingDecision stale = g.evaluate(input(1, T0.plusSeconds(61), List.of()));
    assertThat(g.metricHealth()).isEqualTo(MetricHealth.STALE);
    assertThat(stale).isInstanceOf(ScalingDecision.Hold.class);
    assertThat(stale.reason()).isEqualTo("metric cpu stale since 2015-06-18T08:01:00Z (newest sample at"
        + " 2015-06-18T08:00:00Z), max_sample_age 60s; on_missing hold: holding, never scaling down on missing"
        + " data; ignored the policy's desired 2 (current 1): cpu low");
    assertThat(inner.evaluations).isEqualTo(2); // still evaluated, so its memory stays current
    assertThat(g.readsMetricHistory()).isFalse();
    assertThat(g.describeState()).isEqualTo("metric cpu STALE, newest value at 2015-06-18T08:00:00Z");
    // a new sample makes it fresh again
    assertThat(g.evaluate(input(1, T0.plusSeconds(70), cpu(T0.plusSeconds(69), 0)))).isEqualTo(inner.answer);
    assertThat(g.metricHealth()).isEqualTo(MetricHealth.OK);
  }

  @Test
  void missingNanStalePartialAndOkAreToldApartForAPerInstanceMetric() {
    Fixed inner = new Fixed();
    inner.answer = ScalingDecision.scaleTo(1, "cpu low"); // a decision the guard must judge
    MetricHealthGuard g = new MetricHealthGuard(inner, "cpu", false, HOLD_60);
    List<InstanceView> three = running(3, T0.minusSeconds(3600), 0);

    g.evaluate(input(three, T0, List.of(), List.of()));
    assertThat(g.metricHealth()).isEqualTo(MetricHealth.MISSING);

    g.evaluate(input(three, T0.plusSeconds(1), cpu(T0.plusSeconds(1), 0, 1, 2), List.of()));
    assertThat(g.metricHealth()).isEqualTo(MetricHealth.OK);

    // u2 falls silent; 61 s later its value is stale while u0 and u1 keep reporting
    g.evaluate(input(three, T0.plusSeconds(62), cpu(T0.plusSeconds(62), 0, 1), List.of()));
    assertThat(g.metricHealth()).isEqualTo(MetricHealth.PARTIAL);
    ScalingDecision partial = g.evaluate(input(three, T0.plusSeconds(63), cpu(T0.plusSeconds(63), 0, 1), List.of()));
    assertThat(partial.reason()).startsWith("metric cpu partial: fresh values from 2 of 3 running instance(s);"
        + " 1 stale, 0 silent, 0 not a number (max_sample_age 60s); on_missing hold: holding");

    // u2 sends NaN: still partial, now counted as not a number
    g.evaluate(input(three, T0.plusSeconds(64), cpu(T0.plusSeconds(64), 0, 1),
        List.of(nan(CPU, "u2", T0.plusSeconds(64)))));
    assertThat(g.metricHealth()).isEqualTo(MetricHealth.PARTIAL);
    assertThat(g.evaluate(input(three, T0.plusSeconds(65), List.of(), List.of())).reason())
        .contains("fresh values from 2 of 3 running instance(s); 0 stale, 0 silent, 1 not a number");

    // every instance's newest value is NaN: no fresh usable value at all
    List<RejectedSample> all = List.of(nan(CPU, "u0", T0.plusSeconds(66)), nan(CPU, "u1", T0.plusSeconds(66)),
        nan(CPU, "u2", T0.plusSeconds(66)));
    ScalingDecision nan = g.evaluate(input(three, T0.plusSeconds(66), List.of(), all));
    assertThat(g.metricHealth()).isEqualTo(MetricHealth.NAN);
    assertThat(nan.reason()).startsWith("metric cpu not a number: no fresh usable value, 3 fresh value(s) not"
        + " numbers (value is not finite: 'NaN'), max_sample_age 60s");

    // a usable value older than a NaN of the same uuid does not count
    g.evaluate(input(three, T0.plusSeconds(67), cpu(T0.plusSeconds(60), 0, 1, 2), List.of()));
    assertThat(g.metricHealth()).isEqualTo(MetricHealth.NAN);

    // nothing for longer than max_sample_age: stale
    g.evaluate(input(three, T0.plusSeconds(200), List.of(), List.of()));
    assertThat(g.metricHealth()).isEqualTo(MetricHealth.STALE);
    assertThat(inner.evaluations).isEqualTo(9);
  }

  @Test
  void aHoldOfThePolicyKeepsItsReasonAndItsHealthIsJudgedWhenAsked() {
    Fixed inner = new Fixed();
    inner.answer = ScalingDecision.hold("no new samples");
    MetricHealthGuard g = new MetricHealthGuard(inner, "cpu", false, HOLD_60);
    List<InstanceView> two = running(2, T0.minusSeconds(3600), 0);
    g.evaluate(input(two, T0, cpu(T0, 0, 1), List.of()));
    ScalingDecision hold = g.evaluate(input(two, T0.plusSeconds(90), cpu(T0.plusSeconds(90), 0), List.of()));
    assertThat(hold).isSameAs(inner.answer);
    assertThat(g.metricHealth()).isEqualTo(MetricHealth.PARTIAL);
    assertThat(g.describeState()).isEqualTo("metric cpu PARTIAL, newest value at 2015-06-18T08:01:30Z");
    // judged for the evaluation it belongs to, even when asked after the instances changed
    g.evaluate(input(two, T0.plusSeconds(91), cpu(T0.plusSeconds(91), 0, 1), List.of()));
    assertThat(g.metricHealth()).isEqualTo(MetricHealth.OK);
  }

  @Test
  void newInstancesAreNotExpectedToReportBeforeMaxSampleAgeAndUnresolvedOnesAreMatchedByCount() {
    MetricHealthGuard g = new MetricHealthGuard(new Fixed(), "cpu", false, HOLD_60);
    Instant now = T0.plusSeconds(3600);
    List<InstanceView> instances = new ArrayList<>(running(2, T0, 0));
    instances.add(running(2, now.minusSeconds(30))); // started 30 s ago, nothing from it yet
    instances.add(PolicyInputs.starting(3, now.minusSeconds(5)));
    g.evaluate(input(instances, now, cpu(now, 0, 1), List.of()));
    assertThat(g.metricHealth()).isEqualTo(MetricHealth.OK);
    g.evaluate(input(instances, now.plusSeconds(31), cpu(now.plusSeconds(31), 0, 1), List.of()));
    assertThat(g.metricHealth()).isEqualTo(MetricHealth.PARTIAL); // u2 has been running for 61 s now

    // the engine knows no uuid of these instances: three fresh uuids account for three instances
    Fixed wantsOne = new Fixed();
    wantsOne.answer = ScalingDecision.scaleTo(1, "cpu low");
    MetricHealthGuard counted = new MetricHealthGuard(wantsOne, "cpu", false, HOLD_60);
    List<InstanceView> unresolved = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      unresolved.add(new InstanceView(PolicyInputs.id(i), i, InstanceView.Phase.RUNNING, T0, null));
    }
    List<MetricSample> other = List.of(new MetricSample(CPU, "a", now, 1), new MetricSample(CPU, "b", now, 1),
        new MetricSample(CPU, "c", now, 1));
    counted.evaluate(input(unresolved, now, other, List.of()));
    assertThat(counted.metricHealth()).isEqualTo(MetricHealth.OK);
    // b's newest value is NaN: a and c account for two of the three instances
    ScalingDecision two = counted.evaluate(input(unresolved, now.plusSeconds(1),
        List.of(new MetricSample(CPU, "a", now.plusSeconds(1), 1)), List.of(nan(CPU, "b", now.plusSeconds(1)))));
    assertThat(counted.metricHealth()).isEqualTo(MetricHealth.PARTIAL);
    assertThat(two.reason()).contains("fresh values from 2 of 3 running instance(s); 0 stale, 0 silent, 1 not a number");
    counted.evaluate(input(unresolved, now.plusSeconds(2), List.of(new MetricSample(CPU, "b", now.plusSeconds(2), 1)),
        List.of()));
    assertThat(counted.metricHealth()).isEqualTo(MetricHealth.OK);
  }

  @Test
  void anAggregatedMetricIsOkNanStaleOrMissingButNeverPartial() {
    MetricHealthGuard g = new MetricHealthGuard(new Fixed(), "rps", true, HOLD_60);
    PolicyInput none = input(2, T0, List.of());
    g.evaluate(none);
    assertThat(g.metricHealth()).isEqualTo(MetricHealth.MISSING);
    g.evaluate(input(2, T0.plusSeconds(1), List.of(new MetricSample(RPS, "", T0.plusSeconds(1), 100))));
    assertThat(g.metricHealth()).isEqualTo(MetricHealth.OK);
    g.evaluate(input(running(2, T0, 0), T0.plusSeconds(2), List.of(), List.of(nan(RPS, "", T0.plusSeconds(2)))));
    assertThat(g.metricHealth()).isEqualTo(MetricHealth.NAN);
    g.evaluate(input(2, T0.plusSeconds(100), List.of()));
    assertThat(g.metricHealth()).isEqualTo(MetricHealth.STALE);
  }

  @Test
  void holdBlocksEverythingScaleUpOnlyLetsRisesThroughAndNothingEverScalesDown() {
    Fixed inner = new Fixed();
    MetricHealthGuard hold = new MetricHealthGuard(inner, "cpu", false, HOLD_60);
    MetricHealthGuard upOnly = new MetricHealthGuard(inner, "cpu", false,
        new HealthSettings(Duration.ofSeconds(60), OnMissing.SCALE_UP_ONLY, 0));
    List<InstanceView> two = running(2, T0.minusSeconds(3600), 0);
    for (MetricHealthGuard g : List.of(hold, upOnly)) {
      g.evaluate(input(two, T0, cpu(T0, 0, 1), List.of()));
    }
    Instant later = T0.plusSeconds(90); // u1 silent for 90 s, u0 reports: partial
    inner.answer = ScalingDecision.scaleTo(5, "cpu high");
    assertThat(hold.evaluate(input(two, later, cpu(later, 0), List.of()))).isInstanceOf(ScalingDecision.Hold.class);
    ScalingDecision up = upOnly.evaluate(input(two, later, cpu(later, 0), List.of()));
    assertThat(upOnly.metricHealth()).isEqualTo(MetricHealth.PARTIAL);
    assertThat(up).isEqualTo(ScalingDecision.scaleTo(5, up.reason()));
    assertThat(up.reason()).contains("on_missing scale_up_only, scaling up: cpu high");

    inner.answer = ScalingDecision.scale(Direction.UP, "u0", "u0 breached");
    ScalingDecision step = upOnly.evaluate(input(two, later, List.of(), List.of()));
    assertThat(step).isInstanceOf(ScalingDecision.Scale.class);
    assertThat(((ScalingDecision.Scale) step).triggers()).containsExactly("u0");

    for (ScalingDecision down : List.of(ScalingDecision.scaleTo(1, "cpu low"),
        ScalingDecision.scale(Direction.DOWN, "u0", "u0 idle"), ScalingDecision.bound(0, 1, "ceiling"))) {
      inner.answer = down;
      ScalingDecision d = upOnly.evaluate(input(two, later, List.of(), List.of()));
      assertThat(d).isInstanceOf(ScalingDecision.Hold.class);
      assertThat(d.reason()).contains("on_missing scale_up_only: no scale-up recommended, holding, never scaling"
          + " down on missing data; ignored the policy's");
    }
    // a floor above the current count passes, without its ceiling
    inner.answer = new ScalingDecision.Bound(4, 6, null, "floor 4");
    ScalingDecision floor = upOnly.evaluate(input(two, later, List.of(), List.of()));
    assertThat(floor).isEqualTo(new ScalingDecision.Bound(4, Integer.MAX_VALUE, null, floor.reason()));
  }

  @Test
  void aPerInstanceRuleFiredOnFreshValuesOfItsOwnStandsWhileOthersAreSilentButNotOnStaleOnes() {
    Fixed inner = new Fixed();
    MetricHealthGuard g = MetricHealthGuard.perInstanceRule(inner, "cpu", false, HOLD_60);
    List<InstanceView> two = running(2, T0.minusSeconds(3600), 0);
    g.evaluate(input(two, T0, cpu(T0, 0, 1), List.of()));
    Instant later = T0.plusSeconds(90); // u1 silent: partial
    inner.answer = ScalingDecision.scale(Direction.DOWN, "u0", "u0 idle");
    ScalingDecision own = g.evaluate(input(two, later, cpu(later, 0), List.of()));
    assertThat(g.metricHealth()).isEqualTo(MetricHealth.PARTIAL);
    assertThat(own).isInstanceOf(ScalingDecision.Scale.class);
    assertThat(own.reason()).endsWith("; fired by uuid u0 on fresh values of its own: u0 idle");
    // fired by u1, whose newest value is 90 s old (a lagging source replayed its samples): held
    inner.answer = ScalingDecision.scale(Direction.DOWN, "u1", "u1 idle");
    assertThat(g.evaluate(input(two, later, List.of(), List.of()))).isInstanceOf(ScalingDecision.Hold.class);
    // the ordinary guard holds the first one too
    MetricHealthGuard plain = new MetricHealthGuard(inner, "cpu", false, HOLD_60);
    plain.evaluate(input(two, T0, cpu(T0, 0, 1), List.of()));
    inner.answer = ScalingDecision.scale(Direction.DOWN, "u0", "u0 idle");
    assertThat(plain.evaluate(input(two, later, cpu(later, 0), List.of()))).isInstanceOf(ScalingDecision.Hold.class);
  }

  @Test
  void fallbackRunsAtLeastNWaitsForAFirstSampleAndAsksForTheTimeTheMetricTurnsBad() {
    Fixed inner = new Fixed();
    MetricHealthGuard g = new MetricHealthGuard(inner, "cpu", false,
        new HealthSettings(Duration.ofSeconds(30), OnMissing.FALLBACK, 4));
    ScalingDecision first = g.evaluate(input(2, T0, List.of()));
    assertThat(g.metricHealth()).isEqualTo(MetricHealth.MISSING);
    assertThat(first).isInstanceOf(ScalingDecision.Hold.class); // a restart waits max_sample_age for samples
    assertThat(first.reason()).contains("on_missing fallback(4): waiting for a first sample, holding");
    assertThat(g.nextEvaluation()).isEqualTo(T0.plusSeconds(30));
    ScalingDecision up = g.evaluate(input(2, T0.plusSeconds(30), List.of()));
    assertThat(up).isEqualTo(ScalingDecision.scaleTo(4, up.reason()));
    assertThat(up.reason()).isEqualTo("metric cpu missing: no sample since the first evaluation at"
        + " 2015-06-18T08:00:00Z, max_sample_age 30s; on_missing fallback(4): scaling up to 4 (current 2); the policy holds: fine");
    ScalingDecision above = g.evaluate(input(6, T0.plusSeconds(40), List.of()));
    assertThat(above).isInstanceOf(ScalingDecision.Hold.class);
    assertThat(above.reason()).contains("on_missing fallback(4): 6 running, at least 4, holding, never scaling down");
    // the policy wants more than the fallback: it gets it
    inner.answer = ScalingDecision.scaleTo(7, "forecast");
    assertThat(g.evaluate(input(2, T0.plusSeconds(41), List.of()))).extracting(d -> ((ScalingDecision.ScaleTo) d).desired())
        .isEqualTo(7);
    // healthy: the timer is when the newest value turns stale
    inner.answer = ScalingDecision.hold("fine");
    g.evaluate(input(2, T0.plusSeconds(50), cpu(T0.plusSeconds(50), 0, 1)));
    assertThat(g.metricHealth()).isEqualTo(MetricHealth.OK);
    assertThat(g.nextEvaluation()).isEqualTo(T0.plusSeconds(80).plusNanos(1));
  }

  @Test
  void settingsAreValidatedWithPaths() {
    SettingsReader r = new SettingsReader();
    assertThat(HealthSettings.parse(Map.of("max_sample_age", "2m", "on_missing", "fallback(3)"), r))
        .isEqualTo(new HealthSettings(Duration.ofMinutes(2), OnMissing.FALLBACK, 3));
    assertThat(HealthSettings.parse(Map.of("on_missing", Map.of("fallback", 5)), r))
        .isEqualTo(new HealthSettings(Duration.ofSeconds(60), OnMissing.FALLBACK, 5));
    assertThat(HealthSettings.parse(Map.of("on_missing", Map.of("scale_up_to", 5)), r)) // the name before 0.3
        .isEqualTo(new HealthSettings(Duration.ofSeconds(60), OnMissing.FALLBACK, 5));
    assertThat(HealthSettings.parse(Map.of("on_missing", "scale_up_only"), r).onMissing())
        .isEqualTo(OnMissing.SCALE_UP_ONLY);
    assertThat(HealthSettings.parse(Map.of("on_missing", "hold"), r)).isEqualTo(HealthSettings.DEFAULT);
    assertThat(HealthSettings.parse(Map.of(), r)).isEqualTo(HealthSettings.DEFAULT);
    assertThat(r.problems()).isEmpty();

    for (Object bad : List.of("fallback(0)", "fallback(x)", "sometimes", 3, Map.of("fallback", 0),
        Map.of("scale_up", 3))) {
      SettingsReader b = new SettingsReader();
      assertThat(HealthSettings.parse(Map.of("on_missing", bad), b)).isEqualTo(HealthSettings.DEFAULT);
      assertThat(b.problems()).as("%s", bad).hasSize(1);
      assertThat(b.problems().get(0).path()).startsWith("on_missing");
    }
    SettingsReader zero = new SettingsReader();
    HealthSettings.parse(Map.of("max_sample_age", 0, "on_missing", Map.of("fallback", 0)), zero);
    assertThat(zero.problems()).extracting(p -> p.path() + ": " + p.message()).containsExactly(
        "max_sample_age: must be greater than 0",
        "on_missing.fallback: must be a whole number from 1 to 100000, got the integer 0");
    assertThatThrownBy(() -> new HealthSettings(Duration.ZERO, OnMissing.HOLD, 0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new HealthSettings(Duration.ofSeconds(1), OnMissing.FALLBACK, 0))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
