package io.dynamite.sim;

import java.time.Duration;
import java.util.Objects;

/**
 * How the simulated service behaves: what one instance can serve and how long instances take to
 * start and stop. Immutable; start from {@link #of(double)} and change fields with the {@code
 * with...} methods.
 *
 * @param capacity the demand one instance serves at 100 % utilization, in the trace's unit
 *     (requests/s per instance, cores per instance, ...); positive
 * @param startupDelay from the start request to the instance serving (default 7 s: a real fleetd
 *     shows units active 6–8 s after the launch request); not negative
 * @param stopDelay from the stop request to the instance being gone; it serves nothing in between
 *     but still counts as provisioned (default 1 s); not negative
 * @param startFailureRate probability that a start fails after the start-up delay, drawn from the
 *     simulation's seeded random numbers (default 0); in [0, 1)
 * @param noise relative standard deviation of the Gaussian noise on every reported metric value
 *     ({@code value * (1 + noise * N(0,1))}, floored at 0; default 0.05); not negative
 * @param utilizationCap the highest utilization an instance reports, in percent (default 100: a
 *     CPU cannot be busier than busy); scores use the uncapped offered load
 * @since 0.3
 */
public record ServiceModel(
    double capacity,
    Duration startupDelay,
    Duration stopDelay,
    double startFailureRate,
    double noise,
    double utilizationCap) {

  /** The default start-up delay, 7 s. */
  public static final Duration DEFAULT_STARTUP_DELAY = Duration.ofSeconds(7);

  /** The default stop delay, 1 s. */
  public static final Duration DEFAULT_STOP_DELAY = Duration.ofSeconds(1);

  /** The default relative noise, 0.05. */
  public static final double DEFAULT_NOISE = 0.05;

  /** The share of {@code max_instance} the trace's peak should need with the default capacity, 0.8. */
  public static final double DEFAULT_PEAK_SHARE = 0.8;

  /**
   * The default per-instance capacity: the one with which the trace's peak demand needs {@link
   * #DEFAULT_PEAK_SHARE} of the service's {@code max_instance} at the utilization objective, that
   * is {@code peak / (0.8 x max_instance x objective)}, rounded to three significant digits so the
   * printed value reproduces the run.
   *
   * @param peakDemand the trace's highest demand (after scaling), positive
   * @param maxInstance the service's {@code max_instance}, positive
   * @param sloUtilization the utilization objective as a fraction (0.8 = 80 %), positive
   * @return the capacity
   * @throws IllegalArgumentException if an argument is not positive and finite
   */
  public static double defaultCapacity(double peakDemand, int maxInstance, double sloUtilization) {
    if (!(peakDemand > 0) || !Double.isFinite(peakDemand)) {
      throw new IllegalArgumentException("the trace's peak demand must be positive to derive a capacity: " + peakDemand);
    }
    if (maxInstance <= 0 || maxInstance == Integer.MAX_VALUE) {
      throw new IllegalArgumentException("a capacity can be derived only from a bounded, positive max_instance: " + maxInstance);
    }
    if (!(sloUtilization > 0) || !Double.isFinite(sloUtilization)) {
      throw new IllegalArgumentException("the utilization objective must be positive: " + sloUtilization);
    }
    double c = peakDemand / (DEFAULT_PEAK_SHARE * maxInstance * sloUtilization);
    return new java.math.BigDecimal(c).round(new java.math.MathContext(3)).doubleValue();
  }

  /**
   * Validates the components.
   *
   * @param capacity the demand one instance serves at 100 % utilization, in the trace's unit
   *     (requests/s per instance, cores per instance, ...); positive
   * @param startupDelay from the start request to the instance serving (default 7 s: a real fleetd
   *     shows units active 6–8 s after the launch request); not negative
   * @param stopDelay from the stop request to the instance being gone; it serves nothing in between
   *     but still counts as provisioned (default 1 s); not negative
   * @param startFailureRate probability that a start fails after the start-up delay, drawn from the
   *     simulation's seeded random numbers (default 0); in [0, 1)
   * @param noise relative standard deviation of the Gaussian noise on every reported metric value
   *     ({@code value * (1 + noise * N(0,1))}, floored at 0; default 0.05); not negative
   * @param utilizationCap the highest utilization an instance reports, in percent (default 100: a
   *     CPU cannot be busier than busy); scores use the uncapped offered load
   * @throws IllegalArgumentException naming the bad component
   */
  public ServiceModel {
    if (!(capacity > 0) || !Double.isFinite(capacity)) {
      throw new IllegalArgumentException("capacity must be positive and finite: " + capacity);
    }
    Objects.requireNonNull(startupDelay, "startupDelay");
    Objects.requireNonNull(stopDelay, "stopDelay");
    if (startupDelay.isNegative()) {
      throw new IllegalArgumentException("startupDelay must not be negative: " + startupDelay);
    }
    if (stopDelay.isNegative()) {
      throw new IllegalArgumentException("stopDelay must not be negative: " + stopDelay);
    }
    if (!(startFailureRate >= 0 && startFailureRate < 1)) {
      throw new IllegalArgumentException("startFailureRate must be in [0, 1): " + startFailureRate);
    }
    if (!(noise >= 0) || !Double.isFinite(noise)) {
      throw new IllegalArgumentException("noise must be finite and not negative: " + noise);
    }
    if (!(utilizationCap > 0) || Double.isNaN(utilizationCap)) {
      throw new IllegalArgumentException("utilizationCap must be positive: " + utilizationCap);
    }
  }

  /**
   * Returns a model with the given capacity and every other field at its default.
   *
   * @param capacity demand one instance serves at 100 %
   * @return the model
   */
  public static ServiceModel of(double capacity) {
    return new ServiceModel(capacity, DEFAULT_STARTUP_DELAY, DEFAULT_STOP_DELAY, 0, DEFAULT_NOISE, 100);
  }

  /**
   * Returns a copy with another capacity.
   *
   * @param c the capacity
   * @return the copy
   */
  public ServiceModel withCapacity(double c) {
    return new ServiceModel(c, startupDelay, stopDelay, startFailureRate, noise, utilizationCap);
  }

  /**
   * Returns a copy with another start-up delay.
   *
   * @param d the delay
   * @return the copy
   */
  public ServiceModel withStartupDelay(Duration d) {
    return new ServiceModel(capacity, d, stopDelay, startFailureRate, noise, utilizationCap);
  }

  /**
   * Returns a copy with another stop delay.
   *
   * @param d the delay
   * @return the copy
   */
  public ServiceModel withStopDelay(Duration d) {
    return new ServiceModel(capacity, startupDelay, d, startFailureRate, noise, utilizationCap);
  }

  /**
   * Returns a copy with another start failure rate.
   *
   * @param rate the probability
   * @return the copy
   */
  public ServiceModel withStartFailureRate(double rate) {
    return new ServiceModel(capacity, startupDelay, stopDelay, rate, noise, utilizationCap);
  }

  /**
   * Returns a copy with other noise.
   *
   * @param relative the relative standard deviation
   * @return the copy
   */
  public ServiceModel withNoise(double relative) {
    return new ServiceModel(capacity, startupDelay, stopDelay, startFailureRate, relative, utilizationCap);
  }

  /**
   * Returns a copy with another utilization cap.
   *
   * @param percent the cap
   * @return the copy
   */
  public ServiceModel withUtilizationCap(double percent) {
    return new ServiceModel(capacity, startupDelay, stopDelay, startFailureRate, noise, percent);
  }
}
