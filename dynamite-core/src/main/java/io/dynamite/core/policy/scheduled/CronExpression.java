package io.dynamite.core.policy.scheduled;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * A five-field cron expression ({@code minute hour day-of-month month day-of-week}) with {@code *},
 * ranges ({@code 1-5}), lists ({@code 1,3,5}), steps ({@code *}{@code /15}, {@code 8-18/2}, {@code
 * 5/10}) and names ({@code JAN}-{@code DEC}, {@code SUN}-{@code SAT}, case-insensitive). Day of week
 * 0 and 7 are Sunday. As in classic cron, when both day fields are restricted (neither starts with
 * {@code *}) a day matches if either matches.
 *
 * <p>Times are local to a zone: {@link #next} finds the next matching local minute and converts it
 * with the zone's rules. A local time that does not exist (the hour skipped when clocks go forward)
 * fires at the same offset into the new hour, as {@link ZonedDateTime#of} shifts it; a local time
 * that occurs twice (clocks go back) fires once, at its first occurrence.
 *
 * <p>Immutable and thread-safe.
 */
final class CronExpression {
  private static final String[] MONTHS =
      {"JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"};
  private static final String[] DAYS = {"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"};
  /** How far {@link #next} searches before giving up (an expression such as Feb 30 never matches). */
  private static final int MAX_YEARS = 8;

  private final String text;
  private final BitSet minutes;
  private final BitSet hours;
  private final BitSet daysOfMonth;
  private final BitSet months;
  /** 0 = Sunday .. 6 = Saturday. */
  private final BitSet daysOfWeek;
  private final boolean domStar;
  private final boolean dowStar;

  private CronExpression(String text, BitSet minutes, BitSet hours, BitSet dom, BitSet months, BitSet dow,
      boolean domStar, boolean dowStar) {
    this.text = text;
    this.minutes = minutes;
    this.hours = hours;
    this.daysOfMonth = dom;
    this.months = months;
    this.daysOfWeek = dow;
    this.domStar = domStar;
    this.dowStar = dowStar;
  }

  /**
   * Parses an expression.
   *
   * @param text five fields separated by blanks
   * @return the expression
   * @throws IllegalArgumentException with a message naming the field at fault
   */
  static CronExpression parse(String text) {
    String[] f = text.trim().split("\\s+");
    if (f.length != 5 || text.isBlank()) {
      throw new IllegalArgumentException("expected 5 fields (minute hour day-of-month month day-of-week), found "
          + (text.isBlank() ? 0 : f.length) + " in '" + text + "'");
    }
    List<String> errors = new ArrayList<>();
    BitSet min = field(f[0], "minute", 0, 59, null, errors);
    BitSet hour = field(f[1], "hour", 0, 23, null, errors);
    BitSet dom = field(f[2], "day-of-month", 1, 31, null, errors);
    BitSet mon = field(f[3], "month", 1, 12, MONTHS, errors);
    BitSet dow = field(f[4], "day-of-week", 0, 7, DAYS, errors);
    if (!errors.isEmpty()) {
      throw new IllegalArgumentException(String.join("; ", errors));
    }
    if (dow.get(7)) {
      dow.clear(7);
      dow.set(0);
    }
    return new CronExpression(text.trim(), min, hour, dom, mon, dow, f[2].startsWith("*"), f[4].startsWith("*"));
  }

  /** The field's values; errors are collected, and an empty set is returned for a bad field. */
  private static BitSet field(String field, String name, int lo, int hi, String @Nullable [] names, List<String> errors) {
    BitSet out = new BitSet(hi + 1);
    for (String part : field.split(",", -1)) {
      String err = part(part, lo, hi, names, out);
      if (err != null) {
        errors.add(name + " field '" + field + "': " + err);
        return out;
      }
    }
    return out;
  }

  private static @Nullable String part(String part, int lo, int hi, String @Nullable [] names, BitSet out) {
    if (part.isEmpty()) {
      return "empty list element";
    }
    int step = 1;
    String range = part;
    int slash = part.indexOf('/');
    if (slash >= 0) {
      range = part.substring(0, slash);
      Integer s = number(part.substring(slash + 1), null);
      if (s == null || s < 1) {
        return "step '" + part.substring(slash + 1) + "' must be a whole number >= 1";
      }
      step = s;
    }
    int from;
    int to;
    if (range.equals("*")) {
      from = lo;
      to = hi;
    } else {
      int dash = range.indexOf('-', 1);
      Integer a = number(dash < 0 ? range : range.substring(0, dash), names);
      Integer b = dash < 0 ? a : number(range.substring(dash + 1), names);
      if (a == null || b == null) {
        return "'" + range + "' is not a value" + (names == null ? "" : " or name") + " from " + lo + " to " + hi;
      }
      if (a < lo || a > hi || b < lo || b > hi) {
        return "value out of range " + lo + "-" + hi + " in '" + range + "'";
      }
      if (b < a) {
        return "range '" + range + "' goes backwards";
      }
      from = a;
      // "5/10" means from 5 to the end in steps of 10
      to = dash < 0 && slash >= 0 ? hi : b;
    }
    for (int v = from; v <= to; v += step) {
      out.set(v);
    }
    return null;
  }

  private static @Nullable Integer number(String s, String @Nullable [] names) {
    if (names != null) {
      String u = s.toUpperCase(Locale.ROOT);
      for (int i = 0; i < names.length; i++) {
        if (names[i].equals(u)) {
          return names == MONTHS ? i + 1 : i;
        }
      }
    }
    if (s.isEmpty() || s.length() > 4) {
      return null;
    }
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) < '0' || s.charAt(i) > '9') {
        return null;
      }
    }
    return Integer.parseInt(s);
  }

  /**
   * Tells whether a local minute matches.
   *
   * @param t the local time (seconds are ignored)
   * @return true if every field matches
   */
  boolean matches(LocalDateTime t) {
    return minutes.get(t.getMinute()) && hours.get(t.getHour()) && months.get(t.getMonthValue())
        && dayMatches(t.toLocalDate());
  }

  private boolean dayMatches(LocalDate d) {
    boolean dom = daysOfMonth.get(d.getDayOfMonth());
    boolean dow = daysOfWeek.get(d.getDayOfWeek() == DayOfWeek.SUNDAY ? 0 : d.getDayOfWeek().getValue());
    if (domStar || dowStar) {
      return dom && dow;
    }
    return dom || dow;
  }

  /**
   * Returns the first matching time strictly after {@code after}.
   *
   * @param after the instant to search from
   * @param zone the zone the fields are read in
   * @return the next firing time, or null if none within eight years (for example {@code 0 0 30 2 *})
   */
  @Nullable Instant next(Instant after, ZoneId zone) {
    LocalDateTime t = LocalDateTime.ofInstant(after, zone).truncatedTo(ChronoUnit.MINUTES).plusMinutes(1);
    LocalDateTime limit = t.plusYears(MAX_YEARS);
    while (t.isBefore(limit)) {
      if (!months.get(t.getMonthValue())) {
        t = t.withDayOfMonth(1).toLocalDate().plusMonths(1).atStartOfDay();
      } else if (!dayMatches(t.toLocalDate())) {
        t = t.toLocalDate().plusDays(1).atStartOfDay();
      } else if (!hours.get(t.getHour())) {
        t = t.truncatedTo(ChronoUnit.HOURS).plusHours(1);
      } else if (!minutes.get(t.getMinute())) {
        t = t.plusMinutes(1);
      } else {
        Instant at = ZonedDateTime.of(t, zone).toInstant();
        if (at.isAfter(after)) {
          return at;
        }
        t = t.plusMinutes(1); // the second pass through a repeated local hour: already fired
      }
    }
    return null;
  }

  /**
   * Returns the last matching time at or before {@code atOrBefore}.
   *
   * @param atOrBefore the instant to search back from
   * @param zone the zone the fields are read in
   * @return the previous firing time, or null if none within eight years
   */
  @Nullable Instant previous(Instant atOrBefore, ZoneId zone) {
    LocalDateTime t = LocalDateTime.ofInstant(atOrBefore, zone).truncatedTo(ChronoUnit.MINUTES);
    LocalDateTime limit = t.minusYears(MAX_YEARS);
    while (t.isAfter(limit)) {
      if (!months.get(t.getMonthValue())) {
        t = t.withDayOfMonth(1).toLocalDate().atStartOfDay().minusMinutes(1);
      } else if (!dayMatches(t.toLocalDate())) {
        t = t.toLocalDate().atStartOfDay().minusMinutes(1);
      } else if (!hours.get(t.getHour())) {
        t = t.truncatedTo(ChronoUnit.HOURS).minusMinutes(1);
      } else if (!minutes.get(t.getMinute())) {
        t = t.minusMinutes(1);
      } else {
        Instant at = ZonedDateTime.of(t, zone).toInstant();
        if (!at.isAfter(atOrBefore)) {
          return at;
        }
        t = t.minusMinutes(1);
      }
    }
    return null;
  }

  @Override
  public String toString() {
    return text;
  }
}
