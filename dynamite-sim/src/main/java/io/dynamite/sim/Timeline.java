package io.dynamite.sim;

/**
 * What the simulation observed at every sampling tick of the trace (warm-up excluded), each
 * value taken at the tick's time before the engine reacts to that tick's samples. Accessors return
 * copies.
 *
 * @since 0.3
 */
public final class Timeline {
  private final double[] seconds;
  private final double[] weights;
  private final double[] demand;
  private final int[] provisioned;
  private final int[] serving;
  private final int[] needed;
  private final double[] utilization;
  private final double[] latencyMillis;

  Timeline(double[] seconds, double[] weights, double[] demand, int[] provisioned, int[] serving, int[] needed,
      double[] utilization, double[] latencyMillis) {
    this.seconds = seconds;
    this.weights = weights;
    this.demand = demand;
    this.provisioned = provisioned;
    this.serving = serving;
    this.needed = needed;
    this.utilization = utilization;
    this.latencyMillis = latencyMillis;
  }

  /**
   * Returns the number of ticks.
   *
   * @return the size
   */
  public int size() {
    return seconds.length;
  }

  /**
   * Returns each tick's trace time.
   *
   * @return seconds since the trace's start
   */
  public double[] seconds() {
    return seconds.clone();
  }

  /**
   * Returns how long each tick stands for (the sampling interval; the last may be shorter).
   *
   * @return seconds
   */
  public double[] weights() {
    return weights.clone();
  }

  /**
   * Returns the demand at each tick, after scaling.
   *
   * @return demand in the trace's unit
   */
  public double[] demand() {
    return demand.clone();
  }

  /**
   * Returns the instances provisioned (starting, running, stopping) at each tick.
   *
   * @return counts
   */
  public int[] provisioned() {
    return provisioned.clone();
  }

  /**
   * Returns the instances serving demand (running, not stopping) at each tick.
   *
   * @return counts
   */
  public int[] serving() {
    return serving.clone();
  }

  /**
   * Returns the fewest instances that would have met the objective at each tick.
   *
   * @return counts
   */
  public int[] needed() {
    return needed.clone();
  }

  /**
   * Returns the offered utilization at each tick: demand / (serving instances x capacity), without
   * noise and without cap; infinite when demand meets no serving instance.
   *
   * @return fractions (1.0 = 100 %)
   */
  public double[] utilization() {
    return utilization.clone();
  }

  /**
   * Returns the modelled mean latency at each tick (M/M/c, capped at 60 s).
   *
   * @return milliseconds
   */
  public double[] latencyMillis() {
    return latencyMillis.clone();
  }
}
