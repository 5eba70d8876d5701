package io.dynamite.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dynamite.api.ConfigException;
import io.dynamite.api.MetricQuery;
import io.dynamite.api.spi.MetricSourceProvider;
import io.dynamite.api.spi.PluginContext;
import io.dynamite.etcd.internal.MetricLayout;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Tests that need no etcd. */
class UnitTests {
  final MetricLayout layout = new MetricLayout("/metrics/", "services");
  final MetricQuery cpu = new MetricQuery("webserver", "cpu_user", false);
  final MetricQuery p95 = new MetricQuery("loadbalancer", "response_time.time_backend_response.p95", true);
  final MetricQuery mean = new MetricQuery("loadbalancer", "response_time.time_backend_response.mean", true);

  @Test
  void perInstanceAndAggregatedKeysAreToldApartBySegmentCount() {
    assertThat(layout.parse("/metrics/webserver/u1/cpu_user/2015-06-26T09:52:07.680Z", "29", List.of(cpu)).samples())
        .singleElement()
        .satisfies(s -> {
          assertThat(s.uuid()).isEqualTo("u1");
          assertThat(s.value()).isEqualTo(29.0);
        });
    // same folder name, but aggregated layout: the per-instance query does not read it
    assertThat(layout.parse("/metrics/webserver/cpu_user/2015-06-26T09:52:07.680Z", "29", List.of(cpu)).matched()).isFalse();
  }

  @Test
  void oneJsonValueFeedsEveryQueryOfItsFolderAndAMissingKeyOnlyRejectsThatQuery() {
    MetricLayout.Parsed p =
        layout.parse("/metrics/loadbalancer/response_time/2015-06-22T14:54:12.319Z", "{\"time_backend_response.p95\":699.0}", List.of(p95, mean));
    assertThat(p.samples()).singleElement().extracting(s -> s.value()).isEqualTo(699.0);
    assertThat(p.rejected()).singleElement().satisfies(r -> assertThat(r.reason()).contains("time_backend_response.mean"));
  }

  @Test
  void nonFiniteAndNonNumericValuesAreRejected() {
    for (String v : List.of("abc", "NaN", "Infinity", "")) {
      assertThat(layout.parse("/metrics/webserver/u1/cpu_user/2015-06-26T09:52:07.680Z", v, List.of(cpu)).rejected()).hasSize(1);
    }
  }

  @Test
  void timestampsWhoseEpochNanosecondsOverflowALongAreRejected() {
    for (String ts : List.of("2300-01-01T00:00:00Z", "1600-01-01T00:00:00Z", "2262-04-11T23:47:16.854775808Z",
        "+1000000000-01-01T00:00:00Z")) {
      MetricLayout.Parsed p = layout.parse("/metrics/webserver/u1/cpu_user/" + ts, "29", List.of(cpu));
      assertThat(p.samples()).as(ts).isEmpty();
      assertThat(p.rejected()).as(ts).singleElement().satisfies(r -> {
        assertThat(r.key()).endsWith(ts);
        assertThat(r.reason()).contains("timestamp " + ts + " is outside")
            .contains("nanoseconds since the epoch must fit a long");
      });
    }
  }

  @Test
  void timestampsAtTheEdgesOfTheRangeAreAccepted() {
    for (String ts : List.of("2262-04-11T23:47:16.854775807Z", "1677-09-21T00:12:43.145224193Z")) {
      assertThat(layout.parse("/metrics/webserver/u1/cpu_user/" + ts, "29", List.of(cpu)).samples())
          .as(ts).singleElement().satisfies(s -> assertThat(s.timestamp()).isEqualTo(java.time.Instant.parse(ts)));
    }
  }

  @Test
  void registrationsAppendServiceSuffix() {
    assertThat(layout.registration("/services/webserver/u1/service_instance_name"))
        .isEqualTo(new MetricLayout.Registration("webserver", "u1"));
    assertThat(layout.registration("/services/webserver/u1/host")).isNull();
    assertThat(MetricLayout.unitName("a@1")).isEqualTo("a@1.service");
    assertThat(MetricLayout.unitName("a@1.service")).isEqualTo("a@1.service");
  }

  @Test
  void settingsNeverShowThePassword() {
    EtcdSettings s = EtcdSettings.builder().endpoints("http://127.0.0.1:1").credentials("root", "s3cret").build();
    assertThat(s.toString()).doesNotContain("s3cret").contains("***");
    try (EtcdConnection c = EtcdConnection.open(s)) {
      assertThat(c.toString()).doesNotContain("s3cret");
    }
  }

  @Test
  void endpointsNeedAPort() {
    assertThatThrownBy(() -> EtcdSettings.builder().endpoints("http://etcd"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no default port");
  }

  @Test
  void providersAreRegisteredAndReportEveryProblem() {
    Map<String, MetricSourceProvider> providers =
        ServiceLoader.load(MetricSourceProvider.class).stream()
            .map(ServiceLoader.Provider::get)
            .collect(Collectors.toMap(MetricSourceProvider::type, p -> p));
    assertThat(providers).containsKeys("etcd", "etcd-v2");
    PluginContext ctx = PluginContext.of(Clock.systemUTC(), "m", "etcd");
    assertThatThrownBy(() -> providers.get("etcd").create(Map.of("mode", "steal", "bogus", 1, "password", "s3cret"), ctx))
        .isInstanceOfSatisfying(ConfigException.class, e -> {
          assertThat(e.problems()).extracting(p -> p.path()).contains("mode", "bogus", "endpoints", "password");
          assertThat(e.getMessage()).doesNotContain("s3cret");
        });
    try (var src = providers.get("etcd").create(Map.of("endpoints", List.of("http://127.0.0.1:1"), "mode", "shared"), ctx)) {
      assertThat(src).isInstanceOf(EtcdMetricSource.class);
      assertThat(((EtcdMetricSource) src).mode()).isEqualTo(MetricMode.SHARED);
    }
  }
}
