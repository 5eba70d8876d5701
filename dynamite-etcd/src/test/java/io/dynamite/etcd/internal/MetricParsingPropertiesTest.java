package io.dynamite.etcd.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.dynamite.api.MetricQuery;
import io.dynamite.api.MetricSample;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.slf4j.LoggerFactory;

/**
 * Whatever the metric key and value, parsing yields samples and rejections only: never an
 * exception. jqwik prints the seed of a failing run.
 */
class MetricParsingPropertiesTest {
  private static final MetricQuery CPU = new MetricQuery("webserver", "cpu_user", false);
  private static final MetricQuery P95 = new MetricQuery("lb", "rt.p95", true);
  private static final List<MetricQuery> QUERIES = List.of(CPU, P95);
  private final MetricLayout layout = new MetricLayout("/metrics", "/services");

  @Provide
  Arbitrary<String> timestamps() {
    return Arbitraries.oneOf(
        Arbitraries.of("2015-06-26T09:52:07.680Z", "2300-01-01T00:00:00Z", "1677-09-21T00:12:43.145224192Z",
            "2262-04-11T23:47:16.854775808Z", "+1000000000-12-31T23:59:59.999999999Z", "-1000000000-01-01T00:00:00Z",
            "", "now", "2015-13-40T25:61:61Z"),
        Arbitraries.longs().between(-31_557_014_167_219_200L, 31_556_889_864_403_199L)
            .map(sec -> java.time.Instant.ofEpochSecond(sec).toString()),
        Arbitraries.strings().withChars("0123456789-:TZ.+").ofMaxLength(30));
  }

  @Provide
  Arbitrary<String> keys() {
    Arbitrary<String> segment = Arbitraries.oneOf(
        Arbitraries.of("webserver", "u1", "cpu_user", "lb", "rt", "", "services", "metrics"),
        Arbitraries.strings().withChars("ab/._-\u00e9").ofMaxLength(6));
    return Combinators.combine(Arbitraries.of("/metrics/", "/metrics", "/services/", "/", ""),
            segment.list().ofMaxSize(5), timestamps())
        .as((prefix, segs, ts) -> prefix + String.join("/", segs) + "/" + ts);
  }

  @Provide
  Arbitrary<String> values() {
    return Arbitraries.oneOf(
        Arbitraries.of("29", "-0", "1e308", "1e309", "NaN", "Infinity", "0x1p3", " 7 ", "", "{}", "[]", "null",
            "{\"rt.p95\": 1}", "{\"rt.p95\": \"2.5\"}", "{\"rt.p95\": \"x\"}", "{\"rt.p95\": null}", "{\"rt.p95\": [1]}",
            "{\"rt.p95\": 1e999}", "{\"rt.p95\"", "\"just a string\"", "x".repeat(70_000)),
        Arbitraries.doubles().map(d -> Double.toString(d)),
        Arbitraries.strings().ofMaxLength(40));
  }

  @Property(tries = 500)
  void parsingYieldsSamplesAndRejectionsOnly(@ForAll("keys") String key, @ForAll("values") String value) {
    MetricLayout.Parsed p = layout.parse(key, value, QUERIES);
    for (MetricSample s : p.samples()) {
      assertThat(Double.isFinite(s.value())).isTrue();
      assertThat(MetricSample.inRange(s.timestamp())).isTrue();
    }
    assertThat(p.rejected()).allSatisfy(r -> assertThat(r.key()).isEqualTo(key));
  }

  @Property(tries = 300)
  void perInstanceKeysOfAQueriedStreamAlwaysYieldASampleOrARejection(
      @ForAll("timestamps") String ts, @ForAll("values") String value) {
    MetricLayout.Parsed p = layout.parse("/metrics/webserver/u1/cpu_user/" + ts, value, QUERIES);
    assertThat(p.samples().size() + p.rejected().size()).isEqualTo(1);
  }

  @Property(tries = 300)
  void ingestAcceptsAnyChangeAndHandsOverOnlyValidSamples(
      @ForAll("keys") String key, @ForAll("values") String value, @ForAll boolean removed) {
    MetricIngest ingest = new MetricIngest(layout, 10, true, LoggerFactory.getLogger(getClass()));
    ingest.setQueries(QUERIES);
    ingest.apply(new KeyChange(key, removed ? null : value, 5, removed), 0);
    MetricIngest.Batch b = ingest.drain();
    assertThat(b.samples()).allSatisfy(s -> assertThat(MetricSample.inRange(s.timestamp())).isTrue());
    assertThat(b.revision()).isEqualTo(key.startsWith("/metrics/") ? 5 : 0);
  }
}
