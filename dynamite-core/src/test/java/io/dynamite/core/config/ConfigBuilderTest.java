package io.dynamite.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;

import io.dynamite.api.ConfigException;
import io.dynamite.api.ConfigProblem;
import io.dynamite.api.MetricQuery;
import io.dynamite.api.ServiceId;
import io.dynamite.api.UnitOption;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link DynamiteConfig#builder()} against the YAML: each case is written both ways, the YAML
 * loaded from a file with its unit files in a folder, the builder with the same units inline, and
 * both must report exactly the same problems (paths, messages, order), which are also checked
 * against what {@link ConfigLoaderTest}, {@link ConfigLimitsTest} and {@link AdoptUnknownConfigTest}
 * expect of the YAML.
 */
class ConfigBuilderTest {
  private static final String UNIT = "[Unit]\nDescription=%s\n[Service]\nExecStart=/bin/true\n";

  /** {@link ConfigLoaderTest}'s base configuration. */
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

  @BeforeEach
  void writeUnits() throws IOException {
    Path units = Files.createDirectories(dir.resolve("units"));
    for (String name : List.of("a@.service", "b@.service", "att@.service", "single.service")) {
      Files.writeString(units.resolve(name), unit(name));
    }
  }

  private static String unit(String name) {
    return String.format(UNIT, name);
  }

  /** The base configuration in code; {@code edit} changes it before it is assembled. */
  private static final class Base {
    ServiceConfig.Builder a = ServiceConfig.builder("a").unit("a@.service", unit("a@.service"))
        .type("webserver").minInstance(1).maxInstance(3).baseInstancePrefixNumber(8000).portsPerInstance(1)
        .attachedService("att").serviceDependency("single").scaleUpPolicy("up").scaleDownPolicy("down");
    ServiceConfig.Builder att = ServiceConfig.builder("att").unit("att@.service", unit("att@.service"))
        .asAttachedService();
    ServiceConfig.Builder single = ServiceConfig.builder("single").unit("single.service", unit("single.service"));
    final List<ServiceConfig.Builder> extraServices = new ArrayList<>();
    PolicyConfig.Builder up = PolicyConfig.builder("up").metric("webserver", "cpu_user")
        .set("comparative_operator", "gt").set("threshold", 80).set("period", 10).set("period_unit", "second");
    PolicyConfig.Builder down = PolicyConfig.builder("down").aggregatedMetric("webserver", "cpu_user")
        .set("comparative_operator", "lt").set("threshold", 10).set("period", 1).set("period_unit", "minute")
        .set("cooldown_period", 30).set("cooldown_period_unit", "second");
    final List<PolicyConfig.Builder> policiesBefore = new ArrayList<>();
    final DynamiteConfig.Builder config = DynamiteConfig.builder();

    DynamiteConfig.Builder assemble() {
      config.service(a).service(att).service(single);
      extraServices.forEach(config::service);
      policiesBefore.forEach(config::policy);
      return config.policy(up).policy(down);
    }
  }

  private static DynamiteConfig.Builder base(Consumer<Base> edit) {
    Base b = new Base();
    edit.accept(b);
    return b.assemble();
  }

  /** Replaces text of the base YAML, failing if it is not there (so tests cannot rot). */
  private static String yaml(String... replacements) {
    String yaml = BASE;
    for (int i = 0; i < replacements.length; i += 2) {
      assertThat(yaml).contains(replacements[i]);
      yaml = yaml.replace(replacements[i], replacements[i + 1]);
    }
    return yaml;
  }

  private List<ConfigProblem> yamlProblems(ConfigLoader loader, String yaml) throws IOException {
    Path file = dir.resolve("dynamite.yaml");
    Files.writeString(file, yaml);
    List<ConfigProblem> out = new ArrayList<>();
    assertThatThrownBy(() -> loader.load(file))
        .isInstanceOfSatisfying(ConfigException.class, e -> out.addAll(e.problems()));
    return out;
  }

  private static List<ConfigProblem> builderProblems(DynamiteConfig.Builder builder) {
    List<ConfigProblem> out = new ArrayList<>();
    assertThatThrownBy(builder::build).isInstanceOfSatisfying(ConfigException.class, e -> out.addAll(e.problems()));
    return out;
  }

  /** Both ways must fail with the same problems; returns them. */
  private List<ConfigProblem> mirror(String yaml, DynamiteConfig.Builder builder) throws IOException {
    return mirror(ConfigLoader.builder().build(), yaml, builder);
  }

  private List<ConfigProblem> mirror(ConfigLoader loader, String yaml, DynamiteConfig.Builder builder) throws IOException {
    List<ConfigProblem> fromYaml = yamlProblems(loader, yaml);
    assertThat(builderProblems(builder)).isEqualTo(fromYaml);
    return fromYaml;
  }

  private static void assertOnly(List<ConfigProblem> problems, String path, String message) {
    assertThat(problems).singleElement().satisfies(p -> {
      assertThat(p.path()).isEqualTo(path);
      assertThat(p.message()).isEqualTo(message);
    });
  }

  // ---- A valid configuration -------------------------------------------------------------------

  @Test
  void buildsWhatTheYamlLoads() throws IOException {
    Path file = dir.resolve("dynamite.yaml");
    Files.writeString(file, BASE);
    DynamiteConfig loaded = ConfigLoader.builder().build().load(file);
    DynamiteConfig built = base(b -> {}).build();

    assertThat(built.services().keySet()).extracting(ServiceId::name).containsExactly("a", "att", "single");
    assertThat(built.policies()).isEqualTo(loaded.policies());
    assertThat(built.policies().get("down").query()).isEqualTo(new MetricQuery("webserver", "cpu_user", true));
    for (ServiceId id : loaded.services().keySet()) {
      ServiceConfig l = loaded.service(id);
      ServiceConfig b = built.service(id);
      // the same record but for where the unit came from
      assertThat(b.unit().options()).isEqualTo(l.unit().options());
      assertThat(b.unit().path()).isEqualTo("<inline>");
      assertThat(new ServiceConfig(b.id(), b.unitFileName(), b.type(), b.minInstance(), b.maxInstance(), b.baseNumber(),
          b.portsPerInstance(), b.attached(), b.dependencies(), b.scaleUpPolicy(), b.scaleDownPolicy(), l.unit(), b.raw(),
          b.policies(), b.adoptUnknown())).isEqualTo(l);
    }
    // the same document but for the folder list
    Map<String, Object> loadedDyn = new LinkedHashMap<>(section(loaded));
    Map<String, Object> builtDyn = new LinkedHashMap<>(section(built));
    assertThat(builtDyn.remove("ServiceFiles")).isEqualTo(Map.of("PathList", List.of()));
    loadedDyn.remove("ServiceFiles");
    assertThat(builtDyn).isEqualTo(loadedDyn);
    assertThat(built.serviceFolders()).isEmpty();
    assertThat(built.applicationBasePath()).isEqualTo("/services");
    assertThat(built.metricsBasePath()).isEqualTo("/metrics");
  }

  @Test
  void theExampleOfDocsConfigurationMdBuilds() {
    DynamiteConfig config = DynamiteConfig.builder()
        .etcd("/services", "/metrics")
        .service(ServiceConfig.builder("web")
            .unit("web@.service", """
                [Unit]
                Description=web %i
                [Service]
                ExecStart=/usr/bin/web --port %i
                """)
            .minInstance(1).maxInstance(4)
            .baseInstancePrefixNumber(8000).portsPerInstance(1)
            .attachedService("web_discovery")
            .scaleUpPolicy("busy").scaleDownPolicy("idle"))
        .service(ServiceConfig.builder("web_discovery")
            .unit("web_discovery@.service", List.of(UnitOption.of("Service", "ExecStart", "/usr/bin/announce %i")))
            .asAttachedService())
        .policy(PolicyConfig.builder("busy")
            .metric("webserver", "cpu_user")
            .set("comparative_operator", "gt").set("threshold", 80)
            .set("period", 30).set("period_unit", "second"))
        .policy(PolicyConfig.builder("idle")
            .aggregatedMetric("webserver", "cpu_user")
            .set("comparative_operator", "lt").set("threshold", 10)
            .set("period", 1).set("period_unit", "minute"))
        .build();
    assertThat(config.scalableServices()).extracting(s -> s.id().name()).containsExactly("web");
    assertThat(config.service(ServiceId.of("web")).unit().options())
        .contains(UnitOption.of("Service", "ExecStart", "/usr/bin/web --port %i"));
    assertThatThrownBy(() -> DynamiteConfig.builder()
            .service(ServiceConfig.builder("web").unit("web@.service", "[Service]\nExecStart=/bin/web\n")
                .minInstance(5).maxInstance(2).baseInstancePrefixNumber(8000).portsPerInstance(1))
            .build())
        .hasMessage("invalid configuration: Dynamite.Service.web.min_instance: min_instance (5) is greater than max_instance (2)");
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> section(DynamiteConfig c) {
    return (Map<String, Object>) c.document().get("Dynamite");
  }

  @Test
  void takesUnitsAsTextOptionsOrAFile() throws IOException {
    Path file = Files.writeString(dir.resolve("b@.service"), "[Service]\nExecStart=/bin/b %i\n");
    DynamiteConfig c = DynamiteConfig.builder()
        .service(ServiceConfig.builder("a").unit("a@.service", List.of(UnitOption.of("Service", "ExecStart", "/bin/a %i")))
            .maxInstance(2).baseInstancePrefixNumber(100).portsPerInstance(1))
        .service(ServiceConfig.builder("b").unitFile(file).maxInstance(2).baseInstancePrefixNumber(200).portsPerInstance(1))
        .service(ServiceConfig.builder("c").unit("c.service", "[Service]\nExecStart = /bin/c\n"))
        .build();
    assertThat(c.service(ServiceId.of("a")).unit().options()).containsExactly(UnitOption.of("Service", "ExecStart", "/bin/a %i"));
    assertThat(c.service(ServiceId.of("b")).unit().path()).isEqualTo(file.toAbsolutePath().normalize().toString());
    assertThat(c.service(ServiceId.of("b")).unitFileName()).isEqualTo("b@.service");
    assertThat(c.service(ServiceId.of("b")).unit().options()).containsExactly(UnitOption.of("Service", "ExecStart", "/bin/b %i"));
    assertThat(c.service(ServiceId.of("c")).unit().options()).containsExactly(UnitOption.of("Service", "ExecStart", "/bin/c"));
    assertThat(c.service(ServiceId.of("c")).isTemplate()).isFalse();
  }

  @Test
  void setsFleetEtcdAndPluginSections() {
    DynamiteConfig c = base(b -> b.config.fleet("10.1.2.3", 49153).etcd("/apps", "/m")
        .metricSource("etcd", Map.of()).target("fleet", Map.of())).build();
    assertThat(c.fleet()).contains(new DynamiteConfig.FleetEndpoint("10.1.2.3", 49153));
    assertThat(c.applicationBasePath()).isEqualTo("/apps");
    assertThat(c.metricsBasePath()).isEqualTo("/m");
    assertThat(c.metricSource()).contains(new DynamiteConfig.PluginSection("etcd", Map.of()));
    assertThat(c.target()).contains(new DynamiteConfig.PluginSection("fleet", Map.of()));
  }

  @Test
  void refusesToAddAServiceOrPolicyTwice() {
    DynamiteConfig.Builder b = DynamiteConfig.builder().service(ServiceConfig.builder("a"));
    assertThatThrownBy(() -> b.service(ServiceConfig.builder("a")))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("service 'a' was added twice");
    b.policy("p", Map.of());
    assertThatThrownBy(() -> b.policy(PolicyConfig.builder("p")))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("policy 'p' was added twice");
  }

  // ---- Services: the checks of ConfigLoaderTest --------------------------------------------------

  @Test
  void rejectsMinInstanceAboveMaxInstance() throws IOException {
    assertOnly(mirror(yaml("min_instance: 1", "min_instance: 4"), base(b -> b.a.minInstance(4))),
        "Dynamite.Service.a.min_instance", "min_instance (4) is greater than max_instance (3)");
    assertOnly(mirror(yaml("min_instance: 1", "min_instance: 5", "max_instance: 3", "max_instance: 2"),
            base(b -> b.a.minInstance(5).maxInstance(2))),
        "Dynamite.Service.a.min_instance", "min_instance (5) is greater than max_instance (2)");
  }

  @Test
  void rejectsNegativeMinInstance() throws IOException {
    assertOnly(mirror(yaml("min_instance: 1", "min_instance: -1"), base(b -> b.a.minInstance(-1))),
        "Dynamite.Service.a.min_instance", "expected an integer from 0 to 10000, found -1");
  }

  @Test
  void rejectsZeroMaxInstanceAndPortsPerInstance() throws IOException {
    assertThat(mirror(yaml("max_instance: 3", "max_instance: 0", "ports_per_instance: 1", "ports_per_instance: 0"),
            base(b -> b.a.maxInstance(0).portsPerInstance(0))))
        .extracting(ConfigProblem::path, ConfigProblem::message)
        .containsExactly(
            tuple("Dynamite.Service.a.max_instance", "expected an integer from 1 to 10000, found 0"),
            tuple("Dynamite.Service.a.ports_per_instance", "expected an integer from 1 to 65536, found 0"));
  }

  @Test
  void rejectsMoreThanOneInstanceOfASingleInstanceService() throws IOException {
    assertOnly(mirror(yaml("name_of_unit_file: single.service", "name_of_unit_file: single.service\n      min_instance: 2"),
            base(b -> b.single.minInstance(2))),
        "Dynamite.Service.single.min_instance",
        "a single-instance service (no '@' in name_of_unit_file) runs at most 1 instance, found 2");
  }

  @Test
  void requiresNumberingKeysOnTemplateServices() throws IOException {
    assertThat(mirror(yaml("      max_instance: 3\n", "", "      base_instance_prefix_number: 8000\n", "",
                "      ports_per_instance: 1\n", ""),
            base(b -> b.a = ServiceConfig.builder("a").unit("a@.service", unit("a@.service")).type("webserver")
                .minInstance(1).attachedService("att").serviceDependency("single").scaleUpPolicy("up").scaleDownPolicy("down"))))
        .extracting(ConfigProblem::path)
        .containsExactly("Dynamite.Service.a.max_instance", "Dynamite.Service.a.base_instance_prefix_number",
            "Dynamite.Service.a.ports_per_instance");
  }

  @Test
  void rejectsAMissingUnitFileName() throws IOException {
    assertOnly(mirror(yaml("    name_of_unit_file: single.service", "    type: x"),
            base(b -> b.single = ServiceConfig.builder("single").type("x"))),
        "Dynamite.Service.single.name_of_unit_file", "required key is missing; expected a string");
  }

  @Test
  void rejectsServiceNamesThatCannotNameUnits() throws IOException {
    assertOnly(mirror(yaml("    single:\n", "    'bad name':\n", "      service_dependency:\n        - single\n", ""),
            base(b -> {
              b.single = ServiceConfig.builder("bad name").unit("single.service", unit("single.service"));
              b.a = new Base().a.serviceDependency();
            })),
        "Dynamite.Service.bad name", "a service name must consist of letters, digits, ':', '_', '.' and '-' because"
            + " it names fleet units and state keys, found the string 'bad name'");
  }

  @Test
  void rejectsAttachedServicesThatDoNotExistOrAreNotAttached() throws IOException {
    assertThat(mirror(yaml("        - att\n", "        - att\n        - nope\n        - single\n        - a\n        - att\n"),
            base(b -> b.a.attachedService("att", "nope", "single", "a", "att"))))
        .extracting(ConfigProblem::path, ConfigProblem::message)
        .containsExactly(
            tuple("Dynamite.Service.a.attached_service[1]", "no service 'nope' is defined under Dynamite.Service"),
            tuple("Dynamite.Service.a.attached_service[2]",
                "service 'single' must have type: attached_service to be attached, its type is not set"),
            tuple("Dynamite.Service.a.attached_service[3]", "a service cannot be attached to itself"),
            tuple("Dynamite.Service.a.attached_service[4]", "service 'att' is listed twice"));
  }

  @Test
  void rejectsAttachedServicesWithAttachmentsOrPolicies() throws IOException {
    assertThat(mirror(yaml("      type: attached_service\n",
                "      type: attached_service\n      attached_service: [single]\n      scale_up_policy: {ScalingPolicy: up}\n"),
            base(b -> b.att.attachedService("single").scaleUpPolicy("up"))))
        .extracting(ConfigProblem::path)
        .containsExactly("Dynamite.Service.att.attached_service", "Dynamite.Service.att.scale_up_policy",
            "Dynamite.Service.att.attached_service[0]");
  }

  @Test
  void rejectsUnknownServiceDependencies() throws IOException {
    assertOnly(mirror(yaml("        - single\n", "        - ghost\n"), base(b -> b.a.serviceDependency("ghost"))),
        "Dynamite.Service.a.service_dependency[0]", "no service 'ghost' is defined under Dynamite.Service");
  }

  @Test
  void rejectsAnUnknownPolicyName() throws IOException {
    assertOnly(mirror(yaml("ScalingPolicy: down", "ScalingPolicy: sideways"), base(b -> b.a.scaleDownPolicy("sideways"))),
        "Dynamite.Service.a.scale_down_policy.ScalingPolicy", "no policy 'sideways' is defined under Dynamite.ScalingPolicy");
  }

  @Test
  void rejectsAPolicyListedTwiceOrAlsoInASlot() throws IOException {
    assertThat(mirror(yaml("      scale_down_policy:\n", "      policies: [up, down, down]\n      scale_down_policy:\n"),
            base(b -> b.a.policies("up", "down", "down"))))
        .extracting(ConfigProblem::path, ConfigProblem::message)
        .containsExactly(
            tuple("Dynamite.Service.a.policies[0]", "policy 'up' is already attached through scale_up_policy or scale_down_policy"),
            tuple("Dynamite.Service.a.policies[1]", "policy 'down' is already attached through scale_up_policy or scale_down_policy"),
            tuple("Dynamite.Service.a.policies[2]", "policy 'down' is listed twice"),
            tuple("Dynamite.ScalingPolicy.up.direction",
                "required key is missing: a threshold policy listed under a service's policies needs direction: up or down"),
            tuple("Dynamite.ScalingPolicy.down.direction",
                "required key is missing: a threshold policy listed under a service's policies needs direction: up or down"));
  }

  @Test
  void rejectsOverlappingNumberRangesNamingBothServices() throws IOException {
    String b = "    b:\n      name_of_unit_file: b@.service\n      max_instance: 2\n"
        + "      base_instance_prefix_number: 7999\n      ports_per_instance: 2\n";
    assertOnly(mirror(yaml("  ScalingPolicy:\n    up:", b + "  ScalingPolicy:\n    up:"),
            base(x -> x.extraServices.add(ServiceConfig.builder("b").unit("b@.service", unit("b@.service"))
                .maxInstance(2).baseInstancePrefixNumber(7999).portsPerInstance(2)))),
        "Dynamite.Service.b.base_instance_prefix_number",
        "instance number range [7999, 8002] of service 'b' overlaps range [8000, 8002] of service 'a'; a range is"
            + " [base_instance_prefix_number, base_instance_prefix_number + max_instance * ports_per_instance - 1]");
  }

  @Test
  void rejectsAdoptUnknownWhereItMeansNothing() throws IOException {
    assertThat(mirror(yaml("      type: attached_service\n", "      type: attached_service\n      adopt_unknown: false\n",
                "    name_of_unit_file: single.service\n", "    name_of_unit_file: single.service\n      adopt_unknown: true\n"),
            base(b -> {
              b.att.adoptUnknown(false);
              b.single.adoptUnknown(true);
            })))
        .extracting(ConfigProblem::toString)
        .containsExactly(
            "Dynamite.Service.att.adopt_unknown: an attached service's units are adopted with their main"
                + " unit; set adopt_unknown on the service they are attached to",
            "Dynamite.Service.single.adopt_unknown: only template services ('@' in name_of_unit_file) adopt"
                + " unknown units: a numbered unit name is what tells an instance apart");
  }

  // ---- Instance numbering: the limits of ConfigLimitsTest ----------------------------------------

  @Test
  void rejectsAMaxInstanceAboveTheLimit() throws IOException {
    assertOnly(mirror(yaml("max_instance: 3", "max_instance: 86400000"), base(b -> b.a.maxInstance(86_400_000))),
        "Dynamite.Service.a.max_instance", "expected an integer from 1 to 10000, found 86400000");
  }

  @Test
  void rejectsMoreInstanceNumbersThanAServiceMayReserve() throws IOException {
    assertOnly(mirror(yaml("max_instance: 3", "max_instance: 1000", "ports_per_instance: 1", "ports_per_instance: 100"),
            base(b -> b.a.maxInstance(1000).portsPerInstance(100))),
        "Dynamite.Service.a.ports_per_instance",
        "max_instance * ports_per_instance is 100000; a service may reserve at most 65536 instance numbers");
  }

  @Test
  void rejectsInstanceNumbersBeyondTheIntRange() throws IOException {
    assertOnly(mirror(yaml("base_instance_prefix_number: 8000", "base_instance_prefix_number: 2147483646"),
            base(b -> b.a.baseInstancePrefixNumber(Integer.MAX_VALUE - 1))),
        "Dynamite.Service.a.base_instance_prefix_number", "the last instance number 2147483648"
            + " (base_instance_prefix_number + max_instance * ports_per_instance - 1) exceeds 2147483647");
  }

  // ---- Policies ----------------------------------------------------------------------------------

  @Test
  void rejectsAnUnknownPolicyTypeListingKnownTypes() throws IOException {
    assertOnly(mirror(yaml("  up:\n      service_type", "  up:\n      type: magic\n      service_type"),
            base(b -> b.up = PolicyConfig.builder("up").type("magic").metric("webserver", "cpu_user")
                .set("comparative_operator", "gt").set("threshold", 80).set("period", 10).set("period_unit", "second"))),
        "Dynamite.ScalingPolicy.up.type",
        "unknown policy type 'magic'; known types: predictive, schedule, step, target-tracking, threshold");
  }

  @Test
  void prefixesThresholdProblemsWithThePolicyPath() throws IOException {
    assertThat(mirror(yaml("comparative_operator: gt", "comparative_operator: ge", "period_unit: minute", "period_unit: day"),
            base(b -> {
              b.up.set("comparative_operator", "ge");
              b.down.set("period_unit", "day");
            })))
        .extracting(ConfigProblem::path)
        .containsExactly("Dynamite.ScalingPolicy.up.comparative_operator", "Dynamite.ScalingPolicy.down.period_unit");
  }

  @Test
  void requiresServiceTypeAndMetricTogetherAndReportsItOnce() throws IOException {
    assertOnly(mirror(yaml("    service_type: webserver\n      metric: cpu_user\n      comparative_operator: gt",
                "    metric: cpu_user\n      comparative_operator: gt"),
            base(b -> b.up = PolicyConfig.builder("up").set("metric", "cpu_user").set("comparative_operator", "gt")
                .set("threshold", 80).set("period", 10).set("period_unit", "second"))),
        "Dynamite.ScalingPolicy.up.service_type",
        "required key is missing; service_type and metric name the metric stream together, so set both or neither");
  }

  @Test
  void rejectsUnknownKeysInThresholdPolicies() throws IOException {
    List<ConfigProblem> ps = mirror(yaml("threshold: 80", "threshold: 80\n      cooldown_perod: 5"),
        base(b -> b.up.set("cooldown_perod", 5)));
    assertThat(ps).singleElement().satisfies(p -> {
      assertThat(p.path()).isEqualTo("Dynamite.ScalingPolicy.up.cooldown_perod");
      assertThat(p.message()).startsWith("unknown key; expected one of type, service_type, metric");
    });
  }

  @Test
  void rejectsAWrongDirection() throws IOException {
    assertThat(mirror(yaml("    up:\n      service_type", "    up:\n      direction: down\n      service_type"),
            base(b -> b.up.direction(io.dynamite.api.Direction.DOWN))))
        .extracting(ConfigProblem::toString)
        .containsExactly("Dynamite.Service.a.scale_up_policy.ScalingPolicy: policy 'up' has direction: down, which"
            + " contradicts scale_up_policy");
  }

  @Test
  void validatesPluginPoliciesWithTheirProvider() throws IOException {
    ConfigLoader loader = ConfigLoader.builder().policyProvider(new ConfigLoaderTest.FixedProvider()).build();
    String yaml = yaml("  ScalingPolicy:\n    up:", "  ScalingPolicy:\n    spare:\n      type: fixed-test\n      count: -2\n    up:");
    assertOnly(mirror(loader, yaml, base(b -> {
          b.config.policyProvider(new ConfigLoaderTest.FixedProvider());
          b.policiesBefore.add(PolicyConfig.builder("spare").type("fixed-test").set("count", -2));
        })),
        "Dynamite.ScalingPolicy.spare.count", "must be positive (validated for (unreferenced)/up/spare)");
    // without the provider the type is unknown, as for the YAML
    assertThat(builderProblems(base(b -> b.policiesBefore.add(PolicyConfig.builder("spare").type("fixed-test")))))
        .extracting(ConfigProblem::path).containsExactly("Dynamite.ScalingPolicy.spare.type");
  }

  // ---- Other sections ----------------------------------------------------------------------------

  @Test
  void rejectsABadFleetPortAndAnEmptyEtcdPath() throws IOException {
    assertThat(mirror(yaml("  ETCD:", "  FleetAPIEndpoint:\n    ip: h\n    port: 0\n  ETCD:",
                "metrics_base_path: /metrics", "metrics_base_path: ' '"),
            base(b -> b.config.fleet("h", 0).etcd("/services", " "))))
        .extracting(ConfigProblem::toString)
        .containsExactly("Dynamite.FleetAPIEndpoint.port: expected an integer from 1 to 65535, found 0",
            "Dynamite.ETCD.metrics_base_path: must not be empty");
  }

  @Test
  void rejectsAnUnknownMetricSourceType() throws IOException {
    assertOnly(mirror(yaml("  ETCD:", "  MetricSource:\n    type: kafka\n  ETCD:"),
            base(b -> b.config.metricSource("kafka", Map.of()))),
        "Dynamite.MetricSource.type", "unknown metric source type 'kafka'; known types: etcd (plugins are loaded from --plugins)");
  }

  @Test
  void reportsEveryProblemAtOnceInTheYamlsOrder() throws IOException {
    List<ConfigProblem> ps = mirror(
        yaml("min_instance: 1", "min_instance: 9", "ScalingPolicy: down", "ScalingPolicy: sideways",
            "comparative_operator: gt", "comparative_operator: eq",
            "      type: attached_service\n", "      type: attached_service\n      scale_up_policy: {ScalingPolicy: up}\n",
            "metrics_base_path: /metrics", "metrics_base_path: ''"),
        base(b -> {
          b.a.minInstance(9).scaleDownPolicy("sideways");
          b.up.set("comparative_operator", "eq");
          b.att.scaleUpPolicy("up");
          b.config.etcd("/services", "");
        }));
    assertThat(ps).extracting(ConfigProblem::path).containsExactly(
        "Dynamite.ETCD.metrics_base_path",
        "Dynamite.Service.a.min_instance",
        "Dynamite.Service.att.scale_up_policy",
        "Dynamite.Service.a.scale_down_policy.ScalingPolicy",
        "Dynamite.ScalingPolicy.up.comparative_operator");
  }

  // ---- Only in code: units given inline ----------------------------------------------------------

  @Test
  void reportsAMalformedInlineUnitAtTheUnitFileName() {
    assertThat(builderProblems(base(b -> b.single = ServiceConfig.builder("single")
            .unit("single.service", "[Service]\nExecStart=/bin/true\nnot an option\n"))))
        .extracting(ConfigProblem::toString)
        .containsExactly("Dynamite.Service.single.name_of_unit_file: cannot parse the unit file:"
            + " <inline single.service>:3: expected 'Name=value', a comment or a [Section] header, found 'not an option'");
  }

  @Test
  void reportsAMissingUnitFileGivenByPath() {
    Path missing = dir.resolve("nope.service");
    assertThat(builderProblems(base(b -> b.single = ServiceConfig.builder("single").unitFile(missing))))
        .extracting(ConfigProblem::toString)
        .containsExactly("Dynamite.Service.single.name_of_unit_file: cannot parse the unit file: " + missing
            + ": file does not exist");
  }
}
