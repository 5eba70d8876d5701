package io.dynamite.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.dynamite.testkit.etcd.EtcdProcess;
import io.dynamite.sandbox.fleet.FakeFleetServer;
import io.dynamite.testkit.prometheus.GaugeExporter;
import io.dynamite.testkit.prometheus.PrometheusProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The daemon (a separate process: real etcd for leadership and state, {@link FakeFleetServer} for
 * fleet) reading its policy metric from a real Prometheus through {@code MetricSource: {type:
 * prometheus}} in its YAML, which scrapes an exporter the test serves. Skipped only when no
 * Prometheus binary exists.
 */
class PrometheusSourceInDaemonIT {
  @TempDir Path dir;

  @Test
  void theDaemonScalesOnAPromqlQueryFromItsConfiguration() throws Exception {
    assumeTrue(PrometheusProcess.binary().isPresent(), PrometheusProcess.MISSING);
    Path units = Files.createDirectories(dir.resolve("units"));
    Files.writeString(units.resolve("web@.service"), "[Unit]\nDescription=web %i\n\n[Service]\nExecStart=/bin/web %i\n");
    try (GaugeExporter exporter = GaugeExporter.start();
        PrometheusProcess prometheus = PrometheusProcess.start(
            PrometheusProcess.scrapeConfig("web", Duration.ofSeconds(1), List.of(exporter.target())));
        EtcdProcess etcd = EtcdProcess.start();
        FakeFleetServer fleet = FakeFleetServer.start()) {
      exporter.set("requests_in_flight", Map.of("number", "8080"), 10);
      Path config = dir.resolve("dynamite.yaml");
      Files.writeString(config, """
          Dynamite:
            ServiceFiles: {PathList: ['%s']}
            ETCD: {application_base_path: /services, metrics_base_path: /metrics}
            MetricSource:
              type: prometheus
              url: %s
              interval: 1s
              timeout: 5s
              queries:
                in_flight: 'sum(requests_in_flight{job="web"})'
            Service:
              web:
                name_of_unit_file: web@.service
                min_instance: 1
                max_instance: 2
                base_instance_prefix_number: 8080
                ports_per_instance: 1
                scale_up_policy: {ScalingPolicy: busy}
            ScalingPolicy:
              busy: {service_type: web, metric: in_flight, metric_aggregated: true, comparative_operator: gt,
                     threshold: 50, period: 0, cooldown_period: 0}
          """.formatted(units, prometheus.url()));
      DaemonProcess d = DaemonProcess.start(dir.resolve("daemon.log"), Map.of(), "-c", config.toString(),
          "--etcd", etcd.endpoint(), "--fleet", fleet.endpoint());
      try (d) {
        await("the min_instance top-up").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
            .until(() -> fleet.unitNames().contains("web@8080.service"));
        await("the first query rounds").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
            .until(() -> d.output().contains("1 stream(s) bound"));
        assertThat(fleet.unitNames()).as(d.output()).containsExactly("web@8080.service");

        exporter.set("requests_in_flight", Map.of("number", "8080"), 80);
        await("a scale-up on sum(requests_in_flight) > 50").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
            .until(() -> fleet.unitNames().contains("web@8081.service"));
        assertThat(d.output()).contains("metric source type=prometheus (from the MetricSource section)")
            .contains("in_flight > 50 on aggregated");
        assertThat(d.terminate(30)).as(d.output()).isZero();
      }
    }
  }
}
