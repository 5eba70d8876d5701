package io.dynamite.api;

import java.util.List;
import java.util.Objects;

/**
 * What a policy recommends after one evaluation: hold (no opinion), scale by a number of steps in
 * one direction, or run a desired number of instances. New variants may be added in a minor
 * release; switch on {@link #kind()} with a default branch.
 *
 * <p>How the engine combines the recommendations of a service's policies, as Kubernetes HPA does:
 * a step decision counts as a recommendation of {@code current +/- steps} (current being running
 * plus starting instances); a hold is no recommendation. The service is scaled to the highest
 * recommendation when that is above the current count; it is scaled down only when every policy
 * that recommends something recommends less, and then to the highest of those recommendations.
 * The result is clamped to min/max, and every clamp is explained in the decision record.
 *
 * @since 0.1
 */
public sealed interface ScalingDecision
    permits ScalingDecision.Hold, ScalingDecision.Scale, ScalingDecision.ScaleTo {

  /** The variants of {@link ScalingDecision}. */
  enum Kind {
    /** Do nothing. */
    HOLD,
    /** Scale in one direction by steps. */
    SCALE,
    /** Run a desired number of instances. */
    SCALE_TO
  }

  /**
   * Returns the variant.
   *
   * @return the kind of this decision
   */
  Kind kind();

  /**
   * Returns why the policy decided this, for humans: for example {@code "cpu_user < 30.0 for 30s
   * on uuid u1"} or {@code "not scaled because the threshold window is still open"}.
   *
   * @return the reason; never empty
   */
  String reason();

  /**
   * Creates a hold decision.
   *
   * @param reason why nothing should happen
   * @return the decision
   */
  static Hold hold(String reason) {
    return new Hold(reason);
  }

  /**
   * Creates a one-step scaling decision.
   *
   * @param direction up or down
   * @param trigger uuid of the instance whose metrics caused it, or {@link MetricSample#AGGREGATED}
   * @param reason why
   * @return the decision
   */
  static Scale scale(Direction direction, String trigger, String reason) {
    return new Scale(direction, 1, List.of(trigger), reason);
  }

  /**
   * Creates a desired-count decision.
   *
   * @param desired how many instances the service should run; not negative
   * @param reason why
   * @return the decision
   * @since 0.2
   */
  static ScaleTo scaleTo(int desired, String reason) {
    return new ScaleTo(desired, reason);
  }

  /**
   * Nothing to do.
   *
   * @param reason why nothing should happen
   */
  record Hold(String reason) implements ScalingDecision {
    /** Validates the reason. */
    public Hold {
      Objects.requireNonNull(reason, "reason");
    }

    @Override
    public Kind kind() {
      return Kind.HOLD;
    }
  }

  /**
   * Scale by {@code steps} instances in {@code direction}. Each step is gated separately by the
   * service's min/max bounds.
   *
   * @param direction up or down
   * @param steps how many instances to add or remove; at least 1
   * @param triggers for each step, the uuid whose metrics fired it ({@link
   *     MetricSample#AGGREGATED} for aggregated metrics); used to pick the scale-down victim. Its
   *     size equals {@code steps}
   * @param reason why
   */
  record Scale(Direction direction, int steps, List<String> triggers, String reason)
      implements ScalingDecision {
    /** Validates the components. */
    public Scale {
      Objects.requireNonNull(direction, "direction");
      Objects.requireNonNull(reason, "reason");
      triggers = List.copyOf(triggers);
      if (steps < 1) {
        throw new IllegalArgumentException("steps must be >= 1: " + steps);
      }
      if (triggers.size() != steps) {
        throw new IllegalArgumentException(
            "one trigger per step expected: steps=" + steps + " triggers=" + triggers.size());
      }
    }

    @Override
    public Kind kind() {
      return Kind.SCALE;
    }
  }

  /**
   * Run {@code desired} instances. The engine clamps it to the service's bounds, explains every
   * clamp, and starts or stops instances to get there (scale-down victims are chosen by the
   * engine's victim selector).
   *
   * @param desired the desired count; not negative
   * @param reason why
   * @since 0.2
   */
  record ScaleTo(int desired, String reason) implements ScalingDecision {
    /** Validates the components. */
    public ScaleTo {
      Objects.requireNonNull(reason, "reason");
      if (desired < 0) {
        throw new IllegalArgumentException("desired must be >= 0: " + desired);
      }
    }

    @Override
    public Kind kind() {
      return Kind.SCALE_TO;
    }
  }
}
