package io.dynamite.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.Test;

/** Answers that used to escape the client's error model, and the limits that contain them. */
class FleetClientLimitsTest {
  @StartStop final MockWebServer server = new MockWebServer();

  private static FleetClient client(String url) {
    return FleetClient.builder(url)
        .readTimeout(Duration.ofSeconds(5))
        .retryPolicy(RetryPolicy.builder().maxAttempts(3).initialBackoff(Duration.ofMillis(10)).maxBackoff(Duration.ofMillis(20)).build())
        .build();
  }

  /** Waits for the stage; a stage left pending fails the test instead of hanging it. */
  static FleetException failure(CompletionStage<?> s) {
    try {
      s.toCompletableFuture().get(20, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      assertThat(e.getCause()).isInstanceOf(FleetException.class);
      return (FleetException) e.getCause();
    } catch (Exception e) {
      throw new AssertionError("the call did not complete", e);
    }
    throw new AssertionError("expected a failure");
  }

  @Test
  void aNegativeContentLengthFailsWithAFleetException() {
    try (RawHttpServer raw = new RawHttpServer(RawHttpServer.bytes(
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: -5\r\n\r\n{}"));
        FleetClient client = client(raw.url())) {
      FleetException e = failure(client.listUnits());
      assertThat(e.retryable()).isFalse();
      assertThat(e.getMessage()).contains("list units").contains("malformed answer");
      assertThat(raw.requestCount()).isEqualTo(1);
    }
  }

  @Test
  void anEndlessBodyFailsAtTheBodyLimitWithoutExhaustingTheHeap() {
    try (RawHttpServer raw = new RawHttpServer(RawHttpServer.endlessBody());
        FleetClient client = client(raw.url())) {
      FleetException e = failure(client.listUnits());
      assertThat(e.retryable()).isFalse();
      assertThat(e.httpCode()).isEqualTo(200);
      assertThat(e.getMessage()).contains("list units")
          .contains("answer body is larger than the limit of " + FleetClient.MAX_BODY_BYTES + " bytes (16 MiB)");
      assertThat(raw.requestCount()).isEqualTo(1);
    }
  }

  @Test
  void aContentLengthAboveTheBodyLimitFailsBeforeTheBodyIsRead() {
    try (RawHttpServer raw = new RawHttpServer(RawHttpServer.bytes(
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100000000000\r\n\r\n{}"));
        FleetClient client = client(raw.url())) {
      FleetException e = failure(client.getUnit("a.service"));
      assertThat(e.retryable()).isFalse();
      assertThat(e.getMessage()).contains("get unit a.service")
          .contains("answer body is larger than the limit of " + FleetClient.MAX_BODY_BYTES + " bytes (16 MiB)");
    }
  }

  @Test
  void aBodyJustBelowTheLimitIsRead() throws Exception {
    // a valid answer padded with blanks to just under 16 MiB
    String json = "{\"units\":[{\"name\":\"a.service\",\"desiredState\":\"launched\"}]}";
    String body = json + " ".repeat(FleetClient.MAX_BODY_BYTES - json.length());
    server.enqueue(new MockResponse.Builder().code(200).setHeader("Content-Type", "application/json").body(body).build());
    try (FleetClient client = client(server.url("/").toString())) {
      assertThat(client.listUnits().toCompletableFuture().get(20, TimeUnit.SECONDS))
          .extracting(FleetUnit::name).containsExactly("a.service");
    }
  }

  @Test
  void aListThatNeverEndsIsCutAtThePageLimitWithItsOwnMessage() {
    AtomicInteger pages = new AtomicInteger();
    server.setDispatcher(new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest request) {
        // a fresh token on every page: never a repeat
        return new MockResponse.Builder().code(200).setHeader("Content-Type", "application/json")
            .body("{\"machines\":[],\"nextPageToken\":\"t" + pages.incrementAndGet() + "\"}").build();
      }
    });
    try (FleetClient client = FleetClient.builder(server.url("/").toString()).maxPages(20).build()) {
      FleetException e = failure(client.listMachines());
      assertThat(e.retryable()).isFalse();
      assertThat(e.getMessage()).contains("list machines").contains("more than 20 pages (the page limit)")
          .doesNotContain("repeats");
      assertThat(pages.get()).isEqualTo(20);
    }
  }

  @Test
  void aRepeatedPageTokenKeepsItsMessage() {
    server.setDispatcher(new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest request) {
        return new MockResponse.Builder().code(200).setHeader("Content-Type", "application/json")
            .body("{\"machines\":[],\"nextPageToken\":\"same\"}").build();
      }
    });
    try (FleetClient client = client(server.url("/").toString())) {
      FleetException e = failure(client.listMachines());
      assertThat(e.getMessage()).contains("fleet repeats page token same");
    }
  }

  @Test
  void theDefaultPageLimitIsWhatFleetTokensCanNumber() {
    try (FleetClient client = FleetClient.builder(server.url("/").toString()).build()) {
      assertThat(client.maxPages()).isEqualTo(65_536);
    }
  }
}
