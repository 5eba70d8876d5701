package io.dynamite.micrometer.bench;

import io.dynamite.core.bench.LargeFleet;
import io.dynamite.micrometer.DynamiteMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Core's tick benchmark ({@code EngineTickBenchmark}: 10,000 services x 10 instances, 100,000
 * samples and 20,000 threshold evaluations per tick) with and without the telemetry the daemon
 * runs: {@link DynamiteMetrics} as a listener and sample observer, bound to a Prometheus registry.
 * {@code telemetry=none} is the same fleet and tick as core's benchmark, so the params give the
 * cost of telemetry back to back in one run.
 *
 * <p>Run: see docs/benchmarks.md.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgs = {"-Xms2g", "-Xmx2g"})
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 10, time = 2)
public class TelemetryTickBenchmark {
  @Param({"10000"})
  int services;

  @Param({"10"})
  int instances;

  /**
   * {@code none}: core's benchmark as it is; {@code listener}: one listener that ignores every
   * event (what any listener costs: with one, the engine builds a decision record for every
   * evaluation that saw samples); {@code micrometer}: {@link DynamiteMetrics} bound to a
   * Prometheus registry, as in the daemon.
   */
  @Param({"none", "listener", "micrometer"})
  String telemetry;

  private LargeFleet fleet;
  private PrometheusMeterRegistry registry;

  /** Builds the fleet, with the telemetry bound when asked. */
  @Setup
  public void setUp() {
    if (telemetry.equals("none")) {
      fleet = new LargeFleet(services, instances);
      return;
    }
    if (telemetry.equals("listener")) {
      fleet = new LargeFleet(services, instances, List.of(event -> { }));
      return;
    }
    DynamiteMetrics metrics = new DynamiteMetrics();
    fleet = new LargeFleet(services, instances, List.of(metrics));
    registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    metrics.observe(fleet.engine).bindTo(registry);
  }

  /** One tick. */
  @Benchmark
  public void tick() {
    fleet.tick();
  }
}
