package io.dynamite.core.policy.tracking;

import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The fixed settings of one target-tracking policy. Built once with {@link #builder()}; immutable
 * and thread-safe.
 *
 * @since 0.2
 */
public final class TrackingSettings {
  private final int minReplicas;
  private final int maxReplicas;
  private final @Nullable Behavior behavior;
  private final Tolerance tolerance;
  private final Duration downscaleStabilization;
  private final double legacyScaleUpFactor;
  private final double legacyScaleUpMinimum;
  private final boolean allowScaleToZero;

  private TrackingSettings(Builder b) {
    this.minReplicas = b.minReplicas;
    this.maxReplicas = b.maxReplicas;
    this.behavior = b.behavior;
    this.tolerance = b.tolerance;
    this.downscaleStabilization = b.downscaleStabilization;
    this.legacyScaleUpFactor = b.legacyScaleUpFactor;
    this.legacyScaleUpMinimum = b.legacyScaleUpMinimum;
    this.allowScaleToZero = b.allowScaleToZero;
  }

  /**
   * A builder with HPA's defaults: min 1, max 1, no behavior (legacy normalization), tolerance
   * 0.1, downscale stabilization 300 s, legacy limit {@code max(2 x current, 4)}, no scale to zero.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The minimum instance count.
   *
   * @return the minimum, {@code >= 0}
   */
  public int minReplicas() {
    return minReplicas;
  }

  /**
   * The maximum instance count.
   *
   * @return the maximum, {@code >= max(1, minReplicas)}
   */
  public int maxReplicas() {
    return maxReplicas;
  }

  /**
   * The effective behavior, or null for HPA's legacy normalization (only scale-downs stabilized,
   * scale-up capped at {@code max(factor x current, minimum)}, no rate policies).
   *
   * @return the behavior or null
   */
  public @Nullable Behavior behavior() {
    return behavior;
  }

  /**
   * The default tolerance; a behavior's per-direction tolerances override it.
   *
   * @return the tolerance
   */
  public Tolerance tolerance() {
    return tolerance;
  }

  /**
   * The tolerance in effect: {@link #tolerance()} with the behavior's overrides.
   *
   * @return the effective tolerance
   */
  public Tolerance effectiveTolerance() {
    return behavior == null ? tolerance : behavior.tolerance(tolerance);
  }

  /**
   * The scale-down stabilization window of the legacy path.
   *
   * @return the window
   */
  public Duration downscaleStabilization() {
    return downscaleStabilization;
  }

  /**
   * The legacy scale-up limit factor.
   *
   * @return the factor
   */
  public double legacyScaleUpFactor() {
    return legacyScaleUpFactor;
  }

  /**
   * The legacy scale-up limit minimum.
   *
   * @return the minimum
   */
  public double legacyScaleUpMinimum() {
    return legacyScaleUpMinimum;
  }

  /**
   * Whether the policy may park the service at zero and bring it back from there (HPA's
   * {@code HPAScaleToZero}); scaling from zero needs an aggregated metric or a minimum above 0.
   *
   * @return true if allowed
   */
  public boolean allowScaleToZero() {
    return allowScaleToZero;
  }

  /** Builds {@link TrackingSettings}. Not thread-safe. */
  public static final class Builder {
    private int minReplicas = 1;
    private int maxReplicas = 1;
    private @Nullable Behavior behavior;
    private Tolerance tolerance = Tolerance.DEFAULT;
    private Duration downscaleStabilization = Behavior.DEFAULT_SCALE_DOWN_WINDOW;
    private double legacyScaleUpFactor = 2.0;
    private double legacyScaleUpMinimum = 4.0;
    private boolean allowScaleToZero;

    private Builder() {}

    /**
     * Sets the minimum count.
     *
     * @param value {@code >= 0}
     * @return this builder
     * @throws IllegalArgumentException if negative
     */
    public Builder minReplicas(int value) {
      if (value < 0) {
        throw new IllegalArgumentException("minReplicas must be >= 0: " + value);
      }
      this.minReplicas = value;
      return this;
    }

    /**
     * Sets the maximum count.
     *
     * @param value {@code >= 1}
     * @return this builder
     * @throws IllegalArgumentException if below 1
     */
    public Builder maxReplicas(int value) {
      if (value < 1) {
        throw new IllegalArgumentException("maxReplicas must be >= 1: " + value);
      }
      this.maxReplicas = value;
      return this;
    }

    /**
     * Sets the effective behavior; null selects the legacy path.
     *
     * @param value the behavior or null
     * @return this builder
     */
    public Builder behavior(@Nullable Behavior value) {
      this.behavior = value;
      return this;
    }

    /**
     * Sets the default tolerance.
     *
     * @param value the tolerance
     * @return this builder
     */
    public Builder tolerance(Tolerance value) {
      this.tolerance = Objects.requireNonNull(value, "tolerance");
      return this;
    }

    /**
     * Sets the legacy path's scale-down stabilization window.
     *
     * @param value {@code >= 0}
     * @return this builder
     * @throws IllegalArgumentException if negative
     */
    public Builder downscaleStabilization(Duration value) {
      if (value.isNegative()) {
        throw new IllegalArgumentException("downscaleStabilization must be >= 0: " + value);
      }
      this.downscaleStabilization = value;
      return this;
    }

    /**
     * Sets the legacy scale-up limit {@code max(factor x current, minimum)}.
     *
     * @param factor {@code > 0}
     * @param minimum {@code >= 0}
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder legacyScaleUpLimit(double factor, double minimum) {
      if (!(factor > 0) || !(minimum >= 0)) {
        throw new IllegalArgumentException("legacy scale-up limit out of range: factor=" + factor + " minimum=" + minimum);
      }
      this.legacyScaleUpFactor = factor;
      this.legacyScaleUpMinimum = minimum;
      return this;
    }

    /**
     * Allows scaling to and from zero.
     *
     * @param value true to allow
     * @return this builder
     */
    public Builder allowScaleToZero(boolean value) {
      this.allowScaleToZero = value;
      return this;
    }

    /**
     * Builds the settings.
     *
     * @return the settings
     * @throws IllegalStateException if {@code minReplicas > maxReplicas}
     */
    public TrackingSettings build() {
      if (minReplicas > maxReplicas) {
        throw new IllegalStateException("minReplicas (" + minReplicas + ") > maxReplicas (" + maxReplicas + ")");
      }
      return new TrackingSettings(this);
    }
  }
}
