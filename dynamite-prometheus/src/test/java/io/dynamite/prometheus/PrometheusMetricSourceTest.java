package io.dynamite.prometheus;

import static io.dynamite.prometheus.Answers.error;
import static io.dynamite.prometheus.Answers.json;
import static io.dynamite.prometheus.Answers.matrix;
import static io.dynamite.prometheus.Answers.ok;
import static io.dynamite.prometheus.Answers.scalar;
import static io.dynamite.prometheus.Answers.series;
import static io.dynamite.prometheus.Answers.vector;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dynamite.api.MetricPoll;
import io.dynamite.api.MetricQuery;
import io.dynamite.api.MetricSample;
import io.dynamite.api.MetricSourceException;
import io.dynamite.api.RejectedSample;
import io.dynamite.testkit.ManualClock;
import io.dynamite.testkit.ManualScheduler;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.junit5.StartStop;
import okhttp3.HttpUrl;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The source against MockWebServer playing Prometheus's query API: what a round sends, how
 * answers become samples, and every error path. Rounds run on a manual scheduler, so each {@code
 * runPending()} is exactly one round; HTTP is real (loopback).
 */
class PrometheusMetricSourceTest {
  static final MetricQuery CPU = new MetricQuery("web", "cpu", true);
  static final MetricQuery LOAD = new MetricQuery("web", "load", false);

  @StartStop final MockWebServer server = new MockWebServer();
  @TempDir Path dir;

  final ManualClock clock = new ManualClock(Instant.parse("2025-03-01T10:00:00.250Z"));
  final ManualScheduler scheduler = new ManualScheduler(clock);
  PrometheusMetricSource source;

  @AfterEach
  void close() {
    if (source != null) {
      source.close();
    }
  }

  private PrometheusMetricSource.Builder builder() {
    return PrometheusMetricSource.builder().url(server.url("/").toString()).clock(clock).scheduler(scheduler)
        .interval(Duration.ofSeconds(5)).timeout(Duration.ofSeconds(5));
  }

  /** The first poll binds the streams and starts the rounds; one round runs; the next poll takes its results. */
  private MetricPoll oneRound(List<MetricQuery> streams) {
    assertThat(source.poll(streams)).isEqualTo(MetricPoll.EMPTY);
    scheduler.runPending();
    return source.poll(streams);
  }

  private RecordedRequest request() throws InterruptedException {
    RecordedRequest r = server.takeRequest(5, TimeUnit.SECONDS);
    assertThat(r).as("a request reached the server").isNotNull();
    return r;
  }

  private static String form(RecordedRequest r, String name) {
    HttpUrl u = HttpUrl.get("http://x/?" + r.getBody().utf8());
    return u.queryParameter(name);
  }

  @Test
  void anAggregatedQueryBecomesOneSampleAtTheEvaluationTimeOfEachRound() throws Exception {
    source = builder().query("cpu", PrometheusQuery.aggregated("avg(rate(cpu_seconds_total{job=\"web\"}[1m]))")).build();
    AtomicInteger signals = new AtomicInteger();
    assertThat(source.subscribe(signals::incrementAndGet)).isTrue();
    Instant t0 = clock.instant();
    server.enqueue(ok(vector(t0, series("0.75"))));

    MetricPoll first = oneRound(List.of(CPU));

    assertThat(first.samples()).containsExactly(new MetricSample(CPU, MetricSample.AGGREGATED, t0, 0.75));
    assertThat(first.samples().get(0).query()).as("the engine's own query object").isSameAs(CPU);
    assertThat(signals).hasValue(1);
    RecordedRequest r = request();
    assertThat(r.getMethod()).isEqualTo("POST");
    assertThat(r.getUrl().encodedPath()).isEqualTo("/api/v1/query");
    assertThat(form(r, "query")).isEqualTo("avg(rate(cpu_seconds_total{job=\"web\"}[1m]))");
    assertThat(form(r, "time")).isEqualTo("1740823200.250");
    assertThat(form(r, "timeout")).isEqualTo("5000ms");
    assertThat(r.getHeaders().get("Authorization")).isNull();

    // the next round starts one interval later, at the clock's new instant
    server.enqueue(ok(vector(t0.plusSeconds(5), series("0.5"))));
    scheduler.advance(Duration.ofSeconds(4));
    assertThat(server.getRequestCount()).isEqualTo(1);
    scheduler.advance(Duration.ofSeconds(1));
    assertThat(source.poll(List.of(CPU)).samples()).containsExactly(new MetricSample(CPU, "", t0.plusSeconds(5), 0.5));
    assertThat(form(request(), "time")).isEqualTo("1740823205.250");
    assertThat(source.queriesRun()).isEqualTo(2);
    assertThat(source.failedQueries()).isZero();
  }

  @Test
  void aScalarAnswerIsAnAggregatedValue() {
    source = builder().query("cpu", PrometheusQuery.aggregated("scalar(sum(up))")).build();
    server.enqueue(ok(scalar(clock.instant(), "3")));
    assertThat(oneRound(List.of(CPU)).samples()).containsExactly(new MetricSample(CPU, "", clock.instant(), 3));
  }

  @Test
  void perInstanceSeriesAreKeyedByTheirLabelAndResolveToUnitsThroughTheTemplate() {
    source = builder()
        .query("load", PrometheusQuery.perInstance("demo_load", "number").withUnitName("web@{}.service"))
        .build();
    Instant t = clock.instant();
    server.enqueue(ok(vector(t,
        series("12", "job", "demo", "number", "8080"),
        series("95.5", "job", "demo", "number", "8081"),
        series("40", "job", "demo"),                         // no instance label
        series("1", "job", "demo", "number", "8082"),        // 8082 twice: ambiguous
        series("2", "job", "other", "number", "8082"))));

    MetricPoll p = oneRound(List.of(LOAD));

    assertThat(p.samples()).containsExactly(new MetricSample(LOAD, "8080", t, 12), new MetricSample(LOAD, "8081", t, 95.5));
    assertThat(p.rejected()).extracting(RejectedSample::reason).containsExactly(
        "series lacks the instance label number",
        "2 series have number=\"8082\": aggregate the query by number",
        "2 series have number=\"8082\": aggregate the query by number");
    assertThat(p.rejected().get(0).key()).isEqualTo("prometheus:load{job=\"demo\"}");
    assertThat(source.resolveInstance("web", "8081")).contains("web@8081.service");
    assertThat(source.resolveInstance("db", "8081")).isEmpty();
    assertThat(source.rejectedValues()).isEqualTo(3);
  }

  @Test
  void theServiceTypeSpecificKeyWinsOverTheMetricName() throws Exception {
    MetricQuery dbCpu = new MetricQuery("db", "cpu", true);
    source = builder()
        .query("cpu", PrometheusQuery.aggregated("avg(web_cpu)"))
        .query("db/cpu", PrometheusQuery.aggregated("avg(db_cpu)"))
        .build();
    server.enqueue(ok(vector(clock.instant(), series("1"))));
    server.enqueue(ok(vector(clock.instant(), series("2"))));
    MetricPoll p = oneRound(List.of(CPU, dbCpu));
    assertThat(form(request(), "query")).isEqualTo("avg(web_cpu)");
    assertThat(form(request(), "query")).isEqualTo("avg(db_cpu)");
    assertThat(p.samples()).extracting(MetricSample::query, MetricSample::value)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(CPU, 1.0), org.assertj.core.groups.Tuple.tuple(dbCpu, 2.0));
  }

  @Test
  void samplesOfSeveralRoundsAreHandedOverGroupedByStreamInTimeOrder() {
    source = builder()
        .query("cpu", PrometheusQuery.aggregated("avg(cpu)"))
        .query("load", PrometheusQuery.perInstance("load", "uuid"))
        .build();
    Instant t0 = clock.instant();
    Instant t1 = t0.plusSeconds(5);
    server.enqueue(ok(vector(t0, series("1"))));
    server.enqueue(ok(vector(t0, series("10", "uuid", "a"))));
    server.enqueue(ok(vector(t1, series("2"))));
    server.enqueue(ok(vector(t1, series("20", "uuid", "a"))));
    assertThat(source.poll(List.of(CPU, LOAD))).isEqualTo(MetricPoll.EMPTY);
    scheduler.runPending();
    scheduler.advance(Duration.ofSeconds(5)); // a second round before the engine polls
    assertThat(source.poll(List.of(CPU, LOAD)).samples()).containsExactly(
        new MetricSample(CPU, "", t0, 1), new MetricSample(CPU, "", t1, 2),
        new MetricSample(LOAD, "a", t0, 10), new MetricSample(LOAD, "a", t1, 20));
  }

  @Test
  void anEmptyResultDeliversNoSampleNeverAZeroAndIsCountedAndLoggedOncePerEpisode() throws Exception {
    source = builder().query("cpu", PrometheusQuery.aggregated("avg(cpu)")).build();
    server.enqueue(ok(vector(clock.instant())));
    server.enqueue(ok(vector(clock.instant().plusSeconds(5))));
    server.enqueue(ok(vector(clock.instant().plusSeconds(10), series("7"))));
    String log = capturingStderr(() -> {
      MetricPoll p = oneRound(List.of(CPU));
      assertThat(p).isEqualTo(MetricPoll.EMPTY);
      scheduler.advance(Duration.ofSeconds(5));
      assertThat(source.poll(List.of(CPU))).isEqualTo(MetricPoll.EMPTY);
      scheduler.advance(Duration.ofSeconds(5));
      assertThat(source.poll(List.of(CPU)).samples()).extracting(MetricSample::value).containsExactly(7.0);
    });
    assertThat(source.emptyResults()).isEqualTo(2);
    assertThat(source.failedQueries()).isZero();
    assertThat(occurrences(log, "returned no series")).isEqualTo(1);
    assertThat(occurrences(log, "has data again")).isEqualTo(1);
  }

  @Test
  void nanAndInfiniteValuesAreRejectedNotDelivered() {
    source = builder().query("load", PrometheusQuery.perInstance("load", "uuid")).build();
    server.enqueue(ok(vector(clock.instant(),
        series("NaN", "uuid", "a"), series("+Inf", "uuid", "b"), series("-Inf", "uuid", "c"),
        series("nonsense", "uuid", "d"), series("4", "uuid", "e"))));
    MetricPoll p = oneRound(List.of(LOAD));
    assertThat(p.samples()).containsExactly(new MetricSample(LOAD, "e", clock.instant(), 4));
    assertThat(p.rejected()).extracting(RejectedSample::reason).containsExactly(
        "value is NaN (not a finite number)", "value is +Inf (not a finite number)",
        "value is -Inf (not a finite number)", "value is not a number: nonsense");
    assertThat(p.rejected()).extracting(RejectedSample::key).first().isEqualTo("prometheus:load{uuid=\"a\"}");
  }

  @Test
  void severalSeriesForAnAggregatedMetricAreRejected() {
    source = builder().query("cpu", PrometheusQuery.aggregated("cpu")).build();
    server.enqueue(ok(vector(clock.instant(), series("1", "i", "a"), series("2", "i", "b"))));
    MetricPoll p = oneRound(List.of(CPU));
    assertThat(p.samples()).isEmpty();
    assertThat(p.rejected()).containsExactly(new RejectedSample("prometheus:cpu",
        "2 series, but an aggregated metric needs one: aggregate the query (sum, avg, max ...)"));
  }

  @Test
  void aServerErrorFailsThePollRetryablyUntilARoundSucceeds() {
    source = builder().query("cpu", PrometheusQuery.aggregated("avg(cpu)")).build();
    server.enqueue(json(500, "upstream exploded"));
    server.enqueue(ok(vector(clock.instant().plusSeconds(5), series("1"))));
    source.poll(List.of(CPU));
    scheduler.runPending();

    assertThatThrownBy(() -> source.poll(List.of(CPU)))
        .isInstanceOfSatisfying(MetricSourceException.class, e -> assertThat(e.retryable()).isTrue())
        .hasMessage("every Prometheus query failed; latest: HTTP 500: upstream exploded");
    // the engine retries its poll: still failing, still nothing invented
    assertThatThrownBy(() -> source.poll(List.of(CPU))).isInstanceOf(MetricSourceException.class);
    assertThat(source.failedQueries()).isEqualTo(1);

    scheduler.advance(Duration.ofSeconds(5));
    assertThat(source.poll(List.of(CPU)).samples()).extracting(MetricSample::value).containsExactly(1.0);
    assertThat(source.poll(List.of(CPU))).isEqualTo(MetricPoll.EMPTY);
  }

  @Test
  void aBodyThatIsNotJsonIsAFailure() {
    source = builder().query("cpu", PrometheusQuery.aggregated("avg(cpu)")).build();
    server.enqueue(new MockResponse.Builder().code(200).body("<html>login</html>").build());
    source.poll(List.of(CPU));
    scheduler.runPending();
    assertThatThrownBy(() -> source.poll(List.of(CPU)))
        .isInstanceOfSatisfying(MetricSourceException.class, e -> assertThat(e.retryable()).isFalse())
        .hasMessageContaining("answer is not JSON: <html>login</html>");
  }

  @Test
  void truncatedJsonIsAFailure() {
    source = builder().query("cpu", PrometheusQuery.aggregated("avg(cpu)")).build();
    server.enqueue(ok("{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[{\"metric\":{"));
    source.poll(List.of(CPU));
    scheduler.runPending();
    assertThatThrownBy(() -> source.poll(List.of(CPU))).hasMessageContaining("answer is not JSON");
  }

  @Test
  void prometheusOwnErrorIsQuotedAndABadQueryIsNotRetryable() {
    source = builder().query("cpu", PrometheusQuery.aggregated("avg(cpu")).build();
    server.enqueue(json(400, error("bad_data", "1:8: parse error: unclosed left parenthesis")));
    source.poll(List.of(CPU));
    scheduler.runPending();
    assertThatThrownBy(() -> source.poll(List.of(CPU)))
        .isInstanceOfSatisfying(MetricSourceException.class, e -> assertThat(e.retryable()).isFalse())
        .hasMessageContaining("HTTP 400 bad_data: 1:8: parse error: unclosed left parenthesis");
  }

  @Test
  void aRangeVectorAnswerIsAFailureThatSaysWhatToDo() {
    source = builder().query("cpu", PrometheusQuery.aggregated("cpu[1m]")).build();
    server.enqueue(ok(matrix(clock.instant())));
    source.poll(List.of(CPU));
    scheduler.runPending();
    assertThatThrownBy(() -> source.poll(List.of(CPU))).hasMessageContaining("range vector (matrix)");
  }

  @Test
  void aQueryThatTimesOutFailsAfterTheTimeout() {
    source = builder().timeout(Duration.ofMillis(300)).query("cpu", PrometheusQuery.aggregated("avg(cpu)")).build();
    server.enqueue(new MockResponse.Builder().headersDelay(3, TimeUnit.SECONDS).body("{}").build());
    source.poll(List.of(CPU));
    long start = System.nanoTime();
    scheduler.runPending();
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
    assertThatThrownBy(() -> source.poll(List.of(CPU)))
        .isInstanceOfSatisfying(MetricSourceException.class, e -> assertThat(e.retryable()).isTrue())
        .hasMessageContaining("timed out after 300 ms");
  }

  @Test
  void anUnreachableServerIsARetryableFailure() throws Exception {
    int port;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    source = builder().url("http://127.0.0.1:" + port).query("cpu", PrometheusQuery.aggregated("avg(cpu)")).build();
    source.poll(List.of(CPU));
    scheduler.runPending();
    assertThatThrownBy(() -> source.poll(List.of(CPU)))
        .isInstanceOfSatisfying(MetricSourceException.class, e -> assertThat(e.retryable()).isTrue())
        .hasMessageContaining("request to http://127.0.0.1:" + port + "/api/v1/query failed");
  }

  @Test
  void whenOnlySomeQueriesFailTheOthersSamplesArriveAndTheFailureIsARejectedValue() {
    source = builder()
        .query("cpu", PrometheusQuery.aggregated("avg(cpu)"))
        .query("load", PrometheusQuery.perInstance("load", "uuid"))
        .build();
    server.setDispatcher(new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest r) {
        return r.getBody().utf8().contains("cpu") ? json(503, error("unavailable", "too many queries"))
            : ok(vector(clock.instant(), series("3", "uuid", "a")));
      }
    });
    MetricPoll p = oneRound(List.of(CPU, LOAD));
    assertThat(p.samples()).containsExactly(new MetricSample(LOAD, "a", clock.instant(), 3));
    assertThat(p.rejected()).containsExactly(new RejectedSample("prometheus:cpu", "query failed: HTTP 503 unavailable: too many queries"));
    assertThat(source.failedQueries()).isEqualTo(1);
  }

  @Test
  void aStreamWithoutAConfiguredQueryIsReportedOnceAndNotQueried() throws Exception {
    source = builder().query("cpu", PrometheusQuery.aggregated("avg(cpu)")).build();
    server.enqueue(ok(vector(clock.instant(), series("1"))));
    MetricQuery memory = new MetricQuery("web", "memory", true);
    String log = capturingStderr(() -> {
      MetricPoll p = oneRound(List.of(CPU, memory));
      assertThat(p.samples()).extracting(MetricSample::query).containsExactly(CPU);
    });
    assertThat(server.getRequestCount()).isEqualTo(1);
    assertThat(occurrences(log, "no prometheus query configured for metric memory of service_type web")).isEqualTo(1);
  }

  @Test
  void aPerInstanceStreamNeedsAnInstanceLabelAndIsRejectedWithoutOne() {
    source = builder().query("load", PrometheusQuery.aggregated("sum(load)")).build();
    MetricPoll p = oneRound(List.of(LOAD));
    assertThat(p.samples()).isEmpty();
    assertThat(p.rejected()).singleElement().satisfies(r -> {
      assertThat(r.key()).isEqualTo("prometheus:load");
      assertThat(r.reason()).contains("per instance", "no instance_label");
    });
    assertThat(server.getRequestCount()).isZero();
  }

  @Test
  void unpolledSamplesBeyondTheCapacityDropTheOldest() {
    source = builder().bufferCapacity(2).query("cpu", PrometheusQuery.aggregated("avg(cpu)")).build();
    Instant t0 = clock.instant();
    for (int i = 0; i < 3; i++) {
      server.enqueue(ok(vector(t0.plusSeconds(5L * i), series(Integer.toString(i)))));
    }
    source.poll(List.of(CPU));
    scheduler.runPending();
    scheduler.advance(Duration.ofSeconds(10));
    assertThat(source.poll(List.of(CPU)).samples()).extracting(MetricSample::value).containsExactly(1.0, 2.0);
    assertThat(source.droppedSamples()).isEqualTo(1);
  }

  @Test
  void aBearerTokenFromAFileIsSentButNeverLoggedNorInAMessage() throws Exception {
    Path token = dir.resolve("token");
    Files.writeString(token, "s3cr3t-t0ken\n");
    source = builder().bearerTokenFile(token).query("cpu", PrometheusQuery.aggregated("avg(cpu)")).build();
    server.enqueue(json(401, "{\"error\":\"unauthorized\"}"));
    server.enqueue(json(403, "forbidden"));
    String log = capturingStderr(() -> {
      source.poll(List.of(CPU));
      scheduler.runPending();
      Throwable failure = org.assertj.core.api.Assertions.catchThrowable(() -> source.poll(List.of(CPU)));
      assertThat(failure).isInstanceOf(MetricSourceException.class).hasMessageContaining("HTTP 401");
      assertThat(failure.getMessage()).doesNotContain("s3cr3t");
      scheduler.advance(Duration.ofSeconds(5));
    });
    assertThat(request().getHeaders().get("Authorization")).isEqualTo("Bearer s3cr3t-t0ken");
    assertThat(request().getHeaders().get("Authorization")).isEqualTo("Bearer s3cr3t-t0ken");
    assertThat(log).contains("prometheus query 'cpu'").contains("HTTP 401").doesNotContain("s3cr3t");
    assertThat(source.toString()).doesNotContain("s3cr3t").doesNotContain(token.toString());

    // a rotated token is read again
    Files.writeString(token, "n3w-t0ken");
    Files.setLastModifiedTime(token, java.nio.file.attribute.FileTime.from(Instant.now().plusSeconds(60)));
    server.enqueue(ok(vector(clock.instant(), series("1"))));
    scheduler.advance(Duration.ofSeconds(5));
    assertThat(request().getHeaders().get("Authorization")).isEqualTo("Bearer n3w-t0ken");
  }

  @Test
  void basicAuthenticationReadsItsPasswordFromAFile() throws Exception {
    Path password = dir.resolve("password");
    Files.writeString(password, "pa55word\n");
    source = builder().basicAuth("dynamite", password).query("cpu", PrometheusQuery.aggregated("avg(cpu)")).build();
    server.enqueue(ok(vector(clock.instant(), series("1"))));
    oneRound(List.of(CPU));
    assertThat(request().getHeaders().get("Authorization"))
        .isEqualTo("Basic " + java.util.Base64.getEncoder().encodeToString("dynamite:pa55word".getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void aMissingTokenFileIsRefusedAtBuildNamingOnlyTheFile() {
    Path missing = dir.resolve("nope");
    assertThatThrownBy(() -> builder().bearerTokenFile(missing).query("cpu", PrometheusQuery.aggregated("x")).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("cannot read " + missing + " (NoSuchFileException)");
  }

  @Test
  void theBaseUrlMayCarryAPathPrefix() throws Exception {
    source = builder().url(server.url("/prometheus/").toString()).query("cpu", PrometheusQuery.aggregated("avg(cpu)")).build();
    server.enqueue(ok(vector(clock.instant(), series("1"))));
    oneRound(List.of(CPU));
    assertThat(request().getUrl().encodedPath()).isEqualTo("/prometheus/api/v1/query");
  }

  @Test
  void urlsWithCredentialsAreRefusedWithoutQuotingThem() {
    assertThatThrownBy(() -> PrometheusMetricSource.builder().url("http://admin:hunter2@127.0.0.1:9090")
        .query("cpu", PrometheusQuery.aggregated("x")).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must not contain credentials")
        .hasMessageNotContaining("hunter2");
  }

  @Test
  void closingStopsTheRounds() {
    source = builder().query("cpu", PrometheusQuery.aggregated("avg(cpu)")).build();
    server.enqueue(ok(vector(clock.instant(), series("1"))));
    oneRound(List.of(CPU));
    source.close();
    scheduler.advance(Duration.ofSeconds(30));
    assertThat(server.getRequestCount()).isEqualTo(1);
    assertThatThrownBy(() -> source.poll(List.of(CPU))).isInstanceOf(IllegalStateException.class);
    assertThat(source.resolveInstance("web", "x")).isEqualTo(Optional.empty());
  }

  /** Test code that may throw. */
  interface Action {
    void run() throws Exception;
  }

  static int occurrences(String text, String part) {
    int n = 0;
    for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
      n++;
    }
    return n;
  }

  /** Runs an action and returns what was written to System.err meanwhile (slf4j-simple's log). */
  static String capturingStderr(Action action) throws Exception {
    PrintStream old = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    System.setErr(new PrintStream(out, true, StandardCharsets.UTF_8));
    try {
      action.run();
    } finally {
      System.setErr(old);
    }
    String text = out.toString(StandardCharsets.UTF_8);
    old.print(text);
    return text;
  }
}
