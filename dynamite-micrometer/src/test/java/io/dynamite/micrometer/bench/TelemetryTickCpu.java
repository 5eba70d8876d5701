package io.dynamite.micrometer.bench;

import io.dynamite.core.bench.LargeFleet;
import io.dynamite.micrometer.DynamiteMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.List;

/**
 * The cost of telemetry on core's tick (the fleet of {@code EngineTickBenchmark}), measured as
 * the CPU time of the ticking thread rather than wall time, and interleaved: the three variants
 * ({@code none}, {@code listener}, {@code micrometer}, see {@link TelemetryTickBenchmark}) live in
 * one JVM and tick in turn, so that a machine busy with other work slows all three alike instead
 * of whichever ran during a busy minute. Prints mean (with its standard error) and median per
 * variant, their ratios, and the bytes the ticking thread allocated per tick.
 *
 * <p>Arguments: services (default 10000), instances (10), measured rounds (60), warm-up rounds
 * (20). Run: see docs/benchmarks.md.
 */
public final class TelemetryTickCpu {
  private TelemetryTickCpu() {}

  /**
   * Runs the measurement.
   *
   * @param args services, instances, rounds, warm-up rounds
   */
  public static void main(String[] args) {
    int services = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
    int instances = args.length > 1 ? Integer.parseInt(args[1]) : 10;
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 60;
    int warmup = args.length > 3 ? Integer.parseInt(args[3]) : 20;
    ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
    com.sun.management.ThreadMXBean alloc = (com.sun.management.ThreadMXBean) cpu;
    long self = Thread.currentThread().getId();

    String[] names = {"none", "listener", "micrometer"};
    LargeFleet[] fleets = new LargeFleet[3];
    fleets[0] = new LargeFleet(services, instances);
    fleets[1] = new LargeFleet(services, instances, List.of(event -> { }));
    DynamiteMetrics metrics = new DynamiteMetrics();
    fleets[2] = new LargeFleet(services, instances, List.of(metrics));
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    metrics.observe(fleets[2].engine).bindTo(registry);

    long[][] nanos = new long[3][rounds];
    long[][] bytes = new long[3][rounds];
    for (int r = 0; r < warmup + rounds; r++) {
      for (int v = 0; v < 3; v++) {
        // rotate the order each round, so that no variant always follows the same one
        int i = (v + r) % 3;
        long allocated = alloc.getThreadAllocatedBytes(self);
        long start = cpu.getCurrentThreadCpuTime();
        fleets[i].tick();
        long took = cpu.getCurrentThreadCpuTime() - start;
        allocated = alloc.getThreadAllocatedBytes(self) - allocated;
        if (r >= warmup) {
          nanos[i][r - warmup] = took;
          bytes[i][r - warmup] = allocated;
        }
      }
    }
    double base = mean(nanos[0]);
    System.out.printf("%d services x %d instances, %d rounds after %d warm-up, thread CPU time per tick%n",
        services, instances, rounds, warmup);
    for (int i = 0; i < 3; i++) {
      System.out.printf("%-10s mean %7.2f ms +/- %.2f (s.e.)  median %7.2f ms  (%+.1f %% vs none, %+.1f %% vs listener)"
          + "  allocated %.2f MB/tick%n", names[i], mean(nanos[i]) / 1e6, stderr(nanos[i]) / 1e6, median(nanos[i]) / 1e6,
          100 * (mean(nanos[i]) / base - 1), 100 * (mean(nanos[i]) / mean(nanos[1]) - 1), mean(bytes[i]) / 1e6);
    }
    // keep the registry reachable (and show it holds the meters) so nothing is optimised away
    System.out.println("meters registered: " + registry.getMeters().size());
  }

  private static double mean(long[] xs) {
    return Arrays.stream(xs).average().orElse(Double.NaN);
  }

  private static double stderr(long[] xs) {
    double m = mean(xs);
    double var = Arrays.stream(xs).mapToDouble(x -> (x - m) * (x - m)).sum() / (xs.length - 1);
    return Math.sqrt(var / xs.length);
  }

  private static double median(long[] xs) {
    long[] s = xs.clone();
    Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2.0;
  }
}
