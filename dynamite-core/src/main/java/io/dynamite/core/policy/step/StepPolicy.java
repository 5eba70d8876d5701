package io.dynamite.core.policy.step;

import io.dynamite.api.Direction;
import io.dynamite.api.InstanceId;
import io.dynamite.api.InstanceView;
import io.dynamite.api.MetricSeries;
import io.dynamite.api.PolicyInput;
import io.dynamite.api.PolicyOutcome;
import io.dynamite.api.ScalingDecision;
import io.dynamite.api.spi.ScalingPolicy;
import io.dynamite.core.policy.step.StepSettings.AdjustmentType;
import io.dynamite.core.policy.step.StepSettings.Step;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The {@code step} policy: AWS step scaling on the engine's policy SPI. At each evaluation it
 * reads the metric (the average of the running, warmed-up instances' newest values, or the
 * aggregated value), finds the step whose interval holds {@code value - threshold}, applies its
 * adjustment to the current count (running plus starting) and answers with that desired count.
 *
 * <p>Warm-up ({@code estimated_instance_warmup}, as AWS documents it for step scaling): an instance
 * that is starting, or running for less than the warm-up, adds no value to the metric but counts
 * toward the current capacity; a scale-out is computed from the capacity without the warming
 * instances, so breaches in the same step while they warm up add nothing more; scale-in waits
 * until no instance is warming up.
 *
 * <p>Cooldown ({@code cooldown}, as AWS Application Auto Scaling documents it for step scaling):
 * after a change of this policy was applied, the instances a scale-out added count as in flight
 * for the next scale-out until the cooldown ends (so a scale-out during the cooldown adds only what
 * the new step asks beyond them), and no scale-in happens before the cooldown ends.
 *
 * <p>A step is taken only on samples taken after the policy's previous recommendation: the engine
 * also evaluates when instances start or stop, and the old values must not repeat the step.
 *
 * <p>Not thread-safe; the engine calls it from one thread.
 */
final class StepPolicy implements ScalingPolicy {
  private final StepSettings settings;
  private final @Nullable Direction direction;

  private @Nullable Instant pendingAt;
  private int pendingFrom;
  /** When this policy last recommended a change; only samples taken after it count. */
  private @Nullable Instant lastRecommendedAt;
  private @Nullable Instant lastChangeAt;
  private @Nullable Instant cooldownUntil;
  /** Instances added by scale-outs whose cooldown is still running. */
  private int addedInCooldown;
  private @Nullable Instant next;

  StepPolicy(StepSettings settings, @Nullable Direction direction) {
    this.settings = settings;
    this.direction = direction;
  }

  @Override
  public ScalingDecision evaluate(PolicyInput input) {
    Instant now = input.now();
    next = null;
    absorb(input.previous());
    int current = input.service().projected();

    int warming = 0;
    Instant warmEnd = null;
    Map<InstanceId, InstanceView> warmedUp = new HashMap<>();
    for (InstanceView iv : input.instances()) {
      if (iv.phase() == InstanceView.Phase.STARTING) {
        warming++;
      } else if (iv.phase() == InstanceView.Phase.RUNNING) {
        Instant end = iv.since().plus(settings.warmup());
        if (end.isAfter(now)) {
          warming++;
          warmEnd = warmEnd == null || end.isAfter(warmEnd) ? end : warmEnd;
        } else {
          warmedUp.put(iv.id(), iv);
        }
      }
    }
    Value v = settings.aggregated() ? aggregated(input, now) : average(input, now, warmedUp);
    if (v == null) {
      return ScalingDecision.hold("no fresh value of " + settings.metric() + " (max_sample_age "
          + seconds(settings.health().maxSampleAge())
          + (lastRecommendedAt == null ? "" : "; only samples taken after the change recommended at "
              + lastRecommendedAt + " count")
          + (settings.aggregated() ? "" : "; only running, warmed-up instances count")
          + (warming > 0 ? "; " + warming + " warming up" : "") + ")");
    }
    double diff = v.value - settings.threshold();
    Step step = null;
    for (Step s : settings.steps()) {
      if (s.contains(diff)) {
        step = s;
        break;
      }
    }
    String measured = v.text + " is " + StepSettings.num(round(diff)) + " from threshold "
        + StepSettings.num(settings.threshold());
    if (step == null) {
      return ScalingDecision.hold(measured + ": in no step; keeping " + current);
    }
    String stepText = "step " + step.describe() + " " + adjustmentText(step);
    int desired = desired(step, current);
    boolean cooling = cooldownUntil != null && now.isBefore(cooldownUntil);
    if (desired > current && settings.adjustmentType() != AdjustmentType.EXACT_CAPACITY) {
      int inFlight = Math.max(warming, cooling ? addedInCooldown : 0);
      if (inFlight > 0) {
        int fromSettled = desired(step, current - inFlight);
        if (fromSettled <= current) {
          return ScalingDecision.hold(measured + ": " + stepText + " -> " + fromSettled + " from " + (current - inFlight)
              + " settled instance(s); the " + inFlight + " instance(s) " + inFlightText(warming, cooling)
              + " already cover it; keeping " + current);
        }
        stepText += ", counted from " + (current - inFlight) + " settled instance(s) plus " + inFlight + " "
            + inFlightText(warming, cooling);
        desired = fromSettled;
      }
    }
    if (desired < current) {
      if (warming > 0) {
        next = warmEnd;
        return ScalingDecision.hold(measured + ": " + stepText + " -> " + desired + "; scale-in waits for the warm-up"
            + " of " + warming + " instance(s)" + (warmEnd == null ? "" : " until " + warmEnd) + "; keeping " + current);
      }
      if (cooling) {
        next = cooldownUntil;
        return ScalingDecision.hold(measured + ": " + stepText + " -> " + desired + "; scale-in waits for the cooldown"
            + " until " + cooldownUntil + "; keeping " + current);
      }
    }
    String reason = measured + ": " + stepText + " -> desired " + desired + ", current " + current;
    if (desired == current) {
      return ScalingDecision.hold(reason);
    }
    if (direction != null && (direction == Direction.UP) != (desired > current)) {
      return ScalingDecision.hold(reason + "; not recommended because this policy only scales "
          + direction.name().toLowerCase(Locale.ROOT));
    }
    pendingAt = now;
    pendingFrom = current;
    lastRecommendedAt = now;
    return ScalingDecision.scaleTo(desired, reason);
  }

  private static String inFlightText(int warming, boolean cooling) {
    return warming > 0 ? "warming up" : cooling ? "added within the cooldown" : "in flight";
  }

  /** The count a step leads to from {@code base} instances, never negative. */
  int desired(Step step, int base) {
    long out = switch (settings.adjustmentType()) {
      case EXACT_CAPACITY -> step.adjustment();
      case CHANGE_IN_CAPACITY -> (long) base + step.adjustment();
      case PERCENT_CHANGE_IN_CAPACITY -> (long) base + percentChange(base, step.adjustment(),
          settings.minAdjustmentMagnitude());
    };
    return (int) Math.max(0, Math.min(Integer.MAX_VALUE, out));
  }

  /**
   * AWS's rounding of a percent change: a change above 1 is rounded down, one between 0 and 1
   * becomes 1, one between -1 and 0 becomes -1, one below -1 is rounded toward zero; then a change
   * smaller than {@code min_adjustment_magnitude} is raised to it.
   */
  static long percentChange(int base, int percent, int minMagnitude) {
    double raw = base * (double) percent / 100.0;
    long change;
    if (raw > 0) {
      change = raw < 1 ? 1 : (long) Math.floor(raw);
    } else if (raw < 0) {
      change = raw > -1 ? -1 : (long) Math.ceil(raw);
    } else {
      change = 0;
    }
    if (change != 0 && Math.abs(change) < minMagnitude) {
      change = change > 0 ? minMagnitude : -minMagnitude;
    }
    return change;
  }

  private String adjustmentText(Step step) {
    return switch (settings.adjustmentType()) {
      case EXACT_CAPACITY -> "exact_capacity " + step.adjustment();
      case CHANGE_IN_CAPACITY -> "change_in_capacity " + signed(step.adjustment());
      case PERCENT_CHANGE_IN_CAPACITY -> "percent_change_in_capacity " + signed(step.adjustment()) + "%"
          + (settings.minAdjustmentMagnitude() > 0 ? " (min_adjustment_magnitude " + settings.minAdjustmentMagnitude() + ")" : "");
    };
  }

  private static String signed(int v) {
    return v >= 0 ? "+" + v : Integer.toString(v);
  }

  private void absorb(@Nullable PolicyOutcome previous) {
    Instant at = pendingAt;
    if (at == null || previous == null || !previous.at().equals(at)) {
      return;
    }
    pendingAt = null;
    if (previous.kind() != PolicyOutcome.Kind.APPLIED && previous.kind() != PolicyOutcome.Kind.CLAMPED) {
      return;
    }
    int change = previous.desired() - pendingFrom;
    if (change == 0) {
      return;
    }
    boolean cooling = cooldownUntil != null && at.isBefore(cooldownUntil);
    addedInCooldown = change > 0 ? (cooling ? addedInCooldown : 0) + change : 0;
    lastChangeAt = at;
    cooldownUntil = at.plus(settings.cooldown());
  }

  private record Value(double value, String text) {}

  private @Nullable Value aggregated(PolicyInput input, Instant now) {
    Optional<MetricSeries> s = input.aggregated();
    if (s.isEmpty() || !fresh(s.get(), now)) {
      return null;
    }
    double v = s.get().latestValue();
    return new Value(v, settings.metric() + " " + StepSettings.num(round(v)));
  }

  private @Nullable Value average(PolicyInput input, Instant now, Map<InstanceId, InstanceView> warmedUp) {
    double sum = 0;
    int n = 0;
    for (MetricSeries s : input.series()) {
      if (s.isAggregated() || !fresh(s, now)) {
        continue;
      }
      Optional<InstanceId> id = s.instance();
      if (id.isPresent() && warmedUp.containsKey(id.get())) {
        sum += s.latestValue();
        n++;
      }
    }
    if (n == 0) {
      return null;
    }
    double avg = sum / n;
    return new Value(avg, settings.metric() + " average " + StepSettings.num(round(avg)) + " over " + n + " instance(s)");
  }

  /**
   * Fresh: not older than max_sample_age, and taken after this policy's last recommendation, so
   * that re-evaluations without new data (after the instances changed) never repeat a step.
   */
  private boolean fresh(MetricSeries s, Instant now) {
    return !s.latestAt().isBefore(now.minus(settings.health().maxSampleAge()))
        && (lastRecommendedAt == null || s.latestAt().isAfter(lastRecommendedAt));
  }

  private static double round(double v) {
    return Math.round(v * 1000) / 1000.0;
  }

  @Override
  public @Nullable Instant nextEvaluation() {
    return next;
  }

  @Override
  public String describeState() {
    StringBuilder b = new StringBuilder();
    if (lastChangeAt == null) {
      b.append("no change applied yet");
    } else {
      b.append("last change applied at ").append(lastChangeAt);
      if (!settings.cooldown().isZero()) {
        b.append(", cooldown until ").append(cooldownUntil);
        if (addedInCooldown > 0) {
          b.append(" (").append(addedInCooldown).append(" added within it)");
        }
      }
    }
    if (pendingAt != null) {
      b.append("; awaiting the outcome of the change recommended at ").append(pendingAt);
    }
    return b.toString();
  }

  static String seconds(Duration d) {
    return d.getNano() == 0 ? d.getSeconds() + "s" : d.toMillis() / 1000.0 + "s";
  }
}
