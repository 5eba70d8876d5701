package io.dynamite.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dynamite.api.ConfigException;
import io.dynamite.api.ConfigProblem;
import io.dynamite.api.MetricQuery;
import io.dynamite.api.PolicySpec;
import io.dynamite.api.ScalingDecision;
import io.dynamite.api.ServiceId;
import io.dynamite.api.spi.PluginContext;
import io.dynamite.api.spi.ScalingPolicy;
import io.dynamite.api.spi.ScalingPolicyProvider;
import io.dynamite.core.policy.ThresholdPolicyProvider;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

class ConfigLoaderTest {
  private static final String UNIT = "[Unit]\nDescription=%s\n[Service]\nExecStart=/bin/true\n";

  private static final String BASE = """
      Dynamite:
        ServiceFiles:
          PathList:
            - units
        ETCD:
          application_base_path: /services
          metrics_base_path: /metrics
        Service:
          a:
            name_of_unit_file: a@.service
            type: webserver
            min_instance: 1
            max_instance: 3
            base_instance_prefix_number: 8000
            ports_per_instance: 1
            attached_service:
              - att
            service_dependency:
              - single
            scale_up_policy:
              ScalingPolicy: up
            scale_down_policy:
              ScalingPolicy: down
          att:
            name_of_unit_file: att@.service
            type: attached_service
          single:
            name_of_unit_file: single.service
        ScalingPolicy:
          up:
            service_type: webserver
            metric: cpu_user
            comparative_operator: gt
            threshold: 80
            period: 10
            period_unit: second
          down:
            service_type: webserver
            metric: cpu_user
            metric_aggregated: true
            comparative_operator: lt
            threshold: 10
            period: 1
            period_unit: minute
            cooldown_period: 30
            cooldown_period_unit: second
      """;

  @TempDir Path dir;
  Path units;

  @BeforeEach
  void writeUnits() throws IOException {
    units = Files.createDirectories(dir.resolve("units"));
    for (String name : List.of("a@.service", "b@.service", "att@.service", "single.service")) {
      Files.writeString(units.resolve(name), String.format(UNIT, name));
    }
  }

  private DynamiteConfig load(String yaml) {
    return ConfigLoader.builder().build().load(yaml, dir);
  }

  private List<ConfigProblem> problems(String yaml) {
    return problems(ConfigLoader.builder().build(), yaml);
  }

  private List<ConfigProblem> problems(ConfigLoader loader, String yaml) {
    List<ConfigProblem> out = new ArrayList<>();
    assertThatThrownBy(() -> loader.load(yaml, dir))
        .isInstanceOfSatisfying(ConfigException.class, e -> out.addAll(e.problems()));
    return out;
  }

  /** Replaces text of the base config, failing if it is not there (so tests cannot rot). */
  private static String base(String... replacements) {
    String yaml = BASE;
    for (int i = 0; i < replacements.length; i += 2) {
      assertThat(yaml).contains(replacements[i]);
      yaml = yaml.replace(replacements[i], replacements[i + 1]);
    }
    return yaml;
  }

  private static void assertOnly(List<ConfigProblem> problems, String path, String messagePart) {
    assertThat(problems).singleElement().satisfies(p -> {
      assertThat(p.path()).isEqualTo(path);
      assertThat(p.message()).contains(messagePart);
    });
  }

  // ---- A valid file ----------------------------------------------------------------------------

  @Test
  void loadsAValidConfigKeepingFileOrder() {
    DynamiteConfig c = load(BASE);
    assertThat(c.services().keySet()).extracting(ServiceId::name).containsExactly("a", "att", "single");
    assertThat(c.policies().keySet()).containsExactly("up", "down");
    assertThat(c.applicationBasePath()).isEqualTo("/services");
    assertThat(c.metricsBasePath()).isEqualTo("/metrics");
    assertThat(c.fleet()).isEmpty();
    assertThat(c.serviceFolders()).containsExactly(units.toAbsolutePath().normalize());
    ServiceConfig a = c.service(ServiceId.of("a"));
    assertThat(a.attached()).containsExactly(ServiceId.of("att"));
    assertThat(a.dependencies()).containsExactly(ServiceId.of("single"));
    assertThat(a.policy(true)).contains("up");
    assertThat(a.policy(false)).contains("down");
    assertThat(a.unit().path()).isEqualTo(units.resolve("a@.service").toAbsolutePath().normalize().toString());
    assertThat(a.unit().options()).isEqualTo(UnitFileParser.parse(String.format(UNIT, "a@.service")));
    assertThat(c.policies().get("down").query()).isEqualTo(new MetricQuery("webserver", "cpu_user", true));
    assertThat(c.policies().get("up").query()).isEqualTo(new MetricQuery("webserver", "cpu_user", false));
    assertThat(c.policies().get("up").type()).isEqualTo(PolicyConfig.DEFAULT_TYPE);
  }

  @Test
  void defaultsMinInstanceToOneAndToZeroForAttachedServices() {
    DynamiteConfig c = load(BASE.replace("      min_instance: 1\n", ""));
    assertThat(c.service(ServiceId.of("a")).minInstance()).isEqualTo(1);
    assertThat(c.service(ServiceId.of("single")).minInstance()).isEqualTo(1);
    assertThat(c.service(ServiceId.of("att")).minInstance()).isZero();
  }

  @Test
  void keepsTheParsedDocumentWithTheFilesPathList() throws IOException {
    Path extra = Files.createDirectories(dir.resolve("extra"));
    DynamiteConfig c = ConfigLoader.builder().serviceFolder(extra).build().load(BASE, dir);
    Object parsed = new Load(LoadSettings.builder().build()).loadFromString(BASE);
    assertThat(c.document()).isEqualTo(parsed);
    assertThat(c.serviceFolders()).containsExactly(units.toAbsolutePath().normalize(), extra.toAbsolutePath().normalize());
  }

  @Test
  void acceptsAnOptionalFleetEndpoint() {
    DynamiteConfig c = load(base("  ETCD:", "  FleetAPIEndpoint:\n    ip: 10.1.2.3\n    port: 49153\n  ETCD:"));
    assertThat(c.fleet()).contains(new DynamiteConfig.FleetEndpoint("10.1.2.3", 49153));
  }

  @Test
  void acceptsAnEmptyScalingPolicySection() {
    String yaml = base("      scale_up_policy:\n        ScalingPolicy: up\n", "",
        "      scale_down_policy:\n        ScalingPolicy: down\n", "");
    yaml = yaml.substring(0, yaml.indexOf("  ScalingPolicy:\n    up:")) + "  ScalingPolicy:\n";
    assertThat(load(yaml).policies()).isEmpty();
  }

  @Test
  void loadsFromAFileResolvingRelativeFoldersAgainstItsFolder() throws IOException {
    Path file = dir.resolve("conf.yaml");
    Files.writeString(file, BASE);
    DynamiteConfig c = ConfigLoader.builder().build().load(file);
    assertThat(c.serviceFolders()).containsExactly(units.toAbsolutePath().normalize());
  }

  @Test
  void reportsAMissingConfigurationFile() {
    Path file = dir.resolve("nope.yaml");
    assertThatThrownBy(() -> ConfigLoader.builder().build().load(file))
        .isInstanceOfSatisfying(ConfigException.class, e -> assertOnly(e.problems(),
            file.toAbsolutePath().normalize().toString(), "does not exist"));
  }

  // ---- Document structure ----------------------------------------------------------------------

  @Test
  void rejectsADocumentWithoutDynamite() {
    assertOnly(problems("- a\n- b\n"), "Dynamite", "found a list");
    assertOnly(problems("Other: 1\n"), "Dynamite", "found a mapping without it");
    assertOnly(problems(""), "Dynamite", "found nothing (null)");
  }

  @Test
  void rejectsUnknownTopLevelKeys() {
    assertOnly(problems(BASE + "Extra: 1\n"), "Extra", "unknown key");
    assertOnly(problems(base("  ETCD:", "  Etcd: {}\n  ETCD:")), "Dynamite.Etcd", "unknown key");
  }

  @Test
  void reportsInvalidYamlWithLineAndColumn() {
    assertThat(problems("Dynamite:\n  a: [1, 2\n")).singleElement()
        .satisfies(p -> assertThat(p.path()).startsWith("<text>:").matches("<text>:\\d+:\\d+"))
        .satisfies(p -> assertThat(p.message()).startsWith("invalid YAML"));
  }

  @Test
  void rejectsDuplicateYamlKeys() {
    assertThat(problems(base("      type: webserver\n", "      type: webserver\n      type: other\n")))
        .singleElement().satisfies(p -> assertThat(p.message()).contains("invalid YAML").contains("type"));
  }

  @Test
  void reportsEachMissingRequiredSection() {
    String yaml = """
        Dynamite:
          ServiceFiles: {}
          ETCD: {}
        """;
    assertThat(problems(yaml)).extracting(ConfigProblem::path).containsExactly(
        "Dynamite.ServiceFiles.PathList",
        "Dynamite.ETCD.application_base_path",
        "Dynamite.ETCD.metrics_base_path",
        "Dynamite.ScalingPolicy",
        "Dynamite.Service");
    assertThat(problems("Dynamite: {}\n")).extracting(ConfigProblem::path).containsExactly(
        "Dynamite.ServiceFiles", "Dynamite.ETCD", "Dynamite.ScalingPolicy", "Dynamite.Service");
  }

  @Test
  void rejectsWrongSectionTypes() {
    String yaml = BASE.substring(0, BASE.indexOf("  Service:")) + "  Service: [a]\n"
        + BASE.substring(BASE.indexOf("\n  ScalingPolicy:\n") + 1);
    assertOnly(problems(yaml),
        "Dynamite.Service", "expected a mapping of service name to service, found a list");
  }

  @Test
  void rejectsWrongEtcdValues() {
    List<ConfigProblem> ps = problems(base("application_base_path: /services", "application_base_path: [x]",
        "metrics_base_path: /metrics", "metrics_base_path: ''"));
    assertThat(ps).extracting(ConfigProblem::path)
        .containsExactly("Dynamite.ETCD.application_base_path", "Dynamite.ETCD.metrics_base_path");
    assertThat(ps.get(0).message()).isEqualTo("expected a string, found a list");
    assertThat(ps.get(1).message()).isEqualTo("must not be empty");
  }

  // ---- FleetAPIEndpoint ------------------------------------------------------------------------

  @Test
  void rejectsABadFleetPort() {
    assertOnly(problems(base("  ETCD:", "  FleetAPIEndpoint:\n    ip: h\n    port: 0\n  ETCD:")),
        "Dynamite.FleetAPIEndpoint.port", "expected an integer from 1 to 65535, found 0");
    assertOnly(problems(base("  ETCD:", "  FleetAPIEndpoint:\n    ip: h\n    port: '80'\n  ETCD:")),
        "Dynamite.FleetAPIEndpoint.port", "found the string '80'");
    assertOnly(problems(base("  ETCD:", "  FleetAPIEndpoint:\n    ip: h\n  ETCD:")),
        "Dynamite.FleetAPIEndpoint.port", "required key is missing");
  }

  @Test
  void rejectsABadFleetIpAndHintsAtUnfilledPlaceholders() {
    List<ConfigProblem> ps = problems(base("  ETCD:",
        "  FleetAPIEndpoint:\n    ip: <FLEET_IP>\n    port: <FLEET_PORT>\n  ETCD:"));
    assertThat(ps).extracting(ConfigProblem::path)
        .containsExactly("Dynamite.FleetAPIEndpoint.ip", "Dynamite.FleetAPIEndpoint.port");
    assertThat(ps).allSatisfy(p -> assertThat(p.message()).contains("unfilled placeholder"));
    assertOnly(problems(base("  ETCD:", "  FleetAPIEndpoint:\n    ip: [a]\n    port: 1\n  ETCD:")),
        "Dynamite.FleetAPIEndpoint.ip", "expected a string, found a list");
  }

  @Test
  void fillsPlaceholdersBeforeParsing() {
    String yaml = base("  ETCD:", "  FleetAPIEndpoint:\n    ip: <FLEET_IP>\n    port: <FLEET_PORT>\n  ETCD:");
    DynamiteConfig c = ConfigLoader.builder()
        .placeholders(Map.of("<FLEET_IP>", "10.0.0.1", "<FLEET_PORT>", "49153")).build().load(yaml, dir);
    assertThat(c.fleet()).contains(new DynamiteConfig.FleetEndpoint("10.0.0.1", 49153));
    assertThat(((Map<?, ?>) c.document().get("Dynamite")).get("FleetAPIEndpoint"))
        .isEqualTo(Map.of("ip", "10.0.0.1", "port", 49153));
  }

  // ---- Service folders -------------------------------------------------------------------------

  @Test
  void rejectsAMissingPathListFolder() {
    assertOnly(problems(base("    - units", "    - nowhere")), "Dynamite.ServiceFiles.PathList[0]",
        "folder 'nowhere' (resolved against the configuration file's folder to "
            + dir.resolve("nowhere").toAbsolutePath().normalize() + ") does not exist");
  }

  @Test
  void rejectsAPathListEntryThatIsAFile() {
    assertOnly(problems(base("    - units", "    - units\n      - units/a@.service")),
        "Dynamite.ServiceFiles.PathList[1]", "is not a directory");
  }

  @Test
  void rejectsAPathListThatIsNotAList() {
    assertOnly(problems(base("    PathList:\n      - units", "    PathList: units")),
        "Dynamite.ServiceFiles.PathList", "expected a list of folders, found the string 'units'");
    assertOnly(problems(base("    - units", "    - 5")),
        "Dynamite.ServiceFiles.PathList[0]", "expected a folder path, found the integer 5");
  }

  @Test
  void acceptsAnEmptyPathListWhenFoldersAreGiven() {
    String yaml = base("    PathList:\n      - units", "    PathList:");
    DynamiteConfig c = ConfigLoader.builder().serviceFolder(units).build().load(yaml, dir);
    assertThat(c.serviceFolders()).containsExactly(units.toAbsolutePath().normalize());
    assertThat(c.document()).isEqualTo(new Load(LoadSettings.builder().build()).loadFromString(yaml));
  }

  @Test
  void rejectsAnEmptyPathListWithoutFolders() {
    assertOnly(problems(base("    PathList:\n      - units", "    PathList: []")),
        "Dynamite.ServiceFiles.PathList", "no service folder");
  }

  @Test
  void searchesYamlFoldersFirstAndExtraFoldersOnce() throws IOException {
    Path extra = Files.createDirectories(dir.resolve("extra"));
    DynamiteConfig c = ConfigLoader.builder().serviceFolder(extra).serviceFolder(units).build().load(BASE, dir);
    assertThat(c.serviceFolders())
        .containsExactly(units.toAbsolutePath().normalize(), extra.toAbsolutePath().normalize());
  }

  @Test
  void rejectsAMissingExtraFolder() {
    Path missing = dir.resolve("missing");
    assertOnly(problems(ConfigLoader.builder().serviceFolder(missing).build(), BASE),
        "service_folder[0]", "does not exist");
  }

  @Test
  void rejectsTheSameFileNameInTwoFolders() throws IOException {
    Path extra = Files.createDirectories(dir.resolve("extra"));
    Files.writeString(extra.resolve("single.service"), "[Unit]\n");
    assertOnly(problems(ConfigLoader.builder().serviceFolder(extra).build(), BASE), "service_folder[0]",
        "file name 'single.service' exists in two service folders: " + units.resolve("single.service")
            .toAbsolutePath().normalize() + " and " + extra.resolve("single.service").toAbsolutePath().normalize());
  }

  @Test
  void rejectsAUnitFileFoundInNoFolder() {
    assertOnly(problems(base("name_of_unit_file: single.service", "name_of_unit_file: other.service")),
        "Dynamite.Service.single.name_of_unit_file", "unit file 'other.service' was not found in any service folder");
  }

  @Test
  void rejectsAMissingUnitFileOfAnAttachedService() {
    assertOnly(problems(base("name_of_unit_file: att@.service", "name_of_unit_file: gone@.service")),
        "Dynamite.Service.att.name_of_unit_file", "'gone@.service' was not found");
  }

  @Test
  void reportsUnitFileParseErrorsAtTheService() throws IOException {
    Files.writeString(units.resolve("single.service"), "[Unit]\nA=1\n[Install\n");
    assertOnly(problems(BASE), "Dynamite.Service.single.name_of_unit_file",
        "cannot parse the unit file: " + units.resolve("single.service").toAbsolutePath().normalize()
            + ":3: section header without closing ']'");
  }

  // ---- Services --------------------------------------------------------------------------------

  @Test
  void rejectsAStringWhereAnIntegerIsExpected() {
    assertOnly(problems(base("max_instance: 3", "max_instance: three")), "Dynamite.Service.a.max_instance",
        "expected an integer from 1 to 10000, found the string 'three'");
  }

  @Test
  void rejectsBooleansAndFractionsAsIntegers() {
    assertOnly(problems(base("ports_per_instance: 1", "ports_per_instance: true")),
        "Dynamite.Service.a.ports_per_instance", "expected an integer from 1 to 65536, found the boolean true");
    assertOnly(problems(base("ports_per_instance: 1", "ports_per_instance: 1.5")),
        "Dynamite.Service.a.ports_per_instance", "found the number 1.5");
  }

  @Test
  void rejectsNegativeMinInstance() {
    assertOnly(problems(base("min_instance: 1", "min_instance: -1")), "Dynamite.Service.a.min_instance",
        "expected an integer from 0 to 10000, found -1");
  }

  @Test
  void rejectsZeroMaxInstanceAndPortsPerInstance() {
    assertThat(problems(base("max_instance: 3", "max_instance: 0", "ports_per_instance: 1", "ports_per_instance: 0")))
        .extracting(ConfigProblem::path, ConfigProblem::message)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("Dynamite.Service.a.max_instance", "expected an integer from 1 to 10000, found 0"),
            org.assertj.core.groups.Tuple.tuple("Dynamite.Service.a.ports_per_instance", "expected an integer from 1 to 65536, found 0"));
  }

  @Test
  void rejectsMinInstanceAboveMaxInstance() {
    assertOnly(problems(base("min_instance: 1", "min_instance: 4")), "Dynamite.Service.a.min_instance",
        "min_instance (4) is greater than max_instance (3)");
  }

  @Test
  void rejectsMoreThanOneInstanceOfASingleInstanceService() {
    assertOnly(problems(base("name_of_unit_file: single.service", "name_of_unit_file: single.service\n      min_instance: 2")),
        "Dynamite.Service.single.min_instance", "runs at most 1 instance, found 2");
  }

  @Test
  void requiresNumberingKeysOnTemplateServices() {
    assertThat(problems(base("      max_instance: 3\n", "", "      base_instance_prefix_number: 8000\n", "",
            "      ports_per_instance: 1\n", "")))
        .extracting(ConfigProblem::path)
        .containsExactly("Dynamite.Service.a.max_instance", "Dynamite.Service.a.base_instance_prefix_number",
            "Dynamite.Service.a.ports_per_instance");
  }

  @Test
  void doesNotRequireNumberingKeysOnAttachedOrSingleServices() {
    DynamiteConfig c = load(BASE);
    assertThat(c.service(ServiceId.of("att")).maxInstance()).isNull();
    assertThat(c.service(ServiceId.of("single")).portsPerInstance()).isNull();
  }

  @Test
  void rejectsAServiceEntryThatIsNotAMapping() {
    assertOnly(problems(base("    single:\n      name_of_unit_file: single.service\n",
            "    single: single.service\n", "      service_dependency:\n        - single\n", "")),
        "Dynamite.Service.single", "expected a mapping of service settings, found the string 'single.service'");
  }

  @Test
  void rejectsServiceNamesThatCannotNameUnits() {
    assertOnly(problems(base("    single:\n", "    'bad name':\n", "      service_dependency:\n        - single\n", "")),
        "Dynamite.Service.bad name", "a service name must consist of");
  }

  @Test
  void rejectsUnknownServiceKeys() {
    assertOnly(problems(base("max_instance: 3", "max_instance: 3\n      max_instances: 4")),
        "Dynamite.Service.a.max_instances", "unknown key; expected one of name_of_unit_file, type");
  }

  @Test
  void rejectsAMissingUnitFileName() {
    assertOnly(problems(base("    name_of_unit_file: single.service", "    type: x")),
        "Dynamite.Service.single.name_of_unit_file", "required key is missing; expected a string");
  }

  @Test
  void rejectsAttachedServicesThatDoNotExistOrAreNotAttached() {
    assertThat(problems(base("        - att\n", "        - att\n        - nope\n        - single\n        - a\n        - att\n")))
        .extracting(ConfigProblem::path, ConfigProblem::message)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("Dynamite.Service.a.attached_service[1]",
                "no service 'nope' is defined under Dynamite.Service"),
            org.assertj.core.groups.Tuple.tuple("Dynamite.Service.a.attached_service[2]",
                "service 'single' must have type: attached_service to be attached, its type is not set"),
            org.assertj.core.groups.Tuple.tuple("Dynamite.Service.a.attached_service[3]",
                "a service cannot be attached to itself"),
            org.assertj.core.groups.Tuple.tuple("Dynamite.Service.a.attached_service[4]",
                "service 'att' is listed twice"));
  }

  @Test
  void rejectsAnAttachedServiceListThatIsAString() {
    assertOnly(problems(base("      attached_service:\n        - att\n", "      attached_service: att\n")),
        "Dynamite.Service.a.attached_service", "expected a list of service names, found the string 'att'");
  }

  @Test
  void rejectsAttachedServicesWithAttachmentsOrPolicies() {
    assertThat(problems(base("      type: attached_service\n",
            "      type: attached_service\n      attached_service: [single]\n      scale_up_policy: {ScalingPolicy: up}\n")))
        .extracting(ConfigProblem::path)
        .containsExactly("Dynamite.Service.att.attached_service", "Dynamite.Service.att.scale_up_policy",
            "Dynamite.Service.att.attached_service[0]");
  }

  @Test
  void rejectsUnknownServiceDependencies() {
    assertOnly(problems(base("        - single\n", "        - ghost\n")),
        "Dynamite.Service.a.service_dependency[0]", "no service 'ghost' is defined under Dynamite.Service");
  }

  @Test
  void rejectsAnUnknownPolicyName() {
    assertOnly(problems(base("ScalingPolicy: down", "ScalingPolicy: sideways")),
        "Dynamite.Service.a.scale_down_policy.ScalingPolicy", "no policy 'sideways' is defined under Dynamite.ScalingPolicy");
  }

  @Test
  void rejectsAPolicyReferenceThatIsAPlainString() {
    assertOnly(problems(base("scale_up_policy:\n        ScalingPolicy: up", "scale_up_policy: up")),
        "Dynamite.Service.a.scale_up_policy",
        "expected a mapping {ScalingPolicy: <policy name>}, found the string 'up'; write scale_up_policy: {ScalingPolicy: up}");
  }

  @Test
  void rejectsAPolicyReferenceWithoutTheScalingPolicyKey() {
    assertThat(problems(base("scale_up_policy:\n        ScalingPolicy: up", "scale_up_policy:\n        Policy: up")))
        .extracting(ConfigProblem::path, ConfigProblem::message)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("Dynamite.Service.a.scale_up_policy.Policy",
                "unknown key; expected one of ScalingPolicy"),
            org.assertj.core.groups.Tuple.tuple("Dynamite.Service.a.scale_up_policy",
                "expected a mapping {ScalingPolicy: <policy name>}, but the key ScalingPolicy is missing"));
  }

  @Test
  void rejectsOverlappingNumberRangesNamingBothServices() {
    String b = "    b:\n      name_of_unit_file: b@.service\n      max_instance: 2\n"
        + "      base_instance_prefix_number: 7999\n      ports_per_instance: 2\n";
    assertOnly(problems(base("  ScalingPolicy:\n    up:", b + "  ScalingPolicy:\n    up:")),
        "Dynamite.Service.b.base_instance_prefix_number",
        "instance number range [7999, 8002] of service 'b' overlaps range [8000, 8002] of service 'a'");
  }

  @Test
  void acceptsAdjacentNumberRanges() {
    String b = "    b:\n      name_of_unit_file: b@.service\n      max_instance: 4\n"
        + "      base_instance_prefix_number: 7992\n      ports_per_instance: 2\n";
    assertThat(load(base("  ScalingPolicy:\n    up:", b + "  ScalingPolicy:\n    up:")).services()).hasSize(4);
  }

  // ---- Policies --------------------------------------------------------------------------------

  @Test
  void rejectsAnUnknownPolicyTypeListingKnownTypes() {
    assertOnly(problems(base("  up:\n      service_type", "  up:\n      type: magic\n      service_type")),
        "Dynamite.ScalingPolicy.up.type", "unknown policy type 'magic'; known types: predictive, schedule, step, target-tracking, threshold");
  }

  @Test
  void prefixesThresholdProblemsWithThePolicyPath() {
    assertThat(problems(base("comparative_operator: gt", "comparative_operator: ge", "period_unit: minute", "period_unit: day")))
        .extracting(ConfigProblem::path)
        .containsExactly("Dynamite.ScalingPolicy.up.comparative_operator", "Dynamite.ScalingPolicy.down.period_unit");
  }

  @Test
  void reportsAMissingMetricTogetherWithOtherThresholdProblems() {
    assertThat(problems(base("    service_type: webserver\n      metric: cpu_user\n      comparative_operator: gt",
            "    comparative_operator: gt\n      legacy_rule: maybe")))
        .extracting(ConfigProblem::path)
        .containsExactly("Dynamite.ScalingPolicy.up.metric", "Dynamite.ScalingPolicy.up.legacy_rule");
  }

  @Test
  void requiresServiceTypeAndMetricTogetherAndReportsItOnce() {
    assertOnly(problems(base("    service_type: webserver\n      metric: cpu_user\n      comparative_operator: gt",
            "    metric: cpu_user\n      comparative_operator: gt")),
        "Dynamite.ScalingPolicy.up.service_type", "service_type and metric name the metric stream together");
  }

  @Test
  void rejectsWrongPolicyValueTypes() {
    assertThat(problems(base("metric_aggregated: true", "metric_aggregated: 'yes'", "metric: cpu_user\n      comparative_operator: gt",
            "metric: 5\n      comparative_operator: gt")))
        .extracting(ConfigProblem::path, ConfigProblem::message)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("Dynamite.ScalingPolicy.up.metric", "expected a string, found the integer 5"),
            org.assertj.core.groups.Tuple.tuple("Dynamite.ScalingPolicy.down.metric_aggregated",
                "expected true or false, found the string 'yes'"));
  }

  @Test
  void rejectsUnknownKeysInThresholdPoliciesButAcceptsTheOriginalOnes() {
    assertThat(load(base("threshold: 80", "threshold: 80\n      threshold_unit: percent\n      legacy_rule: true")).policies())
        .containsKey("up");
    assertOnly(problems(base("threshold: 80", "threshold: 80\n      cooldown_perod: 5")),
        "Dynamite.ScalingPolicy.up.cooldown_perod", "unknown key; expected one of type, service_type, metric");
  }

  @Test
  void rejectsAPolicyEntryThatIsNotAMapping() {
    assertOnly(problems(base("  ScalingPolicy:\n    up:", "  ScalingPolicy:\n    spare: 1\n    up:")),
        "Dynamite.ScalingPolicy.spare", "expected a mapping of policy settings, found the integer 1");
  }

  @Test
  void validatesPluginPoliciesWithTheirProviderAndLeavesTheirKeysToIt() {
    ConfigLoader loader = ConfigLoader.builder().policyProvider(new FixedProvider()).build();
    assertThat(loader.policyTypes())
        .containsExactly("fixed-test", "predictive", "schedule", "step", "target-tracking", "threshold");
    String ok = base("  ScalingPolicy:\n    up:", "  ScalingPolicy:\n    spare:\n      type: fixed-test\n      count: 2\n    up:");
    DynamiteConfig c = loader.load(ok, dir);
    assertThat(c.policies().get("spare").type()).isEqualTo("fixed-test");
    assertThat(c.policies().get("spare").query()).isNull();
    assertThat(c.policies().get("spare").settings()).containsEntry("count", 2);
    assertOnly(problems(loader, ok.replace("count: 2", "count: -2")), "Dynamite.ScalingPolicy.spare.count",
        "must be positive (validated for (unreferenced)/up/spare)");
  }

  @Test
  void validatesEachAttachmentOfAPluginPolicyWithItsServiceAndDirection() {
    ConfigLoader loader = ConfigLoader.builder().policyProvider(new FixedProvider()).build();
    String yaml = base("  up:\n      service_type", "  up:\n      type: fixed-test\n      count: -1\n      service_type")
        .replace("      comparative_operator: gt\n      threshold: 80\n      period: 10\n      period_unit: second\n", "")
        .replace("ScalingPolicy: down", "ScalingPolicy: up");
    assertThat(problems(loader, yaml)).extracting(ConfigProblem::message).containsExactly(
        "must be positive (validated for a/up/up)", "must be positive (validated for a/down/up)");
  }

  @Test
  void rejectsProvidersThatClaimATypeTwice() {
    ScalingPolicyProvider impostor = new FixedProvider() {
      @Override
      public String type() {
        return ThresholdPolicyProvider.TYPE;
      }
    };
    assertThatThrownBy(() -> ConfigLoader.builder().policyProvider(impostor))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'threshold' is provided by both");
    assertThat(ConfigLoader.builder().policyProvider(new ThresholdPolicyProvider()).build().policyTypes())
        .containsExactly("predictive", "schedule", "step", "target-tracking", "threshold");
    assertThatThrownBy(() -> ConfigLoader.builder().policyProviders(Map.of("other", new FixedProvider())))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("has type 'fixed-test'");
  }

  @Test
  void metricHealthSettingsAreValidatedWithTheirPathsForEveryMetricPolicyTypeAllAtOnce() {
    String others = "  ScalingPolicy:\n"
        + "    tt:\n      type: target-tracking\n      service_type: webserver\n      metric: cpu\n      target: 60\n"
        + "      on_missing: fallback(0)\n"
        + "    st:\n      type: step\n      service_type: webserver\n      metric: cpu\n      threshold: 60\n"
        + "      on_missing: {fallback: -1}\n      steps:\n        - {lower: 0, adjustment: 1}\n"
        + "    pr:\n      type: predictive\n      service_type: webserver\n      metric: cpu\n      target: 60\n"
        + "      on_missing: sometimes\n"
        + "    up:";
    String yaml = base("  ScalingPolicy:\n    up:", others,
        "      period: 10\n      period_unit: second\n",
        "      period: 10\n      period_unit: second\n      on_missing: scale_up_only\n      max_sample_age: 0\n",
        "      cooldown_period_unit: second\n",
        "      cooldown_period_unit: second\n      legacy_rule: true\n      on_missing: hold\n");
    assertThat(problems(yaml)).extracting(p -> p.path() + ": " + p.message()).containsExactlyInAnyOrder(
        "Dynamite.ScalingPolicy.tt.on_missing: fallback(N) needs a whole number N from 1 to 100000, got 0",
        "Dynamite.ScalingPolicy.st.on_missing.fallback: must be a whole number from 1 to 100000, got the integer -1",
        "Dynamite.ScalingPolicy.pr.on_missing: expected hold, scale_up_only, fallback(N) or a mapping {fallback: N},"
            + " got the string 'sometimes'",
        "Dynamite.ScalingPolicy.up.max_sample_age: must be greater than 0",
        "Dynamite.ScalingPolicy.down.on_missing: not available with legacy_rule: true, which keeps the original rule"
            + " exactly (without metric health); remove on_missing or legacy_rule");
    // valid forms load
    DynamiteConfig ok = load(base("      period: 10\n      period_unit: second\n",
        "      period: 10\n      period_unit: second\n      on_missing: fallback(2)\n      max_sample_age: 2m\n"));
    assertThat(ok.policies().get("up").settings()).containsEntry("on_missing", "fallback(2)");
  }

  @Test
  void theScheduleTypeLoadsUnderItsEarlierNameScheduledAsTheSameType() {
    String entry = "  ScalingPolicy:\n    office:\n      type: %s\n      schedule:\n"
        + "        - {cron: \"0 8 * * *\", duration: 10h, min: 2}\n    up:";
    for (String name : List.of("schedule", "scheduled")) {
      DynamiteConfig c = load(base("  ScalingPolicy:\n    up:", String.format(entry, name)));
      assertThat(c.policies().get("office").type()).as(name).isEqualTo("schedule");
    }
    // a misspelt key under the alias is reported like under the type
    assertOnly(problems(base("  ScalingPolicy:\n    up:", String.format(entry, "scheduled")
        .replace("      schedule:", "      timezone: UTC\n      shedule: []\n      schedule:"))),
        "Dynamite.ScalingPolicy.office.shedule", "unknown key");
    assertThat(ConfigLoader.builder().build().policyTypes()).doesNotContain("scheduled");
  }

  @Test
  void aProviderWhoseTypeOrAliasIsAnotherTypesNameOrAliasIsRejected() {
    ScalingPolicyProvider claimsAlias = new FixedProvider() {
      @Override
      public String type() {
        return "scheduled";
      }
    };
    assertThatThrownBy(() -> ConfigLoader.builder().policyProvider(claimsAlias))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("policy type 'scheduled' of ").hasMessageContaining("is an alias of type 'schedule'");
    ScalingPolicyProvider aliasClash = new FixedProvider() {
      @Override
      public java.util.Set<String> aliases() {
        return java.util.Set.of("step");
      }
    };
    assertThatThrownBy(() -> ConfigLoader.builder().policyProvider(aliasClash))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("policy type alias 'step' of ").hasMessageContaining("is already a policy type");
  }

  // ---- Everything at once ----------------------------------------------------------------------

  @Test
  void reportsEveryProblemOfAFileAtOnce() {
    String yaml = base(
        "    - units", "    - units\n      - nowhere",
        "metrics_base_path: /metrics", "metrics_base_path: 7",
        "min_instance: 1", "min_instance: x",
        "ScalingPolicy: down", "ScalingPolicy: sideways",
        "comparative_operator: gt", "comparative_operator: eq",
        "      type: attached_service\n", "      type: attached_service\n      scale_up_policy: up\n");
    List<ConfigProblem> ps = problems(yaml);
    assertThat(ps).extracting(ConfigProblem::path).containsExactlyInAnyOrder(
        "Dynamite.ServiceFiles.PathList[1]",
        "Dynamite.ETCD.metrics_base_path",
        "Dynamite.Service.a.min_instance",
        "Dynamite.Service.a.scale_down_policy.ScalingPolicy",
        "Dynamite.Service.att.scale_up_policy",
        "Dynamite.Service.att.scale_up_policy",
        "Dynamite.ScalingPolicy.up.comparative_operator");
    assertThatThrownBy(() -> load(yaml)).hasMessageStartingWith(ps.size() + " configuration problems:");
  }

  /** A plugin type whose only setting is a positive {@code count}; it reads no metric. */
  static class FixedProvider implements ScalingPolicyProvider {
    @Override
    public String type() {
      return "fixed-test";
    }

    @Override
    public ScalingPolicy create(PolicySpec spec, PluginContext context) {
      return input -> ScalingDecision.hold("fixed");
    }

    @Override
    public List<ConfigProblem> validate(PolicySpec spec, PluginContext context) {
      Object count = spec.settings().get("count");
      if (count instanceof Integer n && n > 0) {
        return List.of();
      }
      return List.of(new ConfigProblem("count", "must be positive (validated for " + context.pluginId() + ")"));
    }
  }
}
