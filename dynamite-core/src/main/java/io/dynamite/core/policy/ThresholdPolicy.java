package io.dynamite.core.policy;

import io.dynamite.api.Direction;
import io.dynamite.api.MetricSample;
import io.dynamite.api.PolicyInput;
import io.dynamite.api.ScalingDecision;
import io.dynamite.api.spi.ScalingPolicy;
import io.dynamite.core.policy.health.SampleTimes;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

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
public final class ThresholdPolicy implements ScalingPolicy, SampleTimes {
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
  private final UuidTable states = new UuidTable();
  private final long cooldownNanos;
  /** Start of the cooldown, epoch nanos, or {@link #NONE}. */
  private long cooldownStart = NONE;
  private long newestSeen = NONE;
  private int evaluations;
  /** How many uuids have a window open; kept in step with the states to avoid scanning them. */
  private int openWindows;

  /** Marks an unset timestamp; samples are never that old. */
  private static final long NONE = UuidTable.NONE;

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
    this.cooldownNanos = settings.cooldown().toNanos();
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
    states.beginPass();
    for (int i = 0, n = samples.size(); i < n; i++) {
      MetricSample sample = samples.get(i);
      long ts = nanos(sample.timestamp());
      UuidTable st = states;
      int u = st.slotInPass(sample.uuid());
      if (st.latest[u] != NONE && ts <= st.latest[u]) {
        continue; // only strictly newer samples count
      }
      st.latest[u] = ts;
      if (ts > newestSeen) {
        newestSeen = ts;
      }
      if (inCooldown(ts)) {
        sawCooldown = true;
        if (!settings.legacy()) {
          closeWindow(u); // B7: a window open across a cooldown is stale
        }
        continue;
      }
      boolean ok = settings.operator().test(sample.value(), settings.threshold());
      if (st.windowStart[u] == NONE) {
        if (ok) {
          st.windowStart[u] = ts;
          st.windowSamples[u] = 1;
          openWindows++;
        }
        continue;
      }
      if (ts - st.windowStart[u] <= periodNanos) { // inclusive window end
        if (ok) {
          st.windowSamples[u]++;
        } else {
          closeWindow(u);
        }
        continue;
      }
      // First sample after the window.
      long windowStart = st.windowStart[u];
      int windowSamples = st.windowSamples[u];
      closeWindow(u);
      if (!ok && !settings.legacy()) {
        continue; // B7: the closing sample is back to normal, so the breach did not last
      }
      cooldownStart = windowStart + periodNanos;
      if (fired == null) {
        fired = new ArrayList<>(2);
      }
      fired.add(sample.uuid());
      lastFireReason = describeFire(sample, instant(windowStart), windowSamples);
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
  private boolean inCooldown(long ts) {
    return cooldownStart != NONE && ts - cooldownStart <= cooldownNanos;
  }

  private static long nanos(Instant t) {
    return t.getEpochSecond() * 1_000_000_000L + t.getNano();
  }

  private static Instant instant(long nanos) {
    return Instant.ofEpochSecond(Math.floorDiv(nanos, 1_000_000_000L), Math.floorMod(nanos, 1_000_000_000L));
  }

  private boolean anyWindowOpen() {
    return openWindows > 0;
  }

  private void closeWindow(int slot) {
    if (states.windowStart[slot] != NONE) {
      states.windowStart[slot] = NONE;
      openWindows--;
    }
  }

  private String describeFire(MetricSample closing, Instant windowStart, int windowSamples) {
    String who = closing.isAggregated() ? "aggregated" : "uuid " + closing.uuid();
    return metric + " " + settings.operator().symbol() + " " + fmt(settings.threshold())
        + " on " + who + " for " + human(settings.period()) + " (" + windowSamples
        + " samples from " + windowStart + ", closed by " + fmt(closing.value()) + " at "
        + closing.timestamp() + ")";
  }

  private void pruneIdle() {
    if (newestSeen == NONE) {
      return;
    }
    long limit = newestSeen - idleLimit.toNanos();
    UuidTable t = states;
    t.removeIf(slot -> {
      if (t.latest[slot] != NONE && t.latest[slot] < limit) {
        if (t.windowStart[slot] != NONE) {
          openWindows--;
        }
        return true;
      }
      return false;
    });
  }

  /**
   * Returns how many uuid states the policy holds (for tests of pruning and for benchmarks).
   *
   * @return the number of tracked uuids
   */
  public int trackedUuids() {
    return states.size();
  }

  /**
   * Visits every uuid the rule remembers with its newest processed sample's timestamp (the rule
   * takes only strictly newer samples, so that is the newest it saw); read by its metric-health
   * guard instead of a second table.
   *
   * @param visitor receives the uuid and the timestamp in nanoseconds since the epoch
   */
  @Override
  public void forEachNewest(java.util.function.ObjLongConsumer<String> visitor) {
    states.forEach((uuid, slot) -> {
      if (states.latest[slot] != NONE) {
        visitor.accept(uuid, states.latest[slot]);
      }
    });
  }

  /** The rule reads the new samples only. */
  @Override
  public boolean readsMetricHistory() {
    return false;
  }

  @Override
  public String describeState() {
    StringBuilder sb = new StringBuilder();
    sb.append(states.size()).append(" uuid(s), ").append(openWindows).append(" window(s) open");
    if (cooldownStart != NONE) {
      sb.append(", cooldown until ").append(instant(cooldownStart + cooldownNanos));
    }
    return sb.toString();
  }

  static String fmt(double v) {
    if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      return Long.toString((long) v);
    }
    // Six significant digits are plenty for a reason string and keep it readable.
    return new java.math.BigDecimal(v).round(new java.math.MathContext(6)).stripTrailingZeros().toPlainString();
  }

  static String human(Duration d) {
    long s = d.getSeconds();
    if (d.getNano() == 0) {
      return s + "s";
    }
    return d.toMillis() + "ms";
  }
}
