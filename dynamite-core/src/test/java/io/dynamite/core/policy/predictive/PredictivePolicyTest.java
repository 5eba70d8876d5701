package io.dynamite.core.policy.predictive;

import static io.dynamite.core.policy.PolicyInputs.aggregated;
import static io.dynamite.core.policy.PolicyInputs.input;
import static io.dynamite.core.policy.PolicyInputs.running;
import static io.dynamite.core.policy.PolicyInputs.spec;
import static io.dynamite.core.policy.PolicyInputs.values;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dynamite.api.ConfigException;
import io.dynamite.api.ConfigProblem;
import io.dynamite.api.MetricQuery;
import io.dynamite.api.ScalingDecision;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class PredictivePolicyTest {
  static final MetricQuery RPS = new MetricQuery("lb", "rps", true);
  static final Instant DAY0 = Instant.parse("2015-06-18T00:00:00Z");

  private static PredictivePolicy policy(Object... kv) {
    return new PredictivePolicy(PredictiveSettings.parse(spec("predictive", RPS, kv)));
  }

  /** 100 rps all day, 600 rps from 12:00 to 13:00. */
  static double load(Instant t) {
    long hour = Duration.between(DAY0, t).toHours() % 24;
    return hour == 12 ? 600 : 100;
  }

  private static ScalingDecision observe(PredictivePolicy p, Instant t) {
    return p.evaluate(input(running(2, DAY0.minusSeconds(60), 0), List.of(aggregated(load(t), t)), List.of(), null, t));
  }

  @Test
  void holdsUntilMinHistoryThenRaisesAFloorAheadOfTheDailyPeak() {
    PredictivePolicy p = policy("target", 60, "min_history", "2d", "forecast_window", "1h");
    ScalingDecision first = observe(p, DAY0);
    assertThat(first.reason()).isEqualTo("predictive collecting history: 0s of min_history 2d (load now 100);"
        + " not forecasting yet");
    for (Instant t = DAY0; t.isBefore(DAY0.plus(Duration.ofDays(2))); t = t.plus(Duration.ofMinutes(10))) {
      assertThat(observe(p, t)).isInstanceOf(ScalingDecision.Hold.class);
    }
    Instant day2 = DAY0.plus(Duration.ofDays(2));
    ScalingDecision.Bound early = (ScalingDecision.Bound) observe(p, day2.plus(Duration.ofMinutes(10 * 60 + 50)));
    assertThat(early.floor()).isEqualTo(2); // 100 / 60 -> 2
    assertThat(p.nextEvaluation()).isEqualTo(day2.plus(Duration.ofHours(11)));
    ScalingDecision.Bound ahead = (ScalingDecision.Bound) observe(p, day2.plus(Duration.ofHours(11)));
    assertThat(ahead.floor()).isEqualTo(10); // 600 / 60, one hour before the peak
    assertThat(ahead.ceiling()).isEqualTo(Integer.MAX_VALUE);
    assertThat(ahead.desired()).isNull();
    assertThat(ahead.reason()).isEqualTo("predictive: forecast peak 600 at 2015-06-20T12:00:00Z (mean of 2 past"
        + " day(s)) within the next 1h / target 60 per instance -> floor 10 (load now 100)");
    ScalingDecision.Bound after = (ScalingDecision.Bound) observe(p, day2.plus(Duration.ofHours(13)));
    assertThat(after.floor()).isEqualTo(2);
  }

  @Test
  void theForecastIsTheMeanOfThePastSeasonsPeaksAndForgetsOldOnes() {
    SeasonalMemory m = new SeasonalMemory(PredictiveSettings.Season.DAY, Duration.ofHours(1), 2, java.time.ZoneOffset.UTC);
    Instant noon = DAY0.plus(Duration.ofHours(12));
    m.observe(noon, 100);
    m.observe(noon.plusSeconds(60), 300); // the bucket keeps the day's peak
    assertThat(m.forecast(noon.plus(Duration.ofDays(1))).value()).isEqualTo(300);
    m.observe(noon.plus(Duration.ofDays(1)), 500);
    assertThat(m.forecast(noon.plus(Duration.ofDays(2))).value()).isEqualTo(400);
    m.observe(noon.plus(Duration.ofDays(2)), 700);
    // history_seasons 2: day 0's 300 dropped out
    assertThat(m.forecast(noon.plus(Duration.ofDays(3))).value()).isEqualTo(600);
    assertThat(m.forecast(noon.plus(Duration.ofHours(1)))).isNull();
  }

  @Test
  void perInstanceLoadIsTheSumAndForecastOnlyNeverActs() {
    PredictivePolicy p = new PredictivePolicy(PredictiveSettings.parse(spec("predictive",
        new MetricQuery("web", "cpu", false), "target", 50, "min_history", 0, "mode", "forecast_only")));
    Instant t = DAY0;
    p.evaluate(input(running(3, DAY0, 0), values(t, 80, 90, 100), List.of(), null, t));
    Instant next = t.plus(Duration.ofDays(1)).minus(Duration.ofMinutes(30));
    ScalingDecision d = p.evaluate(input(running(3, DAY0, 0), values(next, 10, 10, 10), List.of(), null, next));
    assertThat(d).isInstanceOf(ScalingDecision.Hold.class);
    assertThat(d.reason()).startsWith("predictive (forecast_only): forecast peak 270 at").contains("-> floor 6")
        .endsWith("(load now 30); not applied");
  }

  @Test
  void everySettingsProblemIsReportedWithItsPath() {
    assertThatThrownBy(() -> PredictiveSettings.parse(spec("predictive", null, "target", 0, "season", "month",
        "resolution", "7m", "forecast_window", "2d", "history_seasons", 100, "timezone", "Nowhere", "mode", "yes")))
        .isInstanceOf(ConfigException.class)
        .extracting(e -> ((ConfigException) e).problems().stream().map(ConfigProblem::path).toList())
        .asList()
        .containsExactly("metric", "target", "season", "resolution", "forecast_window", "history_seasons",
            "timezone", "mode");
    assertThatThrownBy(() -> PredictiveSettings.parse(spec("predictive", RPS, "target", 1, "season", "week",
        "resolution", "1m", "history_seasons", 52)))
        .hasMessageContaining("resolution: keeps too much: 10080 buckets x history_seasons 52 exceeds 100000 values");
  }
}
