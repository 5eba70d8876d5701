package io.dynamite.prometheus;

import static io.dynamite.prometheus.Answers.ok;
import static io.dynamite.prometheus.Answers.series;
import static io.dynamite.prometheus.Answers.vector;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dynamite.api.MetricQuery;
import io.dynamite.api.MetricSample;
import io.dynamite.api.MetricSourceException;
import io.dynamite.testkit.ManualClock;
import io.dynamite.testkit.ManualScheduler;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.junit5.StartStop;
import okhttp3.tls.HandshakeCertificates;
import okhttp3.tls.HeldCertificate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Prometheus behind TLS with a private CA (a reverse proxy in front of it, played by an https
 * MockWebServer whose certificate a root made in the test signed): trusted through {@code
 * ca_file}, refused with any other CA.
 */
class PrometheusTlsTest {
  private static final HeldCertificate ROOT = new HeldCertificate.Builder().certificateAuthority(0)
      .commonName("dynamite test root").build();
  private static final HeldCertificate OTHER_ROOT = new HeldCertificate.Builder().certificateAuthority(0)
      .commonName("somebody else's root").build();
  private static final MetricQuery CPU = new MetricQuery("web", "cpu", true);

  @StartStop final MockWebServer server = https(new MockWebServer());
  @TempDir Path dir;

  final ManualClock clock = ManualClock.atDefaultStart();
  final ManualScheduler scheduler = new ManualScheduler(clock);

  private static MockWebServer https(MockWebServer s) {
    HeldCertificate cert = new HeldCertificate.Builder().commonName("prometheus proxy").signedBy(ROOT)
        .addSubjectAlternativeName("127.0.0.1").addSubjectAlternativeName("localhost").build();
    s.useHttps(new HandshakeCertificates.Builder().heldCertificate(cert, ROOT.certificate()).build().sslSocketFactory());
    return s;
  }

  private PrometheusMetricSource source(HeldCertificate trusted) throws Exception {
    Path ca = dir.resolve("ca.pem");
    Files.writeString(ca, trusted.certificatePem());
    return PrometheusMetricSource.builder().url(server.url("/").toString()).caFile(ca).clock(clock).scheduler(scheduler)
        .timeout(Duration.ofSeconds(10)).query("cpu", PrometheusQuery.aggregated("avg(cpu)")).build();
  }

  @Test
  void aServerCertificateSignedByTheCaFileIsTrusted() throws Exception {
    server.enqueue(ok(vector(clock.instant(), series("0.5"))));
    try (PrometheusMetricSource source = source(ROOT)) {
      source.poll(List.of(CPU));
      scheduler.runPending();
      assertThat(source.poll(List.of(CPU)).samples()).containsExactly(new MetricSample(CPU, "", clock.instant(), 0.5));
    }
    RecordedRequest r = server.takeRequest(5, TimeUnit.SECONDS);
    assertThat(r).isNotNull();
    assertThat(r.getHandshake()).as("the query came over TLS").isNotNull();
  }

  @Test
  void aCertificateFromAnotherCaIsRefusedAndNothingIsSent() throws Exception {
    try (PrometheusMetricSource source = source(OTHER_ROOT)) {
      source.poll(List.of(CPU));
      scheduler.runPending();
      assertThatThrownBy(() -> source.poll(List.of(CPU)))
          .isInstanceOfSatisfying(MetricSourceException.class, e -> assertThat(e.retryable()).isFalse())
          .hasMessageContaining("TLS failed (is the server's certificate signed by ca_file?)");
    }
    assertThat(server.getRequestCount()).isZero();
  }
}
