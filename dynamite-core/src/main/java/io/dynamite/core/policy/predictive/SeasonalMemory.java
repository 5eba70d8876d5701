package io.dynamite.core.policy.predictive;

import io.dynamite.core.policy.StateJson;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The policy's long memory: one bucket per {@code resolution} of the season (hour of the day, or
 * of the week, by default), each holding the peak value seen in it during each of the last {@code
 * history_seasons} seasons. Bounded: buckets times seasons doubles. Buckets follow local time in
 * the configured zone, so a daily peak at 09:00 local stays in its bucket across daylight-saving
 * changes (the one-hour day of a change simply has one bucket less or more).
 *
 * <p>{@link #write} and {@link #read} turn the buckets that hold something into JSON members and
 * back, for the policy's exported state.
 */
final class SeasonalMemory {
  private final PredictiveSettings.Season season;
  private final ZoneId zone;
  private final long resolutionMinutes;
  private final int keep;
  private final double[][] values;
  private final int[] counts;
  private final int[] positions;
  /** The season whose peak is being collected, per bucket; Long.MIN_VALUE when none. */
  private final long[] openSeason;
  private final double[] openPeak;

  SeasonalMemory(PredictiveSettings.Season season, Duration resolution, int keep, ZoneId zone) {
    this.season = season;
    this.zone = zone;
    this.resolutionMinutes = resolution.toMinutes();
    this.keep = keep;
    int buckets = (int) (season.length.toMinutes() / resolutionMinutes);
    this.values = new double[buckets][keep];
    this.counts = new int[buckets];
    this.positions = new int[buckets];
    this.openSeason = new long[buckets];
    this.openPeak = new double[buckets];
    java.util.Arrays.fill(openSeason, Long.MIN_VALUE);
  }

  int bucket(Instant t) {
    LocalDateTime l = LocalDateTime.ofInstant(t, zone);
    long minute = l.getHour() * 60L + l.getMinute();
    if (season == PredictiveSettings.Season.WEEK) {
      minute += (l.getDayOfWeek().getValue() - 1) * 1440L;
    }
    return (int) (minute / resolutionMinutes);
  }

  long seasonOf(Instant t) {
    long day = LocalDateTime.ofInstant(t, zone).toLocalDate().toEpochDay();
    // epoch day 4 (1970-01-05) is a Monday: weeks start on Mondays
    return season == PredictiveSettings.Season.WEEK ? Math.floorDiv(day - 4, 7) : day;
  }

  /** The start of the bucket after the one holding {@code t}. */
  Instant nextBoundary(Instant t) {
    LocalDateTime l = LocalDateTime.ofInstant(t, zone).truncatedTo(ChronoUnit.MINUTES);
    long minuteOfDay = l.getHour() * 60L + l.getMinute();
    long start = minuteOfDay - Math.floorMod(minuteOfDay, resolutionMinutes);
    LocalDateTime next = l.toLocalDate().atStartOfDay().plusMinutes(start + resolutionMinutes);
    Instant at = ZonedDateTime.of(next, zone).toInstant();
    return at.isAfter(t) ? at : t.plus(Duration.ofMinutes(resolutionMinutes));
  }

  /** Records an observation. */
  void observe(Instant t, double value) {
    int b = bucket(t);
    long s = seasonOf(t);
    if (openSeason[b] != s) {
      if (openSeason[b] != Long.MIN_VALUE && openSeason[b] < s) {
        commit(b);
      } else if (openSeason[b] > s) {
        return; // older than what the bucket holds: a late sample, ignored
      }
      openSeason[b] = s;
      openPeak[b] = value;
    } else {
      openPeak[b] = Math.max(openPeak[b], value);
    }
  }

  private void commit(int b) {
    values[b][positions[b]] = openPeak[b];
    positions[b] = (positions[b] + 1) % keep;
    counts[b] = Math.min(keep, counts[b] + 1);
  }

  /**
   * The forecast for time {@code t}: the mean of the peaks its bucket saw in earlier seasons (the
   * last {@code history_seasons} of them), or null when it saw none.
   */
  @Nullable Forecast forecast(Instant t) {
    int b = bucket(t);
    long s = seasonOf(t);
    double sum = 0;
    int n = 0;
    int committed = counts[b];
    // the open value counts once its season is over; the oldest committed one then drops out
    boolean openPast = openSeason[b] != Long.MIN_VALUE && openSeason[b] < s;
    int fromRing = openPast ? Math.min(committed, keep - 1) : committed;
    for (int i = 0; i < fromRing; i++) {
      sum += values[b][Math.floorMod(positions[b] - 1 - i, keep)];
      n++;
    }
    if (openPast) {
      sum += openPeak[b];
      n++;
    }
    return n == 0 ? null : new Forecast(t, sum / n, n);
  }

  record Forecast(Instant at, double value, int seasons) {}

  /** How many buckets hold at least one past season. */
  int bucketsWithHistory(Instant now) {
    long s = seasonOf(now);
    int n = 0;
    for (int b = 0; b < counts.length; b++) {
      if (counts[b] > 0 || (openSeason[b] != Long.MIN_VALUE && openSeason[b] < s)) {
        n++;
      }
    }
    return n;
  }

  int buckets() {
    return counts.length;
  }

  /**
   * Appends {@code "layout":{...},"buckets":[...]} (the non-empty buckets) to a JSON object being
   * written: per bucket {@code [index, count, position, open season or null, open peak, [values]]}.
   */
  void write(StringBuilder b) {
    b.append("\"layout\":").append(layout()).append(",\"buckets\":[");
    boolean first = true;
    for (int i = 0; i < counts.length; i++) {
      if (counts[i] == 0 && openSeason[i] == Long.MIN_VALUE) {
        continue;
      }
      b.append(first ? "" : ",").append('[').append(i).append(',').append(counts[i]).append(',').append(positions[i])
          .append(',').append(openSeason[i] == Long.MIN_VALUE ? "null" : Long.toString(openSeason[i]))
          .append(',').append(openPeak[i]).append(",[");
      for (int k = 0; k < counts[i]; k++) {
        b.append(k == 0 ? "" : ",").append(values[i][k]);
      }
      b.append("]]");
      first = false;
    }
    b.append(']');
  }

  /** What the buckets mean: a stored memory fits only the same layout. */
  private String layout() {
    return "{\"season\":\"" + season + "\",\"resolution_minutes\":" + resolutionMinutes + ",\"history_seasons\":"
        + keep + ",\"zone\":\"" + zone.getId() + "\"}";
  }

  /**
   * Replaces the memory with the buckets of a parsed state written by {@link #write}.
   *
   * @throws IllegalArgumentException if the state was written for another layout (season,
   *     resolution, history_seasons, time zone) or is malformed; the memory is then unchanged
   */
  void read(Map<String, Object> state) {
    Object layout = StateJson.required(state, "layout");
    String stored = layout instanceof Map<?, ?> l ? layoutOf(l) : String.valueOf(layout);
    if (!layout().equals(stored)) {
      throw new IllegalArgumentException("the stored history was kept for another season, resolution, history_seasons"
          + " or timezone (" + stored + "; now " + layout() + "); starting afresh");
    }
    int n = counts.length;
    double[][] v = new double[n][keep];
    int[] c = new int[n];
    int[] p = new int[n];
    long[] os = new long[n];
    double[] op = new double[n];
    java.util.Arrays.fill(os, Long.MIN_VALUE);
    for (Object o : StateJson.list(StateJson.required(state, "buckets"), "buckets")) {
      List<?> e = StateJson.list(o, "bucket");
      if (e.size() != 6) {
        throw new IllegalArgumentException("a bucket must have 6 elements: " + e);
      }
      int i = StateJson.integer(e.get(0), "bucket index");
      if (i < 0 || i >= n) {
        throw new IllegalArgumentException("bucket index out of range: " + i);
      }
      c[i] = StateJson.integer(e.get(1), "bucket count");
      p[i] = StateJson.integer(e.get(2), "bucket position");
      if (c[i] < 0 || c[i] > keep || p[i] < 0 || p[i] >= keep) {
        throw new IllegalArgumentException("bucket " + i + " has count " + c[i] + " and position " + p[i]
            + " for history_seasons " + keep);
      }
      os[i] = e.get(3) == null ? Long.MIN_VALUE : StateJson.whole(e.get(3), "open season");
      op[i] = StateJson.number(e.get(4), "open peak");
      List<?> vals = StateJson.list(e.get(5), "bucket values");
      if (vals.size() != c[i]) {
        throw new IllegalArgumentException("bucket " + i + " has " + vals.size() + " values for count " + c[i]);
      }
      for (int k = 0; k < vals.size(); k++) {
        v[i][k] = StateJson.number(vals.get(k), "bucket value");
      }
    }
    for (int i = 0; i < n; i++) {
      System.arraycopy(v[i], 0, values[i], 0, keep);
    }
    System.arraycopy(c, 0, counts, 0, n);
    System.arraycopy(p, 0, positions, 0, n);
    System.arraycopy(os, 0, openSeason, 0, n);
    System.arraycopy(op, 0, openPeak, 0, n);
  }

  private static String layoutOf(Map<?, ?> l) {
    return "{\"season\":\"" + l.get("season") + "\",\"resolution_minutes\":" + l.get("resolution_minutes")
        + ",\"history_seasons\":" + l.get("history_seasons") + ",\"zone\":\"" + l.get("zone") + "\"}";
  }
}
