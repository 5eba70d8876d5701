package io.dynamite.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dynamite.api.ServiceId;
import io.dynamite.core.config.DynamiteConfig;
import io.dynamite.core.config.PolicyConfig;
import io.dynamite.core.config.ServiceConfig;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The built-in comparison configurations: what they contain, and that they run and differ as they should. */
class BaselinesTest {
  @TempDir Path dir;

  private static final Trace JUMP = SimConfigs.trace("twitter-jump-25min.csv");

  @Test
  void hpaIsTargetTrackingAtTheTargetWithTheServicesBounds() {
    DynamiteConfig threshold = SimConfigs.load(dir, SimConfigs.threshold(2, 20));
    DynamiteConfig hpa = Baselines.hpa(threshold, null, 70);
    ServiceConfig web = hpa.services().get(ServiceId.of("web"));
    assertThat(web.minInstance()).isEqualTo(2);
    assertThat(web.maxInstance()).isEqualTo(20);
    assertThat(web.scaleUpPolicy()).isNull();
    assertThat(web.scaleDownPolicy()).isNull();
    assertThat(web.policies()).containsExactly("hpa_baseline");
    PolicyConfig p = hpa.policies().get("hpa_baseline");
    assertThat(p.type()).isEqualTo("target-tracking");
    assertThat(p.settings()).containsEntry("target", 70).containsEntry("metric", Baselines.HPA_METRIC)
        .doesNotContainKeys("behavior", "tolerance", "initialization_period"); // every other setting at its default
    assertThat(p.query().serviceType()).isEqualTo("webserver");
    assertThat(p.query().aggregated()).isFalse();
    // the user's configuration is untouched
    assertThat(threshold.services().get(ServiceId.of("web")).scaleUpPolicy()).isEqualTo("cpu_high");

    SimulationResult r = Simulation.builder().config(hpa).trace(JUMP).model(ServiceModel.of(20)).run();
    assertThat(r.engineErrors()).isEmpty();
    assertThat(r.settings().metricKinds()).containsEntry(Baselines.HPA_METRIC, MetricKind.UTILIZATION);
    assertThat(r.scores().starts()).isGreaterThan(3); // it scales out for the jump
    assertThat(r.decisionPoints()).extracting(DecisionPoint::policy).contains("web/hpa_baseline");

    assertThatThrownBy(() -> Baselines.hpa(threshold, null, 0)).hasMessageContaining("1 to 100");
    assertThatThrownBy(() -> Baselines.hpa(threshold, "nope", 60)).hasMessageContaining("no scalable service 'nope'");
  }

  @Test
  void originalIsTheServicesThresholdRulesInLegacyMode() {
    DynamiteConfig threshold = SimConfigs.load(dir, SimConfigs.threshold(2, 20));
    assertThat(Baselines.hasThresholdPolicy(threshold, null)).isTrue();
    DynamiteConfig original = Baselines.original(threshold, null);
    ServiceConfig web = original.services().get(ServiceId.of("web"));
    assertThat(web.scaleUpPolicy()).isEqualTo("cpu_high");
    assertThat(web.scaleDownPolicy()).isEqualTo("cpu_low");
    assertThat(original.policies().get("cpu_high").settings()).containsEntry("legacy_rule", true).containsEntry("threshold", 70);
    assertThat(original.policies().get("cpu_low").settings()).containsEntry("legacy_rule", true);
    assertThat(threshold.policies().get("cpu_high").settings()).doesNotContainKey("legacy_rule");

    SimulationResult legacy = Simulation.builder().config(original).legacyRouting(true).trace(JUMP).model(ServiceModel.of(20)).run();
    assertThat(legacy.engineErrors()).isEmpty();
    assertThat(legacy.scores().starts()).isPositive();
    assertThat(legacy.decisionPoints()).extracting(DecisionPoint::policy).contains("web/up/cpu_high");
  }

  @Test
  void originalNeedsAThresholdPolicy() {
    DynamiteConfig tracking = SimConfigs.load(dir, SimConfigs.tracking(2, 20));
    assertThat(Baselines.hasThresholdPolicy(tracking, null)).isFalse();
    assertThatThrownBy(() -> Baselines.original(tracking, null)).hasMessageContaining("has no threshold policy");
    // mixed: the threshold entry of policies: is kept, target tracking dropped
    String mixed = SimConfigs.tracking(2, 20).replace("        - cpu\n", "        - cpu\n        - hot\n")
        + "    hot:\n      service_type: webserver\n      metric: cpu_user\n      comparative_operator: gt\n"
        + "      threshold: 90\n      period: 10\n      direction: up\n";
    DynamiteConfig both = SimConfigs.load(dir, mixed);
    DynamiteConfig original = Baselines.original(both, null);
    assertThat(original.services().get(ServiceId.of("web")).policies()).containsExactly("hot");
    assertThat(original.policies().get("hot").settings()).containsEntry("legacy_rule", true);
  }
}
