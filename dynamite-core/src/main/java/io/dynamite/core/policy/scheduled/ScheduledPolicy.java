package io.dynamite.core.policy.scheduled;

import io.dynamite.api.PolicyInput;
import io.dynamite.api.ScalingDecision;
import io.dynamite.api.spi.ScalingPolicy;
import io.dynamite.core.policy.SettingsReader;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The {@code schedule} policy. At each evaluation it works out which entries are in force: every
 * window entry whose window covers now, and the setting entry that fired last. Their {@code min}
 * values make a floor (the highest wins), their {@code max} values a ceiling (the lowest wins; a
 * floor above it wins), answered as a {@link ScalingDecision.Bound}, which the engine applies to
 * the other policies' combined recommendation. An entry's {@code desired} is recommended once, at
 * the first evaluation at or after each firing the policy saw happen; after a start the entry in
 * force gives its floor and ceiling but its desired count is not replayed.
 *
 * <p>It asks to be evaluated at the next firing of any entry and at the end of any window in
 * force, so the engine changes the count at the boundaries without any sample. It reads no metric.
 *
 * <p>Not thread-safe; the engine calls it from one thread.
 */
final class ScheduledPolicy implements ScalingPolicy {
  private final List<ScheduleEntry> entries;
  /** The firing whose desired count was recommended (or skipped at start), per entry. */
  private final Map<ScheduleEntry, Instant> desiredDone = new HashMap<>();
  private @Nullable Instant firstEvaluation;
  private @Nullable Instant next;
  private String state = "not evaluated yet";

  ScheduledPolicy(ScheduledSettings settings) {
    this.entries = settings.entries();
  }

  @Override
  public ScalingDecision evaluate(PolicyInput input) {
    Instant now = input.now();
    if (firstEvaluation == null) {
      firstEvaluation = now;
    }
    // the setting entry in force: the one that fired last (the later one in the list on a tie)
    ScheduleEntry setting = null;
    Instant settingAt = null;
    for (ScheduleEntry e : entries) {
      if (!e.isWindow()) {
        Instant last = e.lastFiring(now);
        if (last != null && (settingAt == null || !last.isBefore(settingAt))) {
          setting = e;
          settingAt = last;
        }
      }
    }
    List<ScheduleEntry> inForce = new ArrayList<>();
    List<Instant> since = new ArrayList<>();
    if (setting != null) {
      inForce.add(setting);
      since.add(settingAt);
    }
    Instant nextAt = null;
    for (ScheduleEntry e : entries) {
      if (e.isWindow()) {
        Instant start = e.windowStart(now);
        if (start != null) {
          inForce.add(e);
          since.add(start);
          nextAt = earliest(nextAt, start.plus(e.duration()));
        }
      }
      nextAt = earliest(nextAt, e.nextFiring(now));
    }
    next = nextAt;
    String nextText = nextAt == null ? "no further firing" : "next change at " + nextAt;
    if (inForce.isEmpty()) {
      state = "nothing in force; " + nextText;
      return ScalingDecision.hold("no schedule entry in force; " + nextText);
    }
    int floor = 0;
    int ceiling = Integer.MAX_VALUE;
    Integer desired = null;
    List<String> parts = new ArrayList<>();
    for (int i = 0; i < inForce.size(); i++) {
      ScheduleEntry e = inForce.get(i);
      Instant from = since.get(i);
      StringBuilder b = new StringBuilder(e.describe()).append(" in force since ").append(from);
      if (e.isWindow()) {
        b.append(" until ").append(from.plus(e.duration()));
      }
      if (e.min() != null) {
        floor = Math.max(floor, e.min());
        b.append(": min ").append(e.min());
      }
      if (e.max() != null) {
        ceiling = Math.min(ceiling, e.max());
        b.append(e.min() == null ? ": " : ", ").append("max ").append(e.max());
      }
      if (e.desired() != null && !from.equals(desiredDone.get(e))) {
        desiredDone.put(e, from);
        // a firing before this policy's first evaluation (an engine start inside it) is not replayed
        if (from.isAfter(firstEvaluation) || from.equals(now)) {
          desired = desired == null ? e.desired() : Math.max(desired, e.desired());
          b.append(e.min() == null && e.max() == null ? ": " : ", ").append("desired ").append(e.desired())
              .append(" once at this firing");
        }
      }
      parts.add(b.toString());
    }
    String crossed = "";
    if (ceiling < floor) {
      crossed = "; the floor " + floor + " is above the ceiling " + ceiling + ", the floor wins";
      ceiling = floor;
    }
    if (desired != null) {
      desired = Math.max(floor, Math.min(ceiling, desired));
    }
    String limits = "floor " + floor + (ceiling == Integer.MAX_VALUE ? "" : ", ceiling " + ceiling)
        + (desired == null ? "" : ", desired " + desired);
    state = limits + " from " + inForce.size() + " entr" + (inForce.size() == 1 ? "y" : "ies") + "; " + nextText;
    String reason = "schedule " + String.join("; ", parts) + " -> " + limits + crossed + "; " + nextText;
    return new ScalingDecision.Bound(floor, ceiling, desired, reason);
  }

  private static @Nullable Instant earliest(@Nullable Instant a, @Nullable Instant b) {
    if (a == null) {
      return b;
    }
    return b == null || a.isBefore(b) ? a : b;
  }

  @Override
  public boolean readsMetricHistory() {
    return false;
  }

  @Override
  public @Nullable Instant nextEvaluation() {
    return next;
  }

  @Override
  public String describeState() {
    return state;
  }

  static String text(Duration d) {
    return SettingsReader.text(d);
  }
}
