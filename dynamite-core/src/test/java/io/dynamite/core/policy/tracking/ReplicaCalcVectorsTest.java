package io.dynamite.core.policy.tracking;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Runs every case of {@code hpa-replica-calc-vectors.json} (Kubernetes {@code
 * replica_calculator_test.go}) through {@link InstanceClassifier} and {@link ReplicaCalculation}
 * and asserts the expected count, the reported utilization/usage, or the expected failure.
 *
 * <p>Not applicable cases: none. Every case runs.
 */
class ReplicaCalcVectorsTest {
  private static final String RESOURCE = "/hpa/hpa-replica-calc-vectors.json";

  /**
   * Error texts that name a Kubernetes API. The calculation reports the same condition in
   * Dynamite's words; the value is the part the messages share.
   */
  private static final Map<String, String> MESSAGE_TRANSLATION =
      Map.of("no metrics returned from resource metrics API", "no metrics returned");

  static Stream<Arguments> cases() {
    return HpaVectors.cases(RESOURCE);
  }

  @Test
  void fileHoldsEveryCase() {
    JsonNode root = HpaVectors.load(RESOURCE);
    assertThat(root.get("cases").size()).isEqualTo(root.get("caseCount").asInt()).isEqualTo(60);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void reproducesHpa(String id, JsonNode c) {
    JsonNode in = c.get("inputs");
    JsonNode expected = c.get("expected");
    String path = c.get("path").asText();
    if (path.equals("groupPods")) {
      assertGrouping(id, in, expected);
      return;
    }
    MetricProposal proposal = ReplicaCalculation.propose(metric(path, in), context(path, in));
    if (expected.has("error")) {
      String text = expected.get("error").asText();
      assertThat(proposal).as(id).isInstanceOf(MetricProposal.Failed.class);
      MetricProposal.Failed failed = (MetricProposal.Failed) proposal;
      assertThat(failed.message()).as(id).contains(MESSAGE_TRANSLATION.getOrDefault(text, text));
      assertThat(failed.reason()).as(id).isEqualTo(Reasons.FAILED_GET_RESOURCE_METRIC);
      return;
    }
    assertThat(proposal).as(id + ": " + proposal).isInstanceOf(MetricProposal.Computed.class);
    MetricProposal.Computed computed = (MetricProposal.Computed) proposal;
    assertThat(computed.replicas()).as(id + " replicas (" + computed.rule() + ")").isEqualTo(expected.get("replicas").asInt());
    if (expected.has("utilizationPercent")) {
      assertThat(computed.utilizationPercent()).as(id + " utilization").isEqualTo(expected.get("utilizationPercent").asInt());
      assertThat(computed.usage()).as(id + " raw average").isEqualTo(expected.get("averageUsageMilli").asLong());
    } else {
      assertThat(computed.usage()).as(id + " usage").isEqualTo(expected.get("usageMilli").asLong());
    }
  }

  private static TrackedMetric metric(String path, JsonNode in) {
    String name = in.has("resource") ? in.get("resource").asText() : in.get("metric").asText();
    JsonNode t = in.get("target");
    switch (path) {
      case "resourceUtilization":
        return new TrackedMetric.PerInstance(
            name,
            TrackedMetric.Kind.RESOURCE,
            Target.utilization(t.get("utilizationPercent").asInt()),
            instances(in, "usageMilli", "cpu".equals(name)),
            orphans(in));
      case "podsAverageValue":
        return new TrackedMetric.PerInstance(
            name,
            TrackedMetric.Kind.INSTANCE,
            Target.averageValue(t.get("averageValueMilli").asLong()),
            instances(in, "metricMilli", false),
            orphans(in));
      case "objectValue":
      case "objectAverageValue":
        return new TrackedMetric.Aggregate(
            name, TrackedMetric.Kind.OBJECT, aggregateTarget(t), List.of(in.get("objectValueMilli").asLong()));
      case "externalValue":
      case "externalAverageValue":
        return new TrackedMetric.Aggregate(
            name, TrackedMetric.Kind.EXTERNAL, aggregateTarget(t), HpaVectors.longs(in.get("externalValuesMilli")));
      default:
        throw new IllegalArgumentException("unknown path " + path);
    }
  }

  private static Target aggregateTarget(JsonNode t) {
    return t.has("valueMilli")
        ? Target.value(t.get("valueMilli").asLong())
        : Target.averageValue(t.get("averageValueMilli").asLong());
  }

  private static List<InstanceSample> instances(JsonNode in, String sampleField, boolean warmUpSensitive) {
    InstanceClassifier classifier = classifier(in);
    List<InstanceSample> out = new ArrayList<>();
    for (JsonNode pod : in.get("pods")) {
      Long sample = HpaVectors.optLong(pod, sampleField);
      InstanceState state =
          classifier.classify(
              HpaVectors.lifecycle(pod),
              sample != null,
              HpaVectors.time(pod.get("metricTimestamp")),
              HpaVectors.sampleWindow(pod),
              warmUpSensitive,
              HpaVectors.NOW);
      out.add(new InstanceSample(pod.get("name").asText(), state, sample, HpaVectors.optLong(pod, "requestMilli")));
    }
    return out;
  }

  private static List<Long> orphans(JsonNode in) {
    List<Long> out = new ArrayList<>();
    for (JsonNode o : in.path("orphanMetrics")) {
      out.add(o.get("usageMilli").asLong());
    }
    return out;
  }

  private static InstanceClassifier classifier(JsonNode in) {
    if (!in.has("cpuInitializationPeriodSeconds")) {
      return InstanceClassifier.DEFAULT; // custom-metric cases: warm-up is not consulted
    }
    return new InstanceClassifier(
        HpaVectors.seconds(in.get("cpuInitializationPeriodSeconds")),
        HpaVectors.seconds(in.get("initialReadinessDelaySeconds")));
  }

  private static ReplicaContext context(String path, JsonNode in) {
    int current = in.get("currentReplicas").asInt();
    int listed = 0;
    int ready = 0;
    for (JsonNode pod : in.path("pods")) {
      listed++;
      if (HpaVectors.runningAndReady(pod)) {
        ready++;
      }
    }
    // The calculator tests pass one replica count; per-pod aggregated targets divide by it.
    return new ReplicaContext(current, current, listed, ready, HpaVectors.tolerance(in.get("tolerance")));
  }

  private static void assertGrouping(String id, JsonNode in, JsonNode expected) {
    InstanceClassifier classifier = classifier(in);
    boolean warmUpSensitive = "cpu".equals(in.get("resource").asText());
    int readyCount = 0;
    List<String> unready = new ArrayList<>();
    List<String> missing = new ArrayList<>();
    List<String> ignored = new ArrayList<>();
    for (JsonNode pod : in.path("pods")) {
      boolean hasSample = pod.get("hasMetric").asBoolean();
      InstanceState state =
          classifier.classify(
              HpaVectors.lifecycle(pod),
              hasSample,
              HpaVectors.time(pod.get("metricTimestamp")),
              HpaVectors.sampleWindow(pod),
              warmUpSensitive,
              HpaVectors.NOW);
      String name = pod.get("name").asText();
      if (state == InstanceState.IGNORED) {
        ignored.add(name);
      } else if (state == InstanceState.UNREADY) {
        unready.add(name);
      } else if (!hasSample) {
        missing.add(name); // a READY instance without a sample is what HPA calls missing
      } else {
        readyCount++;
      }
    }
    assertThat(readyCount).as(id + " ready count").isEqualTo(expected.get("readyPodCount").asInt());
    assertThat(unready).as(id + " unready").containsExactlyInAnyOrderElementsOf(names(expected.get("unready")));
    assertThat(missing).as(id + " missing").containsExactlyInAnyOrderElementsOf(names(expected.get("missing")));
    assertThat(ignored).as(id + " ignored").containsExactlyInAnyOrderElementsOf(names(expected.get("ignored")));
  }

  private static List<String> names(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }

}
