package io.dynamite.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dynamite.api.UnitOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.SocketEffect;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Error paths of {@link FleetClient} against scripted answers. */
class FleetClientErrorPathsTest {
  @StartStop final MockWebServer server = new MockWebServer();
  private FleetClient client;

  @BeforeEach
  void setUp() {
    client = FleetClient.builder(server.url("/").toString())
        .readTimeout(Duration.ofMillis(300))
        .connectTimeout(Duration.ofMillis(300))
        .retryPolicy(RetryPolicy.builder().maxAttempts(4).initialBackoff(Duration.ofMillis(10)).maxBackoff(Duration.ofMillis(20)).build())
        .build();
  }

  @AfterEach
  void tearDown() {
    client.close();
  }

  private static MockResponse json(int code, String body) {
    return new MockResponse.Builder().code(code).setHeader("Content-Type", "application/json").body(body).build();
  }

  private static <T> T get(CompletionStage<T> s) throws Exception {
    return s.toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static FleetException failure(CompletionStage<?> s) {
    try {
      get(s);
    } catch (ExecutionException e) {
      assertThat(e.getCause()).isInstanceOf(FleetException.class);
      return (FleetException) e.getCause();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    throw new AssertionError("expected a failure");
  }

  @Test
  void etcdDownPhaseOf500Then503IsRetriedUntilFleetRecovers() throws Exception {
    server.enqueue(json(500, "{\"error\":{\"code\":500,\"message\":\"\"}}"));
    server.enqueue(json(503, "{\"error\":{\"code\":503,\"message\":\"fleet server unable to communicate with etcd\"}}"));
    server.enqueue(json(503, "{\"error\":{\"code\":503,\"message\":\"fleet server unable to communicate with etcd\"}}"));
    server.enqueue(json(200, "{\"machines\":[{\"id\":\"m1\",\"primaryIP\":\"10.0.0.1\"}]}"));
    assertThat(get(client.listMachines())).extracting(FleetMachine::id).containsExactly("m1");
    assertThat(server.getRequestCount()).isEqualTo(4);
  }

  @Test
  void persistent503FailsRetryablyWithFleetsMessageAfterTheLastAttempt() {
    for (int i = 0; i < 4; i++) {
      server.enqueue(json(503, "{\"error\":{\"code\":503,\"message\":\"fleet server unable to communicate with etcd\"}}"));
    }
    FleetException e = failure(client.listUnits());
    assertThat(e.httpCode()).isEqualTo(503);
    assertThat(e.fleetMessage()).isEqualTo("fleet server unable to communicate with etcd");
    assertThat(e.retryable()).isTrue();
    assertThat(server.getRequestCount()).isEqualTo(4);
  }

  @Test
  void clientErrorsAreTypedAndNotRetried() {
    server.enqueue(json(409, "{\"error\":{\"code\":409,\"message\":\"unit does not exist and options field empty\"}}"));
    FleetException e = failure(client.setDesiredState("x.service", DesiredState.LAUNCHED));
    assertThat(e.httpCode()).isEqualTo(409);
    assertThat(e.fleetMessage()).isEqualTo("unit does not exist and options field empty");
    assertThat(e.retryable()).isFalse();
    assertThat(server.getRequestCount()).isEqualTo(1);
  }

  @Test
  void readTimeoutIsRetriedThenReported() {
    for (int i = 0; i < 4; i++) {
      server.enqueue(new MockResponse.Builder().headersDelay(2, TimeUnit.SECONDS).body("{}").build());
    }
    FleetException e = failure(client.listUnits());
    assertThat(e.retryable()).isTrue();
    assertThat(e.httpCode()).isEqualTo(FleetException.NO_RESPONSE);
    assertThat(server.getRequestCount()).isEqualTo(4);
  }

  @Test
  void timeoutThenAnswerSucceeds() throws Exception {
    server.enqueue(new MockResponse.Builder().headersDelay(2, TimeUnit.SECONDS).body("{}").build());
    server.enqueue(json(200, "{}"));
    assertThat(get(client.listUnits())).isEmpty();
  }

  @Test
  void malformedJsonIsNotRetried() {
    server.enqueue(json(200, "{\"units\":[{\"name\":"));
    FleetException e = failure(client.listUnits());
    assertThat(e.retryable()).isFalse();
    assertThat(e.getMessage()).contains("malformed");
    assertThat(server.getRequestCount()).isEqualTo(1);
  }

  @Test
  void connectionResetIsRetried() throws Exception {
    server.enqueue(new MockResponse.Builder().onRequestStart(new SocketEffect.CloseSocket(true, false, false)).build());
    server.enqueue(json(200, "{\"units\":[{\"name\":\"a.service\",\"desiredState\":\"launched\"}]}"));
    assertThat(get(client.listUnits())).extracting(FleetUnit::name).containsExactly("a.service");
  }

  @Test
  void droppedConnectionAsFromStateByNameIsAnIoFailureThatIsRetried() {
    // fleet's GET /state/{name} panics and closes the connection without an answer; the client never
    // calls that path, but any call that meets such a drop fails retryably after its attempts
    for (int i = 0; i < 4; i++) {
      server.enqueue(new MockResponse.Builder().onResponseStart(new SocketEffect.CloseSocket(true, false, false)).build());
    }
    FleetException e = failure(client.listStates(null, "x.service"));
    assertThat(e.retryable()).isTrue();
    assertThat(e.httpCode()).isEqualTo(FleetException.NO_RESPONSE);
    assertThat(e.getCause()).isInstanceOf(java.io.IOException.class);
  }

  @Test
  void stateFiltersAreResentWithEveryPageToken() throws Exception {
    server.enqueue(json(200, "{\"nextPageToken\":\"AgACAA==\",\"states\":[{\"name\":\"a.service\",\"machineID\":\"m\",\"systemdActiveState\":\"active\"},{\"name\":\"a.service\",\"machineID\":\"n\",\"systemdActiveState\":\"active\"}]}"));
    server.enqueue(json(200, "{}"));
    assertThat(get(client.listStates("m", "a.service"))).hasSize(2);
    RecordedRequest first = server.takeRequest();
    RecordedRequest second = server.takeRequest();
    assertThat(first.getUrl().encodedPath()).isEqualTo("/fleet/v1/state");
    assertThat(first.getUrl().queryParameter("unitName")).isEqualTo("a.service");
    assertThat(second.getUrl().queryParameter("unitName")).isEqualTo("a.service");
    assertThat(second.getUrl().queryParameter("machineID")).isEqualTo("m");
    assertThat(second.getUrl().queryParameter("nextPageToken")).isEqualTo("AgACAA==");
  }

  @Test
  void emptyListArrivesAsEmptyObject() throws Exception {
    server.enqueue(json(200, "{}"));
    assertThat(get(client.listUnits())).isEmpty();
  }

  @Test
  void putCarriesJsonContentTypeAndNormalisedOptions() throws Exception {
    server.enqueue(new MockResponse.Builder().code(201).build());
    assertThat(get(client.createUnit("a@1.service", DesiredState.INACTIVE, List.of(
        UnitOption.of("Service", "ExecStart", " /bin/sleep 1 "),
        UnitOption.of("Unit", "Description", "d"),
        UnitOption.of("Service", "ExecStop", "/bin/x\nExecStopPost=/bin/y"))))).isTrue();
    RecordedRequest r = server.takeRequest();
    assertThat(r.getMethod()).isEqualTo("PUT");
    assertThat(r.getHeaders().get("Content-Type")).startsWith("application/json");
    assertThat(r.getBody().utf8()).isEqualTo("{\"desiredState\":\"inactive\",\"options\":["
        + "{\"section\":\"Service\",\"name\":\"ExecStart\",\"value\":\"/bin/sleep 1\"},"
        + "{\"section\":\"Service\",\"name\":\"ExecStop\",\"value\":\"/bin/x\"},"
        + "{\"section\":\"Service\",\"name\":\"ExecStopPost\",\"value\":\"/bin/y\"},"
        + "{\"section\":\"Unit\",\"name\":\"Description\",\"value\":\"d\"}]}");
  }

  @Test
  void deleteOfAMissingUnitIsFalse() throws Exception {
    server.enqueue(json(404, "{\"error\":{\"code\":404,\"message\":\"unit does not exist\"}}"));
    assertThat(get(client.deleteUnit("gone.service"))).isFalse();
  }

  @Test
  void closedClientFailsCallsWithoutRetrying() {
    client.close();
    FleetException e = failure(client.listUnits());
    assertThat(e.retryable()).isFalse();
  }

  @Test
  void unixEndpointNeedsAnAbsolutePath() {
    assertThatThrownBy(() -> FleetClient.builder("unix://var/run/fleet.sock").build())
        .isInstanceOf(IllegalArgumentException.class);
  }
}
