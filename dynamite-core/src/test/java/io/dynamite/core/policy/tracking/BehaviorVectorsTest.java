package io.dynamite.core.policy.tracking;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.dynamite.core.policy.tracking.ScalingHistory.ScaleEvent;
import io.dynamite.core.policy.tracking.ScalingHistory.TimedRecommendation;
import io.dynamite.core.policy.tracking.ScalingRules.RatePolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Runs every case of {@code hpa-behavior-vectors.json} (Kubernetes {@code horizontal_test.go} and
 * {@code defaults_test.go}): defaulting, legacy and behavior stabilization, rate limits, the scale
 * event log, and whole controller passes through {@link TargetTracking#evaluate}. Asserts the
 * expected counts and reasons; for controller passes, the condition list HPA would write, derived
 * from the {@link TrackingOutcome} by {@link HpaConditions}.
 *
 * <p>Not applicable cases: none. Two Kubernetes feature gates are translated into inputs, not
 * skipped: {@code HPAScaleToZero} is {@link TrackingSettings#allowScaleToZero()}, and {@code
 * HPAConfigurableTolerance=false} means the behavior's per-direction tolerances are not applied.
 */
class BehaviorVectorsTest {
  private static final String RESOURCE = "/hpa/hpa-behavior-vectors.json";

  static Stream<Arguments> cases() {
    return HpaVectors.cases(RESOURCE);
  }

  @Test
  void fileHoldsEveryCase() {
    JsonNode root = HpaVectors.load(RESOURCE);
    assertThat(root.get("cases").size()).isEqualTo(root.get("caseCount").asInt()).isEqualTo(106);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void reproducesHpa(String id, JsonNode c) {
    JsonNode in = c.get("inputs");
    JsonNode expected = c.get("expected");
    switch (c.get("path").asText()) {
      case "generateScaleUpRules":
      case "generateScaleDownRules":
        defaults(id, in, expected);
        break;
      case "convertDesiredReplicasWithRules":
        legacyClamp(id, in, expected);
        break;
      case "stabilizeRecommendation":
        legacyStabilization(id, in, expected);
        break;
      case "scaleUpLimit":
      case "scaleDownLimit":
        limit(id, c.get("path").asText(), in, expected);
        break;
      case "convertDesiredReplicasWithBehaviorRate":
        rateLimit(id, in, expected);
        break;
      case "storeScaleEvent":
        storeScaleEvent(id, in, expected);
        break;
      case "stabilizeRecommendationWithBehaviors":
        stabilization(id, in, expected);
        break;
      case "reconcileAutoscaler":
        controllerPass(id, in, expected);
        break;
      default:
        throw new AssertionError(id + ": unknown path " + c.get("path"));
    }
  }

  private static void defaults(String id, JsonNode in, JsonNode expected) {
    ScalingRules written = rules(in.get("rulesAsWritten"));
    ScalingRules got =
        in.get("direction").asText().equals("ScaleUp")
            ? ScalingRules.scaleUpDefaults(written)
            : ScalingRules.scaleDownDefaults(written);
    assertThat(got.policies()).as(id + " policies").isEqualTo(policies(expected.get("policies")));
    assertThat(got.selectPolicy()).as(id + " selectPolicy").isEqualTo(select(expected.get("selectPolicy")));
    assertThat(got.stabilizationWindow()).as(id + " window").isEqualTo(optSeconds(expected.get("stabilizationWindowSeconds")));
  }

  private static void legacyClamp(String id, JsonNode in, JsonNode expected) {
    // An empty history and a zero window make stabilization a no-op, isolating the clamp.
    Normalization n =
        BehaviorCalculation.normalizeLegacy(
            in.get("currentReplicas").asInt(),
            in.get("desiredReplicas").asInt(),
            in.get("minReplicas").asInt(),
            in.get("maxReplicas").asInt(),
            Duration.ZERO,
            in.get("legacyScaleUpLimitFactor").asDouble(),
            in.get("legacyScaleUpLimitMinimum").asDouble(),
            ScalingHistory.of(List.of(), List.of(), List.of()),
            HpaVectors.NOW);
    assertThat(n.replicas()).as(id + " replicas").isEqualTo(expected.get("replicas").asInt());
    assertThat(n.limitReason()).as(id + " reason").isEqualTo(expected.get("reason").asText());
  }

  private static void legacyStabilization(String id, JsonNode in, JsonNode expected) {
    Stabilizer.Result r =
        Stabilizer.legacy(
            recommendations(in.get("recommendations")),
            in.get("desiredReplicas").asInt(),
            HpaVectors.seconds(in.get("downscaleStabilizationWindowSeconds")),
            HpaVectors.NOW);
    assertThat(r.replicas()).as(id + " stabilized").isEqualTo(expected.get("stabilizedReplicas").asInt());
    assertThat(r.recommendations()).as(id + " stored").hasSize(expected.get("storedRecommendationCount").asInt());
  }

  private static void limit(String id, String path, JsonNode in, JsonNode expected) {
    ScalingHistory history = ScalingHistory.of(List.of(), events(in.get("scaleUpEvents")), events(in.get("scaleDownEvents")));
    ScalingRules rules = rules(in.get("rules"));
    int current = in.get("currentReplicas").asInt();
    int limit =
        path.equals("scaleUpLimit")
            ? BehaviorCalculation.scaleUpLimit(current, rules, history, HpaVectors.NOW)
            : BehaviorCalculation.scaleDownLimit(current, rules, history, HpaVectors.NOW);
    assertThat(limit).as(id + " limit").isEqualTo(expected.get("limit").asInt());
  }

  private static void rateLimit(String id, JsonNode in, JsonNode expected) {
    Behavior behavior =
        Behavior.of(rules(in.get("scaleUpRules")), rules(in.get("scaleDownRules")), Behavior.DEFAULT_SCALE_DOWN_WINDOW);
    // With no recommendation history, stabilization returns the recommendation unchanged.
    ScalingHistory history = ScalingHistory.of(List.of(), events(in.get("scaleUpEvents")), events(in.get("scaleDownEvents")));
    Normalization n =
        BehaviorCalculation.normalize(
            in.get("currentReplicas").asInt(),
            in.get("desiredReplicas").asInt(),
            in.get("minReplicas").asInt(),
            in.get("maxReplicas").asInt(),
            behavior,
            history,
            HpaVectors.NOW);
    assertThat(n.stabilized()).as(id + " stabilization must be a no-op here").isEqualTo(in.get("desiredReplicas").asInt());
    assertThat(n.replicas()).as(id + " replicas").isEqualTo(expected.get("replicas").asInt());
    assertThat(n.limitReason()).as(id + " reason").isEqualTo(expected.get("reason").asText());
  }

  /** The Go test runs each case once as a scale-up 10->15 and once as a scale-down 10->5. */
  private static void storeScaleEvent(String id, JsonNode in, JsonNode expected) {
    @Nullable ScalingRules rules = HpaVectors.has(in, "rules") ? rules(in.get("rules")) : null;
    List<ScaleEvent> previous = events(in.get("previousEvents"));
    for (boolean up : new boolean[] {true, false}) {
      String label = id + (up ? " (scale-up)" : " (scale-down)");
      @Nullable Behavior behavior =
          rules == null
              ? null
              : up
                  ? Behavior.of(rules, null, Behavior.DEFAULT_SCALE_DOWN_WINDOW)
                  : Behavior.of(null, rules, Behavior.DEFAULT_SCALE_DOWN_WINDOW);
      ScalingHistory before = up ? ScalingHistory.of(List.of(), previous, List.of()) : ScalingHistory.of(List.of(), List.of(), previous);
      RatePolicy sixtySeconds = new RatePolicy(RatePolicy.Type.PODS, 1, Duration.ofSeconds(60));
      assertThat(RateLimiter.changeWithin(previous, sixtySeconds, HpaVectors.NOW))
          .as(label + " change within 60 s")
          .isEqualTo(expected.get("replicaChangeWithinLast60sBeforeStore").asInt());
      ScalingHistory after =
          BehaviorCalculation.recordScale(before, behavior, 10, up ? 15 : 5, HpaVectors.NOW);
      List<ScaleEvent> stored = up ? after.scaleUpEvents() : after.scaleDownEvents();
      List<String> got = new ArrayList<>();
      stored.forEach(e -> got.add(e.change() + (e.outdated() ? " outdated" : "")));
      List<String> want = new ArrayList<>();
      // With rules == null the Go test asserts an empty log: without a behavior nothing is recorded.
      if (rules != null) {
        expected.get("eventsAfterStore").forEach(e -> want.add(e.get("replicaChange").asInt() + (e.get("outdated").asBoolean() ? " outdated" : "")));
      }
      assertThat(got).as(label + " events after store").isEqualTo(want);
      assertThat(up ? after.scaleDownEvents() : after.scaleUpEvents()).as(label + " other direction untouched").isEmpty();
    }
  }

  private static void stabilization(String id, JsonNode in, JsonNode expected) {
    Stabilizer.Result r =
        Stabilizer.withBehavior(
            recommendations(in.get("recommendations")),
            in.get("currentReplicas").asInt(),
            in.get("desiredReplicas").asInt(),
            HpaVectors.seconds(in.get("scaleUpStabilizationWindowSeconds")),
            HpaVectors.seconds(in.get("scaleDownStabilizationWindowSeconds")),
            HpaVectors.NOW);
    assertThat(r.replicas()).as(id + " stabilized").isEqualTo(expected.get("stabilizedReplicas").asInt());
    if (expected.has("storedRecommendations")) {
      List<Integer> stored = new ArrayList<>();
      r.recommendations().forEach(x -> stored.add(x.replicas()));
      List<Integer> want = new ArrayList<>();
      expected.get("storedRecommendations").forEach(x -> want.add(x.asInt()));
      assertThat(stored).as(id + " stored").isEqualTo(want);
    }
  }

  private static void controllerPass(String id, JsonNode in, JsonNode expected) {
    ControllerCase cc = ControllerCase.of(in);
    TrackingOutcome outcome = TargetTracking.evaluate(cc.settings(), cc.input(), cc.history(), HpaVectors.NOW);
    String detail = id + " [" + outcome.path() + ", " + outcome.reason() + "]";
    assertThat(outcome.desiredReplicas()).as(detail + " desired").isEqualTo(expected.get("desiredReplicas").asInt());
    assertThat(outcome.scale()).as(detail + " scaled").isEqualTo(expected.get("scaled").asBoolean());
    List<String> want = new ArrayList<>();
    expected.get("conditions").forEach(x -> want.add(HpaConditions.format(x)));
    assertThat(HpaConditions.after(outcome, cc)).as(detail + " conditions").isEqualTo(want);
  }

  // ---- translation helpers -------------------------------------------------------------------

  static @Nullable ScalingRules rules(@Nullable JsonNode r) {
    if (r == null || r.isNull()) {
      return null;
    }
    return new ScalingRules(
        optSeconds(r.get("stabilizationWindowSeconds")),
        select(r.get("selectPolicy")),
        HpaVectors.has(r, "policies") ? policies(r.get("policies")) : null,
        HpaVectors.has(r, "tolerance") ? r.get("tolerance").asDouble() : null);
  }

  static List<RatePolicy> policies(JsonNode array) {
    List<RatePolicy> out = new ArrayList<>();
    for (JsonNode p : array) {
      RatePolicy.Type type = p.get("type").asText().equals("Pods") ? RatePolicy.Type.PODS : RatePolicy.Type.PERCENT;
      out.add(new RatePolicy(type, p.get("value").asInt(), HpaVectors.seconds(p.get("periodSeconds"))));
    }
    return out;
  }

  static ScalingRules.@Nullable SelectPolicy select(@Nullable JsonNode n) {
    if (n == null || n.isNull()) {
      return null;
    }
    return ScalingRules.SelectPolicy.valueOf(n.asText().toUpperCase(java.util.Locale.ROOT));
  }

  static @Nullable Duration optSeconds(@Nullable JsonNode n) {
    return n == null || n.isNull() ? null : HpaVectors.seconds(n);
  }

  static List<ScaleEvent> events(@Nullable JsonNode array) {
    List<ScaleEvent> out = new ArrayList<>();
    if (array != null && !array.isNull()) {
      for (JsonNode e : array) {
        out.add(new ScaleEvent(e.get("replicaChange").asInt(), HpaVectors.time(e.get("time")), e.path("outdated").asBoolean(false)));
      }
    }
    return out;
  }

  static List<TimedRecommendation> recommendations(@Nullable JsonNode array) {
    List<TimedRecommendation> out = new ArrayList<>();
    if (array != null && !array.isNull()) {
      for (JsonNode r : array) {
        out.add(new TimedRecommendation(r.get("recommendation").asInt(), HpaVectors.time(r.get("time"))));
      }
    }
    return out;
  }
}
