package io.dynamite.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ServiceModelTest {
  @Test
  void theDefaultCapacityMakesThePeakNeedEightyPercentOfTheMaximum() {
    // peak 316, max 40, objective 80 %: 316 / (0.8 x 40 x 0.8) = 12.34375 -> 12.3
    assertThat(ServiceModel.defaultCapacity(316, 40, 0.8)).isEqualTo(12.3);
    // at that capacity the peak needs ceil(316 / (12.3 x 0.8)) = 33 instances, about 80 % of 40
    assertThat(Math.ceil(316 / (12.3 * 0.8))).isEqualTo(33.0);
    assertThat(ServiceModel.defaultCapacity(2.187, 10, 1.0)).isEqualTo(0.273);
    assertThat(ServiceModel.defaultCapacity(78_120, 100, 0.8)).isEqualTo(1220.0);
    assertThatThrownBy(() -> ServiceModel.defaultCapacity(0, 40, 0.8)).hasMessageContaining("peak demand must be positive");
    assertThatThrownBy(() -> ServiceModel.defaultCapacity(10, Integer.MAX_VALUE, 0.8)).hasMessageContaining("bounded");
    assertThatThrownBy(() -> ServiceModel.defaultCapacity(10, 4, 0)).hasMessageContaining("objective");
  }

  @Test
  void validatesItsComponents() {
    assertThatThrownBy(() -> ServiceModel.of(0)).hasMessageContaining("capacity");
    assertThatThrownBy(() -> ServiceModel.of(1).withStartFailureRate(1)).hasMessageContaining("startFailureRate");
    assertThatThrownBy(() -> ServiceModel.of(1).withNoise(-0.1)).hasMessageContaining("noise");
    assertThat(ServiceModel.of(3).startupDelay()).isEqualTo(ServiceModel.DEFAULT_STARTUP_DELAY);
  }
}
