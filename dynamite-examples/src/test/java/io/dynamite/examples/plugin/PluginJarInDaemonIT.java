package io.dynamite.examples.plugin;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The plugin as an operator uses it: its own jar (classifier {@code plugin}) in a folder given to
 * the daemon jar with {@code --plugins}; a configuration selecting {@code type: moving-average}
 * validates with it and fails, naming the unknown type, without it.
 */
class PluginJarInDaemonIT {
  @TempDir Path dir;

  @Test
  void daemonLoadsThePolicyFromThePluginsFolder() throws Exception {
    Path pluginJar = Path.of(System.getProperty("plugin.jar"));
    Path daemonJar = Path.of(System.getProperty("daemon.jar"));
    assertThat(daemonJar).as("build dynamite-daemon first (mvn package)").exists();
    try (JarFile jar = new JarFile(pluginJar.toFile())) {
      assertThat(jar.stream().map(e -> e.getName()).filter(n -> n.endsWith(".class")))
          .allMatch(n -> n.startsWith("io/dynamite/examples/plugin/"));
      assertThat(jar.getEntry("META-INF/services/io.dynamite.api.spi.ScalingPolicyProvider")).isNotNull();
    }
    Path plugins = Files.createDirectories(dir.resolve("plugins"));
    Files.copy(pluginJar, plugins.resolve(pluginJar.getFileName()));
    Path units = Files.createDirectories(dir.resolve("units"));
    Files.writeString(units.resolve("webserver@.service"), "[Service]\nExecStart=/bin/true\n");
    Path config = Files.writeString(dir.resolve("dynamite.yaml"), """
        Dynamite:
          ServiceFiles:
            PathList: [units]
          ETCD:
            application_base_path: /services
            metrics_base_path: /metrics
          Service:
            webserver:
              name_of_unit_file: webserver@.service
              type: webserver
              min_instance: 1
              max_instance: 4
              base_instance_prefix_number: 8080
              ports_per_instance: 1
              scale_up_policy:
                ScalingPolicy: busy
          ScalingPolicy:
            busy:
              type: moving-average
              service_type: webserver
              metric: cpu_user
              comparative_operator: gt
              threshold: 70
              window_size: 10
              cooldown_seconds: 60
        """);

    Run with = run(daemonJar, "validate", "-c", config.toString(), "--plugins", plugins.toString());
    assertThat(with.code).as(with.output).isZero();
    assertThat(with.output).contains("configuration OK").contains("busy=moving-average");

    Run without = run(daemonJar, "validate", "-c", config.toString());
    assertThat(without.code).isEqualTo(1);
    assertThat(without.output).startsWith("dynamite: configuration").contains("moving-average");
  }

  private record Run(int code, String output) {}

  private Run run(Path daemonJar, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xshare:off", "-jar", daemonJar.toString()));
    cmd.addAll(List.of(args));
    Path out = Files.createTempFile(dir, "run", ".log");
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
  }
}
