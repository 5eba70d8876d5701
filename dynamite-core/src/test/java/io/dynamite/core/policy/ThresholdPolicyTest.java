package io.dynamite.core.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dynamite.api.ConfigException;
import io.dynamite.api.Direction;
import io.dynamite.api.MetricQuery;
import io.dynamite.api.MetricSample;
import io.dynamite.api.PolicyInput;
import io.dynamite.api.ScalingDecision;
import io.dynamite.api.ServiceId;
import io.dynamite.api.ServiceView;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ThresholdPolicyTest {
  static final MetricQuery Q = new MetricQuery("webserver", "cpu", false);
  static final Instant T0 = Instant.parse("2015-06-18T08:00:00Z");

  static ThresholdPolicy policy(double period, double cooldown, boolean legacy) {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("comparative_operator", "gt");
    s.put("threshold", 50);
    s.put("period", period);
    s.put("cooldown_period", cooldown);
    s.put("legacy_rule", legacy);
    return new ThresholdPolicy(Direction.UP, "cpu", ThresholdSettings.parse(s));
  }

  /** Feeds samples given as "uuid@second=value" and returns the fired uuids. */
  static List<String> feed(ThresholdPolicy p, String... samples) {
    List<MetricSample> list = new ArrayList<>();
    for (String s : samples) {
      String[] a = s.split("[@=]");
      list.add(new MetricSample(Q, a[0], T0.plusMillis((long) (Double.parseDouble(a[1]) * 1000)), Double.parseDouble(a[2])));
    }
    ScalingDecision d = p.evaluate(new PolicyInput(new ServiceView(ServiceId.of("web"), 1, 0, 0, 1, 9), list, T0));
    return d instanceof ScalingDecision.Scale sc ? sc.triggers() : List.of();
  }

  @Test
  void aWindowOpenAcrossACooldownIsStaleByDefault() {
    // u2 opens a window at t1; u1 fires at t11 (cooldown t10..t40); u2's samples during the
    // cooldown clear its window, so its first sample after the cooldown does not fire.
    ThresholdPolicy fixed = policy(10, 30, false);
    assertThat(feed(fixed, "u1@0=60", "u2@1=60", "u1@11=60")).containsExactly("u1");
    assertThat(feed(fixed, "u2@20=60", "u2@41=60")).isEmpty();
    assertThat(feed(fixed, "u2@52=60")).containsExactly("u2");

    ThresholdPolicy legacy = policy(10, 30, true);
    assertThat(feed(legacy, "u1@0=60", "u2@1=60", "u1@11=60")).containsExactly("u1");
    assertThat(feed(legacy, "u2@20=60", "u2@41=1")).as("original B7: stale trigger fires on a normal value").containsExactly("u2");
  }

  @Test
  void theClosingSampleMustSatisfyTheRuleByDefault() {
    assertThat(feed(policy(10, 0, false), "u@0=60", "u@10=60", "u@11=10")).isEmpty();
    assertThat(feed(policy(10, 0, true), "u@0=60", "u@10=60", "u@11=10")).containsExactly("u");
  }

  @Test
  void periodZeroNeedsTwoSamples() {
    ThresholdPolicy p = policy(0, 0, false);
    assertThat(feed(p, "u@0=60")).isEmpty();
    assertThat(feed(p, "u@1=60")).containsExactly("u");
  }

  @Test
  void olderOrEqualTimestampsAreIgnored() {
    ThresholdPolicy p = policy(5, 0, false);
    assertThat(feed(p, "u@0=60", "u@5=60")).isEmpty();
    assertThat(feed(p, "u@3=60", "u@5=60")).isEmpty();
    assertThat(feed(p, "u@5.5=60")).containsExactly("u");
  }

  @Test
  void idleUuidStatesArePrunedByDefaultButNotInLegacyMode() {
    ThresholdPolicy p = policy(1, 1, false);
    ThresholdPolicy legacy = policy(1, 1, true);
    for (int i = 0; i < 100; i++) {
      feed(p, "old" + i + "@0=10");
      feed(legacy, "old" + i + "@0=10");
    }
    for (int i = 0; i < 64; i++) {
      feed(p, "live@" + (3600 + i) + "=10");
      feed(legacy, "live@" + (3600 + i) + "=10");
    }
    assertThat(p.trackedUuids()).isEqualTo(1);
    assertThat(legacy.trackedUuids()).isEqualTo(101);
  }

  @ParameterizedTest
  @CsvSource({"1.5,minute,90", "2,hour,7200", "30,second,30", "0.5,second,0.5"})
  void unitsConvertPeriods(double amount, String unit, double seconds) {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("comparative_operator", "lt");
    s.put("threshold", 1);
    s.put("period", amount);
    s.put("period_unit", unit);
    assertThat(ThresholdSettings.parse(s).period()).isEqualTo(Duration.ofMillis((long) (seconds * 1000)));
  }

  @Test
  void settingsProblemsAreReportedTogetherWithTheirKeys() {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("comparative_operator", "ge");
    s.put("threshold", "high");
    s.put("period", -1);
    s.put("period_unit", "day");
    s.put("cooldown_period_unit", "week");
    s.put("legacy_rule", "yes");
    assertThatThrownBy(() -> ThresholdSettings.parse(s)).isInstanceOfSatisfying(ConfigException.class,
        e -> assertThat(e.problems()).extracting(Object::toString).containsExactly(
            "comparative_operator: unknown operator 'ge'; allowed values are 'lt', 'gt'",
            "threshold: must be a number, got 'high'",
            "period: must not be negative, got -1",
            "period_unit: unknown unit 'day'; allowed values are 'second', 'minute', 'hour'",
            "cooldown_period_unit: unknown unit 'week'; allowed values are 'second', 'minute', 'hour'",
            "legacy_rule: must be true or false, got 'yes'"));
  }
}
