package io.dynamite.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dynamite.testkit.etcd.EtcdProcess;
import io.dynamite.sandbox.fleet.FakeFleetServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedding example against a real etcd and a fake fleet over HTTP: it starts the configured minimum, and stops cleanly. */
class EmbedWithEtcdAndFleetIT {
  @TempDir Path dir;

  @Test
  void startsTheMinimumInstancesThroughFleetAndRecordsThemInEtcd() throws Exception {
    Path units = Files.createDirectories(dir.resolve("units"));
    Files.writeString(units.resolve("webserver@.service"), "[Service]\nExecStart=/bin/true\n");
    Path yaml = Files.writeString(dir.resolve("dynamite.yaml"), """
        Dynamite:
          ServiceFiles:
            PathList: [%s]
          ETCD:
            application_base_path: /services
            metrics_base_path: /metrics
          Service:
            webserver:
              name_of_unit_file: webserver@.service
              type: webserver
              min_instance: 2
              max_instance: 4
              base_instance_prefix_number: 8080
              ports_per_instance: 1
          ScalingPolicy: {}
        """.formatted(units));
    try (EtcdProcess etcd = EtcdProcess.start();
        FakeFleetServer fleet = FakeFleetServer.start()) {
      try (EmbedWithEtcdAndFleet dynamite = EmbedWithEtcdAndFleet.start(yaml, etcd.endpoint(), fleet.endpoint())) {
        await("min_instance started").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
            .untilAsserted(() -> {
              assertThat(fleet.unitNames()).containsExactlyInAnyOrder("webserver@8080.service", "webserver@8081.service");
              assertThat(fleet.states("webserver@8081.service")).anyMatch(s -> s.activeState().equals("active"));
              assertThat(dynamite.engine().snapshot().services().get(0).view().running()).isEqualTo(2);
            });
      }
      // closing stops the engine, not the services: the units stay for the next leader to adopt
      assertThat(fleet.unitNames()).hasSize(2);
    }
  }
}
