package io.dynamite.sim;

/**
 * The M/M/c approximation behind the simulated latency: Poisson arrivals at the demand rate, each
 * serving instance one exponential server of rate {@code capacity}, one shared queue.
 */
final class Queueing {
  /** Latency reported when the queue is unstable (offered load at or above 100 %) or no instance serves. */
  static final double CAP_SECONDS = 60.0;

  private Queueing() {}

  /**
   * Mean time in the system, {@code W = C(c, a) / (c * mu - lambda) + 1 / mu}, with Erlang's C
   * formula computed through the Erlang B recursion; capped at {@link #CAP_SECONDS}.
   *
   * @param lambda arrival rate (the demand)
   * @param mu service rate of one instance (its capacity)
   * @param c serving instances
   * @return seconds
   */
  static double latencySeconds(double lambda, double mu, int c) {
    if (lambda <= 0) {
      return c > 0 ? 1.0 / mu : 0.0;
    }
    if (c <= 0) {
      return CAP_SECONDS;
    }
    double a = lambda / mu;
    double rho = a / c;
    if (rho >= 1) {
      return CAP_SECONDS;
    }
    double b = 1.0;
    for (int k = 1; k <= c; k++) {
      b = a * b / (k + a * b);
    }
    double erlangC = b / (1 - rho * (1 - b));
    double w = erlangC / (c * mu - lambda) + 1.0 / mu;
    return Math.min(w, CAP_SECONDS);
  }
}
