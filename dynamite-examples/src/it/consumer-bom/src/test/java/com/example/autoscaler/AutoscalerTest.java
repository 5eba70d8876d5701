package com.example.autoscaler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dynamite.api.MetricQuery;
import io.dynamite.core.ScalingEngine;
import io.dynamite.core.config.ConfigLoader;
import io.dynamite.sandbox.fleet.FakeFleetServer;
import io.dynamite.testkit.FakeMetricSource;
import io.dynamite.testkit.FakeScalingTarget;
import io.dynamite.testkit.ManualClock;
import io.dynamite.testkit.ManualScheduler;
import io.dynamite.testkit.etcd.EtcdProcess;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The application's tests: its configuration on the testkit's fakes, and its embedding on a real etcd and fleet's API. */
class AutoscalerTest {
  @TempDir Path dir;

  Path config() throws IOException {
    Path units = Files.createDirectories(dir.resolve("units"));
    Files.writeString(units.resolve("web@.service"), "[Service]\nExecStart=/bin/true\n");
    return Files.writeString(dir.resolve("dynamite.yaml"), """
        Dynamite:
          ServiceFiles:
            PathList: [%s]
          ETCD: {application_base_path: /services, metrics_base_path: /metrics}
          Service:
            web:
              name_of_unit_file: web@.service
              type: webserver
              min_instance: 1
              max_instance: 3
              base_instance_prefix_number: 8080
              ports_per_instance: 1
              scale_up_policy: {ScalingPolicy: busy}
          ScalingPolicy:
            busy: {service_type: webserver, metric: cpu_user, comparative_operator: gt, threshold: 80, period: 5}
        """.formatted(units));
  }

  @Test
  void scalesUpOnTheTestkitsFakes() throws IOException {
    ManualClock clock = ManualClock.atDefaultStart();
    ManualScheduler scheduler = new ManualScheduler(clock);
    FakeMetricSource metrics = new FakeMetricSource();
    FakeScalingTarget cluster = new FakeScalingTarget();
    try (ScalingEngine engine = ScalingEngine.builder().config(ConfigLoader.builder().build().load(config()))
        .metricSource(metrics).target(cluster).clock(clock).scheduler(scheduler).build()) {
      engine.start();
      scheduler.runPending();
      assertThat(cluster.started()).containsExactly("web@8080.service");
      for (int i = 0; i < 8; i++) {
        metrics.push(new MetricQuery("webserver", "cpu_user", false), "u1", clock.instant(), 95);
        scheduler.advance(Duration.ofSeconds(1));
      }
      assertThat(cluster.started()).containsExactly("web@8080.service", "web@8081.service");
    }
  }

  @Test
  void startsTheMinimumThroughFleetWithItsStateInEtcd() throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (EtcdProcess etcd = EtcdProcess.start();
        FakeFleetServer fleet = FakeFleetServer.start();
        Autoscaler autoscaler = Autoscaler.start(config(), etcd.endpoint(), fleet.endpoint(), registry)) {
      await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
        assertThat(fleet.unitNames()).containsExactly("web@8080.service");
        assertThat(autoscaler.engine().snapshot().services().get(0).view().running()).isEqualTo(1);
      });
      assertThat(registry.get("dynamite.instances").tags("service", "web").meters()).isNotEmpty();
    }
  }
}
