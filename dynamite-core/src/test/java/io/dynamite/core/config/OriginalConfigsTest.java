package io.dynamite.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dynamite.api.ConfigException;
import io.dynamite.api.ConfigProblem;
import io.dynamite.api.MetricQuery;
import io.dynamite.api.ServiceId;
import io.dynamite.api.UnitOption;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every configuration of the original deployments in the data folder loads, or fails precisely. */
class OriginalConfigsTest {
  private static final String TEST_CONFIG = "icclab-dynamite/dynamite/tests/TEST_CONFIG_FOLDER/config.yaml";
  private static final String TEST_UNITS = "icclab-dynamite/dynamite/tests/TEST_CONFIG_FOLDER/service-files";
  private static final String WINDOWS_FOLDER = "C:\\Projects\\CNA\\dynamite\\dynamite\\tests\\TEST_CONFIG_FOLDER\\service-files";
  private static final String CNA_FOLDER = "/etc/dynamite/fleet-files";

  @TempDir Path dir;

  @Test
  void theTestConfigAsShippedFailsOnlyOnItsWindowsFolder() {
    Path file = Fixtures.original(TEST_CONFIG);
    assertThatThrownBy(() -> ConfigLoader.builder().build().load(file))
        .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).singleElement()
            .satisfies(p -> {
              assertThat(p.path()).isEqualTo("Dynamite.ServiceFiles.PathList[0]");
              assertThat(p.message()).startsWith("folder '" + WINDOWS_FOLDER + "' (resolved against")
                  .endsWith("does not exist; it looks like a Windows path");
            }));
  }

  @Test
  void theTestConfigLoadsWithItsServiceFilesFolder() {
    Path units = Fixtures.original(TEST_UNITS);
    DynamiteConfig c = ConfigLoader.builder().placeholder(WINDOWS_FOLDER, units.toString()).build()
        .load(Fixtures.original(TEST_CONFIG));
    assertMatchesDocument(c);
    assertThat(c.fleet()).contains(new DynamiteConfig.FleetEndpoint("127.0.0.1", 49153));
    assertThat(c.serviceFolders()).containsExactly(units.toAbsolutePath().normalize());
  }

  @ParameterizedTest
  @ValueSource(strings = {"icclab-cna-seed-project/init/dynamite.yaml",
      "icclab-cna-seed-project/history/9874562/init/dynamite.yaml"})
  void theCnaSeedConfigLoadsOnceItsPlaceholdersAreFilled(String config) throws IOException {
    Path folder = cnaFleetFiles();
    DynamiteConfig c = ConfigLoader.builder()
        .placeholder("<FLEET_IP>", "10.0.0.1")
        .placeholder("<FLEET_PORT>", "49153")
        .placeholder(CNA_FOLDER, folder.toString())
        .build()
        .load(Fixtures.original(config));
    assertMatchesDocument(c);
    assertThat(c.fleet()).contains(new DynamiteConfig.FleetEndpoint("10.0.0.1", 49153));
  }

  @Test
  void theCnaSeedConfigWithUnfilledPlaceholdersFailsOnBoth() throws IOException {
    Path folder = cnaFleetFiles();
    ConfigLoader loader = ConfigLoader.builder().placeholder(CNA_FOLDER, folder.toString()).build();
    assertThatThrownBy(() -> loader.load(Fixtures.original("icclab-cna-seed-project/init/dynamite.yaml")))
        .isInstanceOfSatisfying(ConfigException.class, e -> {
          assertThat(e.problems()).extracting(ConfigProblem::path)
              .containsExactly("Dynamite.FleetAPIEndpoint.ip", "Dynamite.FleetAPIEndpoint.port");
          assertThat(e.problems()).extracting(ConfigProblem::message).containsExactly(
              "expected a host name or IP address, found the string '<FLEET_IP>' (an unfilled"
                  + " placeholder? pass its value with ConfigLoader.Builder.placeholder)",
              "expected an integer from 1 to 65535, found the string '<FLEET_PORT>' (an unfilled"
                  + " placeholder? pass its value with ConfigLoader.Builder.placeholder)");
        });
  }

  /**
   * Copies the unit files the cna-seed deployment downloaded (its {@code init/fleet-files} list,
   * {@code %40} decoded to {@code @}) into one folder, as its Docker wrapper did.
   */
  private Path cnaFleetFiles() throws IOException {
    Path folder = Files.createDirectories(dir.resolve("fleet-files"));
    String prefix = "/cna-seed-project/master/";
    for (String url : Fixtures.read("icclab-cna-seed-project/init/fleet-files").split("\n")) {
      if (url.isBlank()) {
        continue;
      }
      String relative = URLDecoder.decode(url.substring(url.indexOf(prefix) + prefix.length()).strip(),
          StandardCharsets.UTF_8);
      Path source = Fixtures.original("icclab-cna-seed-project/" + relative);
      Files.copy(source, folder.resolve(source.getFileName().toString()));
    }
    return folder;
  }

  /** Checks the loaded config against the raw YAML and each unit against the original parser. */
  private static void assertMatchesDocument(DynamiteConfig c) {
    Map<?, ?> dyn = (Map<?, ?>) c.document().get("Dynamite");
    Map<?, ?> services = (Map<?, ?>) dyn.get("Service");
    Map<?, ?> policies = (Map<?, ?>) dyn.get("ScalingPolicy");
    assertThat(c.services().keySet()).extracting(ServiceId::name).containsExactlyElementsOf(names(services));
    assertThat(c.policies().keySet()).containsExactlyElementsOf(names(policies));
    for (ServiceConfig s : c.services().values()) {
      Map<?, ?> raw = (Map<?, ?>) services.get(s.id().name());
      assertThat(s.unitFileName()).isEqualTo(raw.get("name_of_unit_file"));
      assertThat(s.type()).isEqualTo(raw.get("type"));
      Object min = raw.get("min_instance");
      assertThat(s.minInstance()).isEqualTo(min != null ? min : s.isAttached() ? 0 : 1);
      assertThat(s.maxInstance()).isEqualTo(raw.get("max_instance"));
      assertThat(s.baseNumber()).isEqualTo(raw.get("base_instance_prefix_number"));
      assertThat(s.portsPerInstance()).isEqualTo(raw.get("ports_per_instance"));
      Object attached = raw.get("attached_service");
      assertThat(s.attached()).extracting(ServiceId::name)
          .containsExactlyElementsOf(attached == null ? List.of() : names((List<?>) attached));
      assertThat(s.policy(true).orElse(null)).isEqualTo(policyName(raw.get("scale_up_policy")));
      assertThat(s.policy(false).orElse(null)).isEqualTo(policyName(raw.get("scale_down_policy")));
      assertThat(s.unit().options()).as(s.unitFileName()).containsExactlyElementsOf(golden(s.unitFileName()));
    }
    for (PolicyConfig p : c.policies().values()) {
      Map<?, ?> raw = (Map<?, ?>) policies.get(p.name());
      assertThat(p.type()).isEqualTo("threshold");
      assertThat(p.query()).isEqualTo(new MetricQuery((String) raw.get("service_type"),
          (String) raw.get("metric"), Boolean.TRUE.equals(raw.get("metric_aggregated"))));
      assertThat(p.settings()).isEqualTo(raw);
    }
  }

  private static List<String> names(Map<?, ?> m) {
    return names(new ArrayList<>(m.keySet()));
  }

  private static List<String> names(List<?> l) {
    return l.stream().map(String::valueOf).toList();
  }

  private static Object policyName(Object ref) {
    return ref == null ? null : ((Map<?, ?>) ref).get("ScalingPolicy");
  }

  /** The original parser's options for the unit file of that name, trimmed. */
  private static List<UnitOption> golden(String unitFileName) {
    try {
      JsonNode units = new ObjectMapper()
          .readTree(Fixtures.original("derived/unit2dict-golden.json").toFile()).get("units");
      for (Map.Entry<String, JsonNode> u : units.properties()) {
        if (u.getKey().endsWith("/" + unitFileName) && Files.exists(Fixtures.originalRoot().resolve(u.getKey()))) {
          List<UnitOption> out = new ArrayList<>();
          for (JsonNode o : u.getValue().get("options")) {
            out.add(UnitOption.of(o.get("section").asText(), o.get("name").asText().strip(),
                o.get("value").asText().strip()));
          }
          return out;
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    throw new IllegalStateException("no golden entry for " + unitFileName);
  }
}
