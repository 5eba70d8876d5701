package io.dynamite.core.policy.predictive;

import static io.dynamite.core.policy.PolicyInputs.aggregated;
import static io.dynamite.core.policy.PolicyInputs.input;
import static io.dynamite.core.policy.PolicyInputs.running;
import static io.dynamite.core.policy.PolicyInputs.spec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dynamite.api.MetricQuery;
import io.dynamite.api.ScalingDecision;
import io.dynamite.api.spi.StateStore;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The predictive policy's exported memory: a round trip forecasts the same, other settings are refused. */
class PredictiveStateTest {
  static final MetricQuery RPS = new MetricQuery("lb", "rps", true);
  static final Instant DAY0 = Instant.parse("2015-06-18T00:00:00Z");

  private static PredictivePolicy policy(Object... kv) {
    return new PredictivePolicy(PredictiveSettings.parse(spec("predictive", RPS, kv)));
  }

  private static ScalingDecision observe(PredictivePolicy p, Instant t, double value) {
    return p.evaluate(input(running(2, DAY0.minusSeconds(60), 0), List.of(aggregated(value, t)), List.of(), null, t));
  }

  @Test
  void aRestoredPolicyDecidesExactlyLikeTheOneThatExportedItsMemory() {
    Object[] settings = {"target", 60, "min_history", "2d", "forecast_window", "2h", "resolution", "30m",
        "history_seasons", 3};
    PredictivePolicy original = policy(settings);
    assertThat(original.exportState()).isNull();
    Random random = new Random(42);
    Instant t = DAY0;
    for (; t.isBefore(DAY0.plus(Duration.ofDays(4))); t = t.plus(Duration.ofMinutes(7))) {
      observe(original, t, 50 + random.nextInt(1000));
    }
    String state = original.exportState();
    assertThat(state.getBytes(StandardCharsets.UTF_8).length).isLessThan(StateStore.MAX_POLICY_STATE_BYTES);
    PredictivePolicy restored = policy(settings);
    restored.restoreState(state);
    assertThat(restored.exportState()).isEqualTo(state);
    for (int i = 0; i < 300; i++, t = t.plus(Duration.ofMinutes(11))) {
      double v = 50 + random.nextInt(1000);
      assertThat(observe(restored, t, v)).as("at %s", t).isEqualTo(observe(original, t, v));
    }
  }

  @Test
  void aMemoryKeptForAnotherSeasonLayoutIsRefusedAndTheMemoryIsUnchanged() {
    PredictivePolicy hourly = policy("target", 60, "min_history", "1h");
    for (Instant t = DAY0; t.isBefore(DAY0.plus(Duration.ofHours(30))); t = t.plus(Duration.ofMinutes(10))) {
      observe(hourly, t, 100);
    }
    PredictivePolicy other = policy("target", 60, "min_history", "1h", "resolution", "30m");
    observe(other, DAY0, 300);
    String before = other.exportState();
    assertThatThrownBy(() -> other.restoreState(hourly.exportState())).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("another season, resolution, history_seasons or timezone")
        .hasMessageContaining("\"resolution_minutes\":60");
    assertThat(other.exportState()).isEqualTo(before);
    assertThatThrownBy(() -> other.restoreState("{\"version\":9}")).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("unknown state version 9 (this version reads 1)");
  }
}
