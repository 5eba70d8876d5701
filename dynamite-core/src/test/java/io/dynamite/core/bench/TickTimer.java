package io.dynamite.core.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * A quick view of tick times for profiling runs (JFR); the JMH benchmark is the reference. Prints
 * the mean and max wall-clock time of the last half of the ticks, and the mean CPU time the tick
 * thread used: on a machine shared with other builds the wall clock measures the neighbours as
 * much as the engine, the thread's CPU time much less so.
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
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    LargeFleet fleet = new LargeFleet(services, instances);
    long total = 0;
    long cpu = 0;
    long max = 0;
    int measured = 0;
    for (int i = 0; i < ticks; i++) {
      long c0 = threads.getCurrentThreadCpuTime();
      long t0 = System.nanoTime();
      fleet.tick();
      long d = System.nanoTime() - t0;
      long c = threads.getCurrentThreadCpuTime() - c0;
      if (i >= ticks / 2) {
        total += d;
        cpu += c;
        max = Math.max(max, d);
        measured++;
      }
    }
    System.out.printf("ticks=%d mean=%.2f ms max=%.2f ms cpu=%.2f ms (second half)%n", measured, total / 1e6 / measured,
        max / 1e6, cpu / 1e6 / measured);
  }
}
