package io.dynamite.core.policy.tracking;

import static org.assertj.core.api.Assertions.assertThat;

import io.dynamite.core.policy.tracking.ScalingHistory.TimedRecommendation;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * A policy's own recommendation slots, changed in place, give the stabilizer exactly what the
 * copying path gives: the same counts and reasons, and the same slots in the same order, step
 * after step (evaluations one to three seconds apart, some at the same instant).
 */
class RecommendationSlotsTest {
  private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");

  @Property(tries = 300)
  void inPlaceSlotsStabilizeLikeCopiedLists(
      @ForAll @Size(min = 1, max = 400) List<@IntRange(min = 0, max = 12) Integer> desired,
      @ForAll @Size(min = 1, max = 400) List<@IntRange(min = 0, max = 3) Integer> gaps,
      @ForAll @IntRange(min = 0, max = 30) int upSeconds,
      @ForAll @IntRange(min = 0, max = 60) int downSeconds,
      @ForAll boolean legacy) {
    Duration up = Duration.ofSeconds(upSeconds);
    Duration down = Duration.ofSeconds(downSeconds);
    List<TimedRecommendation> copied = List.of(new TimedRecommendation(4, T0));
    List<TimedRecommendation> owned = RecommendationSlots.copyOf(copied);
    assertThat(owned).isNotNull();
    Instant now = T0;
    int current = 4;
    for (int i = 0; i < desired.size(); i++) {
      now = now.plusMillis(500L * gaps.get(i % gaps.size()));
      Stabilizer.Result a = legacy ? Stabilizer.legacy(copied, desired.get(i), down, now)
          : Stabilizer.withBehavior(copied, current, desired.get(i), up, down, now);
      Stabilizer.Result b = legacy ? Stabilizer.legacy(owned, desired.get(i), down, now)
          : Stabilizer.withBehavior(owned, current, desired.get(i), up, down, now);
      assertThat(b.replicas()).isEqualTo(a.replicas());
      assertThat(b.reason()).isEqualTo(a.reason());
      assertThat(b.recommendations()).isSameAs(owned).isInstanceOf(RecommendationSlots.class);
      assertThat(new ArrayList<>(b.recommendations())).isEqualTo(new ArrayList<>(a.recommendations()));
      assertThat(a.recommendations()).isNotInstanceOf(RecommendationSlots.class);
      copied = a.recommendations();
      current = a.replicas();
    }
  }

  @Property(tries = 100)
  void theEarliestLeavingRecommendationIsFoundOnTheSlots(
      @ForAll @Size(min = 0, max = 60) List<@IntRange(min = 0, max = 12) Integer> counts,
      @ForAll @Size(min = 1, max = 60) List<@IntRange(min = 0, max = 90) Integer> seconds,
      @ForAll @IntRange(min = 0, max = 90) int cutoffSecond,
      @ForAll @IntRange(min = 0, max = 12) int raw,
      @ForAll boolean below) {
    List<TimedRecommendation> recs = new ArrayList<>();
    for (int i = 0; i < counts.size(); i++) {
      recs.add(new TimedRecommendation(counts.get(i), T0.plusSeconds(seconds.get(i % seconds.size()))));
    }
    RecommendationSlots slots = RecommendationSlots.copyOf(recs);
    Instant cutoff = T0.plusSeconds(cutoffSecond);
    Instant expected = null;
    for (TimedRecommendation r : recs) {
      if ((below ? r.replicas() < raw : r.replicas() > raw) && r.at().isAfter(cutoff)
          && (expected == null || r.at().isBefore(expected))) {
        expected = r.at();
      }
    }
    int found = slots.earliestAfter(RecommendationSlots.nanos(cutoff), raw, below);
    assertThat(found < 0 ? null : slots.get(found).at()).isEqualTo(expected);
  }

  @Property(tries = 50)
  void aTimeBeyondNanosecondsIsNotTaken(@ForAll boolean future) {
    Instant far = future ? Instant.parse("2300-01-01T00:00:00Z") : Instant.parse("1600-01-01T00:00:00Z");
    assertThat(RecommendationSlots.nanos(far)).isEqualTo(RecommendationSlots.UNREPRESENTABLE);
    assertThat(RecommendationSlots.copyOf(List.of(new TimedRecommendation(1, far)))).isNull();
    RecommendationSlots slots = RecommendationSlots.copyOf(List.of(new TimedRecommendation(1, T0)));
    // the stabilizer copies instead, as it does for any other list
    Stabilizer.Result r = Stabilizer.withBehavior(slots, 1, 2, Duration.ZERO, Duration.ofSeconds(300), far);
    Stabilizer.Result copied = Stabilizer.withBehavior(List.of(new TimedRecommendation(1, T0)), 1, 2, Duration.ZERO,
        Duration.ofSeconds(300), far);
    assertThat(r.recommendations()).isNotSameAs(slots).isEqualTo(copied.recommendations()).contains(
        new TimedRecommendation(2, far));
    assertThat(slots).containsExactly(new TimedRecommendation(1, T0));
  }
}
