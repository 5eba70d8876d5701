package io.dynamite.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.dynamite.api.MetricQuery;
import io.dynamite.api.ServiceId;
import io.dynamite.api.UnitOption;
import io.dynamite.api.state.UnitDefinition;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.schema.CoreSchema;

/** YAML -> configuration -> YAML ({@link ConfigWriter}) -> configuration gives an equal configuration. */
class ConfigRoundTripTest {
  private static final String UNIT = "[Unit]\nDescription=%s\n[Service]\nExecStart=/bin/run %%i\n";

  /** Every section, every built-in policy type, defaults left out and spelled out, odd scalars. */
  private static final String FULL = """
      Dynamite:
        ServiceFiles:
          PathList: [units]
        FleetAPIEndpoint: {ip: 10.0.0.1, port: 49153}
        ETCD:
          application_base_path: /services
          metrics_base_path: /metrics
          ip_api_endpoint: 127.0.0.1
        MetricSource: {type: etcd}
        Service:
          web:
            name_of_unit_file: web@.service
            type: webserver
            max_instance: 20
            base_instance_prefix_number: 0x1F90
            ports_per_instance: 1
            attached_service: [web_log]
            service_dependency:
            scale_up_policy: {ScalingPolicy: busy}
            scale_down_policy: {ScalingPolicy: idle}
            policies: [cpu, steps, office, forecast, odd]
            adopt_unknown: true
          web_log:
            name_of_unit_file: web_log@.service
            type: attached_service
            min_instance: 0
          db:
            name_of_unit_file: db.service
            min_instance: 1
            adopt_unknown: false
        ScalingPolicy:
          busy:
            service_type: webserver
            metric: cpu_user
            comparative_operator: gt
            threshold: 80.5
            threshold_unit: percent
            period: 10
            period_unit: second
            cooldown_period: 1
            cooldown_period_unit: minute
          idle:
            service_type: webserver
            metric: cpu_user
            metric_aggregated: true
            comparative_operator: lt
            threshold: 10
            period: 1
            period_unit: minute
            legacy_rule: false
          cpu:
            type: target-tracking
            service_type: webserver
            metric: cpu_user
            target: 60
            tolerance: 0.1
          steps:
            type: step
            service_type: webserver
            metric: cpu_user
            threshold: 60
            steps:
              - {lower: 0, upper: 20, adjustment: 1}
              - {lower: 20, adjustment: 3}
          office:
            type: schedule
            timezone: Europe/Zurich
            schedule:
              - {name: office, cron: "0 8 * * MON-FRI", duration: 10h, min: 4, max: 10}
          forecast:
            type: predictive
            service_type: lb
            metric: requests_per_second
            metric_aggregated: true
            target: 200
            resolution: 1h
          odd:
            type: fixed-test
            direction: up
            count: 2
            label: '80'
            flag: 'true'
            word: 'yes'
            nothing: null
            tilde: '~'
            empty: ''
            colon: 'a: b'
            hash: '# not a comment'
            lines: "one\\ntwo"
            spaces: '  padded  '
            unicode: "Zürich ✓"
            placeholder: '<FLEET_IP>'
            big: 123456789012345678901234567890
            long: 9999999999
            negative: -0.25
            exponent: 1.5e3
            infinity: .inf
            list: [a, 1, 'b: c', [nested], {k: v}]
            map: {k: [1, {x: y}], 'quoted key': 2}
      """;

  @TempDir Path dir;
  Path units;

  @BeforeEach
  void writeUnits() throws IOException {
    units = Files.createDirectories(dir.resolve("units"));
    for (String name : List.of("web@.service", "web_log@.service", "db.service")) {
      Files.writeString(units.resolve(name), String.format(UNIT, name));
    }
  }

  private static ConfigLoader loader() {
    return ConfigLoader.builder().policyProvider(new ConfigLoaderTest.FixedProvider()).build();
  }

  /** Loads, writes, loads the written text from another file in the same folder. */
  private DynamiteConfig roundTrip(ConfigLoader loader, DynamiteConfig first) throws IOException {
    String written = ConfigWriter.toYaml(first);
    Path again = Files.writeString(dir.resolve("written.yaml"), written);
    DynamiteConfig second = loader.load(again);
    // writing is stable: the second configuration writes the same text
    assertThat(ConfigWriter.toYaml(second)).isEqualTo(written);
    return second;
  }

  @Test
  void aConfigurationWithEverySectionSurvivesTheRoundTrip() throws IOException {
    DynamiteConfig first = loader().load(Files.writeString(dir.resolve("dynamite.yaml"), FULL));
    DynamiteConfig second = roundTrip(loader(), first);

    assertThat(second).isEqualTo(first);
    // equal records are not enough if both lost something: spot-check against the text
    assertThat(second.fleet()).contains(new DynamiteConfig.FleetEndpoint("10.0.0.1", 49153));
    assertThat(second.metricSource()).contains(new DynamiteConfig.PluginSection("etcd", Map.of()));
    assertThat(second.service(ServiceId.of("web")).baseNumber()).isEqualTo(8080);
    assertThat(second.service(ServiceId.of("db")).adoptUnknown()).isFalse();
    assertThat(second.policies().get("idle").query()).isEqualTo(new MetricQuery("webserver", "cpu_user", true));
    Map<String, Object> odd = second.policies().get("odd").settings();
    assertThat(odd).containsEntry("label", "80").containsEntry("flag", "true").containsEntry("word", "yes")
        .containsEntry("nothing", null).containsEntry("tilde", "~").containsEntry("empty", "")
        .containsEntry("lines", "one\ntwo").containsEntry("spaces", "  padded  ").containsEntry("unicode", "Zürich ✓")
        .containsEntry("big", new java.math.BigInteger("123456789012345678901234567890"))
        .containsEntry("long", 9999999999L).containsEntry("infinity", Double.POSITIVE_INFINITY);
    // the document is what the original text parses to
    Object parsed = new Load(LoadSettings.builder().setSchema(new CoreSchema()).build()).loadFromString(FULL);
    assertThat(second.document()).isEqualTo(parsed);
  }

  @Test
  void theOriginalTestConfigSurvivesTheRoundTrip() throws IOException {
    String windows = "C:\\Projects\\CNA\\dynamite\\dynamite\\tests\\TEST_CONFIG_FOLDER\\service-files";
    Path serviceFiles = Fixtures.original("icclab-dynamite/dynamite/tests/TEST_CONFIG_FOLDER/service-files");
    ConfigLoader loader = ConfigLoader.builder().placeholder(windows, serviceFiles.toString()).build();
    DynamiteConfig first = loader.load(Fixtures.original("icclab-dynamite/dynamite/tests/TEST_CONFIG_FOLDER/config.yaml"));
    assertThat(roundTrip(ConfigLoader.builder().build(), first)).isEqualTo(first);
  }

  @Test
  void theCnaSeedConfigSurvivesTheRoundTrip() throws IOException {
    Path folder = Files.createDirectories(dir.resolve("fleet-files"));
    String prefix = "/cna-seed-project/master/";
    for (String url : Fixtures.read("icclab-cna-seed-project/init/fleet-files").split("\n")) {
      if (!url.isBlank()) {
        String relative = URLDecoder.decode(url.substring(url.indexOf(prefix) + prefix.length()).strip(),
            StandardCharsets.UTF_8);
        Path source = Fixtures.original("icclab-cna-seed-project/" + relative);
        Files.copy(source, folder.resolve(source.getFileName().toString()));
      }
    }
    DynamiteConfig first = ConfigLoader.builder()
        .placeholder("<FLEET_IP>", "10.0.0.1").placeholder("<FLEET_PORT>", "49153")
        .placeholder("/etc/dynamite/fleet-files", folder.toString())
        .build().load(Fixtures.original("icclab-cna-seed-project/init/dynamite.yaml"));
    DynamiteConfig second = roundTrip(ConfigLoader.builder().build(), first);
    assertThat(second).isEqualTo(first);
    assertThat(second.services()).hasSizeGreaterThan(10);
  }

  @Test
  void aConfigurationBuiltInCodeSurvivesTheRoundTripWithItsUnitsGivenAgain() throws IOException {
    String webUnit = "[Service]\nExecStart=/bin/web %i\n";
    DynamiteConfig built = DynamiteConfig.builder()
        .fleet("fleet.local", 49153)
        .service(ServiceConfig.builder("web").unit("web@.service", webUnit).minInstance(2).maxInstance(4)
            .baseInstancePrefixNumber(8000).portsPerInstance(2).attachedService("log").policies("cpu"))
        .service(ServiceConfig.builder("log").unit("log@.service", List.of(UnitOption.of("Service", "ExecStart", "/bin/log")))
            .asAttachedService())
        .policy(PolicyConfig.builder("cpu").type("target-tracking").metric("webserver", "cpu_user").set("target", 60))
        .build();
    String yaml = ConfigWriter.toYaml(built);
    assertThat(yaml).contains("PathList: []").contains("name_of_unit_file: web@.service");

    ConfigLoader loader = ConfigLoader.builder().unit("web@.service", webUnit)
        .unit("log@.service", List.of(UnitOption.of("Service", "ExecStart", "/bin/log"))).build();
    DynamiteConfig loaded = loader.load(Files.writeString(dir.resolve("built.yaml"), yaml));
    assertThat(loaded).isEqualTo(built);
    assertThat(loaded.service(ServiceId.of("web")).portsPerInstance()).isEqualTo(2);
  }

  @Test
  void recordsBuiltByHandAreWrittenFromTheirComponentsNotTheirParsedMaps() throws IOException {
    UnitDefinition unit = new UnitDefinition("web", "web@.service", "/nowhere/web@.service",
        List.of(UnitOption.of("Service", "ExecStart", "/bin/web %i")));
    // raw and document say other things than the components: the components are the truth
    Map<String, Object> raw = new LinkedHashMap<>();
    raw.put("name_of_unit_file", "other@.service");
    raw.put("max_instance", 99);
    ServiceConfig web = new ServiceConfig(ServiceId.of("web"), "web@.service", null, 1, 3, 7000, 1, List.of(), List.of(),
        "up", null, unit, raw, List.of(), false);
    Map<String, Object> settings = new LinkedHashMap<>();
    settings.put("comparative_operator", "gt");
    settings.put("threshold", 50);
    settings.put("period", 5);
    settings.put("period_unit", "second");
    PolicyConfig up = new PolicyConfig("up", PolicyConfig.DEFAULT_TYPE, new MetricQuery("webserver", "load", false), settings);
    DynamiteConfig byHand = new DynamiteConfig(Map.of("Dynamite", Map.of("junk", 1)), List.of(), null, "/s", "/m",
        Map.of(web.id(), web), Map.of("up", up));

    String yaml = ConfigWriter.toYaml(byHand);
    DynamiteConfig loaded = ConfigLoader.builder().unit("web@.service", unit.options()).build()
        .load(Files.writeString(dir.resolve("hand.yaml"), yaml));
    ServiceConfig w = loaded.service(ServiceId.of("web"));
    assertThat(List.of(w.unitFileName(), w.minInstance(), w.maxInstance(), w.baseNumber(), w.portsPerInstance(),
        w.scaleUpPolicy(), w.adoptUnknown())).containsExactly("web@.service", 1, 3, 7000, 1, "up", false);
    assertThat(w.unit().options()).isEqualTo(unit.options());
    assertThat(loaded.policies().get("up").query()).isEqualTo(up.query());
    assertThat(loaded.policies().get("up").settings()).containsEntry("threshold", 50).containsEntry("service_type", "webserver");
    assertThat(loaded.applicationBasePath()).isEqualTo("/s");
    assertThat(loaded.document().get("Dynamite")).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
        .doesNotContainKey("junk");
  }
}
