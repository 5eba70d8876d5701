package io.dynamite.core.bench;

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
 * One evaluation tick over 10,000 services x 10 instances with per-instance threshold policies
 * (20,000 policies, 100,000 new samples per tick, including the samples' creation by the source).
 *
 * <p>Run: see docs/benchmarks.md.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgs = {"-Xms2g", "-Xmx2g"})
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
public class EngineTickBenchmark {
  @Param({"10000"})
  int services;

  @Param({"10"})
  int instances;

  private LargeFleet fleet;

  /** Builds the fleet and starts every instance. */
  @Setup
  public void setUp() {
    fleet = new LargeFleet(services, instances);
  }

  /** One tick. */
  @Benchmark
  public void tick() {
    fleet.tick();
  }
}
