package io.dynamite.core.policy;

import io.dynamite.api.ConfigException;
import io.dynamite.api.ConfigProblem;
import io.dynamite.api.PolicySpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The validated settings of a {@code threshold} policy entry.
 *
 * @param operator {@code comparative_operator}
 * @param threshold {@code threshold}
 * @param period {@code period} in {@code period_unit}
 * @param cooldown {@code cooldown_period} in {@code cooldown_period_unit}; zero when absent
 * @param legacy {@code legacy_rule}: reproduce the original's rule exactly, defect B7 included
 * @since 0.1
 */
public record ThresholdSettings(
    Operator operator, double threshold, Duration period, Duration cooldown, boolean legacy) {

  /** The comparison operators of the original format; both are strict. */
  public enum Operator {
    /** {@code value < threshold}. */
    LT("lt", "<"),
    /** {@code value > threshold}. */
    GT("gt", ">");

    private final String key;
    private final String symbol;

    Operator(String key, String symbol) {
      this.key = key;
      this.symbol = symbol;
    }

    /**
     * Applies the operator.
     *
     * @param value the sample value
     * @param threshold the threshold
     * @return whether the value satisfies the rule
     */
    public boolean test(double value, double threshold) {
      return this == LT ? value < threshold : value > threshold;
    }

    /**
     * Returns the YAML spelling.
     *
     * @return {@code lt} or {@code gt}
     */
    public String key() {
      return key;
    }

    /**
     * Returns the mathematical symbol.
     *
     * @return {@code <} or {@code >}
     */
    public String symbol() {
      return symbol;
    }
  }

  /**
   * Parses and validates the settings of a policy entry, collecting every problem.
   *
   * @param spec the policy spec
   * @return the settings
   * @throws ConfigException with paths relative to the policy entry
   */
  public static ThresholdSettings parse(PolicySpec spec) {
    return parse(spec.settings());
  }

  /**
   * Parses and validates raw settings, collecting every problem.
   *
   * @param s the entry's keys
   * @return the settings
   * @throws ConfigException with paths relative to the policy entry
   */
  public static ThresholdSettings parse(Map<String, Object> s) {
    List<ConfigProblem> problems = new ArrayList<>();
    Operator op = null;
    Object rawOp = s.get("comparative_operator");
    if (rawOp == null) {
      problems.add(new ConfigProblem("comparative_operator", "required key is missing; use 'lt' or 'gt'"));
    } else {
      String v = String.valueOf(rawOp);
      for (Operator o : Operator.values()) {
        if (o.key.equals(v)) {
          op = o;
        }
      }
      if (op == null) {
        problems.add(new ConfigProblem("comparative_operator",
            "unknown operator '" + v + "'; allowed values are 'lt', 'gt'"));
      }
    }
    Double threshold = number(s, "threshold", true, problems);
    Duration period = duration(s, "period", "period_unit", true, problems);
    Duration cooldown = duration(s, "cooldown_period", "cooldown_period_unit", false, problems);
    boolean legacy = false;
    Object rawLegacy = s.get("legacy_rule");
    if (rawLegacy != null) {
      if (rawLegacy instanceof Boolean b) {
        legacy = b;
      } else {
        problems.add(new ConfigProblem("legacy_rule", "must be true or false, got '" + rawLegacy + "'"));
      }
    }
    if (!problems.isEmpty()) {
      throw new ConfigException(problems);
    }
    return new ThresholdSettings(op, threshold, period, cooldown == null ? Duration.ZERO : cooldown, legacy);
  }

  private static Double number(Map<String, Object> s, String key, boolean required, List<ConfigProblem> problems) {
    Object v = s.get(key);
    if (v == null) {
      if (required) {
        problems.add(new ConfigProblem(key, "required key is missing; expected a number"));
      }
      return null;
    }
    if (v instanceof Number n && !(v instanceof Double d && !Double.isFinite(d))) {
      return n.doubleValue();
    }
    problems.add(new ConfigProblem(key, "must be a number, got '" + v + "'"));
    return null;
  }

  private static Duration duration(
      Map<String, Object> s, String key, String unitKey, boolean required, List<ConfigProblem> problems) {
    Double amount = number(s, key, required, problems);
    if (amount != null && amount < 0) {
      problems.add(new ConfigProblem(key, "must not be negative, got " + s.get(key)));
      amount = null;
    }
    Object rawUnit = s.get(unitKey);
    long unitSeconds = 1;
    if (rawUnit != null) {
      String unit = String.valueOf(rawUnit).toLowerCase(Locale.ROOT);
      switch (unit) {
        case "second" -> unitSeconds = 1;
        case "minute" -> unitSeconds = 60;
        case "hour" -> unitSeconds = 3600;
        default -> {
          problems.add(new ConfigProblem(unitKey,
              "unknown unit '" + rawUnit + "'; allowed values are 'second', 'minute', 'hour'"));
          return null;
        }
      }
    }
    if (amount == null) {
      return null;
    }
    return Duration.ofNanos(Math.round(amount * unitSeconds * 1_000_000_000d));
  }
}
