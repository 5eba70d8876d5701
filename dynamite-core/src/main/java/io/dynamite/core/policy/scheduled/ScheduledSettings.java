package io.dynamite.core.policy.scheduled;

import io.dynamite.api.ConfigException;
import io.dynamite.api.PolicySpec;
import io.dynamite.core.policy.SettingsReader;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/** The validated settings of a {@code schedule} policy entry; every problem is reported at once. */
record ScheduledSettings(List<ScheduleEntry> entries) {
  static final Set<String> KEYS = SettingsReader.ordered("schedule", "timezone");
  private static final Set<String> ENTRY_KEYS = SettingsReader.ordered(
      "name", "cron", "at", "duration", "until", "timezone", "min", "max", "desired");
  /** Upper bound of counts in a schedule, as for min_instance/max_instance. */
  static final int MAX_COUNT = 100_000;

  static ScheduledSettings parse(PolicySpec spec) {
    SettingsReader r = new SettingsReader();
    if (spec.query() != null) {
      r.problem("metric", "a schedule policy reads no metric; remove service_type and metric");
    }
    Map<String, Object> s = spec.settings();
    ZoneId defaultZone = zone(s, "timezone", "", r, ZoneId.of("UTC"));
    List<ScheduleEntry> entries = new ArrayList<>();
    Object raw = s.get("schedule");
    if (raw == null) {
      r.problem("schedule", "required key is missing; expected a list of entries such as"
          + " {cron: \"0 8 * * MON-FRI\", duration: 10h, min: 4}");
    } else {
      List<?> list = r.list(raw, "schedule", "entries {cron or at, min, max, desired, ...}");
      if (list != null && list.isEmpty()) {
        r.problem("schedule", "must list at least one entry");
      }
      if (list != null) {
        for (int i = 0; i < list.size(); i++) {
          ScheduleEntry e = entry(list.get(i), "schedule[" + i + "]", defaultZone, r);
          if (e != null) {
            entries.add(e);
          }
        }
      }
    }
    if (!r.problems().isEmpty()) {
      throw new ConfigException(r.problems());
    }
    return new ScheduledSettings(List.copyOf(entries));
  }

  private static @Nullable ScheduleEntry entry(@Nullable Object raw, String path, ZoneId defaultZone, SettingsReader r) {
    Map<?, ?> m = r.mapping(raw, path, "a mapping with cron or at, and min, max or desired");
    if (m == null) {
      return null;
    }
    int before = r.problems().size();
    r.knownKeys(m, path, ENTRY_KEYS);
    String name = r.string(m, "name", path, false);
    ZoneId zone = zone(m, "timezone", path, r, defaultZone);
    String cronText = r.string(m, "cron", path, false);
    boolean hasAt = m.get("at") != null;
    CronExpression cron = null;
    Instant at = null;
    if ((cronText == null) == !hasAt) {
      if (m.get("cron") == null) {
        r.problem(path, "needs either cron (a five-field cron expression) or at (a date and time)");
      } else if (hasAt) {
        r.problem(path, "has both cron and at; use one");
      }
    } else if (cronText != null) {
      try {
        cron = CronExpression.parse(cronText);
      } catch (IllegalArgumentException e) {
        r.problem(SettingsReader.path(path, "cron"), e.getMessage());
      }
    } else {
      at = instant(m, "at", path, zone, r);
    }
    Duration duration = r.duration(m, "duration", path, false);
    if (duration != null && duration.isZero()) {
      r.problem(SettingsReader.path(path, "duration"), "must be greater than 0");
    }
    if (m.get("until") != null) {
      if (!hasAt) {
        r.problem(SettingsReader.path(path, "until"), "only an at entry has an until; use duration with cron");
      } else if (duration != null) {
        r.problem(SettingsReader.path(path, "until"), "give either duration or until, not both");
      } else {
        Instant until = instant(m, "until", path, zone, r);
        if (until != null && at != null) {
          if (!until.isAfter(at)) {
            r.problem(SettingsReader.path(path, "until"), "must be after at (" + at + "), got " + until);
          } else {
            duration = Duration.between(at, until);
          }
        }
      }
    }
    Integer min = r.whole(m, "min", path, 0, MAX_COUNT, false);
    Integer max = r.whole(m, "max", path, 0, MAX_COUNT, false);
    Integer desired = r.whole(m, "desired", path, 0, MAX_COUNT, false);
    if (m.get("min") == null && m.get("max") == null && m.get("desired") == null) {
      r.problem(path, "sets nothing; give at least one of min, max, desired");
    }
    if (min != null && max != null && min > max) {
      r.problem(SettingsReader.path(path, "min"), "min (" + min + ") is greater than max (" + max + ")");
    }
    if (desired != null && ((min != null && desired < min) || (max != null && desired > max))) {
      r.problem(SettingsReader.path(path, "desired"), "desired (" + desired + ") must lie within min and max");
    }
    if (r.problems().size() != before) {
      return null;
    }
    return new ScheduleEntry(name != null ? name : path, cron, at, zone, duration, min, max, desired);
  }

  private static ZoneId zone(Map<?, ?> m, String key, String path, SettingsReader r, ZoneId fallback) {
    String id = r.string(m, key, path, false);
    if (id == null) {
      return fallback;
    }
    try {
      return ZoneId.of(id);
    } catch (DateTimeException e) {
      r.problem(SettingsReader.path(path, key), "unknown time zone '" + id + "'; use an IANA name such as"
          + " Europe/Zurich, or UTC");
      return fallback;
    }
  }

  /** An ISO date-time with an offset ({@code 2015-12-24T08:00:00+01:00}, {@code ...Z}) or local to the zone. */
  private static @Nullable Instant instant(Map<?, ?> m, String key, String path, ZoneId zone, SettingsReader r) {
    String text = r.string(m, key, path, true);
    if (text == null) {
      return null;
    }
    try {
      return OffsetDateTime.parse(text).toInstant();
    } catch (DateTimeException ignored) {
      // not with an offset: try a local date-time below
    }
    try {
      return ZonedDateTime.of(LocalDateTime.parse(text), zone).toInstant();
    } catch (DateTimeException e) {
      r.problem(SettingsReader.path(path, key), "expected an ISO date and time such as 2015-12-24T08:00"
          + " (local to timezone) or 2015-12-24T08:00:00+01:00, got '" + text + "'");
      return null;
    }
  }
}
