package io.dynamite.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.dynamite.api.event.DecisionRecord;
import io.dynamite.core.config.DynamiteConfig;
import io.dynamite.core.config.PolicyConfig;
import io.dynamite.core.config.ServiceConfig;
import io.dynamite.harness.DynamiteExtension;
import io.dynamite.harness.DynamiteTestHarness;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The same policy test with the configuration built in code ({@code DynamiteConfig.builder()}),
 * its unit file inline, and the extension registered on a field.
 */
class TestingAConfigurationInCodeTest {
  @RegisterExtension
  final DynamiteExtension dynamite = DynamiteExtension.of(() -> DynamiteTestHarness.builder()
      .discoverPlugins(TestingAConfigurationInCodeTest.class.getClassLoader()) // the moving-average plugin
      .config(DynamiteConfig.builder()
          .service(ServiceConfig.builder("web")
              .unit("web@.service", "[Service]\nExecStart=/usr/bin/web --port %i\n")
              .minInstance(2).maxInstance(4).baseInstancePrefixNumber(8000).portsPerInstance(1)
              .scaleDownPolicy("quiet"))
          .policy(PolicyConfig.builder("quiet").type("moving-average")
              .aggregatedMetric("webserver", "requests_per_second")
              .set("comparative_operator", "lt").set("threshold", 10).set("window_size", 3))));

  @Test
  void scalesDownWhenTheAggregatedLoadIsLowButNotBelowTheMinimum() {
    DynamiteTestHarness h = dynamite.harness();
    assertThat(h.started()).containsExactly("web@8000.service", "web@8001.service");
    for (int i = 0; i < 3; i++) {
      h.push("webserver", "requests_per_second", 2).advance(Duration.ofSeconds(1)); // aggregated: no uuid
    }
    DecisionRecord down = h.takeDecision();
    assertThat(down.outcome()).isEqualTo(DecisionRecord.Outcome.REFUSED);
    assertThat(down.reason()).contains("not scaled because").contains("min_instance 2");
    assertThat(h.stopped()).isEmpty();
    assertThat(h.running("web")).isEqualTo(2);
  }
}
