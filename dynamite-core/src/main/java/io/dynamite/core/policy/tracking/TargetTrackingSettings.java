package io.dynamite.core.policy.tracking;

import io.dynamite.api.ConfigException;
import io.dynamite.api.ConfigProblem;
import io.dynamite.api.MetricQuery;
import io.dynamite.api.PolicySpec;
import io.dynamite.core.policy.SettingsReader;
import io.dynamite.core.policy.tracking.ScalingRules.RatePolicy;
import io.dynamite.core.policy.tracking.ScalingRules.SelectPolicy;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The validated YAML settings of a {@code target-tracking} policy entry. {@link #parse} reports
 * every problem at once, with paths relative to the policy entry ({@code target}, {@code
 * behavior.scale_down.policies[0].period}, ...). See {@code docs/policies.md} for the reference.
 *
 * <p>Immutable and thread-safe.
 *
 * @param metric the metric name, for reasons
 * @param aggregated true if the metric is aggregated (one value for the service)
 * @param target the target, in the calculation's units (whole percent or milli-units)
 * @param capacityMilli each instance's capacity in milli-units (utilization targets only)
 * @param tolerance the dead band ({@code tolerance}, {@code tolerance_up}, {@code tolerance_down})
 * @param maxSampleAge an instance (or aggregated) value older than this counts as missing
 * @param initializationPeriod how long after an instance was seen running its early samples are
 *     left out as start-up noise; zero disables warm-up handling
 * @param behavior the effective behavior ({@code behavior:} with HPA's defaults filled in)
 * @since 0.2
 */
public record TargetTrackingSettings(
    String metric,
    boolean aggregated,
    Target target,
    long capacityMilli,
    Tolerance tolerance,
    Duration maxSampleAge,
    Duration initializationPeriod,
    Behavior behavior) {

  /** Default {@code capacity}: 100, so a utilization target reads the metric as a percentage. */
  public static final double DEFAULT_CAPACITY = 100;
  /** Default {@code max_sample_age}: 60 s. */
  public static final Duration DEFAULT_MAX_SAMPLE_AGE = Duration.ofSeconds(60);
  /** HPA's upper bound of a stabilization window: one hour. */
  public static final Duration MAX_WINDOW = Duration.ofSeconds(3600);
  /** HPA's upper bound of a rate policy's period: 30 minutes. */
  public static final Duration MAX_PERIOD = Duration.ofSeconds(1800);

  /** The keys of a policy entry this type reads besides the loader's common ones. */
  public static final Set<String> KEYS = ordered("target", "target_type", "capacity", "tolerance",
      "tolerance_up", "tolerance_down", "max_sample_age", "initialization_period", "behavior", "on_missing");

  private static final Set<String> BEHAVIOR_KEYS = ordered("scale_up", "scale_down");
  private static final Set<String> RULE_KEYS = ordered("stabilization_window", "select_policy", "policies");
  private static final Set<String> RATE_KEYS = ordered("type", "value", "period");

  /**
   * Validates the components.
   *
   * @param metric the metric name, for reasons
   * @param aggregated true if the metric is aggregated (one value for the service)
   * @param target the target, in the calculation's units (whole percent or milli-units)
   * @param capacityMilli each instance's capacity in milli-units (utilization targets only)
   * @param tolerance the dead band ({@code tolerance}, {@code tolerance_up}, {@code tolerance_down})
   * @param maxSampleAge an instance (or aggregated) value older than this counts as missing
   * @param initializationPeriod how long after an instance was seen running its early samples are
   *     left out as start-up noise; zero disables warm-up handling
   * @param behavior the effective behavior ({@code behavior:} with HPA's defaults filled in)
   */
  public TargetTrackingSettings {
    Objects.requireNonNull(metric, "metric");
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(tolerance, "tolerance");
    Objects.requireNonNull(maxSampleAge, "maxSampleAge");
    Objects.requireNonNull(initializationPeriod, "initializationPeriod");
    Objects.requireNonNull(behavior, "behavior");
  }

  /**
   * Parses and validates the settings of a policy entry, collecting every problem.
   *
   * @param spec the policy spec; its query gives the metric and whether it is aggregated
   * @return the settings
   * @throws ConfigException with every problem, paths relative to the policy entry
   */
  public static TargetTrackingSettings parse(PolicySpec spec) {
    List<ConfigProblem> problems = new ArrayList<>();
    MetricQuery query = spec.query();
    if (query == null) {
      problems.add(new ConfigProblem("metric",
          "required key is missing: a target-tracking policy needs service_type and metric"));
    }
    boolean aggregated = query != null && query.aggregated();
    Map<String, Object> s = spec.settings();

    Target.Type type = aggregated ? Target.Type.VALUE : Target.Type.UTILIZATION;
    Object rawType = s.get("target_type");
    boolean typeOk = true;
    if (rawType != null) {
      switch (String.valueOf(rawType)) {
        case "utilization" -> type = Target.Type.UTILIZATION;
        case "average_value" -> type = Target.Type.AVERAGE_VALUE;
        case "value" -> type = Target.Type.VALUE;
        default -> {
          problems.add(new ConfigProblem("target_type", "unknown target type " + describe(rawType)
              + "; allowed values are 'utilization', 'average_value', 'value'"));
          typeOk = false;
        }
      }
      if (typeOk && aggregated && type == Target.Type.UTILIZATION) {
        problems.add(new ConfigProblem("target_type", "'utilization' needs a per-instance metric"
            + " (metric_aggregated: false); use 'value' or 'average_value' for an aggregated metric"));
        typeOk = false;
      } else if (typeOk && !aggregated && type == Target.Type.VALUE) {
        problems.add(new ConfigProblem("target_type", "'value' needs an aggregated metric"
            + " (metric_aggregated: true); use 'utilization' or 'average_value' for a per-instance metric"));
        typeOk = false;
      }
    }

    Target target = null;
    Double rawTarget = number(s, "target", true, problems);
    if (rawTarget != null) {
      if (!(rawTarget > 0)) {
        problems.add(new ConfigProblem("target", "must be greater than 0, got " + s.get("target")));
      } else if (typeOk && type == Target.Type.UTILIZATION) {
        if (rawTarget != Math.rint(rawTarget) || rawTarget > Integer.MAX_VALUE) {
          problems.add(new ConfigProblem("target",
              "a utilization target is a whole percent of capacity, got " + s.get("target")));
        } else {
          target = new Target(type, rawTarget.longValue());
        }
      } else if (typeOk) {
        long milli = toMilli(rawTarget);
        if (milli <= 0) {
          problems.add(new ConfigProblem("target", "must be at least 0.001, got " + s.get("target")));
        } else {
          target = new Target(type, milli);
        }
      }
    }

    long capacity = toMilli(DEFAULT_CAPACITY);
    Double rawCapacity = number(s, "capacity", false, problems);
    if (rawCapacity != null) {
      if (typeOk && type != Target.Type.UTILIZATION) {
        problems.add(new ConfigProblem("capacity", "only target_type utilization uses a capacity"));
      } else if (!(rawCapacity > 0) || toMilli(rawCapacity) <= 0) {
        problems.add(new ConfigProblem("capacity", "must be at least 0.001, got " + s.get("capacity")));
      } else {
        capacity = toMilli(rawCapacity);
      }
    }

    Double both = fraction(s, "tolerance", problems);
    Double up = fraction(s, "tolerance_up", problems);
    Double down = fraction(s, "tolerance_down", problems);
    double base = both == null ? Tolerance.DEFAULT.scaleUp() : both;
    Tolerance tolerance = new Tolerance(down == null ? base : down, up == null ? base : up);

    Duration maxAge = seconds(s, "max_sample_age", "max_sample_age", problems);
    if (maxAge != null && maxAge.isZero()) {
      problems.add(new ConfigProblem("max_sample_age", "must be greater than 0"));
    }
    Duration init = seconds(s, "initialization_period", "initialization_period", problems);

    Behavior behavior = behavior(s.get("behavior"), problems);

    if (!problems.isEmpty()) {
      throw new ConfigException(problems);
    }
    return new TargetTrackingSettings(
        query.metric(),
        aggregated,
        Objects.requireNonNull(target),
        capacity,
        tolerance,
        maxAge == null ? DEFAULT_MAX_SAMPLE_AGE : maxAge,
        init == null ? Duration.ZERO : init,
        behavior);
  }

  // ---- behavior -------------------------------------------------------------------------------

  private static Behavior behavior(@Nullable Object raw, List<ConfigProblem> problems) {
    if (raw == null) {
      return Behavior.defaults();
    }
    Map<?, ?> m = mapping(raw, "behavior", problems);
    if (m == null) {
      return Behavior.defaults();
    }
    knownKeys(m, "behavior", BEHAVIOR_KEYS, problems);
    ScalingRules up = rules(m.get("scale_up"), "behavior.scale_up", problems);
    ScalingRules down = rules(m.get("scale_down"), "behavior.scale_down", problems);
    return Behavior.of(up, down, Behavior.DEFAULT_SCALE_DOWN_WINDOW);
  }

  private static @Nullable ScalingRules rules(@Nullable Object raw, String path, List<ConfigProblem> problems) {
    if (raw == null) {
      return null;
    }
    Map<?, ?> m = mapping(raw, path, problems);
    if (m == null) {
      return null;
    }
    knownKeys(m, path, RULE_KEYS, problems);
    Duration window = seconds(m, "stabilization_window", path + ".stabilization_window", problems);
    if (window != null && window.compareTo(MAX_WINDOW) > 0) {
      problems.add(new ConfigProblem(path + ".stabilization_window",
          "must be at most 3600 seconds, got " + m.get("stabilization_window")));
      window = null;
    }
    SelectPolicy select = null;
    Object rawSelect = m.get("select_policy");
    if (rawSelect != null) {
      switch (String.valueOf(rawSelect)) {
        case "max" -> select = SelectPolicy.MAX;
        case "min" -> select = SelectPolicy.MIN;
        case "disabled" -> select = SelectPolicy.DISABLED;
        default -> problems.add(new ConfigProblem(path + ".select_policy", "unknown select policy "
            + describe(rawSelect) + "; allowed values are 'max', 'min', 'disabled'"));
      }
    }
    List<RatePolicy> policies = null;
    Object rawPolicies = m.get("policies");
    if (m.containsKey("policies")) {
      if (!(rawPolicies instanceof List<?> list)) {
        problems.add(new ConfigProblem(path + ".policies",
            "expected a list of {type, value, period}, found " + describe(rawPolicies)));
      } else if (list.isEmpty()) {
        problems.add(new ConfigProblem(path + ".policies",
            "must list at least one rate policy; leave it out for the defaults, or use select_policy: disabled"));
      } else {
        policies = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
          RatePolicy p = ratePolicy(list.get(i), path + ".policies[" + i + "]", problems);
          if (p != null) {
            policies.add(p);
          }
        }
        if (policies.size() != list.size()) {
          policies = null;
        }
      }
    }
    return new ScalingRules(window, select, policies, null);
  }

  private static @Nullable RatePolicy ratePolicy(@Nullable Object raw, String path, List<ConfigProblem> problems) {
    Map<?, ?> m = mapping(raw, path, problems);
    if (m == null) {
      return null;
    }
    knownKeys(m, path, RATE_KEYS, problems);
    RatePolicy.Type type = null;
    Object rawType = m.get("type");
    if (rawType == null) {
      problems.add(new ConfigProblem(path + ".type", "required key is missing; use 'pods' or 'percent'"));
    } else if ("pods".equals(rawType)) {
      type = RatePolicy.Type.PODS;
    } else if ("percent".equals(rawType)) {
      type = RatePolicy.Type.PERCENT;
    } else {
      problems.add(new ConfigProblem(path + ".type",
          "unknown rate policy type " + describe(rawType) + "; allowed values are 'pods', 'percent'"));
    }
    Integer value = null;
    Object rawValue = m.get("value");
    if (rawValue == null) {
      problems.add(new ConfigProblem(path + ".value", "required key is missing; expected a whole number > 0"));
    } else if (!isWhole(rawValue) || ((Number) rawValue).longValue() <= 0
        || ((Number) rawValue).longValue() > Integer.MAX_VALUE) {
      problems.add(new ConfigProblem(path + ".value", "must be a whole number > 0, got " + describe(rawValue)));
    } else {
      value = ((Number) rawValue).intValue();
    }
    Duration period = null;
    if (m.get("period") == null) {
      problems.add(new ConfigProblem(path + ".period", "required key is missing; expected seconds > 0"));
    } else {
      period = seconds(m, "period", path + ".period", problems);
      if (period != null && (period.isZero() || period.compareTo(MAX_PERIOD) > 0)) {
        problems.add(new ConfigProblem(path + ".period",
            "must be greater than 0 and at most 1800 seconds, got " + m.get("period")));
        period = null;
      }
    }
    return type == null || value == null || period == null ? null : new RatePolicy(type, value, period);
  }

  // ---- scalar helpers ---------------------------------------------------------------------------

  /** Milli-units of a value, rounded as the policy rounds samples. */
  static long toMilli(double v) {
    return Math.round(v * 1000);
  }

  private static @Nullable Double number(Map<?, ?> s, String key, boolean required, List<ConfigProblem> problems) {
    return number(s, key, key, required, problems);
  }

  private static @Nullable Double number(
      Map<?, ?> s, String key, String path, boolean required, List<ConfigProblem> problems) {
    Object v = s.get(key);
    if (v == null) {
      if (required) {
        problems.add(new ConfigProblem(path, "required key is missing; expected a number"));
      }
      return null;
    }
    if (v instanceof Number n && !(v instanceof Boolean)) {
      double d = n.doubleValue();
      if (Double.isFinite(d)) {
        return d;
      }
    }
    problems.add(new ConfigProblem(path, "must be a number, got " + describe(v)));
    return null;
  }

  private static @Nullable Double fraction(Map<?, ?> s, String key, List<ConfigProblem> problems) {
    Double d = number(s, key, false, problems);
    if (d != null && d < 0) {
      problems.add(new ConfigProblem(key, "must not be negative (a fraction of the target), got " + s.get(key)));
      return null;
    }
    return d;
  }

  /** A non-negative number of seconds, or null when absent or invalid (then a problem is added). */
  private static @Nullable Duration seconds(Map<?, ?> s, String key, String path, List<ConfigProblem> problems) {
    Double d = number(s, key, path, false, problems);
    if (d == null) {
      return null;
    }
    if (d < 0) {
      problems.add(new ConfigProblem(path, "must not be negative, got " + s.get(key)));
      return null;
    }
    if (d > 1e9) {
      problems.add(new ConfigProblem(path, "must be at most 1000000000 seconds, got " + s.get(key)));
      return null;
    }
    return Duration.ofNanos(Math.round(d * 1_000_000_000d));
  }

  private static boolean isWhole(@Nullable Object v) {
    return v instanceof Integer || v instanceof Long || v instanceof BigInteger
        || (v instanceof Double d && Double.isFinite(d) && d == Math.rint(d));
  }

  private static @Nullable Map<?, ?> mapping(@Nullable Object raw, String path, List<ConfigProblem> problems) {
    if (raw instanceof Map<?, ?> m) {
      return m;
    }
    problems.add(new ConfigProblem(path, "expected a mapping, found " + describe(raw)));
    return null;
  }

  private static void knownKeys(Map<?, ?> m, String path, Set<String> keys, List<ConfigProblem> problems) {
    for (Object k : m.keySet()) {
      if (!keys.contains(String.valueOf(k))) {
        problems.add(new ConfigProblem(path + "." + k, "unknown key; expected one of " + String.join(", ", keys)));
      }
    }
  }

  // one spelling of values and key sets for every built-in policy's messages
  private static String describe(@Nullable Object v) {
    return SettingsReader.describe(v);
  }

  private static Set<String> ordered(String... keys) {
    return SettingsReader.ordered(keys);
  }
}
