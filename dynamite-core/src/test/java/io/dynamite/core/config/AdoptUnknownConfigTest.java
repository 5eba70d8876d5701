package io.dynamite.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dynamite.api.ConfigException;
import io.dynamite.api.ServiceId;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code Dynamite.Service.<name>.adopt_unknown}: default true, a boolean, only on template services. */
class AdoptUnknownConfigTest {
  private static final String UNIT = "[Unit]\nDescription=x\n[Service]\nExecStart=/bin/true\n";

  @TempDir Path dir;

  @BeforeEach
  void writeUnits() throws IOException {
    Path units = Files.createDirectories(dir.resolve("units"));
    for (String name : List.of("web@.service", "log@.service", "single.service")) {
      Files.writeString(units.resolve(name), UNIT);
    }
  }

  private DynamiteConfig load(String webExtra, String logExtra, String singleExtra) {
    String yaml = """
        Dynamite:
          ServiceFiles:
            PathList: [units]
          ETCD:
            application_base_path: /services
            metrics_base_path: /metrics
          Service:
            web:
              name_of_unit_file: web@.service
              max_instance: 3
              base_instance_prefix_number: 8000
              ports_per_instance: 1
              attached_service: [log]
        """ + webExtra.indent(6) + """
            log:
              name_of_unit_file: log@.service
              type: attached_service
        """ + logExtra.indent(6) + """
            single:
              name_of_unit_file: single.service
        """ + singleExtra.indent(6) + "  ScalingPolicy: {}\n";
    return ConfigLoader.builder().build().load(yaml, dir);
  }

  @Test
  void defaultsToTrueAndReadsFalse() {
    assertThat(load("", "", "").service(ServiceId.of("web")).adoptUnknown()).isTrue();
    assertThat(load("adopt_unknown: true", "", "").service(ServiceId.of("web")).adoptUnknown()).isTrue();
    assertThat(load("adopt_unknown: false", "", "").service(ServiceId.of("web")).adoptUnknown()).isFalse();
    // false on a single-instance service is what happens anyway, so it is accepted
    assertThat(load("", "", "adopt_unknown: false").service(ServiceId.of("single")).adoptUnknown()).isFalse();
  }

  @Test
  void rejectsAValueThatIsNotABooleanAndMisplacedSettingsAllAtOnce() {
    assertThatThrownBy(() -> load("adopt_unknown: \"yes\"", "adopt_unknown: false", "adopt_unknown: true"))
        .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems())
            .extracting(p -> p.path() + ": " + p.message())
            .containsExactlyInAnyOrder(
                "Dynamite.Service.web.adopt_unknown: expected true or false, found the string 'yes'",
                "Dynamite.Service.log.adopt_unknown: an attached service's units are adopted with their main"
                    + " unit; set adopt_unknown on the service they are attached to",
                "Dynamite.Service.single.adopt_unknown: only template services ('@' in name_of_unit_file) adopt"
                    + " unknown units: a numbered unit name is what tells an instance apart"));
  }
}
