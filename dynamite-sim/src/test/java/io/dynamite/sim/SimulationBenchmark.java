package io.dynamite.sim;

import io.dynamite.core.config.DynamiteConfig;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * How fast the simulator runs: the original's threshold rule and a {@code target-tracking} policy
 * (target 60 %, HPA defaults) on a trace at 1-s sampling, each run a fresh engine, printing the
 * wall time and the CPU time of the simulating thread (the latter is what a loaded, shared machine
 * distorts least). Arguments: {@code [trace.csv [capacity [max_instance]]]}; without arguments the
 * 1-day NAB excerpt of the test resources with capacity 0.05 and max 60; capacity {@code auto}
 * takes the simulator's default (the peak needs 80 % of max_instance). System property {@code
 * bench.rounds} (default 3) sets the rounds per policy, {@code bench.policies} ({@code
 * threshold,target-tracking}) which policies run. Recorded in docs/benchmarks.md.
 */
public final class SimulationBenchmark {
  private SimulationBenchmark() {}

  public static void main(String[] args) throws Exception {
    Trace trace = args.length > 0 ? Trace.readCsv(Path.of(args[0])) : SimConfigs.trace("nab-elb-1day.csv");
    int max = args.length > 2 ? Integer.parseInt(args[2]) : 60;
    double capacity = args.length > 1 && !args[1].equals("auto") ? Double.parseDouble(args[1])
        : args.length > 1 ? ServiceModel.defaultCapacity(trace.peak(), max, 0.8) : 0.05;
    Path dir = Files.createTempDirectory("sim-bench");
    int rounds = Integer.getInteger("bench.rounds", 3);
    String[] policies = System.getProperty("bench.policies", "threshold,target-tracking").split(",");
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    System.out.printf(Locale.ROOT, "trace %s: %d rows, %.1f h; capacity %s, max_instance %d, sampling 1 s; %d CPUs%n",
        trace.name(), trace.rows(), trace.durationSeconds() / 3600, capacity, max, Runtime.getRuntime().availableProcessors());
    for (String kind : policies) {
      String yaml = kind.equals("threshold") ? SimConfigs.threshold(2, max) : SimConfigs.tracking(2, max);
      DynamiteConfig config = SimConfigs.load(dir, yaml);
      for (int i = 1; i <= rounds; i++) {
        long cpu0 = threads.getCurrentThreadCpuTime();
        SimulationResult r = Simulation.builder().config(config).trace(trace).model(ServiceModel.of(capacity)).run();
        double cpu = (threads.getCurrentThreadCpuTime() - cpu0) / 1e9;
        double s = r.wallTime().toNanos() / 1e9;
        System.out.printf(Locale.ROOT, "%-16s round %d: %6.2f s wall, %6.2f s CPU, %,d ticks, %,d samples (%,.0f samples/s wall), "
                + "%d actions, %d decisions, max %d instances%n",
            kind, i, s, cpu, r.timeline().size(), r.samples(), r.samples() / s, r.scores().scalingActions(), r.decisions(),
            r.scores().maxInstances());
      }
    }
  }
}
