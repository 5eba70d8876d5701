package io.dynamite.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import io.dynamite.core.config.ConfigLoader;
import io.dynamite.core.config.DynamiteConfig;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

/** Each original flag and variable, the precedence between them, and bad values (exit code 2, naming the flag). */
class CommandLineTest {
  @TempDir Path dir;
  private Path config;
  private Path units;

  @BeforeEach
  void files() throws Exception {
    units = Files.createDirectories(dir.resolve("service-files"));
    for (String f : List.of("a@.service", "a_logger@.service", "a_service_announcer@.service", "example.service")) {
      try (InputStream in = getClass().getResourceAsStream("/original/service-files/" + f)) {
        Files.copy(in, units.resolve(f));
      }
    }
    try (InputStream in = getClass().getResourceAsStream("/original/config.yaml")) {
      String yaml = new String(in.readAllBytes(), StandardCharsets.UTF_8)
          .replace("C:\\Projects\\CNA\\dynamite\\dynamite\\tests\\TEST_CONFIG_FOLDER\\service-files", units.toString());
      config = Files.writeString(dir.resolve("config.yaml"), yaml);
    }
  }

  private DaemonSettings settings(Map<String, String> env, String... args) {
    RunOptions o = new RunOptions();
    new CommandLine(o).parseArgs(args);
    return DaemonSettings.resolve(o, env);
  }

  private DynamiteConfig load(DaemonSettings s) {
    return ConfigLoader.builder().serviceFolders(s.serviceFolders).placeholders(s.placeholders()).build().load(s.configFile);
  }

  record Result(int code, String out, String err) {}

  private static Result run(Map<String, String> env, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = DynamiteDaemon.run(args, env, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void originalShortFlagsAreAccepted() {
    DaemonSettings s = settings(Map.of(), "-c", config.toString(), "-s", units.toString(), "-e", "10.1.2.3:4001", "-f", "10.1.2.4:49153");
    DynamiteConfig c = load(s);
    assertThat(s.configFile).isEqualTo(config.toAbsolutePath());
    assertThat(s.serviceFolders).containsExactly(units.toAbsolutePath());
    assertThat(s.etcd(c)).isEqualTo(new DaemonSettings.Sourced<>(List.of("http://10.1.2.3:4001"), "--etcd_endpoint"));
    assertThat(s.fleet(c)).isEqualTo(new DaemonSettings.Sourced<>("http://10.1.2.4:49153", "--fleet_endpoint"));
  }

  @Test
  void originalLongFlagsAreAccepted() {
    DaemonSettings s = settings(Map.of(), "--config_file", config.toString(), "--service_folder", units.toString(),
        "--service_folder", dir.toString(), "--etcd_endpoint", "10.1.2.3:2379", "--fleet_endpoint", "10.1.2.4:8080",
        "--rabbitmq_endpoint", "10.1.2.5:5672");
    DynamiteConfig c = load(s);
    assertThat(s.serviceFolders).hasSize(2);
    assertThat(s.etcd(c).value()).containsExactly("http://10.1.2.3:2379");
    assertThat(s.fleet(c).value()).isEqualTo("http://10.1.2.4:8080");
    assertThat(s.notes).anyMatch(n -> n.contains("--rabbitmq_endpoint is ignored"));
  }

  @Test
  void environmentOfTheOriginalImageIsHonoured() {
    DaemonSettings s = settings(Map.of("ETCD_ENDPOINT", "172.17.42.1:4001", "FLEET_IP", "10.0.0.7", "FLEET_PORT", "49153"),
        "-c", config.toString());
    DynamiteConfig c = load(s);
    assertThat(s.etcd(c)).isEqualTo(new DaemonSettings.Sourced<>(List.of("http://172.17.42.1:4001"), "ETCD_ENDPOINT"));
    assertThat(s.fleet(c)).isEqualTo(new DaemonSettings.Sourced<>("http://10.0.0.7:49153", "FLEET_IP/FLEET_PORT"));
  }

  @Test
  void commandLineBeatsEnvironmentBeatsYamlBeatsDefaults() {
    Map<String, String> env = Map.of("ETCD_ENDPOINT", "10.0.0.1:4001", "FLEET_IP", "10.0.0.2", "FLEET_PORT", "1111");
    DaemonSettings cli = settings(env, "-c", config.toString(), "--etcd", "http://10.9.9.9:2379,http://10.9.9.8:2379", "--fleet", "unix:///var/run/fleet.sock");
    DynamiteConfig c = load(cli);
    assertThat(cli.etcd(c).value()).containsExactly("http://10.9.9.9:2379", "http://10.9.9.8:2379");
    assertThat(cli.fleet(c).value()).isEqualTo("unix:///var/run/fleet.sock");

    DaemonSettings fromEnv = settings(env, "-c", config.toString());
    assertThat(fromEnv.fleet(c).value()).isEqualTo("http://10.0.0.2:1111");
    assertThat(fromEnv.etcd(c).value()).containsExactly("http://10.0.0.1:4001");

    DaemonSettings fromYaml = settings(Map.of(), "-c", config.toString());
    assertThat(fromYaml.fleet(c)).isEqualTo(new DaemonSettings.Sourced<>("http://127.0.0.1:49153", "FleetAPIEndpoint in config.yaml"));
    assertThat(fromYaml.etcd(c)).isEqualTo(new DaemonSettings.Sourced<>(List.of("http://127.0.0.1:4001"), "default"));
  }

  @Test
  void fleetEndpointFromTheEnvironmentFillsTheCnaSeedPlaceholders() throws Exception {
    Files.writeString(config, Files.readString(config).replace("ip: 127.0.0.1", "ip: <FLEET_IP>").replace("port: 49153", "port: <FLEET_PORT>"));
    DaemonSettings s = settings(Map.of("FLEET_IP", "10.0.0.9", "FLEET_PORT", "49154"), "-c", config.toString());
    DynamiteConfig c = load(s);
    assertThat(c.fleet().orElseThrow().ip()).isEqualTo("10.0.0.9");
    assertThat(c.fleet().orElseThrow().port()).isEqualTo(49154);
  }

  @Test
  void productionEnvironmentDefaultsToEtcDynamiteAndOtherValuesNeverCrash() {
    Result prod = run(Map.of("DYNAMITE_ENVIRONMENT", "PRODUCTION"));
    assertThat(prod.code()).isEqualTo(2);
    assertThat(prod.err()).startsWith("dynamite: --config_file: /etc/dynamite/config.yaml does not exist");
    for (String env : List.of("TEST", "DEVELOPMENT", "whatever")) {
      Result r = run(Map.of("DYNAMITE_ENVIRONMENT", env));
      assertThat(r.code()).as(env).isEqualTo(2);
      assertThat(r.err()).as(env).startsWith("dynamite: --config_file is required");
    }
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "-e|127.0.0.1|--etcd_endpoint: expected ip:port, got '127.0.0.1'",
      "-e|127.0.0.1:99999|--etcd_endpoint: port must be 1..65535",
      "-f|host:port|--fleet_endpoint: port must be a number",
      "--fleet|ftp://x:1|--fleet: expected an http:// or https:// URL",
      "--etcd|http://127.0.0.1|--etcd: expected scheme://host:port",
      "-r|nohost|--rabbitmq_endpoint: expected ip:port",
      "-s|/does/not/exist|--service_folder: /does/not/exist is not a directory",
      "--log-level|loud|--log-level: expected trace, debug, info, warn or error",
      "--metrics-api|v4|--metrics-api: expected auto, v2, v3 or both",
      "--metrics-mode|eat|--metrics-mode: expected consume or shared",
      "--status-port|70000|--status-port: expected 0..65535",
      "--status-port|abc|Invalid value for option '--status-port'",
      "--history-size|0|--history-size: expected 1..10000, got 0",
      "--history-size|10001|--history-size: expected 1..10000, got 10001",
      "--plugins|/does/not/exist|--plugins: /does/not/exist is not a directory",
      "--etcd-ca|/does/not/exist|--etcd-ca: /does/not/exist is not a readable file"})
  void badValuesExitWithCode2AndNameTheFlag(String flag, String value, String message) {
    Result r = run(Map.of(), "-c", config.toString(), flag, value);
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).startsWith("dynamite: ").contains(message);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "ETCD_ENDPOINT|localhost|ETCD_ENDPOINT: expected ip:port",
      "FLEET_PORT|49153|FLEET_PORT is set (49153) but FLEET_IP is not",
      "FLEET_IP|10.0.0.1|FLEET_IP/FLEET_PORT: port must be a number"})
  void badVariablesExitWithCode2AndNameTheVariable(String variable, String value, String message) {
    Map<String, String> env = new HashMap<>(Map.of(variable, value));
    if (variable.equals("FLEET_IP")) {
      env.put("FLEET_PORT", "x");
    }
    Result r = run(env, "-c", config.toString());
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).startsWith("dynamite: ").contains(message);
  }

  @Test
  void missingConfigFileIsAUsageError() {
    Result r = run(Map.of(), "-c", dir.resolve("nope.yaml").toString());
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("--config_file: " + dir.resolve("nope.yaml") + " does not exist");
  }

  @Test
  void anInvalidConfigurationIsOneLineThenEveryProblemAndExitCode1() throws Exception {
    Files.writeString(config, Files.readString(config).replace("min_instance: 2", "min_instance: 9").replace("threshold: 250", "threshold: lots"));
    Result r = run(Map.of(), "-c", config.toString(), "-e", "127.0.0.1:1", "-f", "127.0.0.1:1");
    assertThat(r.code()).isEqualTo(1);
    List<String> lines = r.err().lines().toList();
    assertThat(lines.get(0)).startsWith("dynamite: configuration " + config.toAbsolutePath()).endsWith("problem(s):");
    assertThat(r.err()).contains("Dynamite.Service.a").contains("Dynamite.ScalingPolicy.scale_up.threshold");
  }

  @Test
  void helpListsEveryFlagAndVariable() {
    Result r = run(Map.of(), "--help");
    assertThat(r.code()).isZero();
    for (String s : List.of("--config_file", "--service_folder", "--etcd_endpoint", "--fleet_endpoint", "--etcd=URL", "--etcd-ca",
        "--etcd-cert", "--etcd-key", "--etcd-user", "--etcd-password-file", "--fleet=URL", "--dry-run", "--plugins", "--log-level",
        "--metrics-api", "--metrics-mode", "--status-port", "--history-size", "ETCD_ENDPOINT", "FLEET_IP", "FLEET_PORT", "DYNAMITE_ENVIRONMENT",
        "demo", "status", "validate")) {
      assertThat(r.out()).as(s).contains(s);
    }
  }

  @Test
  void validateChecksAConfigurationWithoutConnecting() {
    Result r = run(Map.of(), "validate", "-c", config.toString());
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).startsWith("configuration OK: 2 service(s) scaled, 2 policies");
  }

  @Test
  void statusWithoutADaemonSaysSoInOneLine() throws Exception {
    Result r = run(Map.of(), "status", "--status-port", String.valueOf(DaemonEndToEndIT.freePort()));
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err()).startsWith("dynamite: no daemon status at http://127.0.0.1:");
  }
}
