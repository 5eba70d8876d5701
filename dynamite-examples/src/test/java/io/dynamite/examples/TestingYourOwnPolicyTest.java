package io.dynamite.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.dynamite.api.MetricQuery;
import io.dynamite.api.event.DecisionRecord;
import io.dynamite.api.event.EngineEvent;
import io.dynamite.core.ScalingEngine;
import io.dynamite.core.config.ConfigLoader;
import io.dynamite.core.config.DynamiteConfig;
import io.dynamite.testkit.FakeMetricSource;
import io.dynamite.testkit.FakeScalingTarget;
import io.dynamite.testkit.ManualClock;
import io.dynamite.testkit.ManualScheduler;
import io.dynamite.testkit.RecordingListener;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How to test your own policy with dynamite-testkit: the real engine, your YAML, in-memory metrics
 * and cluster, and a manual clock, so that every run is exactly the same.
 */
class TestingYourOwnPolicyTest {
  static final MetricQuery CPU = new MetricQuery("webserver", "cpu_user", false);

  @TempDir Path dir;
  final ManualClock clock = ManualClock.atDefaultStart();
  final ManualScheduler scheduler = new ManualScheduler(clock);
  final FakeMetricSource metrics = new FakeMetricSource();
  final FakeScalingTarget cluster = new FakeScalingTarget();
  final RecordingListener events = new RecordingListener();
  ScalingEngine engine;

  @BeforeEach
  void setUp() throws IOException {
    Files.createDirectories(dir.resolve("units"));
    Files.writeString(dir.resolve("units/web@.service"), "[Service]\nExecStart=/bin/web %i\n");
    Files.writeString(dir.resolve("dynamite.yaml"), """
        Dynamite:
          ServiceFiles:
            PathList: [units]
          ETCD: {application_base_path: /services, metrics_base_path: /metrics}
          Service:
            web:
              name_of_unit_file: web@.service
              min_instance: 1
              max_instance: 4
              base_instance_prefix_number: 8000
              ports_per_instance: 1
              scale_up_policy: {ScalingPolicy: busy}
          ScalingPolicy:
            busy:
              type: moving-average
              service_type: webserver
              metric: cpu_user
              comparative_operator: gt
              threshold: 70
              window_size: 4
              cooldown_seconds: 60
        """);
    // The plugin is found on the class path, as the daemon finds plugins in --plugins jars.
    DynamiteConfig config = ConfigLoader.builder().discoverPlugins(getClass().getClassLoader()).build()
        .load(dir.resolve("dynamite.yaml"));
    engine = ScalingEngine.builder()
        .config(config)
        .metricSource(metrics)
        .target(cluster)
        .clock(clock)
        .scheduler(scheduler)
        .listener(events)
        .discoverPlugins(getClass().getClassLoader())
        .build();
    engine.start();
    scheduler.runPending(); // start-up: tops web up to min_instance
  }

  void cpu(double... values) {
    for (double v : values) {
      metrics.push(CPU, "u1", clock.instant(), v);
      scheduler.advance(Duration.ofSeconds(1));
    }
  }

  @Test
  void scalesUpOnceTheAverageIsHighAndThenWaitsForTheCooldown() {
    assertThat(cluster.started()).containsExactly("web@8000.service");
    cpu(90, 90, 90);
    assertThat(cluster.started()).hasSize(1); // three samples: the window is not full yet
    cpu(90);
    assertThat(cluster.started()).containsExactly("web@8000.service", "web@8001.service");
    cpu(90, 90, 90, 90, 90, 90);
    assertThat(cluster.started()).hasSize(2); // cooldown
    scheduler.advance(Duration.ofSeconds(60));
    cpu(90, 90, 90, 90);
    assertThat(cluster.started()).hasSize(3);
    assertThat(events.decisions()).filteredOn(d -> d.outcome() == DecisionRecord.Outcome.SCALED)
        .first().satisfies(d -> assertThat(d.reason()).startsWith("average of the last 4 samples is 90.0 > 70.0"));
  }

  @Test
  void aQuietServiceIsLeftAlone() {
    cpu(40, 50, 60, 65, 69, 30, 20);
    assertThat(cluster.started()).containsExactly("web@8000.service");
    assertThat(events.events(EngineEvent.ActionFailed.class)).isEmpty();
  }
}
