package io.dynamite.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLPeerUnverifiedException;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.junit5.StartStop;
import okhttp3.tls.HandshakeCertificates;
import okhttp3.tls.HeldCertificate;
import org.junit.jupiter.api.Test;

/**
 * {@link FleetClient} over {@code https://} to a TLS proxy in front of fleetd, played by a
 * MockWebServer with certificates made in the test: a root CA signs the server certificate for
 * 127.0.0.1 and localhost.
 */
class FleetClientTlsTest {
  private static final HeldCertificate ROOT = new HeldCertificate.Builder()
      .certificateAuthority(0)
      .commonName("dynamite test root")
      .build();
  private static final HeldCertificate OTHER_ROOT = new HeldCertificate.Builder()
      .certificateAuthority(0)
      .commonName("somebody else's root")
      .build();

  @StartStop final MockWebServer server = https(new MockWebServer(), serverCertificate("127.0.0.1", "localhost"));

  private static HeldCertificate serverCertificate(String... names) {
    HeldCertificate.Builder b = new HeldCertificate.Builder().commonName("fleet proxy").signedBy(ROOT);
    for (String n : names) {
      b.addSubjectAlternativeName(n);
    }
    return b.build();
  }

  private static MockWebServer https(MockWebServer s, HeldCertificate cert) {
    HandshakeCertificates serverSide = new HandshakeCertificates.Builder().heldCertificate(cert, ROOT.certificate()).build();
    s.useHttps(serverSide.sslSocketFactory());
    return s;
  }

  private static HandshakeCertificates trusting(HeldCertificate root) {
    return new HandshakeCertificates.Builder().addTrustedCertificate(root.certificate()).build();
  }

  private FleetClient client(HandshakeCertificates trust) {
    return FleetClient.builder(server.url("/").toString())
        .tls(trust.sslSocketFactory(), trust.trustManager())
        .connectTimeout(Duration.ofSeconds(5))
        .readTimeout(Duration.ofSeconds(5))
        .retryPolicy(RetryPolicy.builder().maxAttempts(3).initialBackoff(Duration.ofMillis(1)).maxBackoff(Duration.ofMillis(5)).build())
        .build();
  }

  private static <T> T get(CompletionStage<T> s) throws Exception {
    return s.toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  private static FleetException failure(CompletionStage<?> s) throws Exception {
    try {
      get(s);
    } catch (ExecutionException e) {
      assertThat(e.getCause()).isInstanceOf(FleetException.class);
      return (FleetException) e.getCause();
    }
    throw new AssertionError("expected a failure");
  }

  @Test
  void callSucceedsWhenTheServerCertificateIsTrusted() throws Exception {
    assertThat(server.url("/").isHttps()).isTrue();
    server.enqueue(new MockResponse.Builder()
        .code(200)
        .setHeader("Content-Type", "application/json")
        .body("{\"machines\":[{\"id\":\"m1\",\"primaryIP\":\"10.0.0.1\"}]}")
        .build());
    try (FleetClient client = client(trusting(ROOT))) {
      assertThat(get(client.listMachines())).extracting(FleetMachine::id).containsExactly("m1");
    }
    RecordedRequest r = server.takeRequest(5, TimeUnit.SECONDS);
    assertThat(r).isNotNull();
    assertThat(r.getUrl().encodedPath()).isEqualTo("/fleet/v1/machines");
    assertThat(r.getHandshake()).as("the request came over TLS").isNotNull();
  }

  @Test
  void untrustedServerCertificateFailsAtOnceAndIsNotRetried() throws Exception {
    try (FleetClient client = client(trusting(OTHER_ROOT))) {
      FleetException e = failure(client.listUnits());
      assertThat(e.retryable()).isFalse();
      assertThat(e.httpCode()).isEqualTo(FleetException.NO_RESPONSE);
      assertThat(e.getMessage()).contains("list units", "TLS", "not trusted");
      assertThat(e).hasCauseInstanceOf(SSLHandshakeException.class);
    }
    // the handshake failed, so no request ever reached the server, and it was tried only once
    assertThat(server.getRequestCount()).isZero();
  }

  @Test
  void jdkDefaultTrustDoesNotTrustATestRoot() throws Exception {
    try (FleetClient client = FleetClient.builder(server.url("/").toString())
        .retryPolicy(RetryPolicy.builder().maxAttempts(3).initialBackoff(Duration.ofMillis(1)).build())
        .build()) {
      FleetException e = failure(client.listMachines());
      assertThat(e.retryable()).isFalse();
      assertThat(e).hasCauseInstanceOf(SSLHandshakeException.class);
    }
    assertThat(server.getRequestCount()).isZero();
  }

  @Test
  void certificateForAnotherHostFailsAtOnceAndIsNotRetried() throws Exception {
    try (MockWebServer wrongName = https(new MockWebServer(), serverCertificate("fleet.example"))) {
      wrongName.start();
      HandshakeCertificates trust = trusting(ROOT);
      try (FleetClient client = FleetClient.builder(wrongName.url("/").toString())
          .tls(trust.sslSocketFactory(), trust.trustManager())
          .retryPolicy(RetryPolicy.builder().maxAttempts(3).initialBackoff(Duration.ofMillis(1)).build())
          .build()) {
        FleetException e = failure(client.getUnit("a.service"));
        assertThat(e.retryable()).isFalse();
        assertThat(e.getMessage()).contains("get unit a.service", "TLS");
        assertThat(e).hasCauseInstanceOf(SSLPeerUnverifiedException.class);
      }
      assertThat(wrongName.getRequestCount()).isZero();
    }
  }
}
