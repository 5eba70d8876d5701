package io.dynamite.sim;

import io.dynamite.core.config.DynamiteConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * How fast a day simulates: runs the threshold and the target-tracking configurations on a trace at
 * 1-s sampling and prints the wall time. Arguments: {@code [trace.csv [capacity [max_instance]]]};
 * without arguments the 1-day NAB excerpt of the test resources with capacity 0.05 and max 60.
 * Recorded in docs/benchmarks.md.
 */
public final class SimulationBenchmark {
  private SimulationBenchmark() {}

  public static void main(String[] args) throws Exception {
    Trace trace = args.length > 0 ? Trace.readCsv(Path.of(args[0])) : SimConfigs.trace("nab-elb-1day.csv");
    double capacity = args.length > 1 ? Double.parseDouble(args[1]) : 0.05;
    int max = args.length > 2 ? Integer.parseInt(args[2]) : 60;
    Path dir = Files.createTempDirectory("sim-bench");
    int rounds = Integer.getInteger("bench.rounds", 3);
    System.out.printf(Locale.ROOT, "trace %s: %d rows, %.1f h; capacity %s, max_instance %d, sampling 1 s%n",
        trace.name(), trace.rows(), trace.durationSeconds() / 3600, capacity, max);
    for (String kind : new String[] {"threshold", "target-tracking"}) {
      String yaml = kind.equals("threshold") ? SimConfigs.threshold(2, max) : SimConfigs.tracking(2, max);
      DynamiteConfig config = SimConfigs.load(dir, yaml);
      for (int i = 1; i <= rounds; i++) {
        SimulationResult r = Simulation.builder().config(config).trace(trace).model(ServiceModel.of(capacity)).run();
        double s = r.wallTime().toNanos() / 1e9;
        System.out.printf(Locale.ROOT, "%-16s round %d: %6.2f s wall, %d ticks, %,d samples (%,.0f samples/s), %d actions, %d decisions, max %d instances%n",
            kind, i, s, r.timeline().size(), r.samples(), r.samples() / s, r.scores().scalingActions(), r.decisions(),
            r.scores().maxInstances());
      }
    }
  }
}
