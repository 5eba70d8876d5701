package io.dynamite.core.policy.health;

import io.dynamite.api.Direction;
import io.dynamite.api.MetricSample;
import io.dynamite.api.PolicyInput;
import io.dynamite.api.ScalingDecision;
import io.dynamite.api.spi.ScalingPolicy;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Wraps a metric policy so that a missing or stale metric never scales the service down. The
 * metric is stale when no sample of it (of any instance) arrived for {@code max_sample_age}:
 * measured from the newest sample's timestamp, or before the first sample from the first
 * evaluation. While it is stale the wrapped policy is still evaluated (so that its memory stays
 * current) but its decision is replaced: by a hold whose reason starts with {@code "metric <name>
 * stale since <time>"}, or with {@code on_missing: {scale_up_to: N}} by a recommendation of N
 * instances while fewer run (a hold once N or more run, so the guard never scales down either).
 * While the metric is fresh the wrapped policy decides alone.
 *
 * <p>The guard asks to be evaluated when the metric would turn stale, so that {@code on_missing}
 * acts even when no sample ever comes again. It reads the new samples of each evaluation, not the
 * engine's history, so it costs the engine nothing. It sees the metric stream as a whole: one
 * silent instance among others that report is the wrapped policy's concern.
 *
 * <p>Not thread-safe; the engine calls it from one thread.
 *
 * @since 0.3
 */
public final class MetricHealthGuard implements ScalingPolicy {
  private final ScalingPolicy delegate;
  private final String metric;
  private final MetricHealth health;
  private final boolean readsHistory;
  private @Nullable Instant newestSample;
  private @Nullable Instant firstEvaluation;
  private boolean stale;
  private @Nullable Instant delegateNext;

  /**
   * Wraps a policy.
   *
   * @param delegate the metric policy
   * @param metric the metric's name, for reasons
   * @param health the settings
   */
  public MetricHealthGuard(ScalingPolicy delegate, String metric, MetricHealth health) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
    this.metric = Objects.requireNonNull(metric, "metric");
    this.health = Objects.requireNonNull(health, "health");
    this.readsHistory = delegate.readsMetricHistory();
  }

  /**
   * Returns the wrapped policy.
   *
   * @return the policy this guard protects
   */
  public ScalingPolicy delegate() {
    return delegate;
  }

  @Override
  public ScalingDecision evaluate(PolicyInput input) {
    Instant now = input.now();
    if (firstEvaluation == null) {
      firstEvaluation = now;
    }
    for (MetricSample s : input.samples()) {
      if (newestSample == null || s.timestamp().isAfter(newestSample)) {
        newestSample = s.timestamp();
      }
    }
    ScalingDecision inner = delegate.evaluate(input);
    delegateNext = delegate.nextEvaluation();
    Instant reference = newestSample != null ? newestSample : firstEvaluation;
    stale = reference.isBefore(now.minus(health.maxSampleAge()));
    if (!stale) {
      return inner;
    }
    int current = input.service().projected();
    String why = "metric " + metric + " stale since " + reference.plus(health.maxSampleAge())
        + (newestSample == null ? " (no sample since the first evaluation at " + firstEvaluation + ")"
            : " (newest sample at " + newestSample + ")")
        + ", max_sample_age " + seconds(health.maxSampleAge());
    Integer upTo = health.scaleUpTo();
    if (upTo != null && current < upTo) {
      return ScalingDecision.scaleTo(upTo, why + "; on_missing scale_up_to " + upTo + " (current " + current + ")");
    }
    String ignored = ignoredText(inner, current);
    return ScalingDecision.hold(why + "; " + (upTo == null ? "on_missing hold" : "on_missing scale_up_to "
        + upTo + " reached") + ", never scaling down on a stale metric" + ignored);
  }

  private static String ignoredText(ScalingDecision inner, int current) {
    if (inner instanceof ScalingDecision.Hold) {
      return "";
    }
    String what = inner instanceof ScalingDecision.Scale sc
        ? (sc.direction() == Direction.UP ? "+" : "-") + sc.steps()
        : inner instanceof ScalingDecision.ScaleTo to ? "desired " + to.desired() + " (current " + current + ")"
        : inner.kind().name().toLowerCase(java.util.Locale.ROOT);
    return "; ignored the policy's " + what + ": " + inner.reason();
  }

  @Override
  public boolean readsMetricHistory() {
    return readsHistory;
  }

  @Override
  public @Nullable Instant nextEvaluation() {
    Instant next = delegateNext;
    Instant reference = newestSample != null ? newestSample : firstEvaluation;
    if (!stale && reference != null) {
      // stale strictly after max_sample_age
      Instant staleAt = reference.plus(health.maxSampleAge()).plusNanos(1);
      if (next == null || staleAt.isBefore(next)) {
        next = staleAt;
      }
    }
    return next;
  }

  /** Forwards to the wrapped policy: its memory is what survives a restart. */
  @Override
  public @Nullable String exportState() {
    return delegate.exportState();
  }

  /** Forwards to the wrapped policy. */
  @Override
  public void restoreState(String state) {
    delegate.restoreState(state);
  }

  @Override
  public String describeState() {
    String inner = delegate.describeState();
    String mine = newestSample == null ? "no sample of " + metric + " yet"
        : "newest sample of " + metric + " at " + newestSample + (stale ? " (stale)" : "");
    return inner.isEmpty() ? mine : inner + "; " + mine;
  }

  static String seconds(Duration d) {
    return d.getNano() == 0 ? d.getSeconds() + "s" : d.toMillis() / 1000.0 + "s";
  }
}
