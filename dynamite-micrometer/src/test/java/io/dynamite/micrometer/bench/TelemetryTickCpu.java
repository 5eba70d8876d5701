package io.dynamite.micrometer.bench;

import io.dynamite.api.event.EngineListener;
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
 * the CPU time of the ticking thread rather than wall time, and interleaved: the four variants
 * ({@code none}; {@code listener}, a no-op listener that receives holds; {@code no-holds}, the same
 * listener wrapped by {@link EngineListener#withoutHolds}; {@code micrometer}, see {@link
 * TelemetryTickBenchmark}) live in one JVM and tick in turn, so that a machine busy with other work
 * slows all of them alike instead
 * of whichever ran during a busy minute. Prints mean (with its standard error) and median per
 * variant, their ratios, and the bytes the ticking thread allocated per tick.
 *
 * <p>Arguments: services (default 10000), instances (10), measured rounds (60), warm-up rounds
 * (20); {@code -Dbench.variants=none,micrometer} measures only those (one variant per JVM is the
 * steadier comparison). Run: see docs/benchmarks.md.
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

    // -Dbench.variants=none,micrometer: only these, each fleet alone (a JVM per variant avoids
    // one fleet's heap layout and cache footprint weighing on another's figures)
    String[] names = System.getProperty("bench.variants", "none,listener,no-holds,micrometer").split(",");
    int variants = names.length;
    LargeFleet[] fleets = new LargeFleet[variants];
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    for (int v = 0; v < variants; v++) {
      fleets[v] = switch (names[v]) {
        case "none" -> new LargeFleet(services, instances);
        case "listener" -> new LargeFleet(services, instances, List.of(event -> { }));
        case "no-holds" -> new LargeFleet(services, instances, List.of(EngineListener.withoutHolds(event -> { })));
        case "micrometer" -> {
          DynamiteMetrics metrics = new DynamiteMetrics();
          LargeFleet f = new LargeFleet(services, instances, List.of(metrics));
          metrics.observe(f.engine).bindTo(registry);
          yield f;
        }
        default -> throw new IllegalArgumentException("unknown variant " + names[v]);
      };
    }

    long[][] nanos = new long[variants][rounds];
    long[][] bytes = new long[variants][rounds];
    for (int r = 0; r < warmup + rounds; r++) {
      for (int v = 0; v < variants; v++) {
        // rotate the order each round, so that no variant always follows the same one
        int i = (v + r) % variants;
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
    double listener = mean(nanos[Math.min(1, variants - 1)]);
    System.out.printf("%d services x %d instances, %d rounds after %d warm-up, thread CPU time per tick%n",
        services, instances, rounds, warmup);
    for (int i = 0; i < variants; i++) {
      System.out.printf("%-10s mean %7.2f ms +/- %.2f (s.e.)  median %7.2f ms  (%+.1f %% vs %s, %+.1f %% vs %s)"
          + "  allocated %.2f MB/tick%n", names[i], mean(nanos[i]) / 1e6, stderr(nanos[i]) / 1e6, median(nanos[i]) / 1e6,
          100 * (mean(nanos[i]) / base - 1), names[0], 100 * (mean(nanos[i]) / listener - 1), names[Math.min(1, variants - 1)],
          mean(bytes[i]) / 1e6);
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
