package io.dynamite.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.dynamite.api.event.DecisionRecord;
import io.dynamite.harness.DynamiteExtension;
import io.dynamite.harness.DynamiteTestHarness;
import io.dynamite.harness.DynamiteYaml;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * How to test your own policy with dynamite-harness: the real engine, your YAML, in-memory metrics
 * and cluster, and a manual clock, so that every run is exactly the same. The policy here is the
 * {@code moving-average} plugin of this module, found on the class path as the daemon finds
 * plugins in its {@code --plugins} jars.
 */
@ExtendWith(DynamiteExtension.class)
@DynamiteYaml("""
    Dynamite:
      ServiceFiles: {PathList: []}
      ETCD: {application_base_path: /services, metrics_base_path: /metrics}
      Service:
        web:
          name_of_unit_file: web@.service
          min_instance: 1
          max_instance: 4
          base_instance_prefix_number: 8000
          ports_per_instance: 1
          scale_up_policy: {ScalingPolicy: busy}
      ScalingPolicy:
        busy:
          type: moving-average
          service_type: webserver
          metric: cpu_user
          comparative_operator: gt
          threshold: 70
          window_size: 4
          cooldown_seconds: 60
    """)
class TestingYourOwnPolicyTest {

  /** One sample of uuid u1 a second. */
  static void cpu(DynamiteTestHarness h, double... values) {
    for (double v : values) {
      h.push("webserver", "cpu_user", "u1", v).advance(Duration.ofSeconds(1));
    }
  }

  @Test
  void scalesUpOnceTheAverageIsHighAndThenWaitsForTheCooldown(DynamiteTestHarness h) {
    assertThat(h.started()).containsExactly("web@8000.service"); // topped up to min_instance at start
    cpu(h, 90, 90, 90);
    h.awaitNoDecision(); // three samples: the window is not full yet
    cpu(h, 90);
    DecisionRecord up = h.takeDecision();
    assertThat(up.outcome()).isEqualTo(DecisionRecord.Outcome.SCALED);
    assertThat(up.reason()).startsWith("average of the last 4 samples is 90.0 > 70.0");
    assertThat(h.started()).containsExactly("web@8000.service", "web@8001.service");

    cpu(h, 90, 90, 90, 90, 90, 90);
    h.awaitNoDecision(); // cooldown: the policy holds
    h.advance(Duration.ofSeconds(60));
    cpu(h, 90, 90, 90, 90);
    assertThat(h.takeDecision().outcome()).isEqualTo(DecisionRecord.Outcome.SCALED);
    assertThat(h.started()).hasSize(3);
    assertThat(h.running("web")).isEqualTo(3);
  }

  @Test
  void aQuietServiceIsLeftAlone(DynamiteTestHarness h) {
    cpu(h, 40, 50, 60, 65, 69, 30, 20);
    h.awaitNoDecision(Duration.ofMinutes(5));
    assertThat(h.started()).containsExactly("web@8000.service");
  }
}
