package io.dynamite.prometheus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dynamite.api.ConfigException;
import io.dynamite.api.ConfigProblem;
import io.dynamite.api.spi.MetricSource;
import io.dynamite.api.spi.MetricSourceProvider;
import io.dynamite.api.spi.PluginContext;
import io.dynamite.core.PluginRegistry;
import io.dynamite.core.config.ConfigLoader;
import io.dynamite.core.config.DynamiteConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code prometheus} provider: discovery, settings, and every configuration problem with its path. */
class PrometheusMetricSourceProviderTest {
  @TempDir Path dir;

  private static final PluginContext CONTEXT = PluginContext.of(Clock.systemUTC(), "metric-source", "prometheus");

  private static Map<String, Object> settings(Object... pairs) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      m.put((String) pairs[i], pairs[i + 1]);
    }
    return m;
  }

  private static List<ConfigProblem> problems(Map<String, Object> settings) {
    try {
      new PrometheusMetricSourceProvider().create(settings, CONTEXT).close();
    } catch (ConfigException e) {
      return e.problems();
    }
    throw new AssertionError("expected a ConfigException");
  }

  @Test
  void isFoundByServiceLoaderAsTypePrometheus() {
    assertThat(ServiceLoader.load(MetricSourceProvider.class).stream().map(ServiceLoader.Provider::get))
        .filteredOn(p -> p.type().equals("prometheus"))
        .singleElement()
        .isInstanceOf(PrometheusMetricSourceProvider.class)
        .satisfies(p -> assertThat(p.settingsKeys()).contains("url", "queries", "interval", "timeout",
            "bearer_token_file", "username", "password_file", "ca_file", "buffer_capacity"));
    assertThat(PluginRegistry.builder().discover(getClass().getClassLoader()).build().metricSource("prometheus")).isPresent();
  }

  @Test
  void createsASourceFromFullSettings() throws Exception {
    Path token = dir.resolve("token");
    Files.writeString(token, "t0ken-value\n");
    Map<String, Object> s = settings(
        "url", "http://127.0.0.1:9090",
        "queries", Map.of(
            "cpu", "avg(rate(process_cpu_seconds_total{job=\"web\"}[1m]))",
            "web/load", Map.of("query", "load", "instance_label", "number", "unit_name", "web@{}.service")),
        "interval", "2s",
        "timeout", "1500ms",
        "bearer_token_file", token.toString(),
        "buffer_capacity", 100);
    try (MetricSource source = new PrometheusMetricSourceProvider().create(s, CONTEXT)) {
      assertThat(source).hasToString("PrometheusMetricSource[http://127.0.0.1:9090/, queries=[cpu, web/load], interval=2000ms]");
      assertThat(source.toString()).doesNotContain("t0ken");
    }
  }

  @Test
  void everyProblemIsReportedAtOnceWithItsPath() {
    assertThat(problems(settings("urll", "http://x", "interval", "soon", "timeout", 0, "buffer_capacity", -1)))
        .extracting(ConfigProblem::path)
        .containsExactlyInAnyOrder("urll", "url", "queries", "interval", "timeout", "buffer_capacity");
  }

  @Test
  void queryProblemsPointAtTheQuery() {
    List<ConfigProblem> p = problems(settings("url", "http://127.0.0.1:9090", "queries", new LinkedHashMap<>(Map.of(
        "blank", " ",
        "nolabel", Map.of("query", "x", "unit_name", "web@{}.service"),
        "badlabel", Map.of("query", "x", "instance_label", "not-a-label"),
        "twice", Map.of("query", "x", "instance_label", "n", "unit_name", "{}-{}"),
        "typo", Map.of("querry", "x"),
        "number", 42))));
    assertThat(p).extracting(ConfigProblem::path).containsExactlyInAnyOrder(
        "queries.blank", "queries.nolabel.unit_name", "queries.badlabel.instance_label", "queries.twice.unit_name",
        "queries.typo.querry", "queries.typo.query", "queries.number");
    assertThat(p).filteredOn(x -> x.path().equals("queries.nolabel.unit_name"))
        .extracting(ConfigProblem::message).containsExactly("unit_name needs instance_label: it names the unit from that label's value");
  }

  @Test
  void authenticationSettingsMustBeComplete() throws Exception {
    Path password = dir.resolve("pw");
    Files.writeString(password, "pw");
    Map<String, Object> q = Map.of("cpu", "x");
    assertThat(problems(settings("url", "http://h:1", "queries", q, "username", "u"))).extracting(ConfigProblem::path)
        .containsExactly("password_file");
    assertThat(problems(settings("url", "http://h:1", "queries", q, "password_file", password.toString())))
        .extracting(ConfigProblem::path).containsExactly("username");
    assertThat(problems(settings("url", "http://h:1", "queries", q, "bearer_token_file", password.toString(),
        "username", "u", "password_file", password.toString()))).extracting(ConfigProblem::path).containsExactly("bearer_token_file");
    assertThat(problems(settings("url", "http://admin:hunter2@h:1", "queries", q)))
        .singleElement().satisfies(x -> {
          assertThat(x.path()).isEqualTo("url");
          assertThat(x.message()).contains("must not contain credentials").doesNotContain("hunter2");
        });
  }

  @Test
  void unreadableFilesAreConfigurationErrorsNamingTheSettingAndTheFile() throws Exception {
    Path missing = dir.resolve("missing-token");
    assertThat(problems(settings("url", "http://h:1", "queries", Map.of("cpu", "x"), "bearer_token_file", missing.toString())))
        .singleElement().satisfies(x -> {
          assertThat(x.path()).isEqualTo("bearer_token_file");
          assertThat(x.message()).isEqualTo("cannot read " + missing + " (NoSuchFileException)");
        });
    Path empty = dir.resolve("empty");
    Files.writeString(empty, "\n");
    assertThat(problems(settings("url", "http://h:1", "queries", Map.of("cpu", "x"), "username", "u", "password_file", empty.toString())))
        .singleElement().satisfies(x -> assertThat(x.path()).isEqualTo("password_file"));
    Path notPem = dir.resolve("ca.pem");
    Files.writeString(notPem, "not a certificate");
    assertThat(problems(settings("url", "https://h:1", "queries", Map.of("cpu", "x"), "ca_file", notPem.toString())))
        .singleElement().satisfies(x -> assertThat(x.path()).isEqualTo("ca_file"));
    assertThat(problems(settings("url", "http://h:1", "queries", Map.of("cpu", "x"), "ca_file", notPem.toString())))
        .singleElement().satisfies(x -> {
          assertThat(x.path()).isEqualTo("ca_file");
          assertThat(x.message()).contains("needs an https URL");
        });
  }

  @Test
  void theDaemonsConfigLoaderChecksTheSectionsKeysAgainstTheProvider() throws Exception {
    Files.writeString(dir.resolve("web@.service"), "[Service]\nExecStart=/bin/true\n");
    PluginRegistry registry = PluginRegistry.builder().discover(getClass().getClassLoader()).build();
    String yaml = """
        Dynamite:
          ServiceFiles: {PathList: ['%s']}
          ETCD: {application_base_path: /services, metrics_base_path: /metrics}
          MetricSource:
            type: prometheus
            url: http://127.0.0.1:9090
            %s
            queries: {load: 'avg(load)'}
          Service:
            web: {name_of_unit_file: web@.service, min_instance: 1, max_instance: 2, base_instance_prefix_number: 8080,
                  ports_per_instance: 1, scale_up_policy: {ScalingPolicy: up}}
          ScalingPolicy:
            up: {service_type: web, metric: load, metric_aggregated: true, comparative_operator: gt, threshold: 50, period: 0}
        """;
    DynamiteConfig ok = ConfigLoader.builder().plugins(registry).build().load(yaml.formatted(dir, "interval: 5s"), dir);
    assertThat(ok.metricSource()).hasValueSatisfying(s -> assertThat(s.type()).isEqualTo("prometheus"));
    try (MetricSource source = new PrometheusMetricSourceProvider().create(ok.metricSource().get().settings(), CONTEXT)) {
      assertThat(source.toString()).contains("interval=5000ms");
    }
    assertThatThrownBy(() -> ConfigLoader.builder().plugins(registry).build().load(yaml.formatted(dir, "intervall: 5s"), dir))
        .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).extracting(ConfigProblem::path)
            .containsExactly("Dynamite.MetricSource.intervall"));
  }
}
