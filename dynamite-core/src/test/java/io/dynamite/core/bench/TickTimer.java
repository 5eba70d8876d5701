package io.dynamite.core.bench;

/**
 * A quick wall-clock view of tick times for profiling runs (JFR); the JMH benchmark is the
 * reference. Prints the mean and max of the last ticks.
 */
public final class TickTimer {
  private TickTimer() {}

  /**
   * Entry point.
   *
   * @param args optional: services instances ticks
   */
  public static void main(String[] args) {
    int services = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
    int instances = args.length > 1 ? Integer.parseInt(args[1]) : 10;
    int ticks = args.length > 2 ? Integer.parseInt(args[2]) : 300;
    LargeFleet fleet = new LargeFleet(services, instances);
    long total = 0;
    long max = 0;
    int measured = 0;
    for (int i = 0; i < ticks; i++) {
      long t0 = System.nanoTime();
      fleet.tick();
      long d = System.nanoTime() - t0;
      if (i >= ticks / 2) {
        total += d;
        max = Math.max(max, d);
        measured++;
      }
    }
    System.out.printf("ticks=%d mean=%.2f ms max=%.2f ms (second half)%n", measured, total / 1e6 / measured, max / 1e6);
  }
}
