package io.dynamite.core.policy.tracking;

import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The replica calculation for per-instance metrics (HPA {@code GetResourceReplicas} and {@code
 * calcPlainMetricReplicas}), both utilization and average-value targets.
 *
 * <p>Invariant worth knowing: the reported usage always comes from the first pass over measured
 * samples; the filled-in second pass only decides the count. Stateless.
 */
final class PerInstanceCalculation {
  private PerInstanceCalculation() {}

  /** One sample in the working set; {@code capacity} is null for a sample of an unlisted instance. */
  private record Entry(long value, @Nullable Long capacity) {}

  /** The ratio of a working set plus what is reported for it. */
  private record Usage(double ratio, long usage, @Nullable Integer utilization) {}

  static MetricProposal propose(TrackedMetric.PerInstance m, ReplicaContext ctx) {
    String failure = m.kind().failureReason();
    boolean anySample =
        !m.unmatchedSamples().isEmpty() || m.instances().stream().anyMatch(InstanceSample::hasSample);
    if (!anySample) {
      return new MetricProposal.Failed(m.name(), failure, "no metrics returned for " + m.name());
    }
    if (m.instances().isEmpty()) {
      return new MetricProposal.Failed(m.name(), failure, "no instances listed while calculating " + m.name());
    }

    List<InstanceSample> unready = new ArrayList<>();
    List<InstanceSample> missing = new ArrayList<>();
    // sized for every instance and unmatched value: no growing at every evaluation of a large fleet
    List<Entry> entries = new ArrayList<>(m.instances().size() + m.unmatchedSamples().size());
    int readyCount = 0;
    for (InstanceSample i : m.instances()) {
      switch (i.state()) {
        case IGNORED:
          break;
        case UNREADY:
          // HPA drops the sample of a not-yet-ready instance: it may still show start-up cost.
          unready.add(i);
          break;
        case READY:
          Long value = i.value();
          if (value == null) {
            missing.add(i);
          } else {
            entries.add(new Entry(value, i.capacity()));
            readyCount++;
          }
          break;
        default:
          throw new AssertionError(i.state());
      }
    }
    for (long v : m.unmatchedSamples()) {
      entries.add(new Entry(v, null));
    }
    if (entries.isEmpty()) {
      return new MetricProposal.Failed(
          m.name(), failure, "did not receive metrics for any ready instances for " + m.name());
    }
    boolean utilization = m.target().type() == Target.Type.UTILIZATION;
    if (utilization) {
      for (InstanceSample i : m.instances()) {
        if (i.capacity() == null) {
          return new MetricProposal.Failed(m.name(), failure, "missing request for " + m.name() + " on " + i.id());
        }
      }
    }

    long target = m.target().amount();
    Usage first = usage(entries, utilization, target);
    if (first == null) {
      return new MetricProposal.Failed(m.name(), failure, "no metrics returned matched known pods for " + m.name());
    }
    double ratio = first.ratio();
    int current = ctx.currentReplicas();
    Tolerance tolerance = ctx.tolerance();

    boolean rebalanceUnready = !unready.isEmpty() && ratio > 1.0;
    if (!rebalanceUnready && missing.isEmpty()) {
      if (tolerance.isWithin(ratio)) {
        return computed(m, current, CalculationRule.WITHIN_TOLERANCE, first);
      }
      return computed(m, Saturating.ceilToInt(ratio * readyCount), CalculationRule.PROPORTIONAL, first);
    }

    // Partial data: assume the least helpful value for the direction of change, so that missing
    // and starting instances can only dampen a change, never cause or reverse one.
    List<Entry> filled = new ArrayList<>(entries);
    if (!missing.isEmpty()) {
      if (ratio < 1.0) {
        for (InstanceSample i : missing) {
          filled.add(new Entry(utilization ? assumedAtTarget(i, target) : target, i.capacity()));
        }
      } else if (ratio > 1.0) {
        for (InstanceSample i : missing) {
          filled.add(new Entry(0, i.capacity()));
        }
      }
    }
    if (rebalanceUnready) {
      for (InstanceSample i : unready) {
        filled.add(new Entry(0, i.capacity()));
      }
    }
    Usage second = usage(filled, utilization, target);
    if (second == null) {
      return new MetricProposal.Failed(m.name(), failure, "no metrics returned matched known pods for " + m.name());
    }
    double newRatio = second.ratio();
    if (tolerance.isWithin(newRatio)) {
      return computed(m, current, CalculationRule.FILLED_IN_WITHIN_TOLERANCE, first);
    }
    if ((ratio < 1.0 && newRatio > 1.0) || (ratio > 1.0 && newRatio < 1.0)) {
      return computed(m, current, CalculationRule.DIRECTION_REVERSED, first);
    }
    int n = Saturating.ceilToInt(newRatio * filled.size());
    if ((newRatio < 1.0 && n > current) || (newRatio > 1.0 && n < current)) {
      return computed(m, current, CalculationRule.COUNT_AGAINST_DIRECTION, first);
    }
    return computed(m, n, CalculationRule.FILLED_IN, first);
  }

  /**
   * On a scale-down a missing instance is assumed at {@code max(100 %, target %)} of its capacity:
   * at least fully used, so that an instance we cannot see never speeds up a scale-down.
   */
  private static long assumedAtTarget(InstanceSample i, long targetPercent) {
    long capacity = i.capacity() == null ? 0 : i.capacity();
    return capacity * Math.max(100, targetPercent) / 100;
  }

  /** Returns null when a utilization set has no capacity at all (no sample matched a listed instance). */
  private static @Nullable Usage usage(List<Entry> entries, boolean utilization, long target) {
    if (utilization) {
      long sum = 0;
      long capacity = 0;
      int n = 0;
      for (Entry e : entries) {
        Long c = e.capacity();
        if (c == null) {
          continue; // samples of unlisted instances have no capacity to compare against
        }
        sum += e.value();
        capacity += c;
        n++;
      }
      if (capacity == 0) {
        return null;
      }
      // HPA truncates to a whole percent first and forms the ratio from that integer.
      int percent = Saturating.toInt((double) (sum * 100 / capacity));
      return new Usage((double) percent / target, sum / n, percent);
    }
    long sum = 0;
    for (Entry e : entries) {
      sum += e.value();
    }
    long average = sum / entries.size();
    return new Usage((double) average / target, average, null);
  }

  private static MetricProposal computed(
      TrackedMetric.PerInstance m, int replicas, CalculationRule rule, Usage reported) {
    return new MetricProposal.Computed(m.name(), Math.max(0, replicas), rule, reported.usage(), reported.utilization());
  }
}
