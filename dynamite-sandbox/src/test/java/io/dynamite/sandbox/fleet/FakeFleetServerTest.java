package io.dynamite.sandbox.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dynamite.api.UnitOption;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@link FakeFleetServer} answers as the live fleetd did (bodies from data/fleet/live/errors). */
class FakeFleetServerTest {
  static {
    // the JDK server delays small answers without it (Nagle against delayed ACK): ~40 ms a request
    System.setProperty("sun.net.httpserver.nodelay", "true");
  }

  private final FakeFleetServer fleet = FakeFleetServer.start();
  private final HttpClient http = HttpClient.newHttpClient();

  @AfterEach
  void stop() {
    fleet.close();
  }

  private HttpResponse<String> send(String method, String path, String contentType, String body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(fleet.endpoint() + path))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (contentType != null) {
      b.header("Content-Type", contentType);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String fixture(String file) throws IOException {
    try (InputStream in = FakeFleetServerTest.class.getResourceAsStream("/fleet/errors/" + file)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
    }
  }

  private static final String J = "application/json";
  private static final String OPTS = "{\"desiredState\":\"inactive\",\"options\":[{\"section\":\"Unit\",\"name\":\"Description\",\"value\":\"Web %i\"},{\"section\":\"Service\",\"name\":\"ExecStart\",\"value\":\"/bin/sleep 100%i\"}]}";

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "error-400-bad-page-token.json|GET|/fleet/v1/units?nextPageToken=bogus||",
      "error-400-decode.json|PUT|/fleet/v1/units/x.service|J|{\"desiredState\":",
      "error-400-invalid-name.json|PUT|/fleet/v1/units/xservice|J|{}",
      "error-400-invalid-unit-type.json|PUT|/fleet/v1/units/x.bogus|J|{}",
      "error-400-line-too-long.json|PUT|/fleet/v1/units/x.service|J|LONG",
      "error-400-machines-patch-bad-op.json|PATCH|/fleet/v1/machines|J|[{\"op\": \"noop\", \"path\": \"/XXX/metadata/foo\", \"value\": { \"value\": \"bar\" }}]",
      "error-400-machines-patch-bad-path.json|PATCH|/fleet/v1/machines|J|[{\"op\": \"add\", \"path\": \"/XXX/foo\", \"value\": { \"value\": \"bar\" }}]",
      "error-400-machines-patch-flat-value.json|PATCH|/fleet/v1/machines|J|[{\"op\": \"add\", \"path\": \"/XXX/metadata/foo\", \"value\": \"bar\"}]",
      "error-400-machines-patch-missing-value.json|PATCH|/fleet/v1/machines|J|[{\"op\": \"add\", \"path\": \"/XXX/metadata/foo\"}]",
      "error-400-name-mismatch.json|PUT|/fleet/v1/units/x.service|J|{\"name\":\"y.service\"}",
      "error-400-requirements.json|PUT|/fleet/v1/units/x.service|J|{\"options\":[{\"section\":\"X-Fleet\",\"name\":\"MachineID\",\"value\":\"abc\"},{\"section\":\"X-Fleet\",\"name\":\"Global\",\"value\":\"true\"}]}",
      "error-400-template-activate.json|PUT|/fleet/v1/units/web@.service|J|{\"desiredState\":\"launched\"}",
      "error-404-path.json|GET|/fleet/v1/units/||",
      "error-404-unit.json|GET|/fleet/v1/units/nope.service||",
      "error-405-root.json|GET|/fleet/v1||",
      "error-405-unit-item.json|POST|/fleet/v1/units/x.service||",
      "error-405-units-collection.json|POST|/fleet/v1/units||",
      "error-409-create-without-options.json|PUT|/fleet/v1/units/nope.service|J|{\"desiredState\":\"launched\"}",
      "error-409-update-without-desiredstate.json|PUT|/fleet/v1/units/web@.service|J|{}",
      "error-415-content-type.json|PUT|/fleet/v1/units/x.service|application/x-www-form-urlencoded|{}",
      "error-500-invalid-desiredstate-on-create.json|PUT|/fleet/v1/units/new.service|J|{\"desiredState\":\"running\",\"options\":[{\"section\":\"Service\",\"name\":\"ExecStart\",\"value\":\"/bin/true\"}]}",
  })
  void errorBodiesAreExactlyFleets(String file, String method, String path, String contentType, String body) throws Exception {
    send("PUT", "/fleet/v1/units/web@.service", J, OPTS);
    String b = "LONG".equals(body)
        ? "{\"options\":[{\"section\":\"Service\",\"name\":\"ExecStart\",\"value\":\"" + "x".repeat(2100) + "\"}]}"
        : body;
    HttpResponse<String> r = send(method, path, "J".equals(contentType) ? J : contentType, b);
    String expected = fixture(file);
    int code = Integer.parseInt(file.substring(6, 9));
    assertThat(r.statusCode()).isEqualTo(code);
    assertThat(r.body()).isEqualTo(expected);
  }

  @Test
  void aPutWithoutOrWithTwoContentTypesGetsFleetsCountMessage() throws Exception {
    HttpResponse<String> none = send("PUT", "/fleet/v1/units/x.service", null, OPTS);
    assertThat(none.statusCode()).isEqualTo(415);
    assertThat(none.body()).isEqualTo("{\"error\":{\"code\":415,\"message\":\"expected 1 Content-Type, got 0\"}}");
    HttpResponse<String> two = new FleetHttp(fleet).send("PUT", "/fleet/v1/units/x.service", OPTS, J, J);
    assertThat(two.statusCode()).isEqualTo(415);
    assertThat(two.body()).isEqualTo("{\"error\":{\"code\":415,\"message\":\"expected 1 Content-Type, got 2\"}}");
    assertThat(send("PUT", "/fleet/v1/units/x.service", J + "; charset=utf-8", OPTS).statusCode()).isEqualTo(201);
  }

  @Test
  void theInstantProfileRunsALaunchedUnitAtOnce() throws Exception {
    assertThat(fleet.profile()).isEqualTo(FakeFleetProfile.instant());
    send("PUT", "/fleet/v1/units/now.service", J, OPTS.replace("inactive", "launched"));
    assertThat(send("GET", "/fleet/v1/state?unitName=now.service", null, null).body())
        .contains("\"systemdActiveState\":\"active\"").contains("\"systemdSubState\":\"running\"");
    assertThat(send("GET", "/fleet/v1/units/now.service", null, null).body()).startsWith("{\"currentState\":\"launched\"");
    assertThat(send("DELETE", "/fleet/v1/units/now.service", null, null).statusCode()).isEqualTo(204);
    assertThat(send("GET", "/fleet/v1/state?unitName=now.service", null, null).body()).isEqualTo("{}");
  }

  @Test
  void aGivenPortAndHostAreUsed() throws Exception {
    int port;
    try (java.net.ServerSocket probe = new java.net.ServerSocket(0)) {
      port = probe.getLocalPort();
    }
    try (FakeFleetServer pinned = FakeFleetServer.builder().host("127.0.0.1").port(port).start()) {
      assertThat(pinned.port()).isEqualTo(port);
      assertThat(pinned.endpoint()).isEqualTo("http://127.0.0.1:" + port);
      assertThatThrownBy(() -> FakeFleetServer.builder().port(port).start())
          .isInstanceOf(java.io.UncheckedIOException.class).hasMessageContaining("127.0.0.1:" + port);
    }
    assertThatThrownBy(() -> FakeFleetServer.builder().port(70000)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void tokenLimitMismatchAndEtcdOutageBodies() throws Exception {
    fleet.setPageSize(2);
    assertThat(send("GET", "/fleet/v1/units?nextPageToken=ZAACAA==", null, null).body())
        .isEqualTo(fixture("error-400-token-limit-mismatch.json"));
    fleet.etcdOutage(1, 1);
    HttpResponse<String> r500 = send("GET", "/fleet/v1/units", null, null);
    HttpResponse<String> r503 = send("GET", "/fleet/v1/units", null, null);
    assertThat(r500.body()).isEqualTo(fixture("error-500-etcd-timeout.json"));
    assertThat(r503.statusCode()).isEqualTo(503);
    assertThat(r503.body()).isEqualTo(fixture("error-503-etcd-unavailable.json"));
    assertThat(send("GET", "/fleet/v1/units", null, null).statusCode()).isEqualTo(200);
  }

  @Test
  void hashIsSha1OfTheUnitFileAsFleetSerialisesIt() {
    assertThat(UnitFiles.hash(List.of(
        UnitOption.of("Unit", "Description", "Hello"), UnitOption.of("Service", "ExecStart", "/bin/sleep 3000"))))
        .startsWith("cc52fc2e");
  }

  @Test
  void optionsAreStoredAsFleetReparsesThem() throws Exception {
    send("PUT", "/fleet/v1/units/e3.service", J,
        "{\"options\":[{\"section\":\"Service\",\"name\":\"ExecStart\",\"value\":\"  /bin/sh -c \\\"echo a\\\"\\nExecStop=/bin/x\"}]}");
    assertThat(fleet.unit("e3.service").orElseThrow().options()).containsExactly(
        UnitOption.of("Service", "ExecStart", "/bin/sh -c \"echo a\""), UnitOption.of("Service", "ExecStop", "/bin/x"));
  }

  @Test
  void replaceWithoutDesiredStateResetsToInactiveAndSameOptionsAre204() throws Exception {
    assertThat(send("PUT", "/fleet/v1/units/h.service", J, "{\"desiredState\":\"launched\",\"options\":[{\"section\":\"Service\",\"name\":\"ExecStart\",\"value\":\"/bin/a\"}]}").statusCode()).isEqualTo(201);
    assertThat(send("PUT", "/fleet/v1/units/h.service", J, "{\"desiredState\":\"launched\",\"options\":[{\"section\":\"Service\",\"name\":\"ExecStart\",\"value\":\"/bin/a\"}]}").statusCode()).isEqualTo(204);
    assertThat(send("PUT", "/fleet/v1/units/h.service", J, "{\"options\":[{\"section\":\"Service\",\"name\":\"ExecStart\",\"value\":\" /bin/a\"}]}").statusCode()).isEqualTo(201);
    assertThat(fleet.unit("h.service").orElseThrow().desiredState()).isEqualTo("inactive");
  }

  @Test
  void invalidDesiredStateOnUpdatePoisonsTheUnit() throws Exception {
    send("PUT", "/fleet/v1/units/p.service", J, "{\"options\":[{\"section\":\"Service\",\"name\":\"ExecStart\",\"value\":\"/bin/a\"}]}");
    assertThat(send("PUT", "/fleet/v1/units/p.service", J, "{\"desiredState\":\"bogus\"}").statusCode()).isEqualTo(204);
    assertThat(send("GET", "/fleet/v1/units/p.service", null, null).statusCode()).isEqualTo(500);
    assertThat(send("DELETE", "/fleet/v1/units/p.service", null, null).statusCode()).isEqualTo(500);
    assertThat(send("GET", "/fleet/v1/units", null, null).body()).isEqualTo("{}");
  }

  @Test
  void stateByNameWithoutStateDropsTheConnection() {
    assertThatThrownBy(() -> send("GET", "/fleet/v1/state/none.service", null, null)).isInstanceOf(IOException.class);
  }

  @Test
  void pagesCarryFleetsTokensAndTheLastFullPageIsFollowedByEmptyObject() throws Exception {
    fleet.setPageSize(2);
    for (String n : List.of("a.service", "b.service")) {
      fleet.putUnit(n, List.of(UnitOption.of("Service", "ExecStart", "/bin/true")), "inactive");
    }
    assertThat(send("GET", "/fleet/v1/units", null, null).body()).startsWith("{\"nextPageToken\":\"AgACAA==\",\"units\":[");
    assertThat(send("GET", "/fleet/v1/units?nextPageToken=AgACAA==", null, null).body()).isEqualTo("{}");
  }

  @Test
  void machinesPatchEditsMetadata() throws Exception {
    String id = FakeFleetServer.DEFAULT_MACHINE_ID;
    assertThat(send("PATCH", "/fleet/v1/machines", J, "[{\"op\":\"add\",\"path\":\"/" + id + "/metadata/disk\",\"value\":{\"value\":\"ssd\"}}]").statusCode()).isEqualTo(204);
    assertThat(send("GET", "/fleet/v1/machines", null, null).body())
        .isEqualTo("{\"machines\":[{\"id\":\"" + id + "\",\"metadata\":{\"disk\":\"ssd\"},\"primaryIP\":\"127.0.0.1\"}]}");
    fleet.addMachine("m2", "10.0.0.2", Map.of());
    assertThat(send("GET", "/fleet/v1/machines", null, null).body()).contains("\"id\":\"m2\"");
  }

  @Test
  void anObserverSeesEachRequestBeforeItIsAnswered() throws Exception {
    List<FakeFleetServer.Request> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
    List<Boolean> storedWhenSeen = new java.util.concurrent.CopyOnWriteArrayList<>();
    java.util.concurrent.atomic.AtomicReference<FakeFleetServer> server = new java.util.concurrent.atomic.AtomicReference<>();
    try (FakeFleetServer observed = FakeFleetServer.builder().onRequest(r -> {
      seen.add(r);
      storedWhenSeen.add(server.get().unit("a.service").isPresent());
    }).start()) {
      server.set(observed);
      HttpClient c = HttpClient.newHttpClient();
      HttpResponse<String> put = c.send(HttpRequest.newBuilder(URI.create(observed.endpoint() + "/fleet/v1/units/a.service"))
          .header("Content-Type", J).PUT(HttpRequest.BodyPublishers.ofString(OPTS)).build(), HttpResponse.BodyHandlers.ofString());
      c.send(HttpRequest.newBuilder(URI.create(observed.endpoint() + "/fleet/v1/units?x=1")).GET().build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(put.statusCode()).isEqualTo(201);
      assertThat(seen).extracting(FakeFleetServer.Request::method, FakeFleetServer.Request::path, FakeFleetServer.Request::query)
          .containsExactly(org.assertj.core.groups.Tuple.tuple("PUT", "/fleet/v1/units/a.service", ""),
              org.assertj.core.groups.Tuple.tuple("GET", "/fleet/v1/units", "x=1"));
      assertThat(seen.get(0).body()).isEqualTo(OPTS);
      assertThat(seen).isEqualTo(observed.requests());
      // told before the answer: the unit the PUT creates is not stored yet when the observer runs
      assertThat(storedWhenSeen).containsExactly(false, true);
    }
    assertThatThrownBy(() -> FakeFleetServer.builder().onRequest(null)).isInstanceOf(NullPointerException.class);
  }
}
