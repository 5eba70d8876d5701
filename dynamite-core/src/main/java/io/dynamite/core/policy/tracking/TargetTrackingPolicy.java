package io.dynamite.core.policy.tracking;

import io.dynamite.api.Direction;
import io.dynamite.api.InstanceId;
import io.dynamite.api.InstanceView;
import io.dynamite.api.MetricSeries;
import io.dynamite.api.PolicyInput;
import io.dynamite.api.PolicyOutcome;
import io.dynamite.api.ScalingDecision;
import io.dynamite.api.ServiceView;
import io.dynamite.api.spi.ScalingPolicy;
import io.dynamite.core.policy.tracking.ScalingHistory.ScaleEvent;
import io.dynamite.core.policy.tracking.ScalingHistory.TimedRecommendation;
import io.dynamite.core.policy.tracking.ScalingRules.RatePolicy;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The {@code target-tracking} policy on the engine's policy SPI: maps each {@link PolicyInput} to a
 * {@link TrackingInput}, runs one {@link TargetTracking} pass and answers with the desired count
 * ({@link ScalingDecision#scaleTo}) or a hold. Reasons start with HPA's reason code ({@code
 * ScaleUpLimit}, {@code ScaleDownStabilized}, {@code DesiredWithinRange}, ...) and carry the
 * numbers behind it.
 *
 * <p>Mapping: the current count is running plus starting instances. Starting instances are
 * unready (HPA: pending pods), running instances are ready candidates (unready while inside {@code
 * initialization_period} if that is set), stopping instances are ignored. An instance's value is
 * the newest sample of the series whose uuid resolves to it; a series that resolves to no instance
 * of the service (a uuid not registered yet) is treated like HPA treats a metric of a pod it does
 * not list. A value older than {@code max_sample_age} counts as missing.
 *
 * <p>The {@link ScalingHistory} lives in this instance: the recommendation of every evaluation,
 * and a scale event whenever the outcome handed back in {@link PolicyInput#previous()} shows that
 * the engine applied this policy's recommendation ({@link PolicyOutcome.Kind#APPLIED} or {@link
 * PolicyOutcome.Kind#CLAMPED}), for the count the engine settled on. It survives a restart and a
 * failover: {@link #exportState()} hands the engine the part of it that can still change a result
 * (see {@code HistoryText}) and {@link #restoreState(String)} takes it back, so the stabilization
 * windows and rate limits go on where they were instead of starting again. A change recommended in
 * the last evaluation before a crash whose outcome was never reported is not recorded as a scale
 * event.
 *
 * <p>Not thread-safe; the engine calls it from one thread.
 *
 * @since 0.2
 */
public final class TargetTrackingPolicy implements ScalingPolicy {
  /** Per-instance values are clamped to {@code [0, 10^9]} units so that sums cannot overflow. */
  private static final long MAX_INSTANCE_MILLI = 1_000_000_000_000L;

  private final TargetTrackingSettings settings;
  private final @Nullable Direction direction;
  private final InstanceClassifier classifier;

  private @Nullable TrackingSettings tracking;
  private ScalingHistory history = ScalingHistory.NEW;
  /** When this policy last recommended a change, still waiting for its outcome; null if none. */
  private @Nullable Instant pendingAt;
  /** The count the service had when that change was recommended. */
  private int pendingFrom;
  private @Nullable Instant next;
  /** The time of the latest evaluation, the reference for what the exported state leaves out. */
  private @Nullable Instant lastEvaluated;

  /**
   * Creates a policy.
   *
   * @param settings the validated settings
   * @param direction if set, only changes in this direction are recommended (for a policy attached
   *     to a {@code scale_up_policy}/{@code scale_down_policy} slot or given {@code direction:})
   */
  public TargetTrackingPolicy(TargetTrackingSettings settings, @Nullable Direction direction) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.direction = direction;
    this.classifier = new InstanceClassifier(settings.initializationPeriod(), Duration.ZERO);
  }

  /**
   * Returns the history kept so far, for tests and diagnostics.
   *
   * @return the current history
   */
  public ScalingHistory history() {
    ScalingHistory h = history;
    if (h.recommendations() instanceof RecommendationSlots) {
      // the slots change in place at the next evaluation: hand out an immutable copy
      return new ScalingHistory(h.started(), List.copyOf(h.recommendations()), h.scaleUpEvents(),
          h.scaleDownEvents(), h.scaledToZero());
    }
    return h;
  }

  /**
   * The history with its recommendations in this policy's own slots, which the stabilizer then
   * changes in place instead of copying them at every evaluation (see {@link RecommendationSlots}).
   */
  private static ScalingHistory owned(ScalingHistory h) {
    if (!h.started() || h.recommendations() instanceof RecommendationSlots) {
      return h;
    }
    RecommendationSlots slots = RecommendationSlots.copyOf(h.recommendations());
    return slots == null ? h
        : new ScalingHistory(h.started(), slots, h.scaleUpEvents(), h.scaleDownEvents(), h.scaledToZero());
  }

  @Override
  public ScalingDecision evaluate(PolicyInput input) {
    Instant now = input.now();
    lastEvaluated = now;
    next = null;
    absorb(input.previous());
    ServiceView view = input.service();
    int current = view.projected();
    Observed observed = settings.aggregated() ? aggregated(input, now) : perInstance(input, now);
    if (observed == null) {
      return ScalingDecision.hold("waiting for the first sample of " + settings.metric());
    }
    TrackingSettings ts = trackingFor(view);
    TrackingInput ti = new TrackingInput(current, current, observed.listed, observed.running, List.of(observed.metric));
    history = owned(history);
    TrackingOutcome o = TargetTracking.evaluate(ts, ti, history, now);
    history = o.history();

    String reason = reason(o, observed, ts, current);
    int desired = o.desiredReplicas();
    boolean wanted = desired != current
        && (direction == null || (direction == Direction.UP) == (desired > current));
    next = nextEvaluation(o, wanted ? o.historyAfterScale() : o.history(), now);
    if (!wanted) {
      if (desired != current) {
        reason = reason + "; not recommended because this policy only scales "
            + direction.name().toLowerCase(Locale.ROOT);
      }
      return ScalingDecision.hold(reason);
    }
    pendingAt = now;
    pendingFrom = current;
    return ScalingDecision.scaleTo(desired, reason);
  }

  @Override
  public @Nullable Instant nextEvaluation() {
    return next;
  }

  /**
   * Exports the scale-event and recommendation history (version 1 JSON, see {@code HistoryText}),
   * without what can no longer change a result.
   *
   * @return the state, or null before the first evaluation
   */
  @Override
  public @Nullable String exportState() {
    Instant at = lastEvaluated;
    if (at == null) {
      return null;
    }
    Behavior b = settings.behavior();
    Duration up = b.scaleUp().stabilizationWindow();
    Duration down = b.scaleDown().stabilizationWindow();
    Duration keep = up == null || down == null ? null : up.compareTo(down) >= 0 ? up : down;
    return HistoryText.write(history, at, keep);
  }

  /**
   * Replaces the history with an exported one. A change this instance recommended and still waits
   * for is forgotten: its outcome belongs to the engine that exported the state.
   *
   * @param state a text from {@link #exportState()}
   * @throws IllegalArgumentException if the text is not such a state; the history is unchanged
   */
  @Override
  public void restoreState(String state) {
    history = HistoryText.read(state);
    pendingAt = null;
  }

  @Override
  public String describeState() {
    List<TimedRecommendation> recs = history.recommendations();
    if (recs.isEmpty()) {
      return "no recommendation yet";
    }
    TimedRecommendation newest = recs.get(0);
    for (TimedRecommendation r : recs) {
      if (!r.at().isBefore(newest.at())) {
        newest = r;
      }
    }
    StringBuilder b = new StringBuilder();
    b.append(recs.size()).append(" recommendation(s) kept, newest ").append(newest.replicas())
        .append(" at ").append(newest.at());
    b.append("; scale-ups ").append(events(history.scaleUpEvents(), "+"));
    b.append("; scale-downs ").append(events(history.scaleDownEvents(), "-"));
    if (pendingAt != null) {
      b.append("; awaiting the outcome of the change recommended at ").append(pendingAt);
    }
    return b.toString();
  }

  private static String events(List<ScaleEvent> events, String sign) {
    List<String> live = new ArrayList<>();
    for (ScaleEvent e : events) {
      if (!e.outdated()) {
        live.add(sign + e.change() + " at " + e.at());
      }
    }
    return live.isEmpty() ? "none recent" : String.join(", ", live);
  }

  // ---- history ---------------------------------------------------------------------------------

  /** Records the scale event of the previous recommendation once the engine reports it applied. */
  private void absorb(@Nullable PolicyOutcome previous) {
    Instant at = pendingAt;
    if (at == null || previous == null || !previous.at().equals(at)) {
      return;
    }
    pendingAt = null;
    if (previous.kind() == PolicyOutcome.Kind.APPLIED || previous.kind() == PolicyOutcome.Kind.CLAMPED) {
      history = BehaviorCalculation.recordScale(history, settings.behavior(), pendingFrom, previous.desired(), at);
    }
  }

  /** The calculation's settings for the service's current bounds; rebuilt when they change. */
  private TrackingSettings trackingFor(ServiceView view) {
    // The policy never takes a service to zero (HPA without its scale-to-zero gate).
    int max = Math.max(1, view.max());
    int min = Math.min(Math.max(1, view.min()), max);
    TrackingSettings t = tracking;
    if (t == null || t.minReplicas() != min || t.maxReplicas() != max) {
      t = TrackingSettings.builder()
          .minReplicas(min)
          .maxReplicas(max)
          .tolerance(settings.tolerance())
          .behavior(settings.behavior())
          .build();
      tracking = t;
    }
    return t;
  }

  /**
   * When a re-evaluation without new samples could give another result: when a recommendation
   * that holds the count back leaves its stabilization window, or when a scale event that limits
   * the rate leaves a rate policy's period.
   */
  private @Nullable Instant nextEvaluation(TrackingOutcome o, ScalingHistory h, Instant now) {
    Normalization n = o.normalization();
    Recommendation rec = o.recommendation();
    if (o.path() != TrackingOutcome.Path.NORMALIZED || n == null || rec == null) {
      return null;
    }
    Behavior b = settings.behavior();
    Instant best = null;
    int raw = rec.replicas();
    // The earliest r.at + window after now is the earliest r.at after now - window, plus the
    // window: one addition instead of one per kept recommendation (hundreds at 1-s evaluations).
    if (n.stabilized() < raw) {
      Duration window = Objects.requireNonNull(b.scaleUp().stabilizationWindow());
      best = earliestLeaving(h.recommendations(), raw, true, window, now);
    } else if (n.stabilized() > raw) {
      Duration window = Objects.requireNonNull(b.scaleDown().stabilizationWindow());
      best = earliestLeaving(h.recommendations(), raw, false, window, now);
    }
    boolean upLimit = Reasons.SCALE_UP_LIMIT.equals(n.limitReason());
    if (n.limited() && (upLimit || Reasons.SCALE_DOWN_LIMIT.equals(n.limitReason()))) {
      ScalingRules rules = upLimit ? b.scaleUp() : b.scaleDown();
      List<RatePolicy> policies = rules.policies() == null ? List.of() : rules.policies();
      for (RatePolicy p : policies) {
        for (List<ScaleEvent> log : List.of(h.scaleUpEvents(), h.scaleDownEvents())) {
          for (ScaleEvent e : log) {
            best = earliest(best, e.at().plus(p.period()), now);
          }
        }
      }
    }
    return best;
  }

  /**
   * When the first recommendation below (or above) {@code raw} leaves the window: the earliest
   * {@code at + window} after {@code now}, or null if none.
   */
  private static @Nullable Instant earliestLeaving(List<TimedRecommendation> recs, int raw, boolean below,
      Duration window, Instant now) {
    Instant cutoff = now.minus(window);
    if (recs instanceof RecommendationSlots slots) {
      long cut = RecommendationSlots.nanos(cutoff);
      if (cut != RecommendationSlots.UNREPRESENTABLE) {
        int first = slots.earliestAfter(cut, raw, below);
        return first < 0 ? null : slots.get(first).at().plus(window);
      }
    }
    Instant first = null;
    for (int i = 0, size = recs.size(); i < size; i++) {
      TimedRecommendation r = recs.get(i);
      if ((below ? r.replicas() < raw : r.replicas() > raw) && r.at().isAfter(cutoff)
          && (first == null || r.at().isBefore(first))) {
        first = r.at();
      }
    }
    return first == null ? null : first.plus(window);
  }

  private static @Nullable Instant earliest(@Nullable Instant best, Instant t, Instant now) {
    return t.isAfter(now) && (best == null || t.isBefore(best)) ? t : best;
  }

  // ---- input mapping ---------------------------------------------------------------------------

  /** The metric as the calculation sees it, plus the counts the reason reports. */
  private static final class Observed {
    TrackedMetric metric;
    int listed;
    int running;
    int withSample;
    int starting;
    int warmingUp;
    int missing;
    int ignored;
    int unmatched;
    int stale;
    @Nullable Duration newestAge;

    Observed(TrackedMetric metric) {
      this.metric = metric;
    }
  }

  private @Nullable Observed aggregated(PolicyInput input, Instant now) {
    Optional<MetricSeries> series = input.aggregated();
    if (series.isEmpty()) {
      return null;
    }
    MetricSeries s = series.get();
    List<Long> values = new ArrayList<>(1);
    Observed o = new Observed(new TrackedMetric.Unavailable(settings.metric(), TrackedMetric.Kind.OBJECT, "", ""));
    o.newestAge = Duration.between(s.latestAt(), now);
    if (fresh(s, now)) {
      values.add(milli(s.latestValue(), Long.MAX_VALUE));
      o.withSample = 1;
    } else {
      o.stale = 1;
    }
    o.metric = new TrackedMetric.Aggregate(settings.metric(), TrackedMetric.Kind.OBJECT, settings.target(), values);
    count(input.instances(), o);
    return o;
  }

  private @Nullable Observed perInstance(PolicyInput input, Instant now) {
    List<MetricSeries> all = input.series();
    if (all.isEmpty()) {
      return null;
    }
    // sized for every series: no rehashing on a large fleet
    Map<InstanceId, MetricSeries> byInstance = new HashMap<>(Math.max(16, all.size() * 4 / 3 + 1));
    List<Long> unmatched = new ArrayList<>();
    int stale = 0;
    Instant newest = null;
    Instant staleBefore = now.minus(settings.maxSampleAge());
    for (int i = 0, n = all.size(); i < n; i++) {
      MetricSeries s = all.get(i);
      if (s.isAggregated()) {
        continue;
      }
      Instant at = s.latestAt(); // once: a series may build a new Instant at every call
      if (newest == null || at.isAfter(newest)) {
        newest = at;
      }
      if (at.isBefore(staleBefore) || !Double.isFinite(s.latestValue())) {
        stale++;
        continue;
      }
      Optional<InstanceId> id = s.instance();
      if (id.isPresent()) {
        byInstance.merge(id.get(), s, (a, b) -> b.latestAt().isAfter(a.latestAt()) ? b : a);
      } else {
        unmatched.add(milli(s.latestValue(), MAX_INSTANCE_MILLI));
      }
    }
    if (newest == null) {
      return null;
    }
    boolean utilization = settings.target().type() == Target.Type.UTILIZATION;
    Long capacity = utilization ? settings.capacityMilli() : null;
    boolean warmUp = !settings.initializationPeriod().isZero();
    List<InstanceSample> samples = new ArrayList<>(input.instances().size());
    Observed o = new Observed(new TrackedMetric.Unavailable(settings.metric(), TrackedMetric.Kind.RESOURCE, "", ""));
    List<InstanceView> instances = input.instances();
    for (int i = 0, n = instances.size(); i < n; i++) {
      InstanceView iv = instances.get(i);
      InstanceLifecycle.Phase phase = switch (iv.phase()) {
        case STARTING -> InstanceLifecycle.Phase.PENDING;
        case RUNNING -> InstanceLifecycle.Phase.RUNNING;
        default -> InstanceLifecycle.Phase.TERMINATING;
      };
      MetricSeries s = byInstance.get(iv.id());
      InstanceState state = classifier.classify(
          new InstanceLifecycle(phase, Boolean.TRUE, iv.since(), iv.since()),
          s != null,
          s == null || !warmUp ? null : s.latestAt(), // read only by the warm-up rule
          settings.initializationPeriod(),
          warmUp,
          now);
      Long value = s == null ? null : milli(s.latestValue(), MAX_INSTANCE_MILLI);
      samples.add(new InstanceSample(iv.id().unitName(), state, value, capacity));
      switch (state) {
        case READY -> {
          if (value == null) {
            o.missing++;
          } else {
            o.withSample++;
          }
        }
        case UNREADY -> {
          if (phase == InstanceLifecycle.Phase.PENDING) {
            o.starting++;
          } else {
            o.warmingUp++;
          }
        }
        default -> o.ignored++;
      }
    }
    TrackedMetric.Kind kind = utilization ? TrackedMetric.Kind.RESOURCE : TrackedMetric.Kind.INSTANCE;
    o.metric = new TrackedMetric.PerInstance(settings.metric(), kind, settings.target(), samples, unmatched);
    o.unmatched = unmatched.size();
    o.stale = stale;
    o.newestAge = Duration.between(newest, now);
    count(input.instances(), o);
    return o;
  }

  private static void count(List<InstanceView> instances, Observed o) {
    o.listed = instances.size();
    int running = 0;
    for (InstanceView iv : instances) {
      if (iv.phase() == InstanceView.Phase.RUNNING) {
        running++;
      }
    }
    o.running = running;
  }

  private boolean fresh(MetricSeries s, Instant now) {
    return !s.latestAt().isBefore(now.minus(settings.maxSampleAge())) && Double.isFinite(s.latestValue());
  }

  /** Milli-units, negative values counted as 0, large ones clamped to {@code cap}. */
  private static long milli(double v, long cap) {
    if (!(v > 0)) {
      return 0;
    }
    double m = v * 1000;
    return m >= cap ? cap : Math.round(m);
  }

  // ---- reasons ---------------------------------------------------------------------------------

  private String reason(TrackingOutcome o, Observed obs, TrackingSettings ts, int current) {
    String code = o.reason();
    switch (o.path()) {
      case SCALING_DISABLED:
        return code + ": the service has no instance running or starting; target-tracking does not start a"
            + " service from zero";
      case OUT_OF_BOUNDS:
        return code + ": " + current + " instance(s) outside [" + ts.minReplicas() + ", " + bound(ts.maxReplicas())
            + "]; desired " + o.desiredReplicas();
      case METRICS_FAILED: {
        StringBuilder b = new StringBuilder(code).append(": ");
        Recommendation rec = o.recommendation();
        if (rec != null) {
          for (MetricProposal p : rec.proposals()) {
            if (p instanceof MetricProposal.Failed f) {
              b.append(f.message());
            }
          }
        }
        b.append(" (").append(counts(obs)).append(")");
        if (obs.stale > 0 && obs.newestAge != null) {
          b.append("; newest sample ").append(seconds(obs.newestAge)).append(" old, max_sample_age ")
              .append(seconds(settings.maxSampleAge()));
        }
        return b.append("; keeping ").append(current).toString();
      }
      default:
        break;
    }
    Recommendation rec = Objects.requireNonNull(o.recommendation());
    Normalization n = Objects.requireNonNull(o.normalization());
    StringBuilder b = new StringBuilder(code).append(": ");
    for (MetricProposal p : rec.proposals()) {
      if (p instanceof MetricProposal.Computed c) {
        b.append(measured(c)).append(" (").append(counts(obs)).append("): ")
            .append(c.rule().description()).append(" -> ").append(c.replicas());
      }
    }
    if (n.stabilized() != rec.replicas()) {
      boolean up = n.stabilized() < rec.replicas();
      Duration window = up ? settings.behavior().scaleUp().stabilizationWindow()
          : settings.behavior().scaleDown().stabilizationWindow();
      b.append("; stabilized to ").append(n.stabilized()).append(" (").append(n.stabilizationReason())
          .append(": ").append(up ? "lowest" : "highest").append(" recommendation of the last ")
          .append(seconds(Objects.requireNonNull(window))).append(")");
    }
    if (n.limited()) {
      b.append("; limited to ").append(n.replicas()).append(" (").append(n.limitReason()).append(": ")
          .append(limitText(n.limitReason(), ts)).append(")");
    }
    b.append("; desired ").append(o.desiredReplicas()).append(", current ").append(current);
    return b.toString();
  }

  private String limitText(String limit, TrackingSettings ts) {
    return switch (limit) {
      case Reasons.SCALE_UP_LIMIT -> "scale-up rate " + rates(settings.behavior().scaleUp());
      case Reasons.SCALE_DOWN_LIMIT -> "scale-down rate " + rates(settings.behavior().scaleDown());
      case Reasons.TOO_MANY_REPLICAS -> "max " + bound(ts.maxReplicas());
      case Reasons.TOO_FEW_REPLICAS -> "min " + ts.minReplicas();
      default -> limit;
    };
  }

  private static String rates(ScalingRules rules) {
    if (rules.selectPolicy() == ScalingRules.SelectPolicy.DISABLED) {
      return "disabled";
    }
    List<String> parts = new ArrayList<>();
    for (RatePolicy p : Objects.requireNonNull(rules.policies())) {
      parts.add(p.value() + (p.type() == RatePolicy.Type.PERCENT ? "%" : " instance(s)") + " per " + seconds(p.period()));
    }
    String sel = rules.selectPolicy() == ScalingRules.SelectPolicy.MIN ? "min" : "max";
    return parts.size() == 1 ? parts.get(0) : sel + "(" + String.join(", ", parts) + ")";
  }

  private String measured(MetricProposal.Computed c) {
    Target t = settings.target();
    return switch (t.type()) {
      case UTILIZATION -> c.metric() + " utilization " + c.utilizationPercent() + "% of capacity "
          + units(settings.capacityMilli()) + " (target " + t.amount() + "%)";
      case AVERAGE_VALUE -> c.metric() + " average " + units(c.usage()) + " per instance (target "
          + units(t.amount()) + ")";
      case VALUE -> c.metric() + " " + units(c.usage()) + " (target " + units(t.amount()) + ")";
    };
  }

  private static String counts(Observed o) {
    StringBuilder b = new StringBuilder();
    b.append(o.withSample).append(isAggregate(o) ? " fresh value(s)" : " instance(s) with a sample");
    if (o.starting > 0) {
      b.append(", ").append(o.starting).append(" starting");
    }
    if (o.warmingUp > 0) {
      b.append(", ").append(o.warmingUp).append(" warming up");
    }
    if (o.missing > 0) {
      b.append(", ").append(o.missing).append(" missing");
    }
    if (o.unmatched > 0) {
      b.append(", ").append(o.unmatched).append(" from unregistered uuid(s)");
    }
    if (o.stale > 0) {
      b.append(", ").append(o.stale).append(" stale");
    }
    return b.toString();
  }

  private static boolean isAggregate(Observed o) {
    return o.metric instanceof TrackedMetric.Aggregate;
  }

  private static String bound(int max) {
    return max == Integer.MAX_VALUE ? "unbounded" : Integer.toString(max);
  }

  static String units(long milli) {
    if (milli % 1000 == 0) {
      return Long.toString(milli / 1000);
    }
    return java.math.BigDecimal.valueOf(milli, 3).stripTrailingZeros().toPlainString();
  }

  private static String seconds(Duration d) {
    long s = d.getSeconds();
    return d.getNano() == 0 ? s + "s" : java.math.BigDecimal.valueOf(d.toMillis(), 3).stripTrailingZeros().toPlainString() + "s";
  }
}
