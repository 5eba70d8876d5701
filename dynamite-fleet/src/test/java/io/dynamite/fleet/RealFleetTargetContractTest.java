package io.dynamite.fleet;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;

/**
 * Runs the contract against a real fleetd when {@code -Dfleet.endpoint=http://127.0.0.1:49153}
 * (or {@code unix:///var/run/fleet.sock}) is given. Only units with a random {@code dyntest}
 * prefix are created, and they are destroyed after each test.
 */
class RealFleetTargetContractTest extends FleetTargetContract {
  private static final String ENDPOINT = System.getProperty("fleet.endpoint", "");

  @BeforeEach
  @Override
  void createTarget() {
    Assumptions.assumeTrue(
        !ENDPOINT.isBlank(),
        "real fleetd contract skipped: set -Dfleet.endpoint=http://127.0.0.1:<port> (or unix:///var/run/fleet.sock) to run it");
    super.createTarget();
  }

  @Override
  protected String endpoint() {
    return ENDPOINT;
  }

  @AfterEach
  @Override
  void removeTestUnits() throws Exception {
    if (client != null) {
      super.removeTestUnits();
    }
  }
}
