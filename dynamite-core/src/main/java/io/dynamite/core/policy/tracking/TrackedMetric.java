package io.dynamite.core.policy.tracking;

import java.util.List;
import java.util.Objects;

/**
 * One metric the policy tracks, with the data of one evaluation. A closed set: {@link PerInstance}
 * (one sample per instance, averaged), {@link Aggregate} (one service-level value) and {@link
 * Unavailable} (the data could not be obtained). New variants may be added in a minor release; use
 * {@link #kind()} to branch.
 *
 * <p>All implementations are immutable and thread-safe.
 *
 * @since 0.2
 */
public sealed interface TrackedMetric
    permits TrackedMetric.PerInstance, TrackedMetric.Aggregate, TrackedMetric.Unavailable {

  /** The kinds of metric; each maps to the HPA metric source type it mirrors. */
  enum Kind {
    /** Per-instance resource usage (HPA {@code Resource}/{@code ContainerResource}). */
    RESOURCE(Reasons.FAILED_GET_RESOURCE_METRIC),
    /** Per-instance custom metric (HPA {@code Pods}). */
    INSTANCE(Reasons.FAILED_GET_INSTANCE_METRIC),
    /** A single value describing the service (HPA {@code Object}). */
    OBJECT(Reasons.FAILED_GET_OBJECT_METRIC),
    /** Values from outside the service, summed (HPA {@code External}). */
    EXTERNAL(Reasons.FAILED_GET_EXTERNAL_METRIC),
    /** Not known at all; see {@link Unavailable#invalid}. */
    UNAVAILABLE(Reasons.INVALID_METRIC_SOURCE_TYPE);

    private final String failureReason;

    Kind(String failureReason) {
      this.failureReason = failureReason;
    }

    /**
     * The reason reported when a metric of this kind cannot be evaluated.
     *
     * @return a {@link Reasons} code
     */
    public String failureReason() {
      return failureReason;
    }
  }

  /**
   * The metric's name, used in results and messages.
   *
   * @return the name
   */
  String name();

  /**
   * The metric's kind.
   *
   * @return the kind
   */
  Kind kind();

  /**
   * A metric sampled per instance and averaged (HPA {@code Resource} and {@code Pods} metrics).
   *
   * @param name the metric name
   * @param kind {@link Kind#RESOURCE} or {@link Kind#INSTANCE}; only the reported failure reason
   *     depends on it (warm-up handling is already reflected in each instance's state)
   * @param target {@link Target.Type#UTILIZATION} or {@link Target.Type#AVERAGE_VALUE}
   * @param instances every listed instance of the service, with its state and sample for this
   *     metric
   * @param unmatchedSamples samples (milli-units) whose instance is no longer listed; HPA keeps
   *     them: they count in an average-value mean and in the instance count of the fill-in path,
   *     but not in a utilization sum
   */
  record PerInstance(
      String name,
      Kind kind,
      Target target,
      List<InstanceSample> instances,
      List<Long> unmatchedSamples)
      implements TrackedMetric {
    /**
     * Validates the metric and copies the lists.
     *
     * @param name the metric name
     * @param kind {@link Kind#RESOURCE} or {@link Kind#INSTANCE}; only the reported failure reason
     *     depends on it (warm-up handling is already reflected in each instance's state)
     * @param target {@link Target.Type#UTILIZATION} or {@link Target.Type#AVERAGE_VALUE}
     * @param instances every listed instance of the service, with its state and sample for this
     *     metric
     * @param unmatchedSamples samples (milli-units) whose instance is no longer listed; HPA keeps
     *     them: they count in an average-value mean and in the instance count of the fill-in path,
     *     but not in a utilization sum
     * @throws IllegalArgumentException if the kind or target type does not fit a per-instance metric
     */
    public PerInstance {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(target, "target");
      if (kind != Kind.RESOURCE && kind != Kind.INSTANCE) {
        throw new IllegalArgumentException("per-instance metric kind must be RESOURCE or INSTANCE: " + kind);
      }
      if (target.type() == Target.Type.VALUE) {
        throw new IllegalArgumentException("per-instance metric " + name + " cannot have a VALUE target");
      }
      instances = List.copyOf(instances);
      unmatchedSamples = List.copyOf(unmatchedSamples);
    }

    /**
     * A per-instance metric without unmatched samples.
     *
     * @param name the metric name
     * @param kind the kind
     * @param target the target
     * @param instances the listed instances
     * @return the metric
     */
    public static PerInstance of(String name, Kind kind, Target target, List<InstanceSample> instances) {
      return new PerInstance(name, kind, target, instances, List.of());
    }
  }

  /**
   * A metric with one value for the whole service (HPA {@code Object} and {@code External}).
   *
   * @param name the metric name
   * @param kind {@link Kind#OBJECT} or {@link Kind#EXTERNAL}
   * @param target {@link Target.Type#VALUE} (total, scaled by the ready instance count) or {@link
   *     Target.Type#AVERAGE_VALUE} (per observed instance)
   * @param values the samples in milli-units; they are summed, saturating at {@link Long#MAX_VALUE}
   *     (an object metric normally has exactly one)
   */
  record Aggregate(String name, Kind kind, Target target, List<Long> values) implements TrackedMetric {
    /**
     * Validates the metric and copies the values.
     *
     * @param name the metric name
     * @param kind {@link Kind#OBJECT} or {@link Kind#EXTERNAL}
     * @param target {@link Target.Type#VALUE} (total, scaled by the ready instance count) or {@link
     *     Target.Type#AVERAGE_VALUE} (per observed instance)
     * @param values the samples in milli-units; they are summed, saturating at {@link Long#MAX_VALUE}
     *     (an object metric normally has exactly one)
     * @throws IllegalArgumentException if the kind or target type does not fit an aggregated metric
     */
    public Aggregate {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(target, "target");
      if (kind != Kind.OBJECT && kind != Kind.EXTERNAL) {
        throw new IllegalArgumentException("aggregated metric kind must be OBJECT or EXTERNAL: " + kind);
      }
      if (target.type() == Target.Type.UTILIZATION) {
        throw new IllegalArgumentException("aggregated metric " + name + " cannot have a UTILIZATION target");
      }
      values = List.copyOf(values);
    }
  }

  /**
   * A metric whose data could not be obtained or whose definition is not understood; it always
   * yields a failed proposal with the given reason.
   *
   * @param name the metric name
   * @param kind the kind the metric would have had, or {@link Kind#UNAVAILABLE} if not even that
   *     is known; it still matters (only OBJECT/EXTERNAL metrics allow scaling from zero)
   * @param reason a {@link Reasons} code or another short code chosen by the caller
   * @param message a human-readable explanation
   */
  record Unavailable(String name, Kind kind, String reason, String message) implements TrackedMetric {
    /**
     * Validates the record.
     *
     * @param name the metric name
     * @param kind the kind the metric would have had, or {@link Kind#UNAVAILABLE} if not even that
     *     is known; it still matters (only OBJECT/EXTERNAL metrics allow scaling from zero)
     * @param reason a {@link Reasons} code or another short code chosen by the caller
     * @param message a human-readable explanation
     */
    public Unavailable {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(message, "message");
    }

    /**
     * A metric of a kind the policy does not know ({@link Reasons#INVALID_METRIC_SOURCE_TYPE}).
     *
     * @param name the metric name
     * @param message what was not understood
     * @return the metric
     */
    public static Unavailable invalid(String name, String message) {
      return new Unavailable(name, Kind.UNAVAILABLE, Reasons.INVALID_METRIC_SOURCE_TYPE, message);
    }
  }
}
