package io.dynamite.api;

import java.util.List;
import java.util.Objects;

/**
 * What a policy recommends after one evaluation: hold, or scale by a number of steps in one
 * direction. New variants may be added in a minor release; switch on {@link #kind()} with a
 * default branch.
 *
 * @since 0.1
 */
public sealed interface ScalingDecision permits ScalingDecision.Hold, ScalingDecision.Scale {

  /** The variants of {@link ScalingDecision}. */
  enum Kind {
    /** Do nothing. */
    HOLD,
    /** Scale in one direction. */
    SCALE
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
}
