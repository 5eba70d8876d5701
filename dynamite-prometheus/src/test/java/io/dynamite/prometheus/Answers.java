package io.dynamite.prometheus;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import mockwebserver3.MockResponse;

/** Prometheus API answers as the server writes them, for MockWebServer. */
final class Answers {
  private Answers() {}

  /** One series of a vector: its labels and its value as Prometheus spells it. */
  record Series(Map<String, String> labels, String value) {}

  static Series series(String value, String... labelPairs) {
    Map<String, String> labels = new java.util.LinkedHashMap<>();
    for (int i = 0; i < labelPairs.length; i += 2) {
      labels.put(labelPairs[i], labelPairs[i + 1]);
    }
    return new Series(labels, value);
  }

  static String ts(Instant at) {
    return BigDecimal.valueOf(at.toEpochMilli(), 3).toPlainString();
  }

  static String vector(Instant at, Series... series) {
    List<String> items = new ArrayList<>();
    for (Series s : series) {
      List<String> labels = new ArrayList<>();
      s.labels().forEach((k, v) -> labels.add("\"" + k + "\":\"" + v + "\""));
      items.add("{\"metric\":{" + String.join(",", labels) + "},\"value\":[" + ts(at) + ",\"" + s.value() + "\"]}");
    }
    return "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[" + String.join(",", items) + "]}}";
  }

  static String scalar(Instant at, String value) {
    return "{\"status\":\"success\",\"data\":{\"resultType\":\"scalar\",\"result\":[" + ts(at) + ",\"" + value + "\"]}}";
  }

  static String matrix(Instant at) {
    return "{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":[{\"metric\":{},\"values\":[["
        + ts(at) + ",\"1\"]]}]}}";
  }

  static String error(String type, String message) {
    return "{\"status\":\"error\",\"errorType\":\"" + type + "\",\"error\":\"" + message + "\"}";
  }

  static MockResponse json(int code, String body) {
    return new MockResponse.Builder().code(code).setHeader("Content-Type", "application/json").body(body).build();
  }

  static MockResponse ok(String body) {
    return json(200, body);
  }
}
