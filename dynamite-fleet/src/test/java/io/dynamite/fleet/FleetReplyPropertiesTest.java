package io.dynamite.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Whatever a server answers (status line, headers, body), every call completes, with a result or a
 * {@link FleetException}: never another exception, never a stage left pending. Answers come from
 * a raw loopback socket. jqwik prints the seed of a failing run.
 */
class FleetReplyPropertiesTest {
  private static final AtomicReference<byte[]> ANSWER = new AtomicReference<>(new byte[0]);
  private static RawHttpServer server;
  private static FleetClient client;

  @BeforeContainer
  static void start() {
    server = new RawHttpServer(out -> out.write(ANSWER.get()));
    client = FleetClient.builder(server.url())
        .readTimeout(Duration.ofSeconds(2))
        .callTimeout(Duration.ofSeconds(5))
        .retryPolicy(RetryPolicy.builder().maxAttempts(1).build())
        .build();
  }

  @AfterContainer
  static void stop() {
    client.close();
    server.close();
  }

  @Provide
  Arbitrary<String> statusLines() {
    return Arbitraries.oneOf(
        Arbitraries.of(200, 201, 204, 301, 400, 404, 409, 500, 503, 999, 0, -1)
            .map(c -> "HTTP/1.1 " + c + " X"),
        Arbitraries.of("HTTP/1.1 200", "HTTP/1.0 200 OK", "HTTP/2 200 OK", "HTTP/1.1 OK", "", "garbage", "HTTP/1.1 20x OK"),
        Arbitraries.strings().withChars("HTP/1. 2045OKx").ofMaxLength(20));
  }

  @Provide
  Arbitrary<List<String>> headers() {
    Arbitrary<String> header = Arbitraries.oneOf(
        Arbitraries.of("Content-Type: application/json", "Content-Length: 0", "Content-Length: 2", "Content-Length: -5",
            "Content-Length: 99999999999999999999", "Content-Length: x", "Transfer-Encoding: chunked",
            "Transfer-Encoding: gzip", "Content-Encoding: gzip", "Connection: close", ": empty", "NoColon", "X: \u00e9"),
        Arbitraries.strings().withChars("abcXY-: 0123456789").ofMaxLength(25));
    return header.list().ofMaxSize(5);
  }

  @Provide
  Arbitrary<String> bodies() {
    return Arbitraries.oneOf(
        Arbitraries.of("", "{}", "[]", "null", "{\"units\":[]}", "{\"units\":null}", "{\"units\":[{}]}",
            "{\"units\":[{\"name\":\"a.service\"}]}", "{\"units\":[{\"name\":1,\"options\":{}}],\"nextPageToken\":\"\"}",
            "{\"units\":[],\"nextPageToken\":7}", "{\"error\":{\"code\":500,\"message\":\"x\"}}", "{\"error\":1}",
            "{\"machines\":[{\"id\":null}]}", "{\"states\":\"x\"}", "0\r\n\r\n", "5\r\nhello\r\n0\r\n\r\n", "zz\r\n"),
        Arbitraries.strings().withChars("{}[]\":,0123456789abnrtuelsx \r\n").ofMaxLength(60));
  }

  @Property(tries = 300)
  void everyAnswerGivesAResultOrAFleetException(
      @ForAll("statusLines") String status, @ForAll("headers") List<String> headers, @ForAll("bodies") String body,
      @ForAll("calls") int call) throws Exception {
    StringBuilder raw = new StringBuilder(status).append("\r\n");
    for (String h : headers) {
      raw.append(h).append("\r\n");
    }
    raw.append("\r\n").append(body);
    ANSWER.set(raw.toString().getBytes(StandardCharsets.UTF_8));
    CompletableFuture<?> f = switch (call) {
      case 0 -> client.listUnits().toCompletableFuture();
      case 1 -> client.getUnit("a.service").toCompletableFuture();
      case 2 -> client.deleteUnit("a.service").toCompletableFuture();
      case 3 -> client.listStates(null, "a.service").toCompletableFuture();
      default -> client.listMachines().toCompletableFuture();
    };
    try {
      f.get(20, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      assertThat(e.getCause()).as(raw.toString()).isInstanceOf(FleetException.class);
    }
  }

  @Provide
  Arbitrary<Integer> calls() {
    return Arbitraries.integers().between(0, 4);
  }
}
