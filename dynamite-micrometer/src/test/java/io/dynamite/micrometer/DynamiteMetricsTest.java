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
      assertThat(registry.get("dynamite.decisions").tags("service", "web", "outcome", "scaled", "reason", "applied")
          .counter().count()).isEqualTo(1);
      // max_instance 2 reached: the recommendation was cut to the current count and nothing began
      assertThat(registry.get("dynamite.decisions").tags("service", "web", "outcome", "refused", "reason", "refused")
          .counter().count()).isEqualTo(1);
      assertThat(registry.get("dynamite.instances.desired").tags("service", "web").gauge().value()).isEqualTo(2);
      assertThat(registry.get("dynamite.instances.max").tags("service", "web").gauge().value()).isEqualTo(2);
      assertThat(registry.get("dynamite.samples").functionCounter().count()).isEqualTo(4);
      assertThat(registry.get("dynamite.evaluations").functionCounter().count())
          .isEqualTo(engine.snapshot().counters().get("evaluations").doubleValue());
      assertThat(registry.find("dynamite.engine.errors").counter()).isNull();
    }
    events.assertNoInternalErrors();
  }

  @Test
  void holdsAreCountedEngineWideWithoutTakingARecordOfEach() throws Exception {
    ManualClock clock = ManualClock.atDefaultStart();
    ManualScheduler scheduler = new ManualScheduler(clock);
    FakeMetricSource metrics = new FakeMetricSource();
    RecordingListener events = new RecordingListener();
    DynamiteMetrics telemetry = new DynamiteMetrics();
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    assertThat(telemetry.receivesHolds()).isFalse();
    try (ScalingEngine engine = ScalingEngine.builder().config(config()).metricSource(metrics).target(new FakeScalingTarget())
        .clock(clock).scheduler(scheduler).listener(events).listener(telemetry).build()) {
      telemetry.observe(engine).bindTo(registry);
      engine.start();
      scheduler.runPending();
      for (int i = 0; i < 3; i++) {
        metrics.push(CPU, "u1", clock.instant(), 10); // below the threshold: a hold each time
        scheduler.advance(Duration.ofSeconds(1));
      }
      assertThat(registry.get("dynamite.holds").functionCounter().count()).isEqualTo(3);
      assertThat(registry.find("dynamite.decisions").tags("outcome", "hold").counter()).isNull();
      // a listener with the default still receives every hold
      assertThat(events.decisions()).extracting(r -> r.outcome())
          .containsExactly(io.dynamite.api.event.DecisionRecord.Outcome.HOLD, io.dynamite.api.event.DecisionRecord.Outcome.HOLD,
              io.dynamite.api.event.DecisionRecord.Outcome.HOLD);
    }
    events.assertNoInternalErrors();
  }

  @Test
  void sampleLagIsTheEngineClockAtIngestMinusTheOldestSampleTimeAndItsCountTheIngests() throws Exception {
    ManualClock clock = ManualClock.atDefaultStart();
    ManualScheduler scheduler = new ManualScheduler(clock);
    FakeMetricSource metrics = new FakeMetricSource();
    RecordingListener events = new RecordingListener();
    DynamiteMetrics telemetry = new DynamiteMetrics();
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (ScalingEngine engine = ScalingEngine.builder().config(config()).metricSource(metrics)
        .target(new FakeScalingTarget()).clock(clock).scheduler(scheduler).listener(events).listener(telemetry).build()) {
      telemetry.observe(engine).bindTo(registry);
      engine.start();
      scheduler.runPending();
      Instant now = clock.instant();
      metrics.push(CPU, "u1", now.minusSeconds(2), 10);
      metrics.push(CPU, "u2", now.minusMillis(500), 10);
      metrics.push(CPU, "u3", now.plusSeconds(3), 10); // ahead of the engine's clock: lag 0
      scheduler.runPending();

      io.micrometer.core.instrument.FunctionTimer lag = registry.get("dynamite.sample.lag").tags("service", "web").functionTimer();
      io.micrometer.core.instrument.Gauge latest = registry.get("dynamite.sample.lag.latest").tags("service", "web").gauge();
      // one ingest of three samples: its lag is that of the oldest, 2 s
      assertThat(lag.count()).isEqualTo(1);
      assertThat(lag.totalTime(java.util.concurrent.TimeUnit.MILLISECONDS)).isEqualTo(2_000.0);
      assertThat(latest.value()).as("seconds").isEqualTo(2.0);
      assertThat(registry.get("dynamite.samples").functionCounter().count()).isEqualTo(3);

      clock.advance(Duration.ofSeconds(10));
      metrics.push(CPU, "u1", clock.instant().minusMillis(250), 10);
      scheduler.runPending();
      assertThat(lag.count()).isEqualTo(2);
      assertThat(lag.totalTime(java.util.concurrent.TimeUnit.MILLISECONDS)).isEqualTo(2_250.0);
      assertThat(latest.value()).as("the latest ingest's lag").isEqualTo(0.25);

      clock.advance(Duration.ofSeconds(10));
      metrics.push(CPU, "u2", clock.instant().plusSeconds(1), 10); // stamped ahead of the engine: 0
      scheduler.runPending();
      assertThat(lag.count()).isEqualTo(3);
      assertThat(lag.totalTime(java.util.concurrent.TimeUnit.MILLISECONDS)).isEqualTo(2_250.0);
      assertThat(latest.value()).isZero();
    }
    events.assertNoInternalErrors();
  }

  @Test
  void lagMetersExistForEveryServiceAtBindingAndKeepWhatWasIngestedBefore() throws Exception {
    ManualClock clock = ManualClock.atDefaultStart();
    ManualScheduler scheduler = new ManualScheduler(clock);
    FakeMetricSource metrics = new FakeMetricSource();
    DynamiteMetrics telemetry = new DynamiteMetrics();
    try (ScalingEngine engine = ScalingEngine.builder().config(config()).metricSource(metrics)
        .target(new FakeScalingTarget()).clock(clock).scheduler(scheduler).listener(telemetry).build()) {
      SimpleMeterRegistry early = new SimpleMeterRegistry();
      telemetry.observe(engine).bindTo(early);
      assertThat(early.get("dynamite.sample.lag").tags("service", "web").functionTimer().count()).isZero();
      engine.start();
      scheduler.runPending();
      metrics.push(CPU, "u1", clock.instant().minusSeconds(1), 10);
      scheduler.runPending();
      SimpleMeterRegistry late = new SimpleMeterRegistry();
      telemetry.bindTo(late);
      assertThat(late.get("dynamite.sample.lag").tags("service", "web").functionTimer().count()).isEqualTo(1);
      assertThat(late.get("dynamite.sample.lag").functionTimer().totalTime(java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(1.0);
    }
  }

  @Test
  void theReasonKindIsWhatBecameOfTheRecommendationOrAPolicyError() {
    assertThat(DynamiteMetrics.reasonKind(io.dynamite.api.event.DecisionRecord.Outcome.SCALED,
        io.dynamite.api.PolicyOutcome.Kind.CLAMPED)).isEqualTo("clamped");
    assertThat(DynamiteMetrics.reasonKind(io.dynamite.api.event.DecisionRecord.Outcome.REFUSED,
        io.dynamite.api.PolicyOutcome.Kind.DRY_RUN)).isEqualTo("dry_run");
    assertThat(DynamiteMetrics.reasonKind(io.dynamite.api.event.DecisionRecord.Outcome.ERROR, null)).isEqualTo("policy_error");
    assertThat(DynamiteMetrics.reasonKind(io.dynamite.api.event.DecisionRecord.Outcome.REFUSED, null)).isEqualTo("other");
  }

  @Test
  void lagOfExtremeTimestampsNeitherOverflowsNorGoesNegative() {
    Instant now = Instant.parse("2024-01-01T00:00:00.250Z");
    assertThat(DynamiteMetrics.lagNanos(now.getEpochSecond(), now.getNano(), now.minusNanos(1))).isEqualTo(1);
    assertThat(DynamiteMetrics.lagNanos(now.getEpochSecond(), now.getNano(), now.plusNanos(1))).isZero();
    assertThat(DynamiteMetrics.lagNanos(now.getEpochSecond(), now.getNano(), now.minusMillis(1_500)))
        .isEqualTo(1_500_000_000L);
    assertThat(DynamiteMetrics.lagNanos(now.getEpochSecond(), now.getNano(), io.dynamite.api.MetricSample.EARLIEST))
        .isPositive().isEqualTo(9_000_000_000L * 1_000_000_000L);
    assertThat(DynamiteMetrics.lagNanos(now.getEpochSecond(), now.getNano(), io.dynamite.api.MetricSample.LATEST)).isZero();
  }

  @Test
  void aListenerThatAlsoObservesSamplesIsToldOncePerRunAndService() throws Exception {
    ManualClock clock = ManualClock.atDefaultStart();
    ManualScheduler scheduler = new ManualScheduler(clock);
    FakeMetricSource metrics = new FakeMetricSource();
    java.util.List<String> seen = new java.util.ArrayList<>();
    io.dynamite.core.SampleObserver observer = (service, samples, now) -> seen.add(service.name() + ":" + samples.size() + "@" + now);
    class Both implements io.dynamite.api.event.EngineListener, io.dynamite.core.SampleObserver {
      @Override
      public void onEvent(io.dynamite.api.event.EngineEvent event) {}

      @Override
      public void samplesIngested(io.dynamite.api.ServiceId service, java.util.List<io.dynamite.api.MetricSample> samples, Instant now) {
        observer.samplesIngested(service, samples, now);
      }
    }
    try (ScalingEngine engine = ScalingEngine.builder().config(config()).metricSource(metrics)
        .target(new FakeScalingTarget()).clock(clock).scheduler(scheduler).listener(new Both()).build()) {
      engine.start();
      scheduler.runPending();
      Instant t = clock.instant();
      metrics.push(CPU, "u1", t, 10);
      metrics.push(CPU, "u2", t, 10);
      scheduler.runPending();
    }
    assertThat(seen).containsExactly("web:2@" + clock.instant());
  }
}
