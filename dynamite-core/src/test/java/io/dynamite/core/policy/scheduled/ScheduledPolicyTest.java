package io.dynamite.core.policy.scheduled;

import static io.dynamite.core.policy.PolicyInputs.counts;
import static io.dynamite.core.policy.PolicyInputs.spec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dynamite.api.ConfigException;
import io.dynamite.api.ConfigProblem;
import io.dynamite.api.MetricQuery;
import io.dynamite.api.ScalingDecision;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ScheduledPolicyTest {
  private static ScheduledPolicy policy(Object... kv) {
    return new ScheduledPolicy(ScheduledSettings.parse(spec("scheduled", null, kv)));
  }

  private static ScalingDecision at(ScheduledPolicy p, String time) {
    return p.evaluate(counts(3, Instant.parse(time)));
  }

  @Test
  void aWindowSetsAFloorAndCeilingAndAsksForItsBoundaries() {
    ScheduledPolicy p = policy("schedule", List.of(
        Map.of("name", "office", "cron", "0 8 * * MON-FRI", "duration", "10h", "min", 4, "max", 10)));
    // 2015-06-18 is a Thursday
    ScalingDecision before = at(p, "2015-06-18T07:00:00Z");
    assertThat(before).isInstanceOf(ScalingDecision.Hold.class);
    assertThat(before.reason()).isEqualTo("no schedule entry in force; next change at 2015-06-18T08:00:00Z");
    assertThat(p.nextEvaluation()).isEqualTo("2015-06-18T08:00:00Z");

    ScalingDecision in = at(p, "2015-06-18T08:00:00Z");
    assertThat(in).isEqualTo(new ScalingDecision.Bound(4, 10, null, in.reason()));
    assertThat(in.reason()).contains("office (cron '0 8 * * MON-FRI' for 10h) in force since 2015-06-18T08:00:00Z"
        + " until 2015-06-18T18:00:00Z: min 4, max 10 -> floor 4, ceiling 10");
    assertThat(p.nextEvaluation()).isEqualTo("2015-06-18T18:00:00Z");

    assertThat(at(p, "2015-06-18T18:00:00Z")).isInstanceOf(ScalingDecision.Hold.class);
    // Friday 18:00 -> Monday 08:00
    at(p, "2015-06-19T18:00:00Z");
    assertThat(p.nextEvaluation()).isEqualTo("2015-06-22T08:00:00Z");
  }

  @Test
  void settingEntriesStayInForceUntilTheNextOneFires() {
    ScheduledPolicy p = policy("timezone", "Europe/Zurich", "schedule", List.of(
        Map.of("cron", "0 8 * * *", "min", 6),
        Map.of("cron", "0 18 * * *", "min", 1)));
    // 09:00 UTC is 11:00 in Zurich: the 08:00 entry fired last
    ScalingDecision day = at(p, "2015-06-18T09:00:00Z");
    assertThat(((ScalingDecision.Bound) day).floor()).isEqualTo(6);
    assertThat(p.nextEvaluation()).isEqualTo("2015-06-18T16:00:00Z"); // 18:00 local
    ScalingDecision night = at(p, "2015-06-18T23:00:00Z");
    assertThat(((ScalingDecision.Bound) night).floor()).isEqualTo(1);
    assertThat(night.reason()).contains("schedule[1] (cron '0 18 * * *' Europe/Zurich) in force since 2015-06-18T16:00:00Z");
  }

  @Test
  void desiredIsRecommendedOnceAtEachFiringButNotReplayedAfterAStart() {
    ScheduledPolicy p = policy("schedule", List.of(
        Map.of("cron", "0 8 * * *", "duration", 36000, "min", 2, "desired", 6)));
    // first evaluation inside a window that began before: floor only
    ScalingDecision.Bound first = (ScalingDecision.Bound) at(p, "2015-06-18T09:00:00Z");
    assertThat(first.desired()).isNull();
    assertThat(first.floor()).isEqualTo(2);
    // the next day's firing is seen: desired once, then floor only
    ScalingDecision.Bound fired = (ScalingDecision.Bound) at(p, "2015-06-19T08:00:00Z");
    assertThat(fired.desired()).isEqualTo(6);
    assertThat(fired.reason()).contains("desired 6 once at this firing");
    ScalingDecision.Bound later = (ScalingDecision.Bound) at(p, "2015-06-19T08:00:05Z");
    assertThat(later.desired()).isNull();
  }

  @Test
  void overlappingEntriesTakeTheHighestFloorAndTheLowestCeilingAndTheFloorWinsWhenTheyCross() {
    ScheduledPolicy p = policy("schedule", List.of(
        Map.of("cron", "0 8 * * *", "duration", "10h", "min", 4, "max", 10),
        Map.of("at", "2015-06-18T12:00", "until", "2015-06-18T13:00", "min", 12),
        Map.of("at", "2015-06-18T12:30", "duration", "10m", "max", 8)));
    ScalingDecision.Bound noon = (ScalingDecision.Bound) at(p, "2015-06-18T12:10:00Z");
    assertThat(noon.floor()).isEqualTo(12);
    assertThat(noon.ceiling()).isEqualTo(12);
    assertThat(noon.reason()).contains("the floor 12 is above the ceiling 10, the floor wins");
    ScalingDecision.Bound crossed = (ScalingDecision.Bound) at(p, "2015-06-18T12:35:00Z");
    assertThat(crossed.floor()).isEqualTo(12);
    assertThat(crossed.ceiling()).isEqualTo(12);
    ScalingDecision.Bound after = (ScalingDecision.Bound) at(p, "2015-06-18T13:00:00Z");
    assertThat(after.floor()).isEqualTo(4);
    assertThat(after.ceiling()).isEqualTo(10);
    assertThat(p.nextEvaluation()).isEqualTo("2015-06-18T18:00:00Z");
  }

  @Test
  void aOneOffEntryWithAnOffsetAndNoEndStaysInForce() {
    ScheduledPolicy p = policy("schedule", List.of(Map.of("at", "2015-06-18T10:00:00+02:00", "min", 3)));
    assertThat(at(p, "2015-06-18T07:59:00Z")).isInstanceOf(ScalingDecision.Hold.class);
    assertThat(p.nextEvaluation()).isEqualTo("2015-06-18T08:00:00Z");
    assertThat(((ScalingDecision.Bound) at(p, "2016-01-01T00:00:00Z")).floor()).isEqualTo(3);
    assertThat(p.nextEvaluation()).isNull();
  }

  @Test
  void everySettingsProblemIsReportedWithItsPath() {
    assertThatThrownBy(() -> ScheduledSettings.parse(spec("scheduled", new MetricQuery("w", "cpu", false),
        "timezone", "Mars/Base", "schedule", List.of(
            Map.of("cron", "0 25 * * *", "min", 2),
            Map.of("at", "tomorrow", "until", "2015-01-01T00:00", "min", 1),
            Map.of("cron", "0 8 * * *", "at", "2015-06-18T08:00", "min", 1),
            Map.of("cron", "0 8 * * *", "min", 5, "max", 3, "desired", 9, "duraton", 5),
            Map.of("cron", "0 8 * * *", "duration", "10 hours"),
            Map.of("cron", "0 8 * * *", "until", "2015-06-18T08:00", "min", 1)))))
        .isInstanceOf(ConfigException.class)
        .extracting(e -> ((ConfigException) e).problems().stream().map(ConfigProblem::path).toList())
        .asList()
        .containsExactly("metric", "timezone", "schedule[0].cron", "schedule[1].at", "schedule[2]",
            "schedule[3].duraton", "schedule[3].min", "schedule[3].desired", "schedule[4].duration", "schedule[4]",
            "schedule[5].until");
    assertThatThrownBy(() -> ScheduledSettings.parse(spec("scheduled", null)))
        .hasMessageContaining("schedule: required key is missing");
  }
}
