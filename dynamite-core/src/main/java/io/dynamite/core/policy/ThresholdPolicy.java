package io.dynamite.core.policy;

import io.dynamite.api.Direction;
import io.dynamite.api.MetricSample;
import io.dynamite.api.PolicyInput;
import io.dynamite.api.ScalingDecision;
import io.dynamite.api.spi.ScalingPolicy;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The original Dynamite threshold rule (spec §7.3–7.4), per service and direction.
 *
 * <p>Semantics, all in <em>event time</em> (sample timestamps, never the clock):
 *
 * <ul>
 *   <li>Each metric uuid has its own state. Only samples strictly newer than the uuid's newest
 *       processed sample count.
 *   <li>The first sample that satisfies {@code value <op> threshold} (strict) opens a window at its
 *       timestamp. Every sample with {@code ts <= start + period} (inclusive end) must satisfy the
 *       rule, else the window closes.
 *   <li>The first sample with {@code ts > start + period} closes the window and fires one action.
 *   <li>A fire starts a cooldown shared by all uuids of this policy, from {@code start + period}
 *       for {@code cooldown}; samples at or before its end are not evaluated.
 * </ul>
 *
 * <p>Default mode fixes defect B7 of the original: the sample that closes the window must itself
 * satisfy the rule (otherwise the window just closes), and a sample that arrives during the
 * cooldown clears its uuid's open window, so no stale trigger fires right after the cooldown. Its
 * uuid states are also dropped once a uuid has sent nothing for a long time (B21). {@link
 * ThresholdSettings#legacy() Legacy mode} reproduces the original exactly.
 *
 * <p>Not thread-safe; the engine calls it from one thread at a time.
 */
public final class ThresholdPolicy implements ScalingPolicy {
  private static final ScalingDecision.Hold NO_SAMPLES = ScalingDecision.hold("no new samples");
  private static final ScalingDecision.Hold NOT_BREACHED =
      ScalingDecision.hold("not scaled because no instance's samples satisfy the threshold");
  private static final ScalingDecision.Hold WINDOW_OPEN =
      ScalingDecision.hold("not scaled because a breach window is open but not yet complete");
  private static final ScalingDecision.Hold COOLDOWN =
      ScalingDecision.hold("not scaled because the policy is in cooldown");
  /** How often (in evaluations) idle uuid states are pruned. */
  private static final int PRUNE_EVERY = 64;

  private final Direction direction;
  private final String metric;
  private final ThresholdSettings settings;
  private final long periodNanos;
  private final Duration idleLimit;
  private final Map<String, UuidState> states = new HashMap<>();
  private @Nullable Instant cooldownStart;
  private @Nullable Instant newestSeen;
  private int evaluations;

  /** Memory for one uuid: guarded by the engine's one-thread-at-a-time contract. */
  private static final class UuidState {
    @Nullable Instant latest;
    @Nullable Instant windowStart;
    int windowSamples;
  }

  /**
   * Creates a policy.
   *
   * @param direction the direction its fires scale in
   * @param metric the metric name, for reasons
   * @param settings validated settings
   */
  public ThresholdPolicy(Direction direction, String metric, ThresholdSettings settings) {
    this.direction = Objects.requireNonNull(direction, "direction");
    this.metric = Objects.requireNonNull(metric, "metric");
    this.settings = Objects.requireNonNull(settings, "settings");
    this.periodNanos = settings.period().toNanos();
    Duration idle = settings.period().plus(settings.cooldown()).multipliedBy(2);
    this.idleLimit = idle.compareTo(Duration.ofMinutes(10)) < 0 ? Duration.ofMinutes(10) : idle;
  }

  @Override
  public ScalingDecision evaluate(PolicyInput input) {
    List<MetricSample> samples = input.samples();
    if (++evaluations % PRUNE_EVERY == 0 && !settings.legacy()) {
      pruneIdle();
    }
    if (samples.isEmpty()) {
      return NO_SAMPLES;
    }
    List<String> fired = null;
    String lastFireReason = null;
    boolean sawCooldown = false;
    for (int i = 0, n = samples.size(); i < n; i++) {
      MetricSample sample = samples.get(i);
      Instant ts = sample.timestamp();
      UuidState st = states.get(sample.uuid());
      if (st == null) {
        st = new UuidState();
        states.put(sample.uuid(), st);
      }
      if (st.latest != null && !ts.isAfter(st.latest)) {
        continue; // only strictly newer samples count
      }
      st.latest = ts;
      if (newestSeen == null || ts.isAfter(newestSeen)) {
        newestSeen = ts;
      }
      if (inCooldown(ts)) {
        sawCooldown = true;
        if (!settings.legacy()) {
          st.windowStart = null; // B7: a window open across a cooldown is stale
        }
        continue;
      }
      boolean ok = settings.operator().test(sample.value(), settings.threshold());
      if (st.windowStart == null) {
        if (ok) {
          st.windowStart = ts;
          st.windowSamples = 1;
        }
        continue;
      }
      if (inWindow(st.windowStart, ts)) {
        if (ok) {
          st.windowSamples++;
        } else {
          st.windowStart = null;
        }
        continue;
      }
      // First sample after the window.
      Instant windowStart = st.windowStart;
      st.windowStart = null;
      if (!ok && !settings.legacy()) {
        continue; // B7: the closing sample is back to normal, so the breach did not last
      }
      Instant windowEnd = windowStart.plusNanos(periodNanos);
      cooldownStart = windowEnd;
      if (fired == null) {
        fired = new ArrayList<>(2);
      }
      fired.add(sample.uuid());
      lastFireReason = describeFire(sample, windowStart, st.windowSamples);
    }
    if (fired != null) {
      String reason = fired.size() == 1 ? lastFireReason : fired.size() + " fires, last: " + lastFireReason;
      return new ScalingDecision.Scale(direction, fired.size(), fired, reason);
    }
    if (sawCooldown && !anyWindowOpen()) {
      return COOLDOWN;
    }
    return anyWindowOpen() ? WINDOW_OPEN : NOT_BREACHED;
  }

  /** True if {@code ts} lies in the cooldown; as in the original, earlier samples count as in it. */
  private boolean inCooldown(Instant ts) {
    if (cooldownStart == null) {
      return false;
    }
    return Duration.between(cooldownStart, ts).compareTo(settings.cooldown()) <= 0;
  }

  private boolean inWindow(Instant start, Instant ts) {
    return Duration.between(start, ts).toNanos() <= periodNanos;
  }

  private boolean anyWindowOpen() {
    for (UuidState s : states.values()) {
      if (s.windowStart != null) {
        return true;
      }
    }
    return false;
  }

  private String describeFire(MetricSample closing, Instant windowStart, int windowSamples) {
    String who = closing.isAggregated() ? "aggregated" : "uuid " + closing.uuid();
    return metric + " " + settings.operator().symbol() + " " + fmt(settings.threshold())
        + " on " + who + " for " + human(settings.period()) + " (" + windowSamples
        + " samples from " + windowStart + ", closed by " + fmt(closing.value()) + " at "
        + closing.timestamp() + ")";
  }

  private void pruneIdle() {
    if (newestSeen == null) {
      return;
    }
    Instant limit = newestSeen.minus(idleLimit);
    for (Iterator<UuidState> it = states.values().iterator(); it.hasNext(); ) {
      UuidState s = it.next();
      if (s.latest != null && s.latest.isBefore(limit)) {
        it.remove();
      }
    }
  }

  /**
   * Returns how many uuid states the policy holds (for tests of pruning and for benchmarks).
   *
   * @return the number of tracked uuids
   */
  public int trackedUuids() {
    return states.size();
  }

  @Override
  public String describeState() {
    StringBuilder sb = new StringBuilder();
    int open = 0;
    for (UuidState s : states.values()) {
      if (s.windowStart != null) {
        open++;
      }
    }
    sb.append(states.size()).append(" uuid(s), ").append(open).append(" window(s) open");
    if (cooldownStart != null) {
      sb.append(", cooldown until ").append(cooldownStart.plus(settings.cooldown()));
    }
    return sb.toString();
  }

  static String fmt(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
  }

  static String human(Duration d) {
    long s = d.getSeconds();
    if (d.getNano() == 0) {
      return s + "s";
    }
    return d.toMillis() + "ms";
  }
}
