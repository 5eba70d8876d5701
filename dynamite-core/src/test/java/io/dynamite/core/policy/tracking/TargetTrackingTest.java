package io.dynamite.core.policy.tracking;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Evaluation sequences: the history carried from one evaluation to the next. */
class TargetTrackingTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  private static TrackingInput cpu(int current, long... usages) {
    InstanceSample[] instances = new InstanceSample[usages.length];
    for (int i = 0; i < usages.length; i++) {
      instances[i] = new InstanceSample("i" + i, InstanceState.READY, usages[i], 1000L);
    }
    TrackedMetric m = TrackedMetric.PerInstance.of("cpu", TrackedMetric.Kind.RESOURCE, Target.utilization(50), List.of(instances));
    return new TrackingInput(current, usages.length, usages.length, usages.length, List.of(m));
  }

  @Test
  void newPolicyHoldsAScaleDownForTheDownWindow() {
    TrackingSettings s = TrackingSettings.builder().minReplicas(1).maxReplicas(10).behavior(Behavior.defaults()).build();
    TrackingOutcome first = TargetTracking.evaluate(s, cpu(4, 100, 100, 100, 100), ScalingHistory.NEW, T0);
    assertThat(first.desiredReplicas()).isEqualTo(4);
    assertThat(first.reason()).isEqualTo(Reasons.SCALE_DOWN_STABILIZED);

    TrackingOutcome later =
        TargetTracking.evaluate(s, cpu(4, 100, 100, 100, 100), first.history(), T0.plus(Duration.ofSeconds(301)));
    assertThat(later.desiredReplicas()).isEqualTo(1);
    assertThat(later.scale()).isTrue();
  }

  @Test
  void appliedScaleUpsCountAgainstTheRateLimit() {
    Behavior oneAMinute =
        Behavior.of(
            new ScalingRules(null, null, List.of(new ScalingRules.RatePolicy(ScalingRules.RatePolicy.Type.PODS, 1, Duration.ofSeconds(60))), null),
            null,
            Behavior.DEFAULT_SCALE_DOWN_WINDOW);
    TrackingSettings s = TrackingSettings.builder().minReplicas(1).maxReplicas(10).behavior(oneAMinute).build();
    TrackingOutcome first = TargetTracking.evaluate(s, cpu(2, 1000, 1000), ScalingHistory.NEW, T0);
    assertThat(first.desiredReplicas()).isEqualTo(3);
    assertThat(first.reason()).isEqualTo(Reasons.SCALE_UP_LIMIT);

    TrackingOutcome second =
        TargetTracking.evaluate(s, cpu(3, 1000, 1000, 1000), first.historyAfterScale(), T0.plusSeconds(15));
    assertThat(second.desiredReplicas()).as("one instance already added within the minute").isEqualTo(3);

    TrackingOutcome refused =
        TargetTracking.evaluate(s, cpu(2, 1000, 1000), first.history(), T0.plusSeconds(15));
    assertThat(refused.desiredReplicas()).as("the refused change was never recorded").isEqualTo(3);
  }

  @Test
  void restoredHistoryDecidesLikeTheOriginal() {
    TrackingSettings s = TrackingSettings.builder().minReplicas(1).maxReplicas(10).behavior(Behavior.defaults()).build();
    TrackingOutcome first = TargetTracking.evaluate(s, cpu(2, 1000, 1000), ScalingHistory.NEW, T0);
    ScalingHistory kept = first.historyAfterScale();
    ScalingHistory restored =
        new ScalingHistory(kept.started(), kept.recommendations(), kept.scaleUpEvents(), kept.scaleDownEvents(), kept.scaledToZero());
    Instant next = T0.plusSeconds(10);
    assertThat(TargetTracking.evaluate(s, cpu(4, 10, 10, 10, 10), restored, next))
        .isEqualTo(TargetTracking.evaluate(s, cpu(4, 10, 10, 10, 10), kept, next));
  }

  @Test
  void onlyAPolicyParkedServiceComesBackFromZero() {
    TrackedMetric queue = new TrackedMetric.Aggregate("queue", TrackedMetric.Kind.EXTERNAL, Target.value(10_000), List.of(0L));
    TrackingSettings s = TrackingSettings.builder().minReplicas(0).maxReplicas(5).allowScaleToZero(true).build();
    TrackingOutcome down =
        TargetTracking.evaluate(s, new TrackingInput(2, 2, 2, 2, List.of(queue)), ScalingHistory.of(List.of(), List.of(), List.of()), T0);
    assertThat(down.desiredReplicas()).isZero();
    assertThat(down.historyAfterScale().scaledToZero()).isTrue();

    TrackedMetric busy = new TrackedMetric.Aggregate("queue", TrackedMetric.Kind.EXTERNAL, Target.value(10_000), List.of(25_000L));
    TrackingInput atZero = new TrackingInput(0, 0, 0, 0, List.of(busy));
    assertThat(TargetTracking.evaluate(s, atZero, down.historyAfterScale(), T0.plusSeconds(15)).desiredReplicas()).isEqualTo(3);
    assertThat(TargetTracking.evaluate(s, atZero, down.history(), T0.plusSeconds(15)).path())
        .isEqualTo(TrackingOutcome.Path.SCALING_DISABLED);
  }
}
