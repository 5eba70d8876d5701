package io.dynamite.core.policy.tracking;

import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The effective behavior of both directions: every field of {@link #scaleUp()} and {@link
 * #scaleDown()} is set except the tolerances, which stay optional overrides.
 *
 * <p>Immutable and thread-safe.
 *
 * @param scaleUp effective scale-up rules
 * @param scaleDown effective scale-down rules
 * @since 0.2
 */
public record Behavior(ScalingRules scaleUp, ScalingRules scaleDown) {
  /** HPA's {@code --horizontal-pod-autoscaler-downscale-stabilization} default: 300 s. */
  public static final Duration DEFAULT_SCALE_DOWN_WINDOW = Duration.ofSeconds(300);

  /**
   * Validates that the rules are effective.
   *
   * @param scaleUp effective scale-up rules
   * @param scaleDown effective scale-down rules
   * @throws IllegalArgumentException if a window, select policy or policy list is unset
   */
  public Behavior {
    Objects.requireNonNull(scaleUp, "scaleUp");
    Objects.requireNonNull(scaleDown, "scaleDown");
    for (ScalingRules r : new ScalingRules[] {scaleUp, scaleDown}) {
      if (r.stabilizationWindow() == null || r.selectPolicy() == null || r.policies() == null) {
        throw new IllegalArgumentException("behavior rules must be fully defaulted: " + r);
      }
    }
  }

  /**
   * Builds the effective behavior from rules as written, applying HPA's defaults per direction and
   * field: scale-up window 0, select MAX, {@code max(4 instances, 100 %)} per 15 s; scale-down
   * window {@code defaultScaleDownWindow}, select MAX, 100 % per 15 s.
   *
   * @param scaleUp scale-up rules as written, or null
   * @param scaleDown scale-down rules as written, or null
   * @param defaultScaleDownWindow the scale-down window used when none is written; HPA: {@link
   *     #DEFAULT_SCALE_DOWN_WINDOW}
   * @return the effective behavior
   */
  public static Behavior of(
      @Nullable ScalingRules scaleUp, @Nullable ScalingRules scaleDown, Duration defaultScaleDownWindow) {
    Objects.requireNonNull(defaultScaleDownWindow, "defaultScaleDownWindow");
    ScalingRules up = ScalingRules.scaleUpDefaults(scaleUp);
    ScalingRules down = ScalingRules.scaleDownDefaults(scaleDown);
    if (down.stabilizationWindow() == null) {
      down = new ScalingRules(defaultScaleDownWindow, down.selectPolicy(), down.policies(), down.tolerance());
    }
    return new Behavior(up, down);
  }

  /**
   * HPA's defaults for both directions with a 300 s scale-down window.
   *
   * @return the default behavior
   */
  public static Behavior defaults() {
    return of(null, null, DEFAULT_SCALE_DOWN_WINDOW);
  }

  /**
   * The tolerance after applying this behavior's per-direction overrides to a default.
   *
   * @param base the default tolerance
   * @return the effective tolerance
   */
  public Tolerance tolerance(Tolerance base) {
    return base.withOverrides(scaleDown.tolerance(), scaleUp.tolerance());
  }
}
