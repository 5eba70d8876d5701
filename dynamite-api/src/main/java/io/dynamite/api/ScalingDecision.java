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
 * <p>A {@link Bound} is not a recommendation of its own: it limits the combined result from below
 * (floor) and above (ceiling). It changes the count only when the other policies' combined
 * recommendation (or, with none, the current count) lies outside it, so a floor alone never scales
 * a service down and a ceiling alone never scales it up. Several bounds combine to the highest
 * floor and the lowest ceiling; when they cross, the floor wins. Its optional {@code desired} is an
 * ordinary recommendation that takes part in the combination like a {@link ScaleTo}.
 *
 * @since 0.1
 */
public sealed interface ScalingDecision
    permits ScalingDecision.Hold, ScalingDecision.Scale, ScalingDecision.ScaleTo, ScalingDecision.Bound {

  /** The variants of {@link ScalingDecision}. */
  enum Kind {
    /** Do nothing. */
    HOLD,
    /** Scale in one direction by steps. */
    SCALE,
    /** Run a desired number of instances. */
    SCALE_TO,
    /** Keep the count within a floor and a ceiling. */
    BOUND
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
   * Creates a bound decision without a desired count.
   *
   * @param floor the count the service must not go below; not negative
   * @param ceiling the count the service must not go above; {@link Integer#MAX_VALUE} for none
   * @param reason why, for humans
   * @return the decision
   * @since 0.3
   */
  static Bound bound(int floor, int ceiling, String reason) {
    return new Bound(floor, ceiling, null, reason);
  }

  /**
   * Nothing to do.
   *
   * @param reason why nothing should happen
   */
  record Hold(String reason) implements ScalingDecision {
    /**
     * Validates the reason.
     *
     * @param reason why nothing should happen
     */
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
    /**
     * Validates the components.
     *
     * @param direction up or down
     * @param steps how many instances to add or remove; at least 1
     * @param triggers for each step, the uuid whose metrics fired it ({@link
     *     MetricSample#AGGREGATED} for aggregated metrics); used to pick the scale-down victim. Its
     *     size equals {@code steps}
     * @param reason why
     */
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
    /**
     * Validates the components.
     *
     * @param desired the desired count; not negative
     * @param reason why
     */
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

  /**
   * Keep the service's count within {@code [floor, ceiling]} during this evaluation, and
   * optionally recommend {@code desired}. The engine applies the bound to the combination of the
   * other recommendations (see {@link ScalingDecision}), then the service's own min/max. A bound
   * that changes the count is reported as the winning recommendation; one that changes nothing is
   * recorded like a hold.
   *
   * @param floor the lowest count; not negative
   * @param ceiling the highest count, at least {@code floor}; {@link Integer#MAX_VALUE} for none
   * @param desired a recommendation that takes part in the combination like a {@link ScaleTo}, or
   *     null for none
   * @param reason why, for humans
   * @since 0.3
   */
  record Bound(int floor, int ceiling, @org.jspecify.annotations.Nullable Integer desired, String reason)
      implements ScalingDecision {
    /**
     * Validates the components.
     *
     * @param floor the lowest count; not negative
     * @param ceiling the highest count, at least {@code floor}; {@link Integer#MAX_VALUE} for none
     * @param desired a recommendation that takes part in the combination like a {@link ScaleTo}, or
     *     null for none
     * @param reason why, for humans
     */
    public Bound {
      Objects.requireNonNull(reason, "reason");
      if (floor < 0 || ceiling < floor) {
        throw new IllegalArgumentException("need 0 <= floor <= ceiling: floor=" + floor + " ceiling=" + ceiling);
      }
      if (desired != null && desired < 0) {
        throw new IllegalArgumentException("desired must be >= 0: " + desired);
      }
    }

    @Override
    public Kind kind() {
      return Kind.BOUND;
    }
  }
}
