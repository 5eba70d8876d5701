package io.dynamite.sandbox.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/** Plain HTTP to a fake fleet, as a client without any knowledge of the fake sees it. */
final class FleetHttp {
  static final String JSON = "application/json";
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private final HttpClient http = HttpClient.newHttpClient();
  private final String endpoint;

  FleetHttp(FakeFleetServer fleet) {
    this.endpoint = fleet.endpoint();
  }

  HttpResponse<String> send(String method, String path, String body, String... contentTypes) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(endpoint + path))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    for (String ct : contentTypes) {
      b.header("Content-Type", ct);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** PUT with {@code Content-Type: application/json}; returns the status. */
  int put(String unit, String body) throws Exception {
    return send("PUT", "/fleet/v1/units/" + unit, body, JSON).statusCode();
  }

  int delete(String unit) throws Exception {
    return send("DELETE", "/fleet/v1/units/" + unit, null).statusCode();
  }

  /** GET of one unit; a 404 gives null. */
  JsonNode unit(String unit) throws Exception {
    HttpResponse<String> r = send("GET", "/fleet/v1/units/" + unit, null);
    return r.statusCode() == 404 ? null : MAPPER.readTree(r.body());
  }

  /** {@code GET /state?unitName=}: the states array, empty when fleet answers {}. */
  JsonNode states(String unit) throws Exception {
    JsonNode page = MAPPER.readTree(send("GET", "/fleet/v1/state?unitName=" + unit, null).body());
    return page.has("states") ? page.get("states") : MAPPER.createArrayNode();
  }

  /** "active/running" of the only state entry, or "-" without one. */
  String systemd(String unit) throws Exception {
    JsonNode s = states(unit);
    if (s.isEmpty()) {
      return "-";
    }
    return s.get(0).get("systemdActiveState").asText() + "/" + s.get(0).get("systemdSubState").asText();
  }

  /** A unit body: desiredState (null to leave it out) and {@code section/name/value} triples. */
  static String body(String desiredState, String... options) {
    StringBuilder sb = new StringBuilder("{");
    if (desiredState != null) {
      sb.append("\"desiredState\":\"").append(desiredState).append("\",");
    }
    sb.append("\"options\":[");
    for (int i = 0; i < options.length; i += 3) {
      if (i > 0) {
        sb.append(',');
      }
      sb.append("{\"section\":").append(quote(options[i])).append(",\"name\":").append(quote(options[i + 1]))
          .append(",\"value\":").append(quote(options[i + 2])).append('}');
    }
    return sb.append("]}").toString();
  }

  private static String quote(String s) {
    try {
      return MAPPER.writeValueAsString(s);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
