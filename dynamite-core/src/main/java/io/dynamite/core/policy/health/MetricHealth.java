package io.dynamite.core.policy.health;

import io.dynamite.core.policy.SettingsReader;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The metric-health settings of a policy entry: how old the newest sample of the policy's metric
 * may be ({@code max_sample_age}) and what the policy recommends while it is older ({@code
 * on_missing: hold} or {@code on_missing: {scale_up_to: N}}).
 *
 * <p>Immutable and thread-safe.
 *
 * @param maxSampleAge the metric is stale when its newest sample is older than this
 * @param scaleUpTo with {@code on_missing: {scale_up_to: N}}, the count to scale up to while the
 *     metric is stale; null for {@code on_missing: hold}
 * @since 0.3
 */
public record MetricHealth(Duration maxSampleAge, @Nullable Integer scaleUpTo) {
  /** The default {@code max_sample_age}: 60 s. */
  public static final Duration DEFAULT_MAX_SAMPLE_AGE = Duration.ofSeconds(60);

  /** The defaults: 60 s, hold. */
  public static final MetricHealth DEFAULT = new MetricHealth(DEFAULT_MAX_SAMPLE_AGE, null);

  /** The keys of a policy entry these settings read. */
  public static final Set<String> KEYS = SettingsReader.ordered("max_sample_age", "on_missing");

  private static final Set<String> ON_MISSING_KEYS = SettingsReader.ordered("scale_up_to");

  /**
   * Validates the components.
   *
   * @param maxSampleAge the metric is stale when its newest sample is older than this
   * @param scaleUpTo with {@code on_missing: {scale_up_to: N}}, the count to scale up to while the
   *     metric is stale; null for {@code on_missing: hold}
   */
  public MetricHealth {
    Objects.requireNonNull(maxSampleAge, "maxSampleAge");
    if (maxSampleAge.isZero() || maxSampleAge.isNegative()) {
      throw new IllegalArgumentException("maxSampleAge must be positive: " + maxSampleAge);
    }
    if (scaleUpTo != null && scaleUpTo < 1) {
      throw new IllegalArgumentException("scaleUpTo must be >= 1: " + scaleUpTo);
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
  public static MetricHealth parse(Map<String, Object> settings, SettingsReader r) {
    Duration age = r.duration(settings, "max_sample_age", "", false);
    if (age != null && age.isZero()) {
      r.problem("max_sample_age", "must be greater than 0");
      age = null;
    }
    Integer upTo = null;
    Object raw = settings.get("on_missing");
    if (raw instanceof Map<?, ?> m) {
      r.knownKeys(m, "on_missing", ON_MISSING_KEYS);
      upTo = r.whole(m, "scale_up_to", "on_missing", 1, 100_000, true);
    } else if (raw != null && !"hold".equals(raw)) {
      r.problem("on_missing", "expected 'hold' or a mapping {scale_up_to: N}, got " + SettingsReader.describe(raw));
    }
    return new MetricHealth(age == null ? DEFAULT_MAX_SAMPLE_AGE : age, upTo);
  }

  /**
   * Describes {@code on_missing} for reasons.
   *
   * @return {@code hold} or {@code scale_up_to N}
   */
  public String describeOnMissing() {
    return scaleUpTo == null ? "hold" : "scale_up_to " + scaleUpTo;
  }
}
