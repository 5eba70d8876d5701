package io.dynamite.core.policy.tracking;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A controller-level vector case ({@code reconcileAutoscaler}) translated into settings, input and
 * history. Pods become instances, HPA metric specs become {@link TrackedMetric}s, the
 * HPAScaleToZero gate becomes {@link TrackingSettings#allowScaleToZero()}, and a ScaledToZero=True
 * condition becomes {@link ScalingHistory#scaledToZero()}.
 */
record ControllerCase(
    TrackingSettings settings,
    TrackingInput input,
    ScalingHistory history,
    boolean scaleToZeroGate,
    List<JsonNode> initialConditions) {

  static ControllerCase of(JsonNode in) {
    boolean scaleToZeroGate = in.get("featureGates").get("HPAScaleToZero").asBoolean();
    boolean toleranceGate = in.get("featureGates").get("HPAConfigurableTolerance").asBoolean();

    TrackingSettings.Builder settings =
        TrackingSettings.builder()
            .minReplicas(in.get("minReplicas").asInt())
            .maxReplicas(in.get("maxReplicas").asInt())
            .tolerance(Tolerance.of(in.get("defaultTolerance").asDouble()))
            .downscaleStabilization(HpaVectors.seconds(in.get("downscaleStabilizationWindowSeconds")))
            .legacyScaleUpLimit(in.get("legacyScaleUpLimitFactor").asDouble(), in.get("legacyScaleUpLimitMinimum").asDouble())
            .allowScaleToZero(scaleToZeroGate);
    JsonNode b = in.get("behavior");
    if (b != null && !b.isNull()) {
      ScalingRules up = BehaviorVectorsTest.rules(b.get("scaleUp"));
      ScalingRules down = BehaviorVectorsTest.rules(b.get("scaleDown"));
      if (!toleranceGate) {
        // Gate off: Kubernetes ignores the per-direction tolerances; Dynamite has no gate, so the
        // equivalent input is rules without them.
        up = withoutTolerance(up);
        down = withoutTolerance(down);
      }
      settings.behavior(Behavior.of(up, down, HpaVectors.seconds(in.get("downscaleStabilizationWindowSeconds"))));
    }

    JsonNode observed = in.get("observed");
    List<JsonNode> pods = new ArrayList<>();
    observed.path("pods").forEach(pods::add);
    InstanceClassifier classifier =
        new InstanceClassifier(
            HpaVectors.seconds(in.get("cpuInitializationPeriodSeconds")),
            HpaVectors.seconds(in.get("initialReadinessDelaySeconds")));
    List<TrackedMetric> metrics = new ArrayList<>();
    int n = 0;
    for (JsonNode spec : in.get("metrics")) {
      metrics.add(metric(spec, "metric-" + n++, observed, pods, classifier));
    }
    int ready = (int) pods.stream().filter(HpaVectors::runningAndReady).count();
    TrackingInput input =
        new TrackingInput(in.get("specReplicas").asInt(), in.get("statusReplicas").asInt(), pods.size(), ready, metrics);

    List<JsonNode> conditions = new ArrayList<>();
    in.path("initialConditions").forEach(conditions::add);
    boolean scaledToZero =
        conditions.stream()
            .anyMatch(c -> c.get("type").asText().equals("ScaledToZero") && c.get("status").asText().equals("True"));
    ScalingHistory history =
        new ScalingHistory(
            HpaVectors.has(in, "recommendations"),
            BehaviorVectorsTest.recommendations(in.get("recommendations")),
            BehaviorVectorsTest.events(in.get("scaleUpEvents")),
            BehaviorVectorsTest.events(in.get("scaleDownEvents")),
            scaledToZero);
    return new ControllerCase(settings.build(), input, history, scaleToZeroGate, conditions);
  }

  private static @Nullable ScalingRules withoutTolerance(@Nullable ScalingRules r) {
    return r == null ? null : new ScalingRules(r.stabilizationWindow(), r.selectPolicy(), r.policies(), null);
  }

  private static TrackedMetric metric(
      JsonNode spec, String name, JsonNode observed, List<JsonNode> pods, InstanceClassifier classifier) {
    String type = spec.get("type").asText();
    JsonNode t = spec.path("target");
    switch (type) {
      case "Resource":
      case "ContainerResource":
        {
          String resource = spec.get("resource").asText();
          if (!t.has("averageUtilization")) {
            // TestScaleUpRCImmediately leaves the target empty; the pass never reaches the metric.
            return TrackedMetric.Unavailable.invalid(resource, "resource metric without a target");
          }
          @Nullable String container = type.equals("ContainerResource") ? spec.get("container").asText() : null;
          boolean warmUpSensitive = resource.equals("cpu");
          List<InstanceSample> instances = new ArrayList<>();
          for (JsonNode pod : pods) {
            JsonNode scope = container == null ? null : pod.get("containers").get(container);
            Long usage = scope == null ? HpaVectors.optLong(pod, "cpuUsageMilli") : HpaVectors.optLong(scope, "usageMilli");
            Long request = scope == null ? HpaVectors.optLong(pod, "cpuRequestMilli") : HpaVectors.optLong(scope, "requestMilli");
            instances.add(new InstanceSample(pod.get("name").asText(), state(pod, usage != null, warmUpSensitive, classifier), usage, request));
          }
          List<Long> orphans = new ArrayList<>();
          observed.path("orphanCpuSamples").forEach(o -> orphans.add(o.get("cpuUsageMilli").asLong()));
          return new TrackedMetric.PerInstance(
              resource, TrackedMetric.Kind.RESOURCE, Target.utilization(t.get("averageUtilization").asInt()), instances, orphans);
        }
      case "Pods":
        {
          List<InstanceSample> instances = new ArrayList<>();
          for (JsonNode pod : pods) {
            Long value = HpaVectors.optLong(pod, "qpsMilli");
            instances.add(new InstanceSample(pod.get("name").asText(), state(pod, value != null, false, classifier), value, null));
          }
          return new TrackedMetric.PerInstance(
              spec.get("metric").asText(),
              TrackedMetric.Kind.INSTANCE,
              Target.averageValue(t.get("averageValueMilli").asLong()),
              instances,
              List.of());
        }
      case "Object":
        return new TrackedMetric.Aggregate(
            spec.get("metric").asText(), TrackedMetric.Kind.OBJECT, aggregateTarget(t), List.of(observed.get("objectValueMilli").asLong()));
      case "External":
        return new TrackedMetric.Aggregate(
            spec.get("metric").asText(), TrackedMetric.Kind.EXTERNAL, aggregateTarget(t), HpaVectors.longs(observed.get("externalValuesMilli")));
      case "Invalid":
        return TrackedMetric.Unavailable.invalid(name, spec.path("note").asText());
      default:
        throw new IllegalArgumentException("unknown metric type " + type);
    }
  }

  private static Target aggregateTarget(JsonNode t) {
    return t.has("valueMilli")
        ? Target.value(t.get("valueMilli").asLong())
        : Target.averageValue(t.get("averageValueMilli").asLong());
  }

  private static InstanceState state(JsonNode pod, boolean hasSample, boolean warmUpSensitive, InstanceClassifier classifier) {
    JsonNode ts = pod.get("metricTimestamp");
    return classifier.classify(
        HpaVectors.lifecycle(pod),
        hasSample,
        ts == null ? HpaVectors.NOW : HpaVectors.time(ts),
        pod.has("metricWindowSeconds") ? HpaVectors.sampleWindow(pod) : Duration.ofSeconds(60),
        warmUpSensitive,
        HpaVectors.NOW);
  }
}
