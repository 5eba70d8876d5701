package io.dynamite.core.policy.tracking;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.params.provider.Arguments;

/**
 * Reads the HPA conformance vectors (copied from {@code shared/data/hpa}, see PROVENANCE.md there)
 * and translates their Kubernetes vocabulary into this package's inputs. Translation only: every
 * decision is left to the code under test.
 */
final class HpaVectors {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The evaluation instant; vector times are seconds relative to it. */
  static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

  /**
   * A null vector timestamp is Go's zero time: far in the past and the same instant everywhere in a
   * case.
   */
  static final Instant GO_ZERO_TIME = Instant.parse("0001-01-01T00:00:00Z");

  private HpaVectors() {}

  static JsonNode load(String resource) {
    try (InputStream in = HpaVectors.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("missing test resource " + resource);
      }
      return JSON.readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** One {@code Arguments.of(id, case)} per vector case, in file order. */
  static Stream<Arguments> cases(String resource) {
    List<Arguments> out = new ArrayList<>();
    for (JsonNode c : load(resource).get("cases")) {
      out.add(Arguments.of(c.get("id").asText(), c));
    }
    return out.stream();
  }

  static Instant time(@Nullable JsonNode relativeSeconds) {
    if (relativeSeconds == null || relativeSeconds.isNull()) {
      return GO_ZERO_TIME;
    }
    return NOW.plusSeconds(relativeSeconds.asLong());
  }

  static Duration seconds(JsonNode n) {
    return Duration.ofSeconds(n.asLong());
  }

  static @Nullable Long optLong(JsonNode parent, String field) {
    JsonNode n = parent.get(field);
    return n == null || n.isNull() ? null : n.asLong();
  }

  static boolean has(JsonNode parent, String field) {
    JsonNode n = parent.get(field);
    return n != null && !n.isNull();
  }

  static Tolerance tolerance(JsonNode t) {
    return new Tolerance(t.get("scaleDown").asDouble(), t.get("scaleUp").asDouble());
  }

  /** A pod's lifecycle: phase, deletion and the Ready condition. */
  static InstanceLifecycle lifecycle(JsonNode pod) {
    InstanceLifecycle.Phase phase;
    switch (pod.get("phase").asText()) {
      case "Pending":
        phase = InstanceLifecycle.Phase.PENDING;
        break;
      case "Failed":
        phase = InstanceLifecycle.Phase.FAILED;
        break;
      case "Running":
      case "Succeeded":
        phase = InstanceLifecycle.Phase.RUNNING;
        break;
      default:
        throw new IllegalArgumentException("unknown phase " + pod.get("phase"));
    }
    if (pod.path("deleting").asBoolean(false)) {
      phase = InstanceLifecycle.Phase.TERMINATING;
    }
    JsonNode ready = pod.get("ready");
    Boolean readyValue = ready == null || ready.isNull() ? null : ready.asBoolean();
    return new InstanceLifecycle(phase, readyValue, time(pod.get("startTime")), time(pod.get("readyTransitionTime")));
  }

  /** HPA's ready-pod count for Object/External value targets: Running with Ready=True. */
  static boolean runningAndReady(JsonNode pod) {
    return "Running".equals(pod.get("phase").asText()) && pod.path("ready").asBoolean(false);
  }

  static Duration sampleWindow(JsonNode pod) {
    JsonNode w = pod.get("metricWindowSeconds");
    return w == null || w.isNull() ? Duration.ZERO : seconds(w);
  }

  static List<Long> longs(@Nullable JsonNode array) {
    List<Long> out = new ArrayList<>();
    if (array != null && !array.isNull()) {
      for (JsonNode n : array) {
        out.add(n.asLong());
      }
    }
    return out;
  }
}
