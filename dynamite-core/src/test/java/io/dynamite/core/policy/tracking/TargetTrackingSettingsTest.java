package io.dynamite.core.policy.tracking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dynamite.api.ConfigException;
import io.dynamite.api.ConfigProblem;
import io.dynamite.core.PluginRegistry;
import io.dynamite.core.config.ConfigLoader;
import io.dynamite.core.config.DynamiteConfig;
import io.dynamite.core.config.PolicyConfig;
import io.dynamite.core.policy.tracking.ScalingRules.RatePolicy;
import io.dynamite.core.policy.tracking.ScalingRules.SelectPolicy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The YAML form of {@code type: target-tracking}, loaded with the real {@link ConfigLoader}. */
class TargetTrackingSettingsTest {
  private static final String P = "Dynamite.ScalingPolicy.cpu.";

  private static final String YAML = """
      Dynamite:
        ServiceFiles:
          PathList:
            - units
        ETCD:
          application_base_path: /services
          metrics_base_path: /metrics
        Service:
          web:
            name_of_unit_file: web@.service
            min_instance: 2
            max_instance: 10
            base_instance_prefix_number: 8080
            ports_per_instance: 1
            policies:
              - cpu
        ScalingPolicy:
          cpu:
            type: target-tracking
            service_type: webserver
      %s
      """;

  @TempDir Path dir;

  @BeforeEach
  void writeUnits() throws IOException {
    Path units = Files.createDirectories(dir.resolve("units"));
    Files.writeString(units.resolve("web@.service"), "[Unit]\nDescription=web\n[Service]\nExecStart=/bin/true\n");
  }

  private static String yaml(String entry) {
    String indented = entry.stripIndent().lines().map(l -> "      " + l).reduce((a, b) -> a + "\n" + b).orElse("");
    return String.format(YAML, indented);
  }

  private DynamiteConfig load(String entry) {
    return ConfigLoader.builder().build().load(yaml(entry), dir);
  }

  private List<ConfigProblem> problems(String entry) {
    List<ConfigProblem> out = new ArrayList<>();
    assertThatThrownBy(() -> load(entry))
        .isInstanceOfSatisfying(ConfigException.class, e -> out.addAll(e.problems()));
    return out;
  }

  private static TargetTrackingSettings settings(DynamiteConfig c) {
    PolicyConfig pc = c.policies().get("cpu");
    return TargetTrackingSettings.parse(new io.dynamite.api.PolicySpec(
        pc.name(), pc.type(), io.dynamite.api.ServiceId.of("web"), null, pc.query(), pc.settings()));
  }

  @Test
  void isABuiltInTypeOfTheRegistryAndTheLoader() {
    assertThat(PluginRegistry.builtIn().policies()).containsKeys("threshold", "target-tracking");
    assertThat(ConfigLoader.builder().build().policyTypes()).contains("target-tracking");
    assertThat(new TargetTrackingPolicyProvider().settingsKeys()).contains("target", "behavior", "max_sample_age");
  }

  @Test
  void appliesTheDocumentedDefaults() {
    TargetTrackingSettings s = settings(load("""
        metric: cpu
        target: 60
        """));
    assertThat(s.aggregated()).isFalse();
    assertThat(s.target()).isEqualTo(Target.utilization(60));
    assertThat(s.capacityMilli()).isEqualTo(100_000);
    assertThat(s.tolerance()).isEqualTo(Tolerance.DEFAULT);
    assertThat(s.maxSampleAge()).isEqualTo(Duration.ofSeconds(60));
    assertThat(s.initializationPeriod()).isZero();
    assertThat(s.behavior()).isEqualTo(Behavior.defaults());
    assertThat(s.behavior().scaleUp().stabilizationWindow()).isZero();
    assertThat(s.behavior().scaleDown().stabilizationWindow()).isEqualTo(Duration.ofSeconds(300));
  }

  @Test
  void theDefaultsWrittenOutAsInDocsPoliciesMdAreTheImplicitOnes() {
    TargetTrackingSettings implicit = settings(load("""
        metric: cpu_user
        target: 60
        """));
    TargetTrackingSettings written = settings(load("""
        metric: cpu_user
        target: 60
        target_type: utilization
        capacity: 100
        tolerance: 0.1
        max_sample_age: 60
        initialization_period: 0
        behavior:
          scale_up:
            stabilization_window: 0
            select_policy: max
            policies:
              - {type: pods, value: 4, period: 15}
              - {type: percent, value: 100, period: 15}
          scale_down:
            stabilization_window: 300
            select_policy: max
            policies:
              - {type: percent, value: 100, period: 15}
        """));
    assertThat(written).isEqualTo(implicit);
  }

  @Test
  void aggregatedMetricsDefaultToAValueTarget() {
    TargetTrackingSettings s = settings(load("""
        metric: queue_length
        metric_aggregated: true
        target: 2.5
        """));
    assertThat(s.aggregated()).isTrue();
    assertThat(s.target()).isEqualTo(Target.value(2500));
  }

  @Test
  void readsEveryKey() {
    TargetTrackingSettings s = settings(load("""
        metric: cpu
        target: 70
        target_type: utilization
        capacity: 400
        tolerance: 0.2
        tolerance_down: 0.05
        max_sample_age: 30
        initialization_period: 120
        behavior:
          scale_up:
            stabilization_window: 30
            select_policy: min
            policies:
              - type: pods
                value: 2
                period: 60
              - type: percent
                value: 50
                period: 60
          scale_down:
            select_policy: disabled
        """));
    assertThat(s.capacityMilli()).isEqualTo(400_000);
    assertThat(s.tolerance()).isEqualTo(new Tolerance(0.05, 0.2));
    assertThat(s.maxSampleAge()).isEqualTo(Duration.ofSeconds(30));
    assertThat(s.initializationPeriod()).isEqualTo(Duration.ofSeconds(120));
    assertThat(s.behavior().scaleUp()).isEqualTo(new ScalingRules(Duration.ofSeconds(30), SelectPolicy.MIN,
        List.of(new RatePolicy(RatePolicy.Type.PODS, 2, Duration.ofSeconds(60)),
            new RatePolicy(RatePolicy.Type.PERCENT, 50, Duration.ofSeconds(60))), null));
    assertThat(s.behavior().scaleDown().selectPolicy()).isEqualTo(SelectPolicy.DISABLED);
    assertThat(s.behavior().scaleDown().stabilizationWindow()).isEqualTo(Duration.ofSeconds(300));
    assertThat(s.behavior().scaleDown().policies()).isEqualTo(ScalingRules.SCALE_DOWN_DEFAULT_POLICIES);

    TargetTrackingSettings avg = settings(load("""
        metric: requests
        target: 250
        target_type: average_value
        """));
    assertThat(avg.target()).isEqualTo(Target.averageValue(250_000));
  }

  @Test
  void reportsEveryProblemAtOnceWithItsPath() {
    assertThat(problems("""
        metric: cpu
        target_type: percentage
        tolerence: 0.1
        tolerance_up: -1
        max_sample_age: 0
        initialization_period: soon
        behavior:
          scale_up:
            stabilisation_window: 10
            policies:
              - type: pod
                value: 1.5
                period: 0
              - value: 4
          scale_down:
            stabilization_window: 7200
            select_policy: maximum
            policies: []
        """)).extracting(ConfigProblem::path).containsExactlyInAnyOrder(
        P + "tolerence",
        P + "target_type",
        P + "target",
        P + "tolerance_up",
        P + "max_sample_age",
        P + "initialization_period",
        P + "behavior.scale_up.stabilisation_window",
        P + "behavior.scale_up.policies[0].type",
        P + "behavior.scale_up.policies[0].value",
        P + "behavior.scale_up.policies[0].period",
        P + "behavior.scale_up.policies[1].type",
        P + "behavior.scale_up.policies[1].period",
        P + "behavior.scale_down.stabilization_window",
        P + "behavior.scale_down.select_policy",
        P + "behavior.scale_down.policies");
  }

  @Test
  void explainsEachProblem() {
    List<ConfigProblem> p = problems("""
        metric: cpu
        target: -3
        behavior:
          scale_down:
            select_policy: maximum
        """);
    assertThat(p).extracting(Object::toString).containsExactlyInAnyOrder(
        P + "target: must be greater than 0, got -3",
        P + "behavior.scale_down.select_policy: unknown select policy the string 'maximum'; allowed values are"
            + " 'max', 'min', 'disabled'");
    assertThat(problems("""
        metric: cpu
        target: 60.5
        """)).extracting(Object::toString)
        .containsExactly(P + "target: a utilization target is a whole percent of capacity, got 60.5");
    assertThat(problems("""
        metric: cpu
        target: 60
        behavior: fast
        """)).extracting(Object::toString).containsExactly(P + "behavior: expected a mapping, found the string 'fast'");
  }

  @Test
  void checksTheTargetTypeAgainstTheMetric() {
    assertThat(problems("""
        metric: queue
        metric_aggregated: true
        target_type: utilization
        target: 50
        """)).singleElement().satisfies(p -> {
          assertThat(p.path()).isEqualTo(P + "target_type");
          assertThat(p.message()).contains("'utilization' needs a per-instance metric");
        });
    assertThat(problems("""
        metric: cpu
        target_type: value
        target: 50
        """)).singleElement().satisfies(p -> assertThat(p.message()).contains("'value' needs an aggregated metric"));
    assertThat(problems("""
        metric: requests
        target_type: average_value
        target: 50
        capacity: 200
        """)).singleElement().satisfies(p -> {
          assertThat(p.path()).isEqualTo(P + "capacity");
          assertThat(p.message()).isEqualTo("only target_type utilization uses a capacity");
        });
  }

  @Test
  void needsAMetric() {
    String yaml = yaml("target: 60\n").replace("      service_type: webserver\n", "");
    List<ConfigProblem> out = new ArrayList<>();
    assertThatThrownBy(() -> ConfigLoader.builder().build().load(yaml, dir))
        .isInstanceOfSatisfying(ConfigException.class, e -> out.addAll(e.problems()));
    assertThat(out).extracting(Object::toString).containsExactly(
        P + "metric: required key is missing: a target-tracking policy needs service_type and metric");
  }
}
