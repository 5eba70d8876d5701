package io.dynamite.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.dynamite.api.event.DecisionRecord;
import io.dynamite.harness.DynamiteExtension;
import io.dynamite.harness.DynamiteTestHarness;
import io.dynamite.harness.DynamiteYaml;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The example of the README's "Testing your own policies", as it is printed there. */
@ExtendWith(DynamiteExtension.class)
class WebScalingTest {
  @Test
  @DynamiteYaml("""
      Dynamite:
        ServiceFiles: {PathList: []}
        ETCD: {application_base_path: /services, metrics_base_path: /metrics}
        Service:
          web: {name_of_unit_file: web@.service, min_instance: 1, max_instance: 4,
                base_instance_prefix_number: 8000, ports_per_instance: 1,
                scale_up_policy: {ScalingPolicy: busy}}
        ScalingPolicy:
          busy: {service_type: webserver, metric: cpu_user, comparative_operator: gt,
                 threshold: 80, period: 10, period_unit: second}
      """)
  void scalesUpAfterTenBusySeconds(DynamiteTestHarness h) {
    for (int s = 0; s <= 11; s++) {
      h.push("webserver", "cpu_user", "u1", 95).advance(Duration.ofSeconds(1));
    }
    DecisionRecord d = h.takeDecision();
    assertThat(d.outcome()).isEqualTo(DecisionRecord.Outcome.SCALED);
    assertThat(h.started()).containsExactly("web@8000.service", "web@8001.service");
    h.awaitNoDecision(Duration.ofMinutes(1));
  }
}
