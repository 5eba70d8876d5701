package io.dynamite.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.dynamite.api.ConfigException;
import io.dynamite.api.ConfigProblem;
import io.dynamite.api.ServiceId;
import io.dynamite.api.UnitOption;
import io.dynamite.api.state.UnitDefinition;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The limits that keep hostile or mistaken input from exhausting the loader (stack, heap, time)
 * or the engine (instance numbering), each turned into a {@link ConfigException}.
 */
class ConfigLimitsTest {
  private static final String UNIT = "[Unit]\nDescription=x\n[Service]\nExecStart=/bin/true\n";

  @TempDir Path dir;

  @BeforeEach
  void writeUnits() throws IOException {
    Path units = Files.createDirectories(dir.resolve("units"));
    for (String name : List.of("web@.service", "db@.service")) {
      Files.writeString(units.resolve(name), UNIT);
    }
  }

  /** A valid file with one template service {@code web}, its keys given as YAML lines. */
  private static String config(String webKeys, String extraServices) {
    return """
        Dynamite:
          ServiceFiles:
            PathList: [units]
          ETCD:
            application_base_path: /services
            metrics_base_path: /metrics
          Service:
            web:
              name_of_unit_file: web@.service
        """ + webKeys.indent(6) + extraServices.indent(4) + "  ScalingPolicy: {}\n";
  }

  private static final String WEB = """
      min_instance: 1
      max_instance: 3
      base_instance_prefix_number: 8000
      ports_per_instance: 1
      """;

  private List<ConfigProblem> problems(String yaml) {
    List<ConfigProblem> out = new ArrayList<>();
    assertThatThrownBy(() -> ConfigLoader.builder().build().load(yaml, dir))
        .isInstanceOfSatisfying(ConfigException.class, e -> out.addAll(e.problems()));
    return out;
  }

  private static void assertOnly(List<ConfigProblem> problems, String path, String messagePart) {
    assertThat(problems).singleElement().satisfies(p -> {
      assertThat(p.path()).isEqualTo(path);
      assertThat(p.message()).contains(messagePart);
    });
  }

  @Test
  void theTestConfigIsValid() {
    assertThat(ConfigLoader.builder().build().load(config(WEB, ""), dir).services()).hasSize(1);
  }

  // ---- Nesting, aliases, size ------------------------------------------------------------------

  @Test
  void rejectsNestingDeeperThanTheLimitInsteadOfOverflowingTheStack() {
    String yaml = "Dynamite: " + "[".repeat(1000) + "]".repeat(1000) + "\n";
    List<ConfigProblem> problems = problems(yaml);
    assertThat(problems).singleElement().satisfies(p -> {
      assertThat(p.path()).startsWith("<text>:1:");
      assertThat(p.message()).contains("nesting limit of " + ConfigLoader.MAX_NESTING_DEPTH + " levels");
    });
  }

  @Test
  void rejectsBlockNestingDeeperThanTheLimit() {
    StringBuilder yaml = new StringBuilder("Dynamite:\n");
    for (int i = 1; i <= ConfigLoader.MAX_NESTING_DEPTH + 5; i++) {
      yaml.append(" ".repeat(i)).append("k").append(i).append(":\n");
    }
    assertThat(problems(yaml.toString())).singleElement()
        .satisfies(p -> assertThat(p.message()).contains("nesting limit"));
  }

  @Test
  void acceptsNestingWithinTheLimitInPluginSettings() {
    // the depth check counts levels, not characters: 50 levels are fine (and reach validation)
    String yaml = "Dynamite: {x: " + "[".repeat(50) + "]".repeat(50) + "}\n";
    assertThat(problems(yaml)).extracting(ConfigProblem::path).doesNotContain("<text>:1:1");
    assertThat(problems(yaml)).noneSatisfy(p -> assertThat(p.message()).contains("nesting"));
  }

  @Test
  void rejectsARecursiveAliasWithItsPath() {
    String yaml = config(WEB, "").replace("ScalingPolicy: {}", "ScalingPolicy: {p: {threshold_unit: &a [*a]}}");
    assertOnly(problems(yaml), "Dynamite.ScalingPolicy.p.threshold_unit", "recursive alias");
  }

  @Test
  void rejectsARecursiveAliasInsideAMapping() {
    assertOnly(problems("Dynamite: &d {x: {y: *d}}\n"), "Dynamite", "recursive alias");
  }

  @Test
  void rejectsAnAliasChainThatExpandsBeyondTheValueLimitQuickly() {
    // 44 aliases (under snakeyaml-engine's limit of 50) double the list 22 times: 2^23 values
    StringBuilder chain = new StringBuilder("[&a0 [lol, lol]");
    for (int i = 1; i <= 22; i++) {
      chain.append(", &a").append(i).append(" [*a").append(i - 1).append(", *a").append(i - 1).append(']');
    }
    chain.append(']');
    // policy settings are copied (aliases expanded) for the policy's validation
    String yaml = config(WEB, "").replace("ScalingPolicy: {}", "ScalingPolicy: {p: {threshold_unit: " + chain + "}}");
    List<ConfigProblem> problems = assertTimeoutPreemptively(Duration.ofSeconds(5), () -> problems(yaml));
    assertThat(problems).singleElement().satisfies(p -> {
      assertThat(p.path()).startsWith("Dynamite.ScalingPolicy.p.threshold_unit[");
      assertThat(p.message()).contains("more than " + ConfigLoader.MAX_VALUES + " values");
    });
  }

  @Test
  void acceptsAliasesThatExpandWithinTheLimit() {
    String yaml = config(WEB.replace("min_instance: 1", "min_instance: &one 1"), """
        db:
          name_of_unit_file: db@.service
          min_instance: *one
          max_instance: 3
          base_instance_prefix_number: 9000
          ports_per_instance: 1
        """);
    DynamiteConfig c = ConfigLoader.builder().build().load(yaml, dir);
    assertThat(c.service(ServiceId.of("db")).minInstance()).isEqualTo(1);
  }

  @Test
  void rejectsAFileAboveTheSizeLimitWithoutReadingIt() throws IOException {
    Path file = dir.resolve("huge.yaml");
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      f.setLength(300L * 1024 * 1024); // sparse: costs no disk and would cost 300 MB to read
    }
    List<ConfigProblem> problems = new ArrayList<>();
    assertTimeoutPreemptively(Duration.ofSeconds(5), () -> assertThatThrownBy(() -> ConfigLoader.builder().build().load(file))
        .isInstanceOfSatisfying(ConfigException.class, e -> problems.addAll(e.problems())));
    assertOnly(problems, file.toAbsolutePath().normalize().toString(),
        "is 314572800 bytes; the limit is " + ConfigLoader.MAX_FILE_BYTES + " bytes (10 MiB)");
  }

  @Test
  void rejectsTextAboveTheSizeLimit() {
    String comments = "#" + "x".repeat(99) + "\n";
    String yaml = config(WEB, "") + comments.repeat(1_000_000); // 100 MB of comments
    assertOnly(problems(yaml), "<text>", "the limit is " + ConfigLoader.MAX_FILE_BYTES + " characters (10 MiB)");
  }

  @Test
  void acceptsAFileBelowTheSizeLimit() throws IOException {
    // 5 MB of comments: above snakeyaml-engine's default code point limit of 3 MiB
    Path file = dir.resolve("big.yaml");
    Files.writeString(file, config(WEB, "") + ("#" + "x".repeat(99) + "\n").repeat(50_000));
    assertThat(ConfigLoader.builder().build().load(file).services()).hasSize(1);
  }

  // ---- Instance numbering the engine can serve -------------------------------------------------

  @Test
  void rejectsAMaxInstanceAboveTheLimit() {
    assertOnly(problems(config(WEB.replace("max_instance: 3", "max_instance: 86400000"), "")),
        "Dynamite.Service.web.max_instance", "expected an integer from 1 to 10000, found 86400000");
  }

  @Test
  void rejectsAMinInstanceAboveTheLimit() {
    assertThat(problems(config(WEB.replace("min_instance: 1", "min_instance: 20000"), "")))
        .extracting(ConfigProblem::path)
        .containsExactly("Dynamite.Service.web.min_instance");
  }

  @Test
  void rejectsTheMaxInstanceAndPortsPerInstanceThatOverflowTheSlotCount() {
    // 65536 * 65536 overflowed an int multiplication in the engine
    assertThat(problems(config(WEB.replace("max_instance: 3", "max_instance: 65536")
            .replace("ports_per_instance: 1", "ports_per_instance: 65536"), "")))
        .extracting(ConfigProblem::path, ConfigProblem::message)
        .containsExactly(
            tuple("Dynamite.Service.web.max_instance", "expected an integer from 1 to 10000, found 65536"));
  }

  @Test
  void rejectsPortsPerInstanceAboveTheLimit() {
    assertOnly(problems(config(WEB.replace("ports_per_instance: 1", "ports_per_instance: 65537"), "")),
        "Dynamite.Service.web.ports_per_instance", "expected an integer from 1 to 65536, found 65537");
  }

  @Test
  void rejectsMoreInstanceNumbersThanAServiceMayReserve() {
    assertOnly(problems(config(WEB.replace("max_instance: 3", "max_instance: 1000")
            .replace("ports_per_instance: 1", "ports_per_instance: 100"), "")),
        "Dynamite.Service.web.ports_per_instance",
        "max_instance * ports_per_instance is 100000; a service may reserve at most 65536 instance numbers");
  }

  @Test
  void acceptsExactlyTheMostInstanceNumbers() {
    DynamiteConfig c = ConfigLoader.builder().build().load(config(WEB.replace("max_instance: 3", "max_instance: 2")
        .replace("ports_per_instance: 1", "ports_per_instance: 32768"), ""), dir);
    assertThat(c.service(ServiceId.of("web")).portsPerInstance()).isEqualTo(32768);
  }

  @Test
  void rejectsInstanceNumbersBeyondTheIntRange() {
    assertOnly(problems(config(WEB.replace("base_instance_prefix_number: 8000", "base_instance_prefix_number: 2147483646"), "")),
        "Dynamite.Service.web.base_instance_prefix_number",
        "the last instance number 2147483648 (base_instance_prefix_number + max_instance * ports_per_instance - 1)"
            + " exceeds " + Integer.MAX_VALUE);
  }

  @Test
  void acceptsTheLastInstanceNumberAtTheIntLimit() {
    DynamiteConfig c = ConfigLoader.builder().build().load(
        config(WEB.replace("base_instance_prefix_number: 8000", "base_instance_prefix_number: 2147483645"), ""), dir);
    assertThat(c.service(ServiceId.of("web")).baseNumber()).isEqualTo(2147483645);
  }

  @Test
  void reportsEveryNumberingProblemTogether() {
    String db = """
        db:
          name_of_unit_file: db@.service
          max_instance: 1000
          base_instance_prefix_number: 9000
          ports_per_instance: 1000
        """;
    assertThat(problems(config(WEB.replace("max_instance: 3", "max_instance: 86400000"), db)))
        .extracting(ConfigProblem::path)
        .containsExactly("Dynamite.Service.web.max_instance", "Dynamite.Service.db.ports_per_instance");
  }

  // ---- ServiceConfig built by hand -------------------------------------------------------------

  private static ServiceConfig service(int min, Integer max, Integer base, Integer ppi) {
    UnitDefinition unit = new UnitDefinition("web", "web@.service", "/x",
        List.of(UnitOption.of("Service", "ExecStart", "/bin/true")));
    return new ServiceConfig(ServiceId.of("web"), "web@.service", null, min, max, base, ppi, List.of(), List.of(),
        null, null, unit, Map.of());
  }

  @Test
  void serviceConfigAcceptsValidNumbers() {
    assertThat(service(0, 5, 0, 1).effectiveMax()).isEqualTo(5);
    assertThat(service(1, null, null, null).effectiveMax()).isEqualTo(Integer.MAX_VALUE);
  }

  @Test
  void minAboveMaxInAServiceConfigIsReportedByValidationAsInTheYaml() {
    // the record holds the numbers; validating the configuration refuses them as the YAML would
    DynamiteConfig c = new DynamiteConfig(Map.of(), List.of(), null, "/services", "/metrics",
        Map.of(ServiceId.of("web"), service(4, 3, 8000, 1)), Map.of());
    assertThatThrownBy(() -> ConfigLoader.builder().build().validate(c))
        .isInstanceOfSatisfying(ConfigException.class, e -> assertOnly(e.problems(),
            "Dynamite.Service.web.min_instance", "min_instance (4) is greater than max_instance (3)"));
  }

  @Test
  void serviceConfigRejectsNegativeValuesNamingTheField() {
    assertThatThrownBy(() -> service(-1, 3, 8000, 1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("minInstance must be >= 0: -1");
    assertThatThrownBy(() -> service(0, -3, 8000, 1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxInstance must be >= 0: -3");
    assertThatThrownBy(() -> service(0, 3, -8000, 1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("baseNumber must be >= 0: -8000");
    assertThatThrownBy(() -> service(0, 3, 8000, 0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("portsPerInstance must be >= 1: 0");
  }

  @Test
  void serviceConfigRejectsInstanceNumbersBeyondTheIntRange() {
    assertThatThrownBy(() -> service(0, 3, Integer.MAX_VALUE - 1, 1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("baseNumber");
  }
}
