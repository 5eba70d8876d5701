package io.dynamite.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dynamite.api.ConfigException;
import io.dynamite.api.ConfigProblem;
import io.dynamite.api.MetricQuery;
import io.dynamite.api.ServiceId;
import io.dynamite.api.UnitOption;
import io.dynamite.api.state.UnitDefinition;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ConfigLoader#validate(DynamiteConfig)}: records built by hand ({@code new ServiceConfig},
 * {@code new DynamiteConfig}) get the checks and messages of the YAML they stand for.
 */
class RecordValidationTest {
  @TempDir Path dir;

  private static final List<UnitOption> OPTIONS = List.of(UnitOption.of("Service", "ExecStart", "/bin/true"));

  private static ServiceConfig service(String name, String file, @Nullable String type, int min, @Nullable Integer max,
      @Nullable Integer base, @Nullable Integer ppi, List<String> attached, @Nullable String up) {
    return new ServiceConfig(ServiceId.of(name), file, type, min, max, base, ppi,
        attached.stream().map(ServiceId::of).toList(), List.of(), up, null,
        new UnitDefinition(name, file, "/units/" + file, OPTIONS), Map.of());
  }

  private static PolicyConfig threshold(String name) {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("service_type", "webserver");
    s.put("metric", "cpu_user");
    s.put("comparative_operator", "gt");
    s.put("threshold", 80);
    s.put("period", 10);
    s.put("period_unit", "second");
    return new PolicyConfig(name, PolicyConfig.DEFAULT_TYPE, new MetricQuery("webserver", "cpu_user", false), s);
  }

  private static DynamiteConfig config(List<ServiceConfig> services, List<PolicyConfig> policies) {
    Map<ServiceId, ServiceConfig> byId = new LinkedHashMap<>();
    services.forEach(s -> byId.put(s.id(), s));
    Map<String, PolicyConfig> byName = new LinkedHashMap<>();
    policies.forEach(p -> byName.put(p.name(), p));
    return new DynamiteConfig(Map.of(), List.of(), null, "/services", "/metrics", byId, byName);
  }

  private static List<ConfigProblem> recordProblems(DynamiteConfig c) {
    List<ConfigProblem> out = new ArrayList<>();
    assertThatThrownBy(() -> ConfigLoader.builder().build().validate(c))
        .isInstanceOfSatisfying(ConfigException.class, e -> out.addAll(e.problems()));
    return out;
  }

  /** What the loader reports for the YAML the records stand for, unit files in a folder. */
  private List<ConfigProblem> yamlProblems(String services, String policies, String... unitFiles) throws IOException {
    Path units = Files.createDirectories(dir.resolve("units"));
    for (String f : unitFiles) {
      Files.writeString(units.resolve(f), "[Service]\nExecStart=/bin/true\n");
    }
    String yaml = "Dynamite:\n  ServiceFiles: {PathList: [units]}\n"
        + "  ETCD: {application_base_path: /services, metrics_base_path: /metrics}\n"
        + "  Service:\n" + services + "  ScalingPolicy:\n" + policies;
    List<ConfigProblem> out = new ArrayList<>();
    assertThatThrownBy(() -> ConfigLoader.builder().build().load(yaml, dir))
        .isInstanceOfSatisfying(ConfigException.class, e -> out.addAll(e.problems()));
    return out;
  }

  private static final String UP = "    up: {service_type: webserver, metric: cpu_user, comparative_operator: gt,"
      + " threshold: 80, period: 10, period_unit: second}\n";

  @Test
  void aSingleInstanceServiceWithTwoInstancesFailsAsInTheYaml() throws IOException {
    List<ConfigProblem> problems = recordProblems(config(
        List.of(service("db", "db.service", null, 2, null, null, null, List.of(), null)), List.of()));
    assertThat(problems).extracting(ConfigProblem::toString).containsExactly("Dynamite.Service.db.min_instance: a"
        + " single-instance service (no '@' in name_of_unit_file) runs at most 1 instance, found 2");
    assertThat(problems).isEqualTo(yamlProblems("    db: {name_of_unit_file: db.service, min_instance: 2}\n", "", "db.service"));
  }

  @Test
  void crossEntryProblemsFailAsInTheYaml() throws IOException {
    List<ConfigProblem> problems = recordProblems(config(List.of(
        service("web", "web@.service", "webserver", 1, 4, 8000, 1, List.of("log"), "busy"),
        service("log", "log@.service", null, 0, null, null, null, List.of(), null),
        service("api", "api@.service", null, 1, 4, 8002, 1, List.of(), "up")), List.of(threshold("up"))));
    assertThat(problems).extracting(ConfigProblem::toString).containsExactly(
        "Dynamite.Service.log.max_instance: required key is missing for a template service ('@' in"
            + " name_of_unit_file): instance numbers are base_instance_prefix_number plus multiples of"
            + " ports_per_instance, up to max_instance instances",
        "Dynamite.Service.log.base_instance_prefix_number: required key is missing for a template service ('@' in"
            + " name_of_unit_file): instance numbers are base_instance_prefix_number plus multiples of"
            + " ports_per_instance, up to max_instance instances",
        "Dynamite.Service.log.ports_per_instance: required key is missing for a template service ('@' in"
            + " name_of_unit_file): instance numbers are base_instance_prefix_number plus multiples of"
            + " ports_per_instance, up to max_instance instances",
        "Dynamite.Service.web.attached_service[0]: service 'log' must have type: attached_service to be attached,"
            + " its type is not set",
        "Dynamite.Service.web.scale_up_policy.ScalingPolicy: no policy 'busy' is defined under Dynamite.ScalingPolicy",
        "Dynamite.Service.api.base_instance_prefix_number: instance number range [8002, 8005] of service 'api'"
            + " overlaps range [8000, 8003] of service 'web'; a range is [base_instance_prefix_number,"
            + " base_instance_prefix_number + max_instance * ports_per_instance - 1]");
    assertThat(problems).isEqualTo(yamlProblems("""
            web:
              name_of_unit_file: web@.service
              type: webserver
              max_instance: 4
              base_instance_prefix_number: 8000
              ports_per_instance: 1
              attached_service: [log]
              scale_up_policy: {ScalingPolicy: busy}
            log: {name_of_unit_file: log@.service, min_instance: 0}
            api:
              name_of_unit_file: api@.service
              max_instance: 4
              base_instance_prefix_number: 8002
              ports_per_instance: 1
              scale_up_policy: {ScalingPolicy: up}
        """.indent(-4).indent(4), UP, "web@.service", "log@.service", "api@.service"));
  }

  @Test
  void limitsOnlyTheYamlKnewApplyToRecordsToo() {
    // the constructor accepts 20000 instances; the YAML's limit of 10000 applies all the same
    ServiceConfig big = service("web", "web@.service", null, 1, 20_000, 8000, 1, List.of(), null);
    assertThat(recordProblems(config(List.of(big), List.of()))).extracting(ConfigProblem::toString)
        .containsExactly("Dynamite.Service.web.max_instance: expected an integer from 1 to 10000, found 20000");
  }

  @Test
  void checksEachUnitAgainstItsServicesFileName() {
    ServiceConfig s = new ServiceConfig(ServiceId.of("web"), "web@.service", null, 1, 2, 8000, 1, List.of(), List.of(),
        null, null, new UnitDefinition("web", "other@.service", "/units/other@.service", OPTIONS), Map.of());
    assertThat(recordProblems(config(List.of(s), List.of()))).extracting(ConfigProblem::toString)
        .containsExactly("Dynamite.Service.web.name_of_unit_file: the unit given is named 'other@.service', not 'web@.service'");
  }

  @Test
  void aValidConfigurationPassesUnchanged() {
    DynamiteConfig c = config(List.of(service("web", "web@.service", "webserver", 1, 4, 8000, 1, List.of(), "up")),
        List.of(threshold("up")));
    assertThat(ConfigLoader.builder().build().validate(c)).isSameAs(c);
  }

  @Test
  void minInstanceAboveMaxInstanceFailsAsInTheYaml() throws IOException {
    List<ConfigProblem> problems = recordProblems(config(
        List.of(service("web", "web@.service", null, 5, 2, 8000, 1, List.of(), null)), List.of()));
    assertThat(problems).extracting(ConfigProblem::toString)
        .containsExactly("Dynamite.Service.web.min_instance: min_instance (5) is greater than max_instance (2)");
    assertThat(problems).isEqualTo(yamlProblems("    web: {name_of_unit_file: web@.service, min_instance: 5,"
        + " max_instance: 2, base_instance_prefix_number: 8000, ports_per_instance: 1}\n", "", "web@.service"));
  }
}
