package io.dynamite.examples.plugin;

import com.google.auto.service.AutoService;
import io.dynamite.api.ConfigException;
import io.dynamite.api.ConfigProblem;
import io.dynamite.api.Direction;
import io.dynamite.api.MetricSample;
import io.dynamite.api.PolicyInput;
import io.dynamite.api.PolicySpec;
import io.dynamite.api.ScalingDecision;
import io.dynamite.api.spi.PluginContext;
import io.dynamite.api.spi.ScalingPolicy;
import io.dynamite.api.spi.ScalingPolicyProvider;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * An example plugin: scales when the average of the newest {@code window_size} samples (across
 * all instances) is above ({@code gt}) or below ({@code lt}) {@code threshold}, at most once per
 * {@code cooldown_seconds} of engine time.
 *
 * <pre>
 * ScalingPolicy:
 *   busy:
 *     type: moving-average
 *     service_type: webserver
 *     metric: cpu_user
 *     comparative_operator: gt
 *     threshold: 70
 *     window_size: 10
 *     cooldown_seconds: 60
 * </pre>
 */
@AutoService(ScalingPolicyProvider.class)
public final class MovingAveragePolicyProvider implements ScalingPolicyProvider {
  /** Creates the provider; stateless. */
  public MovingAveragePolicyProvider() {}

  @Override
  public String type() {
    return "moving-average";
  }

  @Override
  public ScalingPolicy create(PolicySpec spec, PluginContext context) {
    List<ConfigProblem> problems = new ArrayList<>();
    Object op = spec.settings().get("comparative_operator");
    if (!"gt".equals(op) && !"lt".equals(op)) {
      problems.add(new ConfigProblem("comparative_operator", "must be 'lt' or 'gt', got '" + op + "'"));
    }
    double threshold = number(spec, "threshold", null, problems);
    double window = number(spec, "window_size", 5.0, problems);
    double cooldown = number(spec, "cooldown_seconds", 60.0, problems);
    if (window < 1 || window != Math.rint(window)) {
      problems.add(new ConfigProblem("window_size", "must be a whole number >= 1, got " + spec.settings().get("window_size")));
    }
    if (spec.query() == null) {
      problems.add(new ConfigProblem("metric", "required key is missing"));
    }
    if (!problems.isEmpty()) {
      throw new ConfigException(problems);
    }
    return new Policy(spec.direction(), "gt".equals(op), threshold, (int) window,
        Duration.ofMillis((long) (cooldown * 1000)));
  }

  private static double number(PolicySpec spec, String key, Double dflt, List<ConfigProblem> problems) {
    Object v = spec.settings().get(key);
    if (v == null && dflt != null) {
      return dflt;
    }
    if (v instanceof Number n) {
      return n.doubleValue();
    }
    problems.add(new ConfigProblem(key, v == null ? "required key is missing" : "must be a number, got '" + v + "'"));
    return Double.NaN;
  }

  /** Not thread-safe: the engine calls it from one thread at a time. */
  private static final class Policy implements ScalingPolicy {
    private final Direction direction;
    private final boolean above;
    private final double threshold;
    private final int window;
    private final Duration cooldown;
    private final ArrayDeque<Double> recent = new ArrayDeque<>();
    private Instant quietUntil = Instant.MIN;

    Policy(Direction direction, boolean above, double threshold, int window, Duration cooldown) {
      this.direction = direction;
      this.above = above;
      this.threshold = threshold;
      this.window = window;
      this.cooldown = cooldown;
    }

    @Override
    public ScalingDecision evaluate(PolicyInput in) {
      for (MetricSample s : in.samples()) {
        recent.addLast(s.value());
        if (recent.size() > window) {
          recent.removeFirst();
        }
      }
      if (recent.size() < window) {
        return ScalingDecision.hold("waiting for " + window + " samples, have " + recent.size());
      }
      double avg = recent.stream().mapToDouble(Double::doubleValue).average().orElse(0);
      boolean breach = above ? avg > threshold : avg < threshold;
      if (!breach) {
        return ScalingDecision.hold("average " + avg + " within threshold " + threshold);
      }
      if (in.now().isBefore(quietUntil)) {
        return ScalingDecision.hold("in cooldown until " + quietUntil);
      }
      quietUntil = in.now().plus(cooldown);
      recent.clear();
      return ScalingDecision.scale(direction, MetricSample.AGGREGATED,
          "average of the last " + window + " samples is " + avg + (above ? " > " : " < ") + threshold);
    }

    @Override
    public String describeState() {
      return recent.size() + " sample(s) in the window, quiet until " + quietUntil;
    }
  }
}
