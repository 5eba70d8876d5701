package io.dynamite.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.dynamite.core.config.DynamiteConfig;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A whole day at 1-s sampling runs through: the original's threshold rule on the 1-day NAB
 * excerpt, one tick per second, samples from every serving instance, the service scaling. How fast
 * is measured by {@link SimulationBenchmark} (docs/benchmarks.md), not here: a wall-clock bound in
 * a test fails on a loaded machine and proves nothing on a quiet one.
 */
class SimulatedDayTest {
  @TempDir Path dir;

  @Test
  void aDayAtOneSecondSamplingRunsThrough() {
    Trace day = SimConfigs.trace("nab-elb-1day.csv");
    DynamiteConfig config = SimConfigs.load(dir, SimConfigs.threshold(2, 60));
    SimulationResult r = Simulation.builder().config(config).trace(day).model(ServiceModel.of(0.05)).run();
    assertThat(r.timeline().size()).isEqualTo(86_700);
    assertThat(r.engineErrors()).isEmpty();
    assertThat(r.scores().scalingActions()).isPositive();
    assertThat(r.scores().stops()).isPositive();
    assertThat(r.samples()).isGreaterThan(86_700L * 2);
  }
}
