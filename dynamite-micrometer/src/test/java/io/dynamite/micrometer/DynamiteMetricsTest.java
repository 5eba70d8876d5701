package io.dynamite.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import io.dynamite.api.MetricQuery;
import io.dynamite.core.ScalingEngine;
import io.dynamite.core.config.ConfigLoader;
import io.dynamite.core.config.DynamiteConfig;
import io.dynamite.testkit.FakeMetricSource;
import io.dynamite.testkit.FakeScalingTarget;
import io.dynamite.testkit.ManualClock;
import io.dynamite.testkit.ManualScheduler;
import io.dynamite.testkit.RecordingListener;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DynamiteMetricsTest {
  static final MetricQuery CPU = new MetricQuery("webserver", "cpu", false);

  @TempDir Path dir;

  private DynamiteConfig config() throws Exception {
    Files.writeString(dir.resolve("web@.service"), "[Service]\nExecStart=/bin/true\n");
    return ConfigLoader.builder().build().load("""
        Dynamite:
          ServiceFiles:
            PathList: ['%s']
          ETCD:
            application_base_path: /services
            metrics_base_path: /metrics
          Service:
            web:
              name_of_unit_file: web@.service
              min_instance: 1
              max_instance: 2
              base_instance_prefix_number: 8080
              ports_per_instance: 1
              scale_up_policy:
                ScalingPolicy: up
          ScalingPolicy:
            up:
              service_type: webserver
              metric: cpu
              comparative_operator: gt
              threshold: 50
              period: 0
        """.formatted(dir), dir);
  }

  @Test
  void meterEveryDecisionActionAndCountOfAnEngineOnAManualClock() throws Exception {
    ManualClock clock = ManualClock.atDefaultStart();
    ManualScheduler scheduler = new ManualScheduler(clock);
    FakeMetricSource metrics = new FakeMetricSource();
    FakeScalingTarget target = new FakeScalingTarget().delay(Duration.ofSeconds(3), scheduler);
    RecordingListener events = new RecordingListener();
    DynamiteMetrics telemetry = new DynamiteMetrics();
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (ScalingEngine engine = ScalingEngine.builder().config(config()).metricSource(metrics).target(target)
        .clock(clock).scheduler(scheduler).listener(events).listener(telemetry).build()) {
      telemetry.observe(engine).bindTo(registry);
      engine.start();
      scheduler.runPending();
      assertThat(registry.get("dynamite.instances").tags("service", "web", "state", "starting").gauge().value()).isEqualTo(1);
      assertThat(registry.get("dynamite.leader").gauge().value()).isEqualTo(1);
      scheduler.advance(Duration.ofSeconds(3));
      assertThat(registry.get("dynamite.instances").tags("service", "web", "state", "running").gauge().value()).isEqualTo(1);

      Instant t = clock.instant();
      metrics.push(CPU, "u1", t, 90);
      metrics.push(CPU, "u1", t.plusMillis(1), 90);
      scheduler.runPending();
      scheduler.advance(Duration.ofSeconds(3));
      metrics.push(CPU, "u1", t.plusSeconds(5), 90); // max 2 reached: refused
      metrics.push(CPU, "u1", t.plusSeconds(6), 90);
      scheduler.runPending();

      assertThat(registry.get("dynamite.actions").tags("service", "web", "direction", "up", "outcome", "started").counter().count())
          .isEqualTo(2);
      assertThat(registry.get("dynamite.actions").tags("outcome", "succeeded").counter().count()).isEqualTo(2);
      assertThat(registry.get("dynamite.action.duration").tags("outcome", "succeeded").timer().totalTime(java.util.concurrent.TimeUnit.SECONDS))
          .isEqualTo(6.0); // two starts of 3 s each on the engine's clock
      assertThat(registry.get("dynamite.decisions").tags("service", "web", "outcome", "scaled").counter().count()).isEqualTo(1);
      assertThat(registry.get("dynamite.decisions").tags("service", "web", "outcome", "refused").counter().count()).isEqualTo(1);
      assertThat(registry.get("dynamite.instances.desired").tags("service", "web").gauge().value()).isEqualTo(2);
      assertThat(registry.get("dynamite.instances.max").tags("service", "web").gauge().value()).isEqualTo(2);
      assertThat(registry.get("dynamite.samples").functionCounter().count()).isEqualTo(4);
      assertThat(registry.get("dynamite.evaluations").functionCounter().count())
          .isEqualTo(engine.snapshot().counters().get("evaluations").doubleValue());
      assertThat(registry.find("dynamite.engine.errors").counter()).isNull();
    }
    events.assertNoInternalErrors();
  }
}
