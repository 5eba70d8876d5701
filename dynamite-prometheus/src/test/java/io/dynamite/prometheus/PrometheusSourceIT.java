package io.dynamite.prometheus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.dynamite.api.MetricPoll;
import io.dynamite.api.MetricQuery;
import io.dynamite.api.MetricSample;
import io.dynamite.api.MetricSourceException;
import io.dynamite.api.spi.MetricSource;
import io.dynamite.api.spi.PluginContext;
import io.dynamite.core.ScalingEngine;
import io.dynamite.core.config.ConfigLoader;
import io.dynamite.core.config.DynamiteConfig;
import io.dynamite.testkit.FakeScalingTarget;
import io.dynamite.testkit.RecordingListener;
import io.dynamite.testkit.prometheus.GaugeExporter;
import io.dynamite.testkit.prometheus.PrometheusProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end against a real Prometheus (Debian's {@code prometheus}, started on a free loopback
 * port with a temporary data directory): Prometheus scrapes a small exporter the test serves every
 * second, the source is created through its provider as the daemon creates it, and the real
 * engine scales a {@link FakeScalingTarget} on the PromQL results. Skipped, with the reason, only
 * when no Prometheus binary exists.
 */
class PrometheusSourceIT {
  static GaugeExporter exporter;
  static PrometheusProcess prometheus;

  @TempDir Path dir;

  @BeforeAll
  static void startPrometheus() {
    assumeTrue(PrometheusProcess.binary().isPresent(), PrometheusProcess.MISSING);
    exporter = GaugeExporter.start();
    prometheus = PrometheusProcess.start(PrometheusProcess.scrapeConfig("demo", Duration.ofSeconds(1), List.of(exporter.target())));
  }

  @AfterAll
  static void stop() {
    if (prometheus != null) {
      prometheus.close();
    }
    if (exporter != null) {
      exporter.close();
    }
  }

  @BeforeEach
  void reset() {
    exporter.clear();
  }

  /** Sets the {@code demo_load} gauge of one instance number. */
  private static void load(int number, double value) {
    exporter.set("demo_load", Map.of("number", Integer.toString(number)), value);
  }

  private static MetricSource provided(Map<String, Object> queries) {
    return new PrometheusMetricSourceProvider().create(Map.of(
        "url", prometheus.url(),
        "interval", "1s",
        "timeout", "5s",
        "queries", queries), PluginContext.of(Clock.systemUTC(), "metric-source", "prometheus"));
  }

  private DynamiteConfig config() throws IOException {
    Files.writeString(dir.resolve("web@.service"), "[Service]\nExecStart=/bin/true\n");
    return ConfigLoader.builder().build().load("""
        Dynamite:
          ServiceFiles: {PathList: ['%s']}
          ETCD: {application_base_path: /services, metrics_base_path: /metrics}
          Service:
            web:
              name_of_unit_file: web@.service
              min_instance: 1
              max_instance: 2
              base_instance_prefix_number: 8080
              ports_per_instance: 1
              scale_up_policy: {ScalingPolicy: up}
              scale_down_policy: {ScalingPolicy: down}
          ScalingPolicy:
            up: {service_type: web, metric: avg_load, metric_aggregated: true, comparative_operator: gt,
                 threshold: 50, period: 0, cooldown_period: 0}
            down: {service_type: web, metric: load, comparative_operator: lt, threshold: 5, period: 0,
                   cooldown_period: 0}
        """.formatted(dir), dir);
  }

  @Test
  void aPolicyScalesOnAPromqlResultAndTheBreachingInstanceIsStoppedByItsLabel() throws Exception {
    load(8080, 30);
    FakeScalingTarget target = new FakeScalingTarget();
    RecordingListener events = new RecordingListener();
    try (MetricSource source = provided(Map.of(
            "avg_load", "avg(demo_load{job=\"demo\"})",
            "load", Map.of("query", "demo_load{job=\"demo\"}", "instance_label", "number", "unit_name", "web@{}.service")));
        ScalingEngine engine = ScalingEngine.builder().config(config()).metricSource(source).target(target)
            .listener(events).build()) {
      engine.start();
      await("the min_instance top-up and samples from Prometheus").atMost(Duration.ofSeconds(60))
          .untilAsserted(() -> {
            assertThat(target.started()).containsExactly("web@8080.service");
            assertThat(engine.snapshot().counters().getOrDefault("samples", 0L)).isGreaterThanOrEqualTo(4);
          });
      assertThat(target.started()).as("a load of 30 is below the threshold").hasSize(1);

      load(8080, 90); // Prometheus scrapes it within a second; the average breaches 50
      await("a scale-up on avg(demo_load) > 50").atMost(Duration.ofSeconds(60))
          .until(() -> target.started().size() == 2);
      assertThat(target.started()).containsExactly("web@8080.service", "web@8081.service");
      assertThat(engine.snapshot().recentDecisions())
          .anySatisfy(d -> assertThat(d.reason()).contains("avg_load > 50 on aggregated"));

      // 8080 goes idle: its series (number="8080") maps to web@8080.service, which is stopped,
      // not the highest number the engine would pick without knowing who breached
      load(8080, 1);
      load(8081, 40);
      await("a scale-down of the idle instance").atMost(Duration.ofSeconds(60))
          .until(() -> !target.stopped().isEmpty());
      assertThat(target.stopped()).containsExactly("web@8080.service");
    }
    events.assertNoInternalErrors();
  }

  @Test
  void realPrometheusErrorsAndMissingSeriesNeverBecomeValues() throws Exception {
    load(8080, 10);
    MetricQuery broken = new MetricQuery("web", "broken", true);
    MetricQuery absent = new MetricQuery("web", "absent", true);
    MetricQuery present = new MetricQuery("web", "present", true);
    try (PrometheusMetricSource source = (PrometheusMetricSource) provided(Map.of(
        "broken", "avg(demo_load{job=\"demo\"}",
        "absent", "avg(demo_load{job=\"no-such-job\"})",
        "present", "max(demo_load{job=\"demo\"})"))) {
      List<MetricSample> samples = new ArrayList<>();
      List<String> rejected = new ArrayList<>();
      await("a round with data for the present query").atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
        MetricPoll p = source.poll(List.of(broken, absent, present));
        samples.addAll(p.samples());
        p.rejected().forEach(r -> rejected.add(r.key() + ": " + r.reason()));
        assertThat(samples).isNotEmpty();
      });
      assertThat(samples).allSatisfy(s -> {
        assertThat(s.query()).isEqualTo(present);
        assertThat(s.value()).isEqualTo(10.0);
        assertThat(s.timestamp()).isBetween(Instant.now().minusSeconds(60), Instant.now());
      });
      assertThat(rejected).anySatisfy(r -> assertThat(r).startsWith("prometheus:broken: query failed: HTTP 400 bad_data:")
          .contains("parse error"));
      assertThat(source.emptyResults()).as("the absent query answered with no series").isPositive();
      assertThat(source.failedQueries()).isPositive();
    }

    // when every query fails, the poll fails (the engine counts and logs it) instead of inventing data
    try (MetricSource source = provided(Map.of("broken", "avg(demo_load{job=\"demo\"}"))) {
      source.poll(List.of(broken));
      await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
          assertThatThrownBy(() -> source.poll(List.of(broken)))
              .isInstanceOf(MetricSourceException.class)
              .hasMessageContaining("every Prometheus query failed; latest: HTTP 400 bad_data"));
    }
  }
}
