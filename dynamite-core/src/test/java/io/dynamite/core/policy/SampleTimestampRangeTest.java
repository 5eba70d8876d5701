package io.dynamite.core.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dynamite.api.MetricSample;
import io.dynamite.api.PolicyInput;
import io.dynamite.api.ScalingDecision;
import io.dynamite.api.ServiceId;
import io.dynamite.api.ServiceView;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The threshold rule computes in epoch nanoseconds: a sample stamped 2300-01-01 would wrap to about
 * 1715. Such a sample cannot be built, so the policy never sees one.
 */
class SampleTimestampRangeTest {
  @Test
  void aSampleBeyondTheNanosecondRangeCannotBeBuilt() {
    for (String ts : List.of("2300-01-01T00:00:00Z", "2262-04-11T23:47:16.854775808Z", "1600-01-01T00:00:00Z",
        "1677-09-21T00:12:43.145224192Z")) {
      assertThatThrownBy(() -> new MetricSample(ThresholdPolicyTest.Q, "u1", Instant.parse(ts), 60))
          .as(ts)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("metric timestamp " + Instant.parse(ts) + " is outside");
    }
  }

  @Test
  void samplesAtTheEdgesOfTheRangeKeepTheirOrderInThePolicy() {
    // a policy fed the latest possible sample after an ordinary one sees it as later, not as 1715
    ThresholdPolicy p = ThresholdPolicyTest.policy(10, 0, false);
    MetricSample early = new MetricSample(ThresholdPolicyTest.Q, "u1", ThresholdPolicyTest.T0, 60);
    MetricSample latest = new MetricSample(ThresholdPolicyTest.Q, "u1", MetricSample.LATEST, 60);
    ScalingDecision d = p.evaluate(new PolicyInput(new ServiceView(ServiceId.of("web"), 1, 0, 0, 1, 9),
        List.of(early, latest), ThresholdPolicyTest.T0));
    assertThat(d).isInstanceOf(ScalingDecision.Scale.class);
    assertThat(MetricSample.EARLIEST).isEqualTo(Instant.parse("1677-09-21T00:12:43.145224193Z"));
    assertThat(MetricSample.LATEST).isEqualTo(Instant.parse("2262-04-11T23:47:16.854775807Z"));
  }
}
