package io.dynamite.examples.plugin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dynamite.testkit.etcd.EtcdProcess;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A third-party metric source and target, as an operator uses them: the example plugin jar in the
 * daemon's {@code --plugins} folder, selected by the YAML's {@code MetricSource}/{@code Target}
 * types. The daemon (a separate process, with a real etcd for its state and leadership) reads
 * samples from the CSV file and starts instances by appending to the journal; fleet is never
 * contacted.
 */
class SourceAndTargetPluginsInDaemonIT {
  @TempDir Path dir;

  @Test
  void theDaemonScalesWithAMetricSourceAndATargetFromThePluginsFolder() throws Exception {
    Path pluginJar = Path.of(System.getProperty("plugin.jar"));
    Path daemonJar = Path.of(System.getProperty("daemon.jar"));
    assertThat(daemonJar).as("build dynamite-daemon first (mvn package)").exists();
    Path plugins = Files.createDirectories(dir.resolve("plugins"));
    Files.copy(pluginJar, plugins.resolve(pluginJar.getFileName()));
    Path units = Files.createDirectories(dir.resolve("units"));
    Files.writeString(units.resolve("webserver@.service"), "[Service]\nExecStart=/bin/true\n");
    Path samples = dir.resolve("samples.csv");
    Path journal = dir.resolve("journal.txt");
    Path config = Files.writeString(dir.resolve("dynamite.yaml"), """
        Dynamite:
          ServiceFiles:
            PathList: [units]
          ETCD:
            application_base_path: /services
            metrics_base_path: /metrics
          MetricSource:
            type: csv-file
            path: %s
          Target:
            type: journal-file
            path: %s
          Service:
            webserver:
              name_of_unit_file: webserver@.service
              min_instance: 1
              max_instance: 3
              base_instance_prefix_number: 8080
              ports_per_instance: 1
              scale_up_policy:
                ScalingPolicy: busy
          ScalingPolicy:
            busy:
              service_type: webserver
              metric: cpu_user
              comparative_operator: gt
              threshold: 70
              period: 1
              period_unit: second
        """.formatted(samples, journal));

    try (EtcdProcess etcd = EtcdProcess.start()) {
      Path log = dir.resolve("daemon.log");
      Process daemon = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-Xshare:off", "-jar", daemonJar.toString(), "-c", config.toString(), "--plugins", plugins.toString(),
          "--etcd", etcd.endpoint(), "--status-port", "0")
          .redirectErrorStream(true).redirectOutput(log.toFile()).start();
      try {
        // the min_instance top-up goes through the journal target
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
            assertThat(lines(journal)).contains("START webserver@8080.service"));
        long now = Instant.now().getEpochSecond();
        Files.writeString(samples, "webserver,cpu_user,u1," + now + ",90\nwebserver,cpu_user,u1," + (now + 2) + ",95\n",
            StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
            assertThat(lines(journal)).containsExactly("START webserver@8080.service", "START webserver@8081.service"));
        assertThat(Files.readString(log)).contains("metric source type=csv-file").contains("target type=journal-file")
            .doesNotContain("fleet at");
      } finally {
        daemon.destroy();
        assertThat(daemon.waitFor(60, TimeUnit.SECONDS)).as(Files.readString(log)).isTrue();
      }
      assertThat(daemon.exitValue()).as(Files.readString(log)).isZero();
    }
  }

  private static List<String> lines(Path file) throws Exception {
    return Files.exists(file) ? Files.readAllLines(file, StandardCharsets.UTF_8) : List.of();
  }
}
