package io.dynamite.prometheus;

import static io.dynamite.prometheus.Answers.ok;
import static io.dynamite.prometheus.Answers.series;
import static io.dynamite.prometheus.Answers.vector;
import static org.assertj.core.api.Assertions.assertThat;

import io.dynamite.core.ScalingEngine;
import io.dynamite.core.config.ConfigLoader;
import io.dynamite.core.config.DynamiteConfig;
import io.dynamite.testkit.FakeScalingTarget;
import io.dynamite.testkit.ManualClock;
import io.dynamite.testkit.ManualScheduler;
import io.dynamite.testkit.RecordingListener;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.junit5.StartStop;
import okhttp3.HttpUrl;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real engine on the Prometheus source, with MockWebServer answering each PromQL query from a
 * table the test changes, on one manual clock and scheduler: the engine scales on a query's
 * result, does not scale down when the data goes missing, and stops the instance whose series
 * breached, found through the instance label.
 */
class PrometheusScalingTest {
  @StartStop final MockWebServer server = new MockWebServer();
  @TempDir Path dir;

  final ManualClock clock = ManualClock.atDefaultStart();
  final ManualScheduler scheduler = new ManualScheduler(clock);
  final FakeScalingTarget target = new FakeScalingTarget();
  final RecordingListener events = new RecordingListener();
  /** Per PromQL expression, the series it returns now, as {labels..., value}; absent = no series. */
  final Map<String, List<Answers.Series>> answers = new ConcurrentHashMap<>();

  {
    server.setDispatcher(new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest r) {
        HttpUrl form = HttpUrl.get("http://x/?" + r.getBody().utf8());
        List<Answers.Series> s = answers.getOrDefault(form.queryParameter("query"), List.of());
        return ok(vector(clock.instant(), s.toArray(new Answers.Series[0])));
      }
    });
  }

  /** The config; the scale-down policy reads {@code downMetric} ({@code load} per instance, or {@code avg_load}). */
  private DynamiteConfig config(String downMetric) throws Exception {
    Files.writeString(dir.resolve("web@.service"), "[Service]\nExecStart=/bin/true\n");
    return ConfigLoader.builder().build().load("""
        Dynamite:
          ServiceFiles: {PathList: ['%s']}
          ETCD: {application_base_path: /services, metrics_base_path: /metrics}
          Service:
            web:
              name_of_unit_file: web@.service
              min_instance: 1
              max_instance: 3
              base_instance_prefix_number: 8080
              ports_per_instance: 1
              scale_up_policy: {ScalingPolicy: up}
              scale_down_policy: {ScalingPolicy: down}
          ScalingPolicy:
            up: {service_type: web, metric: avg_load, metric_aggregated: true, comparative_operator: gt,
                 threshold: 50, period: 0, cooldown_period: 0}
            down: {service_type: web, metric: %s, metric_aggregated: %s, comparative_operator: lt, threshold: 10,
                   period: 0, cooldown_period: 0}
        """.formatted(dir, downMetric, downMetric.equals("avg_load")), dir);
  }

  private PrometheusMetricSource source() {
    return PrometheusMetricSource.builder().url(server.url("/").toString()).clock(clock).scheduler(scheduler)
        .interval(Duration.ofSeconds(5))
        .query("avg_load", PrometheusQuery.aggregated("avg(demo_load)"))
        .query("load", PrometheusQuery.perInstance("demo_load", "number").withUnitName("web@{}.service"))
        .build();
  }

  private void load(int... byNumber) {
    Answers.Series[] s = new Answers.Series[byNumber.length];
    double sum = 0;
    for (int i = 0; i < byNumber.length; i++) {
      s[i] = series(Integer.toString(byNumber[i]), "job", "demo", "number", Integer.toString(8080 + i));
      sum += byNumber[i];
    }
    answers.put("demo_load", List.of(s));
    answers.put("avg(demo_load)", List.of(series(Double.toString(sum / byNumber.length))));
  }

  private void rounds(int n) {
    for (int i = 0; i < n; i++) {
      scheduler.advance(Duration.ofSeconds(5));
    }
  }

  @Test
  void scalesUpOnAPromqlResultAndNeverScalesDownOnMissingData() throws Exception {
    try (PrometheusMetricSource source = source();
        ScalingEngine engine = ScalingEngine.builder().config(config("avg_load")).metricSource(source).target(target)
            .clock(clock).scheduler(scheduler).listener(events).build()) {
      load(30);
      engine.start();
      scheduler.runPending();
      rounds(2);
      assertThat(target.started()).containsExactly("web@8080.service");

      load(90); // the average breaches 50
      rounds(2);
      assertThat(target.started()).containsExactly("web@8080.service", "web@8081.service");
      assertThat(engine.snapshot().recentDecisions()).anySatisfy(d -> assertThat(d.reason()).contains("avg_load > 50"));

      // the series vanish (exporter gone): a zero would scale down through the avg_load < 10 policy
      long samples = engine.snapshot().counters().get("samples");
      answers.clear();
      rounds(5);
      assertThat(target.stopped()).isEmpty();
      assertThat(source.emptyResults()).as("one query per round: both policies read avg_load").isEqualTo(5);
      assertThat(engine.snapshot().counters().get("samples")).as("no sample since the series vanished").isEqualTo(samples);
    }
    events.assertNoInternalErrors();
  }

  @Test
  void theInstanceWhoseSeriesBreachedIsStoppedThroughItsLabel() throws Exception {
    try (PrometheusMetricSource source = source();
        ScalingEngine engine = ScalingEngine.builder().config(config("load")).metricSource(source).target(target)
            .clock(clock).scheduler(scheduler).listener(events).build()) {
      load(90);
      engine.start();
      scheduler.runPending();
      rounds(6);
      assertThat(target.started()).containsExactly("web@8080.service", "web@8081.service", "web@8082.service");

      load(40, 2, 40); // 8081 is idle; by default the highest number (8082) would go
      rounds(2);
      assertThat(target.stopped()).containsExactly("web@8081.service");
    }
    events.assertNoInternalErrors();
  }
}
