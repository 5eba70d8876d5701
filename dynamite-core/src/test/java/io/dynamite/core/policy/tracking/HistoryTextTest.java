package io.dynamite.core.policy.tracking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dynamite.core.policy.tracking.ScalingHistory.ScaleEvent;
import io.dynamite.core.policy.tracking.ScalingHistory.TimedRecommendation;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * The target-tracking policy's stored history: what is left out must not change any later
 * stabilization, and a text that is not such a history is refused with the reason.
 */
class HistoryTextTest {
  private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");

  @Provide
  Arbitrary<List<TimedRecommendation>> recommendations() {
    Arbitrary<TimedRecommendation> one = Combinators.combine(Arbitraries.integers().between(0, 12),
        Arbitraries.integers().between(0, 600)).as((n, s) -> new TimedRecommendation(n, T0.plusSeconds(s)));
    return one.list().ofMaxSize(80);
  }

  /**
   * Every later evaluation (any time after the export, any new recommendation and current count)
   * stabilizes the restored recommendations to exactly what the full list gives.
   */
  @Property(tries = 300)
  void theStoredRecommendationsStabilizeEveryLaterEvaluationLikeTheFullHistory(
      @ForAll("recommendations") List<TimedRecommendation> recs,
      @ForAll @IntRange(min = 0, max = 300) int upWindow,
      @ForAll @IntRange(min = 0, max = 400) int downWindow,
      @ForAll @IntRange(min = 0, max = 12) int current) {
    Instant now = T0.plusSeconds(600);
    Duration up = Duration.ofSeconds(upWindow);
    Duration down = Duration.ofSeconds(downWindow);
    ScalingHistory full = ScalingHistory.of(recs, List.of(), List.of());
    ScalingHistory restored = HistoryText.read(HistoryText.write(full, now, up.compareTo(down) >= 0 ? up : down));
    assertThat(restored.started()).isTrue();
    assertThat(restored.recommendations().size()).isLessThanOrEqualTo(recs.size());
    for (int later = 0; later <= 500; later += 7) {
      Instant t = now.plusSeconds(later);
      for (int desired = 0; desired <= 12; desired += 3) {
        assertThat(Stabilizer.withBehavior(restored.recommendations(), current, desired, up, down, t).replicas())
            .as("at +%ds, desired %d", later, desired)
            .isEqualTo(Stabilizer.withBehavior(full.recommendations(), current, desired, up, down, t).replicas());
      }
    }
  }

  /**
   * The kept recommendations are exactly those of the plain definition: all of them sorted by time
   * (stably, so equal times keep their slot order), walked from the newest back to the cutoff, each
   * kept unless a later one is as high and a later one as low. Times repeat often here (0..40 s).
   */
  @Property(tries = 1000)
  void theKeptRecommendationsAreThoseOfSortingThemAll(
      @ForAll("crowded") List<TimedRecommendation> recs, @ForAll @IntRange(min = -1, max = 45) int cutoffSecond) {
    Instant cutoff = cutoffSecond < 0 ? null : T0.plusSeconds(cutoffSecond);
    List<TimedRecommendation> byTime = new ArrayList<>(recs);
    byTime.sort(java.util.Comparator.comparing(TimedRecommendation::at));
    List<TimedRecommendation> expected = new ArrayList<>();
    int maxLater = Integer.MIN_VALUE;
    int minLater = Integer.MAX_VALUE;
    for (int i = byTime.size() - 1; i >= 0; i--) {
      TimedRecommendation r = byTime.get(i);
      if (cutoff != null && r.at().isBefore(cutoff)) {
        break;
      }
      if (r.replicas() > maxLater || r.replicas() < minLater) {
        expected.add(0, r);
      }
      maxLater = Math.max(maxLater, r.replicas());
      minLater = Math.min(minLater, r.replicas());
    }
    List<TimedRecommendation> kept = HistoryText.relevant(recs, cutoff);
    assertThat(kept).isEqualTo(expected);
    // equal records are told apart by identity: the same ones, not just equal ones
    for (int i = 0; i < kept.size(); i++) {
      assertThat(kept.get(i)).isSameAs(expected.get(i));
    }
  }

  @Provide
  Arbitrary<List<TimedRecommendation>> crowded() {
    Arbitrary<TimedRecommendation> one = Combinators.combine(Arbitraries.integers().between(0, 30),
        Arbitraries.integers().between(0, 40)).as((n, s) -> new TimedRecommendation(n, T0.plusSeconds(s)));
    return one.list().ofMaxSize(120);
  }

  @Test
  void aSteadyLoadKeepsOneRecommendationHoweverOftenItWasEvaluated() {
    List<TimedRecommendation> recs = new ArrayList<>();
    for (int s = 0; s < 300; s++) {
      recs.add(new TimedRecommendation(5, T0.plusSeconds(s)));
    }
    ScalingHistory h = new ScalingHistory(true, recs,
        List.of(new ScaleEvent(3, T0, false), new ScaleEvent(1, T0.minusSeconds(900), true)), List.of(), false);
    String text = HistoryText.write(h, T0.plusSeconds(299), Duration.ofSeconds(300));
    assertThat(text).isEqualTo("{\"version\":1,\"started\":true,\"scaled_to_zero\":false,"
        + "\"recommendations\":[[5,\"2030-01-01T00:04:59Z\"]],\"scale_ups\":[[3,\"2030-01-01T00:00:00Z\"]],"
        + "\"scale_downs\":[]}");
    ScalingHistory back = HistoryText.read(text);
    assertThat(back.recommendations()).containsExactly(new TimedRecommendation(5, T0.plusSeconds(299)));
    assertThat(back.scaleUpEvents()).containsExactly(new ScaleEvent(3, T0, false));
  }

  @Test
  void recommendationsOutsideBothWindowsAreLeftOut() {
    ScalingHistory h = ScalingHistory.of(List.of(new TimedRecommendation(9, T0),
        new TimedRecommendation(2, T0.plusSeconds(100))), List.of(), List.of());
    ScalingHistory back = HistoryText.read(HistoryText.write(h, T0.plusSeconds(350), Duration.ofSeconds(300)));
    assertThat(back.recommendations()).containsExactly(new TimedRecommendation(2, T0.plusSeconds(100)));
  }

  @Test
  void textsThatAreNotAStoredHistoryAreRefusedWithTheReason() {
    assertThatThrownBy(() -> HistoryText.read("not json")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("invalid JSON");
    assertThatThrownBy(() -> HistoryText.read("{\"version\":2}")).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("unknown state version 2 (this version reads 1)");
    assertThatThrownBy(() -> HistoryText.read("{\"version\":1,\"started\":true,\"scaled_to_zero\":false,"
        + "\"recommendations\":[[5]],\"scale_ups\":[],\"scale_downs\":[]}"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must be [count, time]");
    assertThatThrownBy(() -> HistoryText.read("{\"version\":1,\"started\":true,\"scaled_to_zero\":false,"
        + "\"recommendations\":[],\"scale_ups\":[[0,\"2030-01-01T00:00:00Z\"]],\"scale_downs\":[]}"))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("scale_ups change must be positive: 0");
  }
}
