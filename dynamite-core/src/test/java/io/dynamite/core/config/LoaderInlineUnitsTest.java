package io.dynamite.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dynamite.api.ConfigException;
import io.dynamite.api.ConfigProblem;
import io.dynamite.api.ServiceId;
import io.dynamite.api.UnitOption;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link ConfigLoader.Builder#unit}: unit files given in code to a YAML configuration. */
class LoaderInlineUnitsTest {
  private static final String YAML = """
      Dynamite:
        ServiceFiles: {PathList: %s}
        ETCD: {application_base_path: /services, metrics_base_path: /metrics}
        Service:
          web: {name_of_unit_file: web@.service, max_instance: 2, base_instance_prefix_number: 80, ports_per_instance: 1}
          db: {name_of_unit_file: db.service}
        ScalingPolicy:
      """;

  @TempDir Path dir;

  private List<ConfigProblem> problems(ConfigLoader loader, String yaml) {
    List<ConfigProblem> out = new java.util.ArrayList<>();
    assertThatThrownBy(() -> loader.load(yaml, dir)).isInstanceOfSatisfying(ConfigException.class, e -> out.addAll(e.problems()));
    return out;
  }

  @Test
  void loadsWithoutAnyFolderWhenEveryUnitIsGiven() {
    DynamiteConfig c = ConfigLoader.builder()
        .unit("web@.service", "[Service]\nExecStart=/bin/web %i\n")
        .unit("db.service", List.of(UnitOption.of("Service", "ExecStart", "/bin/db")))
        .build().load(YAML.formatted("[]"), dir);
    assertThat(c.service(ServiceId.of("web")).unit().options()).containsExactly(UnitOption.of("Service", "ExecStart", "/bin/web %i"));
    assertThat(c.service(ServiceId.of("web")).unit().path()).isEqualTo("<inline>");
    assertThat(c.service(ServiceId.of("db")).unit().options()).containsExactly(UnitOption.of("Service", "ExecStart", "/bin/db"));
    assertThat(c.serviceFolders()).isEmpty();
  }

  @Test
  void looksUpGivenUnitsBeforeTheFolders() throws IOException {
    Path units = Files.createDirectories(dir.resolve("units"));
    Files.writeString(units.resolve("web@.service"), "[Service]\nExecStart=/from/folder %i\n");
    Files.writeString(units.resolve("db.service"), "[Service]\nExecStart=/from/folder\n");
    DynamiteConfig c = ConfigLoader.builder().unit("web@.service", "[Service]\nExecStart=/given %i\n").build()
        .load(YAML.formatted("[units]"), dir);
    assertThat(c.service(ServiceId.of("web")).unit().options()).containsExactly(UnitOption.of("Service", "ExecStart", "/given %i"));
    assertThat(c.service(ServiceId.of("db")).unit().path()).isEqualTo(units.resolve("db.service").toString());
  }

  @Test
  void reportsAUnitNeitherGivenNorFoundAndAMalformedGivenOne() {
    ConfigLoader loader = ConfigLoader.builder().unit("web@.service", "ExecStart=/bin/web\n").build();
    assertThat(problems(loader, YAML.formatted("[]"))).extracting(ConfigProblem::toString).containsExactly(
        "Dynamite.Service.web.name_of_unit_file: cannot parse the unit file: <inline web@.service>:1: option 'ExecStart' appears"
            + " before any [Section] header",
        "Dynamite.Service.db.name_of_unit_file: unit file 'db.service' was not given to ConfigLoader.Builder.unit"
            + " and no service folder is configured");
  }

  @Test
  void withoutGivenUnitsAnEmptyPathListIsStillAnError() {
    assertThat(problems(ConfigLoader.builder().build(), YAML.formatted("[]"))).extracting(ConfigProblem::path)
        .containsExactly("Dynamite.ServiceFiles.PathList");
  }
}
