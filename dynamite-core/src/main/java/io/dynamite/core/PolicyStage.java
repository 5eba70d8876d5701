package io.dynamite.core;

import io.dynamite.api.Direction;
import io.dynamite.api.MetricHealth;
import io.dynamite.api.MetricSample;
import io.dynamite.api.MetricSeries;
import io.dynamite.api.PolicyInput;
import io.dynamite.api.RejectedSample;
import io.dynamite.api.ScalingDecision;
import io.dynamite.api.ServiceView;
import io.dynamite.api.event.DecisionRecord;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The evaluate stage: hands each of a service's policies its input (counts, instances, metric
 * history, new samples, previous outcome) and turns what it returns into a {@link Recommendation}.
 * A policy that throws is isolated: counted, reported, and treated as having no opinion.
 */
final class PolicyStage {
  private static final Logger log = LoggerFactory.getLogger(ScalingEngine.class);
  private final Recorder recorder;
  private final PolicyMemory memory;

  /** Evaluations since the last {@link #flushCounts()}: counted here, published once per pass. */
  private long evaluations;
  /** Holds on new data since the last {@link #flushCounts()}, counted whether or not recorded. */
  private long holds;

  PolicyStage(Recorder recorder, PolicyMemory memory) {
    this.recorder = recorder;
    this.memory = memory;
  }

  /** Adds the evaluations of this pass to the engine's counters (one synchronized update per pass). */
  void flushCounts() {
    if (evaluations > 0) {
      recorder.count("evaluations", evaluations);
      evaluations = 0;
    }
    if (holds > 0) {
      recorder.count("holds", holds);
      holds = 0;
    }
  }

  /** Evaluates every policy of the service; holds are recorded here, the rest returned. */
  List<Recommendation> evaluate(ServiceState s, Instant now) {
    PolicyBinding[] policies = s.policies;
    if (policies.length == 0) {
      return List.of();
    }
    for (int i = 0; i < s.tables.size(); i++) {
      s.tables.get(i).fold();
    }
    evaluations += policies.length;
    List<Recommendation> out = null;
    ServiceView view = s.view();
    for (PolicyBinding b : policies) {
      Recommendation r = evaluate(b, s, view, now);
      if (r != null) {
        view = s.view(); // a recommendation is only counted; nothing changed, but keep it exact
      }
      if (r != null) {
        if (out == null) {
          out = new ArrayList<>(2);
        }
        out.add(r);
      }
    }
    return out == null ? List.of() : out;
  }

  private @Nullable Recommendation evaluate(PolicyBinding b, ServiceState s, ServiceView view, Instant now) {
    List<MetricSample> samples = b.take();
    List<RejectedSample> rejected = b.takeRejected();
    List<MetricSeries> series = b.series == null ? List.of() : b.series.view();
    PolicyInput input = new PolicyInput(view, s.instanceViews(), samples, series, b.previous, now, rejected);
    ScalingDecision decision;
    try {
      decision = Objects.requireNonNull(b.policy.evaluate(input), "policy returned null");
    } catch (RuntimeException e) {
      recorder.count("policy.errors");
      log.warn("policy {} failed: {}", b.id, ScalingEngine.describe(e));
      recorder.emit(new io.dynamite.api.event.EngineEvent.PluginFailed(now, b.id, s.id(), ScalingEngine.describe(e)));
      record(b, now, view, samples, null, DecisionRecord.Outcome.ERROR, "policy failed: " + ScalingEngine.describe(e), null,
          List.of(), null);
      return null;
    }
    memory.evaluated(b, now);
    int current = s.projected();
    if (decision instanceof ScalingDecision.Scale scale) {
      int count = scale.direction() == Direction.UP ? current + scale.steps() : current - scale.steps();
      return new Recommendation(b, decision, count, scale.triggers(), view, samples);
    }
    if (decision instanceof ScalingDecision.Bound bound) {
      // not a recommendation by itself: the pipeline applies it to the others' combination
      return new Recommendation(b, decision, bound.desired() == null ? -1 : bound.desired(), List.of(), view, samples);
    }
    if (decision instanceof ScalingDecision.ScaleTo to) {
      // "stay at the current count" is a recommendation too: it vetoes other policies' scale-downs
      return new Recommendation(b, decision, to.desired(), List.of(), view, samples);
    }
    if (!samples.isEmpty() || !rejected.isEmpty()) {
      hold(b, now, view, samples, decision.reason());
    }
    return null;
  }

  /**
   * A hold on new data: counted, and recorded only if a listener wants hold records (a record
   * describes the policy's state and judges its metric health, more work than the evaluation).
   */
  void hold(PolicyBinding b, Instant now, ServiceView view, List<MetricSample> samples, String reason) {
    holds++;
    if (recorder.recordsHolds()) {
      record(b, now, view, samples, null, DecisionRecord.Outcome.HOLD, reason, null, List.of(), null);
    }
  }

  void record(PolicyBinding b, Instant now, ServiceView view, List<MetricSample> samples, @Nullable Direction direction,
      DecisionRecord.Outcome outcome, String reason, @Nullable Integer desired, List<String> clamps,
      io.dynamite.api.PolicyOutcome.@Nullable Kind effect) {
    Double last = samples.isEmpty() ? null : samples.get(samples.size() - 1).value();
    String state;
    MetricHealth health;
    try {
      state = b.policy.describeState();
    } catch (RuntimeException e) {
      state = "unavailable: " + ScalingEngine.describe(e);
    }
    try {
      health = Objects.requireNonNull(b.policy.metricHealth(), "metricHealth() returned null");
    } catch (RuntimeException e) {
      recorder.pluginFailed(b.id, b.service.id(), "metricHealth failed: " + ScalingEngine.describe(e));
      health = MetricHealth.NONE;
    }
    recorder.decision(new DecisionRecord(now, b.id, direction != null ? direction : b.direction, view, samples.size(),
        last, state, outcome, reason, desired, clamps, health, effect));
  }
}
