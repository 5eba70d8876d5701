package io.dynamite.core.policy.scheduled;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import org.jspecify.annotations.Nullable;

/**
 * One {@code schedule:} entry. It fires at the times of its cron expression, or once at its
 * {@code at} time. With a {@code duration} (or, for {@code at}, an {@code until}) it is a window
 * that is in force from each firing for that long; without one it is a setting that is in force
 * from its firing until another setting entry fires (AWS scheduled-action semantics).
 *
 * @param label how reasons name it ({@code name}, or {@code schedule[i]})
 * @param cron the cron expression, or null for a one-off entry
 * @param at the one-off time, or null for a cron entry
 * @param zone the zone the cron expression (or a local {@code at}) is read in
 * @param duration the window length, or null for a setting entry
 * @param min the floor while in force, or null
 * @param max the ceiling while in force, or null
 * @param desired the count to move to at each firing, or null
 */
record ScheduleEntry(String label, @Nullable CronExpression cron, @Nullable Instant at, ZoneId zone,
    @Nullable Duration duration, @Nullable Integer min, @Nullable Integer max, @Nullable Integer desired) {

  boolean isWindow() {
    return duration != null;
  }

  /** The first firing strictly after {@code t}, or null if none. */
  @Nullable Instant nextFiring(Instant t) {
    if (cron != null) {
      return cron.next(t, zone);
    }
    return at != null && at.isAfter(t) ? at : null;
  }

  /** The last firing at or before {@code t}, or null if none. */
  @Nullable Instant lastFiring(Instant t) {
    if (cron != null) {
      return cron.previous(t, zone);
    }
    return at != null && !at.isAfter(t) ? at : null;
  }

  /**
   * The start of the window in force at {@code t} (the latest firing whose window still covers
   * {@code t}), or null when no window of this entry is in force.
   */
  @Nullable Instant windowStart(Instant t) {
    Instant last = lastFiring(t);
    return last != null && duration != null && t.isBefore(last.plus(duration)) ? last : null;
  }

  String describe() {
    String when = cron != null ? "cron '" + cron + "'" : "at " + at;
    String tz = zone.equals(ZoneId.of("UTC")) ? "" : " " + zone.getId();
    String len = duration == null ? "" : " for " + ScheduledPolicy.text(duration);
    return label + " (" + when + tz + len + ")";
  }
}
