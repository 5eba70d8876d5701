package io.dynamite.core.policy.step;

import io.dynamite.api.ConfigException;
import io.dynamite.api.MetricQuery;
import io.dynamite.api.PolicySpec;
import io.dynamite.core.policy.SettingsReader;
import io.dynamite.core.policy.health.HealthSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The validated settings of a {@code step} policy entry; {@link #parse} reports every problem at
 * once with paths relative to the entry.
 */
record StepSettings(
    String metric,
    boolean aggregated,
    double threshold,
    List<Step> steps,
    AdjustmentType adjustmentType,
    int minAdjustmentMagnitude,
    Duration cooldown,
    Duration warmup,
    HealthSettings health) {

  static final Set<String> KEYS = keys();
  private static final Set<String> STEP_KEYS = SettingsReader.ordered("lower", "upper", "adjustment");
  private static final Set<String> TYPES =
      SettingsReader.ordered("change_in_capacity", "exact_capacity", "percent_change_in_capacity");

  /** How a step's adjustment is read. */
  enum AdjustmentType {
    CHANGE_IN_CAPACITY, EXACT_CAPACITY, PERCENT_CHANGE_IN_CAPACITY
  }

  /**
   * One interval of {@code value - threshold}; a null bound is unbounded. Above the threshold
   * (difference >= 0) the lower bound is inclusive and the upper exclusive; below it the lower
   * bound is exclusive and the upper inclusive, as AWS reads them.
   */
  record Step(@Nullable Double lower, @Nullable Double upper, int adjustment) {
    boolean contains(double diff) {
      if (diff >= 0) {
        return (lower == null || diff >= lower) && (upper == null || diff < upper);
      }
      return (lower == null || diff > lower) && (upper == null || diff <= upper);
    }

    /**
     * The interval as it is read: {@code [0, 20)}, {@code (-30, 0)}, {@code (-inf, -30]}. A bound
     * above the threshold is inclusive below and exclusive above; below it the other way round;
     * the threshold itself (0) belongs to the side above.
     */
    String describe() {
      String low = lower == null ? "(-inf" : lower >= 0 ? "[" + num(lower) : "(" + num(lower);
      String high = upper == null ? "+inf)" : upper < 0 ? num(upper) + "]" : num(upper) + ")";
      return low + ", " + high;
    }
  }

  private static Set<String> keys() {
    List<String> k = new ArrayList<>(List.of("threshold", "steps", "adjustment_type", "min_adjustment_magnitude",
        "cooldown", "estimated_instance_warmup"));
    k.addAll(HealthSettings.KEYS);
    return SettingsReader.ordered(k.toArray(new String[0]));
  }

  static StepSettings parse(PolicySpec spec) {
    SettingsReader r = new SettingsReader();
    MetricQuery query = spec.query();
    if (query == null) {
      r.problem("metric", "required key is missing: a step policy needs service_type and metric");
    }
    Map<String, Object> s = spec.settings();
    Double threshold = r.number(s, "threshold", "", true);
    String type = r.choice(s, "adjustment_type", "", TYPES, "change_in_capacity");
    AdjustmentType adjType = type == null ? null : AdjustmentType.valueOf(type.toUpperCase(java.util.Locale.ROOT));
    Integer magnitude = r.whole(s, "min_adjustment_magnitude", "", 1, 100_000, false);
    if (magnitude != null && adjType != null && adjType != AdjustmentType.PERCENT_CHANGE_IN_CAPACITY) {
      r.problem("min_adjustment_magnitude", "only adjustment_type percent_change_in_capacity uses it");
    }
    List<Step> steps = steps(s, adjType, r);
    Duration cooldown = r.duration(s, "cooldown", "", false);
    Duration warmup = r.duration(s, "estimated_instance_warmup", "", false);
    HealthSettings health = HealthSettings.parse(s, r);
    if (!r.problems().isEmpty()) {
      throw new ConfigException(r.problems());
    }
    return new StepSettings(query.metric(), query.aggregated(), threshold, steps, adjType,
        magnitude == null ? 0 : magnitude, cooldown == null ? Duration.ZERO : cooldown,
        warmup == null ? Duration.ZERO : warmup, health);
  }

  private static List<Step> steps(Map<String, Object> s, @Nullable AdjustmentType type, SettingsReader r) {
    if (s.get("steps") == null) {
      r.problem("steps", "required key is missing; expected a list of {lower, upper, adjustment}");
      return List.of();
    }
    List<?> raw = r.list(s.get("steps"), "steps", "{lower, upper, adjustment}");
    if (raw == null) {
      return List.of();
    }
    if (raw.isEmpty()) {
      r.problem("steps", "must list at least one step");
      return List.of();
    }
    List<Step> out = new ArrayList<>();
    List<Integer> index = new ArrayList<>();
    boolean ok = true;
    for (int i = 0; i < raw.size(); i++) {
      String path = "steps[" + i + "]";
      Map<?, ?> m = r.mapping(raw.get(i), path, "a mapping {lower, upper, adjustment}");
      if (m == null) {
        ok = false;
        continue;
      }
      r.knownKeys(m, path, STEP_KEYS);
      int before = r.problems().size();
      Double lower = r.number(m, "lower", path, false);
      Double upper = r.number(m, "upper", path, false);
      Integer adj = r.whole(m, "adjustment", path, type == AdjustmentType.EXACT_CAPACITY ? 0 : -100_000, 100_000, true);
      if (lower != null && upper != null && !(lower < upper)) {
        r.problem(path, "lower (" + num(lower) + ") must be less than upper (" + num(upper) + ")");
      }
      if (r.problems().size() != before || adj == null) {
        ok = false;
        continue;
      }
      out.add(new Step(lower, upper, adj));
      index.add(i);
    }
    if (!ok) {
      return List.of();
    }
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < out.size(); i++) {
      order.add(i);
    }
    order.sort(Comparator.comparingDouble(i -> out.get(i).lower() == null ? Double.NEGATIVE_INFINITY : out.get(i).lower()));
    // AWS's rules: no overlap and no gap between steps, and the steps cover one side of the
    // threshold entirely or both (a value on a side without steps holds)
    for (int k = 1; k < order.size(); k++) {
      Step a = out.get(order.get(k - 1));
      Step b = out.get(order.get(k));
      double aUpper = a.upper() == null ? Double.POSITIVE_INFINITY : a.upper();
      double bLower = b.lower() == null ? Double.NEGATIVE_INFINITY : b.lower();
      String path = "steps[" + index.get(order.get(k)) + "]";
      String other = "steps[" + index.get(order.get(k - 1)) + "]";
      if (aUpper > bLower) {
        r.problem(path, "overlaps " + other + ": " + b.describe() + " and " + a.describe()
            + " (bounds are relative to threshold)");
      } else if (aUpper < bLower) {
        r.problem(path, "leaves a gap after " + other + ": " + b.describe() + " starts at " + num(bLower) + " but "
            + a.describe() + " ends at " + num(aUpper) + ", so values in between are in no step; each step's"
            + " lower bound must be the upper bound of the step below it (bounds are relative to threshold)");
      }
    }
    if (!order.isEmpty()) {
      int lowIndex = index.get(order.get(0));
      Step low = out.get(order.get(0));
      Step high = out.get(order.get(order.size() - 1));
      int highIndex = index.get(order.get(order.size() - 1));
      if (low.lower() != null && low.lower() != 0) {
        r.problem("steps[" + lowIndex + "]", low.lower() < 0
            ? "lower bound " + num(low.lower()) + " leaves the values below it in no step: the lowest step needs no"
                + " lower bound (bounds are relative to threshold)"
            : "lower bound " + num(low.lower()) + " leaves a gap from the threshold (0) to it: the lowest step"
                + " needs lower 0, or no lower bound (bounds are relative to threshold)");
      }
      if (high.upper() != null && high.upper() != 0) {
        r.problem("steps[" + highIndex + "]", high.upper() > 0
            ? "upper bound " + num(high.upper()) + " leaves the values above it in no step: the highest step needs"
                + " no upper bound (bounds are relative to threshold)"
            : "upper bound " + num(high.upper()) + " leaves a gap from it to the threshold (0): the highest step"
                + " needs upper 0, or no upper bound (bounds are relative to threshold)");
      }
    }
    List<Step> sorted = new ArrayList<>();
    for (int i : order) {
      sorted.add(out.get(i));
    }
    return List.copyOf(sorted);
  }

  static String num(double d) {
    return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
  }
}
