package io.dynamite.core.policy.health;

import static io.dynamite.core.policy.PolicyInputs.counts;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dynamite.api.ConfigException;
import io.dynamite.api.MetricQuery;
import io.dynamite.api.MetricSample;
import io.dynamite.api.PolicyInput;
import io.dynamite.api.ScalingDecision;
import io.dynamite.api.spi.ScalingPolicy;
import io.dynamite.core.policy.SettingsReader;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

class MetricHealthGuardTest {
  static final MetricQuery CPU = new MetricQuery("webserver", "cpu", false);
  static final Instant T0 = Instant.parse("2015-06-18T08:00:00Z");

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

  private static PolicyInput input(int count, Instant now, @Nullable Instant sampleAt) {
    PolicyInput base = counts(count, now);
    List<MetricSample> samples = sampleAt == null ? List.of() : List.of(new MetricSample(CPU, "u0", sampleAt, 10));
    return new PolicyInput(base.service(), base.instances(), samples, List.of(), null, now);
  }

  @Test
  void aStaleMetricNeverScalesDownAndSaysSinceWhen() {
    Fixed inner = new Fixed();
    MetricHealthGuard g = new MetricHealthGuard(inner, "cpu", new MetricHealth(Duration.ofSeconds(60), null));
    inner.answer = ScalingDecision.scaleTo(2, "cpu low");
    assertThat(g.evaluate(input(5, T0, T0))).isEqualTo(inner.answer); // fresh: the policy decides
    assertThat(g.nextEvaluation()).isEqualTo(T0.plusSeconds(60).plusNanos(1));
    ScalingDecision stale = g.evaluate(input(5, T0.plusSeconds(61), null));
    assertThat(stale).isInstanceOf(ScalingDecision.Hold.class);
    assertThat(stale.reason()).isEqualTo("metric cpu stale since 2015-06-18T08:01:00Z (newest sample at"
        + " 2015-06-18T08:00:00Z), max_sample_age 60s; on_missing hold, never scaling down on a stale metric;"
        + " ignored the policy's desired 2 (current 5): cpu low");
    assertThat(inner.evaluations).isEqualTo(2); // still evaluated, so its memory stays current
    assertThat(g.readsMetricHistory()).isFalse();
    // a new sample makes it fresh again
    assertThat(g.evaluate(input(5, T0.plusSeconds(70), T0.plusSeconds(69)))).isEqualTo(inner.answer);
  }

  @Test
  void onMissingScalesUpToNButNeverDown() {
    Fixed inner = new Fixed();
    MetricHealthGuard g = new MetricHealthGuard(inner, "cpu", new MetricHealth(Duration.ofSeconds(30), 4));
    g.evaluate(input(2, T0, null)); // no sample at all: stale 30 s after the first evaluation
    assertThat(g.nextEvaluation()).isEqualTo(T0.plusSeconds(30).plusNanos(1));
    ScalingDecision up = g.evaluate(input(2, T0.plusSeconds(31), null));
    assertThat(up).isEqualTo(ScalingDecision.scaleTo(4, up.reason()));
    assertThat(up.reason()).startsWith("metric cpu stale since 2015-06-18T08:00:30Z (no sample since the first"
        + " evaluation at 2015-06-18T08:00:00Z)").endsWith("on_missing scale_up_to 4 (current 2)");
    ScalingDecision above = g.evaluate(input(6, T0.plusSeconds(40), null));
    assertThat(above).isInstanceOf(ScalingDecision.Hold.class);
    assertThat(above.reason()).contains("on_missing scale_up_to 4 reached, never scaling down on a stale metric");
  }

  @Test
  void settingsAreValidatedWithPaths() {
    SettingsReader r = new SettingsReader();
    MetricHealth h = MetricHealth.parse(Map.of("max_sample_age", "2m", "on_missing", Map.of("scale_up_to", 3)), r);
    assertThat(r.problems()).isEmpty();
    assertThat(h).isEqualTo(new MetricHealth(Duration.ofMinutes(2), 3));
    SettingsReader bad = new SettingsReader();
    MetricHealth.parse(Map.of("max_sample_age", 0, "on_missing", Map.of("scale_up", 3)), bad);
    assertThat(bad.problems()).extracting(p -> p.path())
        .containsExactly("max_sample_age", "on_missing.scale_up", "on_missing.scale_up_to");
    assertThat(MetricHealth.parse(Map.of(), new SettingsReader())).isEqualTo(MetricHealth.DEFAULT);
    assertThatThrownBy(() -> new MetricHealth(Duration.ZERO, null)).isInstanceOf(IllegalArgumentException.class);
    assertThat(ConfigException.class).isNotNull();
  }
}
