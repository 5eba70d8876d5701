package io.dynamite.core.policy.health;

import io.dynamite.core.policy.SettingsReader;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The metric-health settings of a policy entry: how old a sample may be and still count ({@code
 * max_sample_age}), and what the policy does while its metric is not healthy ({@code on_missing:
 * hold | scale_up_only | fallback(N)}).
 *
 * <p>Immutable and thread-safe.
 *
 * @param maxSampleAge a sample older than this (by its own timestamp, against the engine clock) is
 *     stale
 * @param onMissing what the policy does while its metric is stale, not a number, missing or partial
 * @param fallback the count of {@code fallback(N)}; 0 for the other modes
 * @since 0.3
 */
public record HealthSettings(Duration maxSampleAge, OnMissing onMissing, int fallback) {
  /** The default {@code max_sample_age}: 60 s. */
  public static final Duration DEFAULT_MAX_SAMPLE_AGE = Duration.ofSeconds(60);

  /** The defaults: 60 s, hold. */
  public static final HealthSettings DEFAULT = new HealthSettings(DEFAULT_MAX_SAMPLE_AGE, OnMissing.HOLD, 0);

  /** The keys of a policy entry these settings read. */
  public static final Set<String> KEYS = SettingsReader.ordered("max_sample_age", "on_missing");

  /** The largest {@code fallback(N)}. */
  public static final int MAX_FALLBACK = 100_000;

  private static final Pattern FALLBACK = Pattern.compile("fallback\\(\\s*(-?\\d+)\\s*\\)");
  private static final String EXPECTED =
      "expected hold, scale_up_only, fallback(N) or a mapping {fallback: N}";

  /** What a policy does while its metric is not healthy. Never a scale-down. */
  public enum OnMissing {
    /** Hold: no change at all from this policy. */
    HOLD,
    /** Let the policy's own scale-ups through (on the data it has); never scale down. */
    SCALE_UP_ONLY,
    /** As {@link #SCALE_UP_ONLY}, and run at least N instances. */
    FALLBACK
  }

  /**
   * Validates the components.
   *
   * @param maxSampleAge how old the newest sample may be before the metric counts as stale
   * @param onMissing what the policy does while its metric is not healthy
   * @param fallback the count for {@link OnMissing#FALLBACK}, 0 otherwise
   * @throws IllegalArgumentException if the age is not positive or the fallback does not fit
   */
  public HealthSettings {
    Objects.requireNonNull(maxSampleAge, "maxSampleAge");
    Objects.requireNonNull(onMissing, "onMissing");
    if (maxSampleAge.isZero() || maxSampleAge.isNegative()) {
      throw new IllegalArgumentException("maxSampleAge must be positive: " + maxSampleAge);
    }
    if ((onMissing == OnMissing.FALLBACK) != (fallback >= 1) || fallback > MAX_FALLBACK) {
      throw new IllegalArgumentException("fallback must be 1.." + MAX_FALLBACK + " exactly with FALLBACK: "
          + onMissing + " " + fallback);
    }
  }

  /**
   * Reads {@code max_sample_age} and {@code on_missing} from a policy entry; problems go to the
   * reader, with paths relative to the entry.
   *
   * @param settings the entry's keys
   * @param r the reader collecting problems
   * @return the settings; the defaults for whatever is absent or invalid
   */
  public static HealthSettings parse(Map<String, Object> settings, SettingsReader r) {
    Duration age = r.duration(settings, "max_sample_age", "", false);
    if (age != null && age.isZero()) {
      r.problem("max_sample_age", "must be greater than 0");
      age = null;
    }
    return withOnMissing(age == null ? DEFAULT_MAX_SAMPLE_AGE : age, settings, r);
  }

  /**
   * Reads {@code on_missing} from a policy entry whose type reads {@code max_sample_age} itself.
   *
   * @param maxSampleAge the entry's {@code max_sample_age}
   * @param settings the entry's keys
   * @param r the reader collecting problems
   * @return the settings; hold when {@code on_missing} is absent or invalid
   */
  public static HealthSettings withOnMissing(Duration maxSampleAge, Map<String, Object> settings, SettingsReader r) {
    Object raw = settings.get("on_missing");
    if (raw == null || "hold".equals(raw)) {
      return new HealthSettings(maxSampleAge, OnMissing.HOLD, 0);
    }
    if ("scale_up_only".equals(raw)) {
      return new HealthSettings(maxSampleAge, OnMissing.SCALE_UP_ONLY, 0);
    }
    Integer n = null;
    if (raw instanceof String s) {
      Matcher m = FALLBACK.matcher(s.trim());
      if (!m.matches()) {
        r.problem("on_missing", EXPECTED + ", got " + SettingsReader.describe(raw));
        return new HealthSettings(maxSampleAge, OnMissing.HOLD, 0);
      }
      n = count(m.group(1), "on_missing", r);
    } else if (raw instanceof Map<?, ?> m) {
      // {fallback: N}; {scale_up_to: N} is the name this mode had before 0.3
      if (m.size() != 1 || !(m.containsKey("fallback") || m.containsKey("scale_up_to"))) {
        r.problem("on_missing", EXPECTED + ", got a mapping with keys " + m.keySet());
        return new HealthSettings(maxSampleAge, OnMissing.HOLD, 0);
      }
      String key = m.containsKey("fallback") ? "fallback" : "scale_up_to";
      n = r.whole(m, key, "on_missing", 1, MAX_FALLBACK, true);
    } else {
      r.problem("on_missing", EXPECTED + ", got " + SettingsReader.describe(raw));
    }
    return n == null ? new HealthSettings(maxSampleAge, OnMissing.HOLD, 0)
        : new HealthSettings(maxSampleAge, OnMissing.FALLBACK, n);
  }

  private static @Nullable Integer count(String digits, String path, SettingsReader r) {
    long n;
    try {
      n = Long.parseLong(digits);
    } catch (NumberFormatException e) {
      n = Long.MAX_VALUE;
    }
    if (n < 1 || n > MAX_FALLBACK) {
      r.problem(path, "fallback(N) needs a whole number N from 1 to " + MAX_FALLBACK + ", got " + digits);
      return null;
    }
    return (int) n;
  }

  /**
   * Describes {@code on_missing} for reasons.
   *
   * @return {@code hold}, {@code scale_up_only} or {@code fallback(N)}
   */
  public String describeOnMissing() {
    return switch (onMissing) {
      case HOLD -> "hold";
      case SCALE_UP_ONLY -> "scale_up_only";
      case FALLBACK -> "fallback(" + fallback + ")";
    };
  }
}
