package io.dynamite.core.policy.predictive;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import org.jspecify.annotations.Nullable;

/**
 * The policy's long memory: one bucket per {@code resolution} of the season (hour of the day, or
 * of the week, by default), each holding the peak value seen in it during each of the last {@code
 * history_seasons} seasons. Bounded: buckets times seasons doubles. Buckets follow local time in
 * the configured zone, so a daily peak at 09:00 local stays in its bucket across daylight-saving
 * changes (the one-hour day of a change simply has one bucket less or more).
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
}
