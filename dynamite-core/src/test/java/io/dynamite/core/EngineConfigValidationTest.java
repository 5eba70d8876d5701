package io.dynamite.core;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dynamite.api.ConfigException;
import io.dynamite.api.ConfigProblem;
import io.dynamite.testkit.FakeScalingTarget;
import org.junit.jupiter.api.Test;

/** The engine holds a configuration built from records by hand to the rules of the YAML. */
class EngineConfigValidationTest {

  @Test
  void refusesAHandBuiltConfigurationTheYamlWouldRefuseWithTheSamePathAndMessage() {
    var config = TestConfigs.create()
        .single("db", 2)
        .template("web", 1, 4, 8000, 1, "busy", null)
        .build();
    assertThatThrownBy(() -> ScalingEngine.builder().config(config).target(new FakeScalingTarget()).build())
        .isInstanceOfSatisfying(ConfigException.class, e -> org.assertj.core.api.Assertions.assertThat(e.problems())
            .extracting(ConfigProblem::toString)
            .containsExactly(
                "Dynamite.Service.db.min_instance: a single-instance service (no '@' in name_of_unit_file) runs at"
                    + " most 1 instance, found 2",
                "Dynamite.Service.web.scale_up_policy.ScalingPolicy: no policy 'busy' is defined under"
                    + " Dynamite.ScalingPolicy"));
  }

  @Test
  void refusesMinInstanceAboveMaxInstanceAsTheYamlDoes() {
    var config = TestConfigs.create().template("web", 5, 2, 8000, 1, null, null).build();
    assertThatThrownBy(() -> ScalingEngine.builder().config(config).target(new FakeScalingTarget()).build())
        .isInstanceOf(ConfigException.class)
        .hasMessage("invalid configuration: Dynamite.Service.web.min_instance: min_instance (5) is greater than max_instance (2)");
  }

  @Test
  void buildsOnAValidHandBuiltConfiguration() {
    var config = TestConfigs.create()
        .template("web", 1, 4, 8000, 1, "busy", null)
        .threshold("busy", "webserver", "cpu_user", false, "gt", 80, 10, 0)
        .build();
    try (ScalingEngine engine = ScalingEngine.builder().config(config).target(new FakeScalingTarget()).build()) {
      org.assertj.core.api.Assertions.assertThat(engine.config()).isSameAs(config);
    }
  }
}
