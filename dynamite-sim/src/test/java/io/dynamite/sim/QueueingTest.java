package io.dynamite.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class QueueingTest {
  @Test
  void oneServerIsMm1() {
    // M/M/1: W = 1 / (mu - lambda)
    assertThat(Queueing.latencySeconds(8, 10, 1)).isCloseTo(0.5, within(1e-12));
  }

  @Test
  void twoServersMatchErlangC() {
    // M/M/2, lambda = 1, mu = 1: a = 1, rho = 0.5, C = 1/3, W = C / (2 - 1) + 1 = 4/3
    assertThat(Queueing.latencySeconds(1, 1, 2)).isCloseTo(4.0 / 3, within(1e-12));
  }

  @Test
  void edgesAreCapped() {
    assertThat(Queueing.latencySeconds(10, 10, 1)).isEqualTo(Queueing.CAP_SECONDS);
    assertThat(Queueing.latencySeconds(5, 10, 0)).isEqualTo(Queueing.CAP_SECONDS);
    assertThat(Queueing.latencySeconds(0, 10, 3)).isEqualTo(0.1);
    // more servers never make it slower
    double prev = Double.MAX_VALUE;
    for (int c = 10; c < 40; c++) {
      double w = Queueing.latencySeconds(95, 10, c);
      assertThat(w).isLessThanOrEqualTo(prev);
      prev = w;
    }
  }
}
