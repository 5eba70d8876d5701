package io.dynamite.core;

import io.dynamite.api.Direction;
import io.dynamite.api.MetricQuery;
import io.dynamite.api.MetricSample;
import io.dynamite.api.PolicyOutcome;
import io.dynamite.api.RejectedSample;
import io.dynamite.api.spi.ScalingPolicy;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** One policy attached to one service, with the samples routed to it since its last evaluation. */
final class PolicyBinding {
  /** {@code <service>/<direction>/<name>} for a legacy slot, {@code <service>/<name>} otherwise. */
  final String id;
  final String name;
  /** The legacy slot's direction, or the policy's {@code direction} setting; null if neither. */
  final @Nullable Direction direction;
  final ServiceState service;
  final ScalingPolicy policy;
  final @Nullable MetricQuery query;
  /** The history of its metric, shared with the service's other policies on the same stream. */
  final @Nullable SeriesTable series;
  /** What became of its last recommendation, handed back at its next evaluation. */
  @Nullable PolicyOutcome previous;
  /** True if the policy exports a state to keep across restarts ({@code exportState} overridden). */
  boolean keepsState;
  /** The state last handed to the store (or restored from it); null if none. */
  @Nullable String exported;
  /** Engine-clock time from which the state is exported again; null: at the next evaluation. */
  @Nullable Instant exportDue;
  /** True once an oversized state of this policy was reported. */
  boolean tooLargeReported;

  /** The only run of samples routed here since the last evaluation, handed over without copying. */
  private @Nullable List<MetricSample> single;
  /** Samples since the last evaluation when more than one run was routed here. */
  private final ArrayList<MetricSample> buffer = new ArrayList<>();
  /** Rejected values of its stream (with their origin) since the last evaluation; rare, so allocated lazily. */
  private @Nullable ArrayList<RejectedSample> rejected;

  PolicyBinding(String id, String name, @Nullable Direction direction, ServiceState service,
      ScalingPolicy policy, @Nullable MetricQuery query, @Nullable SeriesTable series) {
    this.id = id;
    this.name = name;
    this.direction = direction;
    this.service = service;
    this.policy = policy;
    this.query = query;
    this.series = series;
  }

  void add(List<MetricSample> run) {
    if (single == null && buffer.isEmpty()) {
      single = run;
      return;
    }
    if (single != null) {
      buffer.addAll(single);
      single = null;
    }
    buffer.addAll(run);
  }

  void reject(RejectedSample r) {
    if (rejected == null) {
      rejected = new ArrayList<>(2);
    }
    rejected.add(r);
  }

  /** Returns the rejected values since the last evaluation and forgets them. */
  List<RejectedSample> takeRejected() {
    if (rejected == null || rejected.isEmpty()) {
      return List.of();
    }
    List<RejectedSample> out = List.copyOf(rejected);
    rejected.clear();
    return out;
  }

  /** Returns the samples since the last evaluation as an immutable list and forgets them. */
  List<MetricSample> take() {
    List<MetricSample> out;
    if (single != null) {
      out = single;
      single = null;
    } else if (buffer.isEmpty()) {
      out = List.of();
    } else {
      out = List.copyOf(buffer);
      buffer.clear();
    }
    return out;
  }
}
