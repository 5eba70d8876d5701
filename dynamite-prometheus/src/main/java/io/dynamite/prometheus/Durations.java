package io.dynamite.prometheus;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Reads durations as Prometheus writes them ({@code 500ms}, {@code 15s}, {@code 1m30s}, {@code
 * 1h}) or as a number of seconds, and writes the {@code time} and {@code timeout} parameters of
 * the query API.
 */
final class Durations {
  private static final Pattern PART = Pattern.compile("(\\d+)(ms|s|m|h|d)");
  /** Longer intervals or timeouts than a day make no sense for an autoscaler's metric. */
  static final Duration MAX = Duration.ofDays(1);

  private Durations() {}

  /**
   * Parses a duration.
   *
   * @param value a number of seconds or a string such as {@code 15s}
   * @return the duration, or null if the text is not a duration
   */
  static @Nullable Duration parse(Object value) {
    if (value instanceof Number n) {
      return seconds(new BigDecimal(n.toString()));
    }
    String s = value.toString().trim();
    if (s.isEmpty()) {
      return null;
    }
    if (s.matches("\\d+(\\.\\d+)?")) {
      return seconds(new BigDecimal(s));
    }
    Matcher m = PART.matcher(s);
    Duration total = Duration.ZERO;
    int end = 0;
    while (m.find()) {
      if (m.start() != end) {
        return null;
      }
      end = m.end();
      long amount;
      try {
        amount = Long.parseLong(m.group(1));
      } catch (NumberFormatException e) {
        return null;
      }
      if (amount > MAX.toMillis()) {
        return null;
      }
      total = total.plus(switch (m.group(2)) {
        case "ms" -> Duration.ofMillis(amount);
        case "s" -> Duration.ofSeconds(amount);
        case "m" -> Duration.ofMinutes(amount);
        case "h" -> Duration.ofHours(amount);
        default -> Duration.ofDays(amount);
      });
    }
    return end == s.length() ? total : null;
  }

  private static @Nullable Duration seconds(BigDecimal s) {
    if (s.signum() < 0 || s.compareTo(BigDecimal.valueOf(MAX.toSeconds())) > 0) {
      return null;
    }
    return Duration.ofMillis(s.movePointRight(3).longValue());
  }

  /** Seconds since the epoch with milliseconds, the {@code time} parameter of the query API. */
  static String epochSeconds(java.time.Instant t) {
    long ms = t.toEpochMilli();
    return BigDecimal.valueOf(ms, 3).toPlainString();
  }

  /** A duration in Prometheus's syntax, in milliseconds. */
  static String promDuration(Duration d) {
    return d.toMillis() + "ms";
  }
}
