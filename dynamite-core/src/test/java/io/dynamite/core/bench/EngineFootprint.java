package io.dynamite.core.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;

/**
 * Prints the engine's retained heap per instance for 10,000 services x 10 instances, after 100
 * ticks (so per-uuid rule state exists for every instance). Run with a fixed heap, see
 * docs/benchmarks.md.
 */
public final class EngineFootprint {
  private EngineFootprint() {}

  /**
   * Entry point.
   *
   * @param args optional: services instances
   */
  public static void main(String[] args) {
    int services = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
    int instances = args.length > 1 ? Integer.parseInt(args[1]) : 10;
    boolean bookkeeping = args.length > 2 && args[2].equals("recording-target");
    MemoryMXBean mem = ManagementFactory.getMemoryMXBean();
    long before = used(mem);
    LargeFleet fleet = new LargeFleet(services, instances, bookkeeping);
    for (int i = 0; i < 100; i++) {
      fleet.tick();
    }
    long after = used(mem);
    int total = services * instances;
    System.out.printf("services=%d instances=%d total=%d%n", services, instances, total);
    System.out.printf("target=%s retained heap: %.1f MB, %.0f bytes per instance%n",
        bookkeeping ? "FakeScalingTarget (records every action)" : "none (engine only)",
        (after - before) / 1e6, (after - before) / (double) total);
    System.out.println("running=" + fleet.engine.snapshot().services().stream().mapToInt(s -> s.view().running()).sum());
  }

  private static long used(MemoryMXBean mem) {
    for (int i = 0; i < 5; i++) {
      System.gc();
    }
    return mem.getHeapMemoryUsage().getUsed();
  }
}
