package io.dynamite.core.policy.health;

import io.dynamite.api.Direction;
import io.dynamite.api.InstanceView;
import io.dynamite.api.MetricHealth;
import io.dynamite.api.PolicyInput;
import io.dynamite.api.ScalingDecision;
import io.dynamite.api.spi.ScalingPolicy;
import io.dynamite.core.policy.health.HealthSettings.OnMissing;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Wraps a metric policy so that missing data never scales the service down, and names the health
 * of the metric at every evaluation ({@link #metricHealth()}).
 *
 * <p>The metric is judged at each evaluation from the samples and rejected values of its stream
 * (see {@link SeriesHealth}): {@link MetricHealth#OK}; {@link MetricHealth#STALE} (values arrived
 * but none is younger than {@code max_sample_age}); {@link MetricHealth#NAN} (the fresh values are
 * not numbers); {@link MetricHealth#MISSING} (nothing arrived since the first evaluation); {@link
 * MetricHealth#PARTIAL} (a per-instance metric that some running instances do not report). The
 * wrapped policy is evaluated every time, so that its memory stays current. While the metric is
 * OK its decision stands; otherwise {@code on_missing} decides:
 *
 * <ul>
 *   <li>{@code hold} (the default): hold, whatever the policy wanted;
 *   <li>{@code scale_up_only}: the policy's decision stands only where it raises the count (a
 *       scale-up, a desired count above the current one, a floor above it); anything else holds;
 *   <li>{@code fallback(N)}: as {@code scale_up_only}, and while fewer than N instances run it
 *       recommends N (or what the policy wants, if more). A metric that is missing from the start
 *       gets {@code max_sample_age} after the first evaluation before N is recommended, so that a
 *       restart does not scale up before the sources delivered.
 * </ul>
 *
 * <p>A hold of the policy stays a hold in every state and keeps its own reason (only {@code
 * fallback(N)} can turn it into a scale-up); its health is judged when {@link #metricHealth()}
 * asks, which the engine does when it writes the decision record.
 *
 * <p>No mode ever scales down or lowers a ceiling while the metric is not OK. With {@code
 * fallback(N)} the guard asks to be evaluated when the metric would turn unhealthy, so that the
 * fallback acts even when nothing arrives any more; the other modes change nothing by themselves
 * and need no timer.
 *
 * <p>Not thread-safe; the engine calls it from one thread.
 *
 * @since 0.3
 */
public final class MetricHealthGuard implements ScalingPolicy {
  private final ScalingPolicy delegate;
  private final String metric;
  private final HealthSettings health;
  private final boolean readsHistory;
  private final SeriesHealth series;
  /** The wrapped policy keeps the per-uuid sample times ({@link SampleTimes}): samples need no absorbing. */
  private final boolean delegatesTimes;
  /** {@code on_missing: fallback(N)}, kept apart so an evaluation does not touch the settings. */
  private final boolean fallback;
  /** Judge a step decision by the values of the uuids that fired it (a per-instance rule). */
  private final boolean judgesTriggers;
  private @Nullable Instant firstEvaluation;
  private MetricHealth state = MetricHealth.NONE;
  /**
   * The instances and time of the last evaluation while its health is not judged yet: when the
   * policy holds and {@code on_missing} cannot act on its own, the outcome is a hold whatever the
   * health, so the judgement waits until {@link #metricHealth()} asks for it. The engine asks only
   * when it writes a decision record, and for a hold it does so right after the evaluation, in the
   * same engine task, while the list it passed still shows the same instances; copying the list for
   * every hold would cost more than the whole judgement on a large fleet. It is read only while
   * {@link #judgementPending}.
   */
  private @Nullable List<InstanceView> unjudged;
  /** Whether {@link #unjudged} waits for a judgement; a flag so the list is stored only when it changes. */
  private boolean judgementPending;
  /** When the pending judgement is for, epoch nanos (a primitive: no GC write barrier per evaluation). */
  private long unjudgedAt;
  private @Nullable Instant delegateNext;
  private @Nullable Instant healthNext;

  /**
   * Wraps a policy.
   *
   * @param delegate the metric policy
   * @param metric the metric's name, for reasons
   * @param aggregated true if the metric is aggregated (one value for the service)
   * @param health the settings
   */
  public MetricHealthGuard(ScalingPolicy delegate, String metric, boolean aggregated, HealthSettings health) {
    this(delegate, metric, aggregated, health, false);
  }

  /**
   * Wraps a rule that decides per instance, such as {@code threshold}: its step decisions ({@link
   * ScalingDecision.Scale}) name the uuids whose own samples fired them ({@link
   * ScalingDecision.Scale#triggers()}). Such a decision stands while every trigger's newest value is
   * fresh and a number, even if other instances are silent (the stream is then {@link
   * MetricHealth#PARTIAL}, and the record says so): silent instances are no input to it. A decision
   * fired by stale or NaN values, and every other decision, is judged as by {@link
   * #MetricHealthGuard(ScalingPolicy, String, boolean, HealthSettings)}.
   *
   * @param delegate the per-instance rule
   * @param metric the metric's name, for reasons
   * @param aggregated true if the metric is aggregated (one value for the service)
   * @param health the settings
   * @return the guard
   */
  public static MetricHealthGuard perInstanceRule(ScalingPolicy delegate, String metric, boolean aggregated,
      HealthSettings health) {
    return new MetricHealthGuard(delegate, metric, aggregated, health, true);
  }

  private MetricHealthGuard(ScalingPolicy delegate, String metric, boolean aggregated, HealthSettings health,
      boolean judgesTriggers) {
    this.judgesTriggers = judgesTriggers;
    this.delegate = Objects.requireNonNull(delegate, "delegate");
    this.metric = Objects.requireNonNull(metric, "metric");
    this.health = Objects.requireNonNull(health, "health");
    this.readsHistory = delegate.readsMetricHistory();
    this.delegatesTimes = delegate instanceof SampleTimes;
    this.fallback = health.onMissing() == OnMissing.FALLBACK;
    this.series = new SeriesHealth(aggregated, health.maxSampleAge().toNanos(),
        delegate instanceof SampleTimes t ? t : null);
  }

  /**
   * Returns the wrapped policy.
   *
   * @return the policy this guard protects
   */
  public ScalingPolicy delegate() {
    return delegate;
  }

  /**
   * Returns the settings.
   *
   * @return {@code max_sample_age} and {@code on_missing}
   */
  public HealthSettings settings() {
    return health;
  }

  @Override
  public ScalingDecision evaluate(PolicyInput input) {
    Instant now = input.now();
    if (firstEvaluation == null) {
      firstEvaluation = now;
    }
    if (!delegatesTimes || !input.rejected().isEmpty()) {
      series.absorb(input.samples(), input.rejected());
    }
    ScalingDecision inner = delegate.evaluate(input);
    Instant next = delegate.nextEvaluation();
    if (next != delegateNext) {
      delegateNext = next;
    }
    if (healthNext != null) {
      healthNext = null;
    }
    if (inner instanceof ScalingDecision.Hold && !fallback) {
      // a hold stays a hold in every state: judge the health only if a record asks for it
      List<InstanceView> instances = input.instances();
      if (unjudged != instances) {
        unjudged = instances; // the engine passes the same live view pass after pass
      }
      unjudgedAt = SeriesHealth.nanos(now);
      judgementPending = true;
      return inner;
    }
    judgementPending = false;
    SeriesHealth.Assessment a = series.assess(input.instances(), now);
    if (a.state() != state) {
      state = a.state();
    }
    if (health.onMissing() == OnMissing.FALLBACK) {
      healthNext = state == MetricHealth.MISSING ? firstEvaluation.plus(health.maxSampleAge())
          : series.nextChange(input.instances(), now);
      if (healthNext != null && !healthNext.isAfter(now)) {
        healthNext = null;
      }
    }
    if (state == MetricHealth.OK) {
      return inner;
    }
    int current = input.service().projected();
    String why = describe(a, now);
    if (judgesTriggers && inner instanceof ScalingDecision.Scale sc && triggersHealthy(sc, now)) {
      String who = sc.triggers().stream().map(t -> t.isEmpty() ? "the aggregated value" : "uuid " + t)
          .distinct().collect(java.util.stream.Collectors.joining(", "));
      return withReason(sc, why + "; fired by " + who + " on fresh values of its own: " + sc.reason());
    }
    String mode = "on_missing " + health.describeOnMissing();
    ScalingDecision raising = raising(inner, current);
    if (health.onMissing() == OnMissing.FALLBACK && current < health.fallback()
        && !(state == MetricHealth.MISSING && now.isBefore(firstEvaluation.plus(health.maxSampleAge())))) {
      if (raising != null && countOf(raising, current) > health.fallback()) {
        return withReason(raising, why + "; " + mode + ", the policy wants more: " + raising.reason());
      }
      return ScalingDecision.scaleTo(health.fallback(), why + "; " + mode + ": scaling up to " + health.fallback()
          + " (current " + current + ")" + ignored(inner, current));
    }
    if (health.onMissing() != OnMissing.HOLD && raising != null) {
      return withReason(raising, why + "; " + mode + ", scaling up: " + raising.reason());
    }
    String effect = health.onMissing() == OnMissing.HOLD ? ": holding"
        : health.onMissing() == OnMissing.FALLBACK && current >= health.fallback()
            ? ": " + current + " running, at least " + health.fallback() + ", holding"
        : health.onMissing() == OnMissing.FALLBACK ? ": waiting for a first sample, holding"
        : ": no scale-up recommended, holding";
    return ScalingDecision.hold(why + "; " + mode + effect + ", never scaling down on missing data"
        + ignored(inner, current));
  }

  private boolean triggersHealthy(ScalingDecision.Scale sc, Instant now) {
    for (String uuid : sc.triggers()) {
      if (!series.freshAndUsable(uuid, now)) {
        return false;
      }
    }
    return true;
  }

  /** The part of a decision that raises the count, or null if none does. Ceilings are dropped. */
  private static @Nullable ScalingDecision raising(ScalingDecision d, int current) {
    if (d instanceof ScalingDecision.Scale sc) {
      return sc.direction() == Direction.UP ? sc : null;
    }
    if (d instanceof ScalingDecision.ScaleTo to) {
      return to.desired() > current ? to : null;
    }
    if (d instanceof ScalingDecision.Bound b) {
      Integer desired = b.desired() != null && b.desired() > current ? b.desired() : null;
      if (b.floor() <= current && desired == null) {
        return null;
      }
      return new ScalingDecision.Bound(b.floor(), Integer.MAX_VALUE, desired, b.reason());
    }
    return null;
  }

  private static int countOf(ScalingDecision d, int current) {
    if (d instanceof ScalingDecision.Scale sc) {
      return current + sc.steps();
    }
    if (d instanceof ScalingDecision.ScaleTo to) {
      return to.desired();
    }
    if (d instanceof ScalingDecision.Bound b) {
      return Math.max(b.floor(), b.desired() == null ? 0 : b.desired());
    }
    return current;
  }

  private static ScalingDecision withReason(ScalingDecision d, String reason) {
    if (d instanceof ScalingDecision.Scale sc) {
      return new ScalingDecision.Scale(sc.direction(), sc.steps(), sc.triggers(), reason);
    }
    if (d instanceof ScalingDecision.ScaleTo to) {
      return ScalingDecision.scaleTo(to.desired(), reason);
    }
    if (d instanceof ScalingDecision.Bound b) {
      return new ScalingDecision.Bound(b.floor(), b.ceiling(), b.desired(), reason);
    }
    return ScalingDecision.hold(reason);
  }

  private String describe(SeriesHealth.Assessment a, Instant now) {
    String age = "max_sample_age " + seconds(health.maxSampleAge());
    return switch (a.state()) {
      case STALE -> a.newest().plus(health.maxSampleAge()).isBefore(now)
          ? "metric " + metric + " stale since " + a.newest().plus(health.maxSampleAge())
              + " (newest sample at " + a.newest() + "), " + age
          : "metric " + metric + " stale: no running instance has a fresh value, only uuids of no instance of the"
              + " service do (newest sample at " + a.newest() + "), " + age;
      case NAN -> "metric " + metric + " not a number: no fresh usable value, " + a.notANumber()
          + " fresh value(s) not numbers (" + a.invalidWhy() + "), " + age;
      case MISSING -> "metric " + metric + " missing: no sample since the first evaluation at " + firstEvaluation
          + ", " + age;
      case PARTIAL -> "metric " + metric + " partial: fresh values from " + a.reporting() + " of " + a.expected()
          + " running instance(s); " + a.stale() + " stale, " + a.silent() + " silent, " + a.notANumber()
          + " not a number (" + age + ")";
      default -> "metric " + metric + " " + a.state().name().toLowerCase(Locale.ROOT);
    };
  }

  private static String ignored(ScalingDecision inner, int current) {
    if (inner instanceof ScalingDecision.Hold) {
      return "; the policy holds: " + inner.reason();
    }
    String what = inner instanceof ScalingDecision.Scale sc
        ? (sc.direction() == Direction.UP ? "+" : "-") + sc.steps()
        : inner instanceof ScalingDecision.ScaleTo to ? "desired " + to.desired() + " (current " + current + ")"
        : inner instanceof ScalingDecision.Bound b ? "floor " + b.floor()
            + (b.ceiling() == Integer.MAX_VALUE ? "" : ", ceiling " + b.ceiling())
            + (b.desired() == null ? "" : ", desired " + b.desired())
        : inner.kind().name().toLowerCase(Locale.ROOT);
    return "; ignored the policy's " + what + ": " + inner.reason();
  }

  @Override
  public boolean readsMetricHistory() {
    return readsHistory;
  }

  /**
   * Tells whether this guard ever asks for a time with {@link #nextEvaluation()}: when the wrapped
   * policy does, or with {@code fallback(N)}. The engine then arms a timer for the service; a large
   * fleet of guarded policies that never ask saves that work.
   *
   * @param delegateAsks whether the wrapped policy may ask for a time
   * @return whether this guard may
   */
  public boolean asksForTime(boolean delegateAsks) {
    return delegateAsks || health.onMissing() == OnMissing.FALLBACK;
  }

  @Override
  public MetricHealth metricHealth() {
    List<InstanceView> instances = unjudged;
    if (judgementPending && instances != null) {
      judgementPending = false;
      MetricHealth judged = series.assess(instances, SeriesHealth.instant(unjudgedAt)).state();
      if (judged != state) {
        state = judged;
      }
    }
    return state;
  }

  @Override
  public @Nullable Instant nextEvaluation() {
    Instant next = delegateNext;
    if (healthNext != null && (next == null || healthNext.isBefore(next))) {
      next = healthNext;
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
    MetricHealth h = metricHealth();
    String mine = h == MetricHealth.NONE ? "metric " + metric + " not judged yet"
        : "metric " + metric + " " + h + (series.newestSeen() == null ? ", no sample yet"
            : ", newest value at " + series.newestSeen());
    return inner.isEmpty() ? mine : inner + "; " + mine;
  }

  static String seconds(Duration d) {
    return d.getNano() == 0 ? d.getSeconds() + "s" : d.toMillis() / 1000.0 + "s";
  }
}
