package io.dynamite.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dynamite.api.ConfigException;
import io.dynamite.api.MetricPoll;
import io.dynamite.api.MetricQuery;
import io.dynamite.api.UnitHealth;
import io.dynamite.api.UnitOption;
import io.dynamite.api.event.DecisionRecord;
import io.dynamite.api.spi.MetricSource;
import io.dynamite.core.config.DynamiteConfig;
import io.dynamite.core.config.PolicyConfig;
import io.dynamite.core.config.ServiceConfig;
import io.dynamite.testkit.FakeScalingTarget;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DynamiteTestHarnessTest {
  /** web scales up when cpu_user of webserver stays above 80 for 10 s, and down below 10 for 10 s (aggregated). */
  static final String YAML = """
      Dynamite:
        ServiceFiles: {PathList: []}
        ETCD: {application_base_path: /services, metrics_base_path: /metrics}
        Service:
          web:
            name_of_unit_file: web@.service
            min_instance: 1
            max_instance: 3
            base_instance_prefix_number: 8000
            ports_per_instance: 1
            scale_up_policy: {ScalingPolicy: busy}
            scale_down_policy: {ScalingPolicy: idle}
        ScalingPolicy:
          busy: {service_type: webserver, metric: cpu_user, comparative_operator: gt, threshold: 80,
                 period: 10, period_unit: second}
          idle: {service_type: webserver, metric: cpu_user, metric_aggregated: true, comparative_operator: lt,
                 threshold: 10, period: 10, period_unit: second}
      """;

  static DynamiteConfig.Builder webInCode() {
    return DynamiteConfig.builder()
        .service(ServiceConfig.builder("web").unit("web@.service", "[Service]\nExecStart=/bin/web %i\n")
            .minInstance(1).maxInstance(3).baseInstancePrefixNumber(8000).portsPerInstance(1)
            .scaleUpPolicy("busy").scaleDownPolicy("idle"))
        .policy(PolicyConfig.builder("busy").metric("webserver", "cpu_user")
            .set("comparative_operator", "gt").set("threshold", 80).set("period", 10).set("period_unit", "second"))
        .policy(PolicyConfig.builder("idle").aggregatedMetric("webserver", "cpu_user")
            .set("comparative_operator", "lt").set("threshold", 10).set("period", 10).set("period_unit", "second"));
  }

  /** Pushes one per-instance sample a second for {@code seconds} seconds. */
  static void busy(DynamiteTestHarness h, double value, int seconds) {
    for (int i = 0; i < seconds; i++) {
      h.push("webserver", "cpu_user", "u1", value);
      h.advance(Duration.ofSeconds(1));
    }
  }

  @Test
  void runsAYamlConfigurationOnTheFakesInOneLine() {
    try (DynamiteTestHarness h = DynamiteTestHarness.of(YAML)) {
      // started: topped up to min_instance
      assertThat(h.started()).containsExactly("web@8000.service");
      assertThat(h.units()).containsEntry("web@8000.service", UnitHealth.RUNNING);
      assertThat(h.running("web")).isEqualTo(1);
      assertThat(h.now()).isEqualTo(Instant.parse("2015-06-18T08:00:00Z"));

      busy(h, 95, 11);
      h.awaitNoDecision(); // the window is not complete yet
      busy(h, 95, 1);
      DecisionRecord d = h.takeDecision();
      assertThat(d.outcome()).isEqualTo(DecisionRecord.Outcome.SCALED);
      assertThat(d.policyId()).isEqualTo("web/up/busy");
      assertThat(h.started()).containsExactly("web@8000.service", "web@8001.service");
      assertThat(h.instances("web")).extracting(i -> i.id().unitName())
          .containsExactly("web@8000.service", "web@8001.service");
      h.awaitNoDecision();
    }
  }

  @Test
  void runsAConfigurationBuiltInCodeTheSameWay() {
    try (DynamiteTestHarness h = DynamiteTestHarness.of(webInCode())) {
      busy(h, 95, 12);
      assertThat(h.takeDecision().outcome()).isEqualTo(DecisionRecord.Outcome.SCALED);
      assertThat(h.started()).containsExactly("web@8000.service", "web@8001.service");
      // the unit given in code is what the target received
      assertThat(h.target().unitOperations()).anySatisfy(op -> assertThat(op.options())
          .contains(UnitOption.of("Service", "ExecStart", "/bin/web %i")));
    }
  }

  @Test
  void pushesAggregatedSamplesWithoutAUuid() {
    try (DynamiteTestHarness h = DynamiteTestHarness.of(webInCode().service(
        ServiceConfig.builder("spare").unit("spare.service", "[Service]\nExecStart=/bin/true\n")))) {
      busy(h, 95, 12);
      h.takeDecision();
      for (int i = 0; i < 12; i++) {
        h.push("webserver", "cpu_user", 2);
        h.advance(Duration.ofSeconds(1));
      }
      DecisionRecord down = h.takeDecision();
      assertThat(down.policyId()).isEqualTo("web/down/idle");
      assertThat(down.outcome()).isEqualTo(DecisionRecord.Outcome.SCALED);
      assertThat(h.stopped()).containsExactly("web@8001.service");
    }
  }

  @Test
  void takeDecisionWithATimeLimitMovesTheClockUntilADecision() {
    // a one-off schedule raises the floor to 2 at 08:00:20: a decision that only time brings
    DynamiteConfig.Builder config = DynamiteConfig.builder()
        .service(ServiceConfig.builder("web").unit("web@.service", "[Service]\nExecStart=/bin/web %i\n")
            .maxInstance(3).baseInstancePrefixNumber(8000).portsPerInstance(1).policies("rush"))
        .policy(PolicyConfig.builder("rush").type("scheduled")
            .set("schedule", List.of(java.util.Map.of("name", "rush", "at", "2015-06-18T08:00:20", "min", 2))));
    try (DynamiteTestHarness h = DynamiteTestHarness.of(config)) {
      assertThatThrownBy(() -> h.takeDecision(Duration.ofSeconds(10)))
          .isInstanceOf(AssertionError.class).hasMessageStartingWith("no decision was made within PT10S");
      assertThat(h.now()).isEqualTo(Instant.parse("2015-06-18T08:00:10Z"));
      DecisionRecord d = h.takeDecision(Duration.ofMinutes(1));
      assertThat(d.policyId()).isEqualTo("web/rush");
      assertThat(d.outcome()).isEqualTo(DecisionRecord.Outcome.SCALED);
      assertThat(h.now()).isEqualTo(Instant.parse("2015-06-18T08:00:20Z"));
      assertThat(h.started()).containsExactly("web@8000.service", "web@8001.service");
    }
  }

  @Test
  void takeDecisionAndAwaitNoDecisionFailWhenTheyShould() {
    try (DynamiteTestHarness h = DynamiteTestHarness.of(YAML)) {
      assertThatThrownBy(h::takeDecision).isInstanceOf(AssertionError.class)
          .hasMessageStartingWith("no decision was made by 2015-06-18T08:00:00Z");
      busy(h, 95, 12);
      assertThatThrownBy(h::awaitNoDecision).isInstanceOf(AssertionError.class)
          .hasMessageContaining("expected no decision, but the engine made 1:")
          .hasMessageContaining("web/up/busy SCALED");
      assertThat(h.pendingDecisions()).hasSize(1);
      h.takeDecision();
      assertThat(h.pendingDecisions()).isEmpty();
      h.awaitNoDecision(Duration.ofMinutes(1));
    }
  }

  // ---- failing loudly --------------------------------------------------------------------------

  @Test
  void failsWhenAPushedSampleMatchesNoPolicy() {
    try (DynamiteTestHarness h = DynamiteTestHarness.of(YAML)) {
      // "web" is the service's name, but the policies read the stream of service type webserver
      assertThatThrownBy(() -> h.push("web", "cpu_user", "u1", 95))
          .isInstanceOf(AssertionError.class)
          .hasMessageStartingWith("the sample of web/cpu_user (per instance) for uuid 'u1' = 95.0 at"
              + " 2015-06-18T08:00:00Z matched no policy: the engine dropped it; the policies read:"
              + " webserver/cpu_user (aggregated), webserver/cpu_user (per instance). 'web' is the name of a"
              + " service; samples are pushed by the service type of their stream (a policy's service_type; the"
              + " policies of service 'web' read webserver).");
      // an aggregated sample of a metric no policy reads
      assertThatThrownBy(() -> h.push("webserver", "cpu_idle", 95))
          .isInstanceOf(AssertionError.class)
          .hasMessageStartingWith("the sample of webserver/cpu_idle (aggregated) = 95.0")
          .hasMessageNotContaining("is the name of a service");
      // a matched sample after that passes
      h.push("webserver", "cpu_user", "u1", 50);
    }
  }

  @Test
  void onlyWarnsAboutUnmatchedSamplesWhenToldTo() {
    try (DynamiteTestHarness h = DynamiteTestHarness.builder().yaml(YAML).unmatchedSamples(UnmatchedSamples.WARN).build()) {
      h.push("web", "cpu_user", "u1", 95).push("web", "cpu_user", "u1", 96);
      assertThat(h.metrics().dropped()).isEqualTo(2);
    }
  }

  @Test
  void catchesSamplesPushedPastTheHarnessAtItsNextCall() {
    DynamiteTestHarness h = DynamiteTestHarness.of(YAML);
    h.metrics().push(new MetricQuery("nobody", "reads", false), "u1", h.now(), 1);
    assertThatThrownBy(() -> h.advance(Duration.ofSeconds(1))).isInstanceOf(AssertionError.class)
        .hasMessageStartingWith("the sample of nobody/reads (per instance) for uuid 'u1'");
    h.close(); // reported once
  }

  /** A source that cannot signal and answers a poll with nothing at all: a bug the engine catches. */
  static final class BrokenSource implements MetricSource {
    @Override
    @SuppressWarnings("NullAway")
    public MetricPoll poll(List<MetricQuery> queries) {
      return null;
    }

    @Override
    public Optional<String> resolveInstance(String serviceType, String uuid) {
      return Optional.empty();
    }
  }

  @Test
  void failsWhenTheEngineCountsAnInternalError() {
    try (DynamiteTestHarness h = DynamiteTestHarness.builder().yaml(YAML)
        .engine(b -> b.metricSource(new BrokenSource())).build()) {
      // the broken source is polled at the evaluation interval (1 s)
      assertThatThrownBy(() -> h.advance(Duration.ofSeconds(1)))
          .isInstanceOf(AssertionError.class)
          .hasMessageStartingWith("the engine reported 1 internal error(s):")
          .hasMessageContaining("2015-06-18T08:00:01Z metric poll: java.lang.NullPointerException");
    }
  }

  @Test
  void closeReportsAnInternalErrorNoCallSaw() {
    DynamiteTestHarness h = DynamiteTestHarness.builder().yaml(YAML).engine(b -> b.metricSource(new BrokenSource())).build();
    h.scheduler().advance(Duration.ofSeconds(1)); // past the harness: nothing checks yet
    assertThatThrownBy(h::close).isInstanceOf(AssertionError.class).hasMessageContaining("internal error");
    h.close(); // idempotent
    assertThatThrownBy(() -> h.push("webserver", "cpu_user", "u1", 1)).isInstanceOf(IllegalStateException.class);
  }

  // ---- configuration ----------------------------------------------------------------------------

  @Test
  void givesStandInUnitsUnlessTheTestGivesThemOrAFolderHoldsThem(@TempDir Path dir) throws IOException {
    try (DynamiteTestHarness h = DynamiteTestHarness.of(YAML)) {
      assertThat(h.config().services().values()).singleElement().satisfies(s -> assertThat(s.unit().options())
          .contains(UnitOption.of("Service", "ExecStart", "/bin/true")));
    }
    try (DynamiteTestHarness h = DynamiteTestHarness.builder().yaml(YAML)
        .unit("web@.service", "[Service]\nExecStart=/bin/given %i\n").build()) {
      assertThat(h.config().services().values()).singleElement().satisfies(s -> assertThat(s.unit().options())
          .containsExactly(UnitOption.of("Service", "ExecStart", "/bin/given %i")));
    }
    Files.createDirectories(dir.resolve("units"));
    Files.writeString(dir.resolve("units/web@.service"), "[Service]\nExecStart=/bin/from-folder %i\n");
    try (DynamiteTestHarness h = DynamiteTestHarness.builder().baseDirectory(dir)
        .yaml(YAML.replace("PathList: []", "PathList: [units]")).build()) {
      assertThat(h.config().services().values()).singleElement().satisfies(s -> assertThat(s.unit().options())
          .containsExactly(UnitOption.of("Service", "ExecStart", "/bin/from-folder %i")));
    }
  }

  @Test
  void reportsAnInvalidConfigurationAsTheLoaderDoes() {
    assertThatThrownBy(() -> DynamiteTestHarness.of(YAML.replace("min_instance: 1", "min_instance: 5")))
        .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).singleElement()
            .hasToString("Dynamite.Service.web.min_instance: min_instance (5) is greater than max_instance (3)"));
    assertThatThrownBy(() -> DynamiteTestHarness.of(webInCode().service(ServiceConfig.builder("db")
            .unit("db.service", "[Service]\nExecStart=/bin/db\n").minInstance(2))))
        .isInstanceOf(ConfigException.class).hasMessageContaining("Dynamite.Service.db.min_instance");
  }

  @Test
  void exposesTheFakesForWhatTheHarnessDoesNotWrap() {
    try (DynamiteTestHarness h = DynamiteTestHarness.builder().config(webInCode())
        .startAt(Instant.parse("2030-01-01T00:00:00Z")).build()) {
      assertThat(h.now()).isEqualTo(Instant.parse("2030-01-01T00:00:00Z"));
      FakeScalingTarget target = h.target();
      target.failStarts(io.dynamite.api.ServiceId.of("web"), 1);
      busy(h, 95, 12);
      h.takeDecision();
      h.advance(Duration.ofSeconds(5)); // the failed start is retried after the backoff
      assertThat(target.actions()).filteredOn(a -> !a.succeeded()).hasSize(1);
      assertThat(h.started()).containsExactly("web@8000.service", "web@8001.service");
      assertThat(h.store().instances()).hasSize(2);
      assertThat(h.engine().config()).isSameAs(h.config());
      assertThatThrownBy(() -> h.instances("nope")).isInstanceOf(IllegalArgumentException.class);
    }
  }
}
