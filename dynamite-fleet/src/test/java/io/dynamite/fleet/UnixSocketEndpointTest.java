package io.dynamite.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import io.dynamite.api.UnitOption;
import io.dynamite.sandbox.fleet.FakeFleetServer;
import io.dynamite.testkit.fleet.UnixSocketRelay;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Talks to {@link FakeFleetServer} through a unix socket ({@link UnixSocketRelay}), as
 * fleet.socket would hand {@code /var/run/fleet.sock} to fleetd.
 */
class UnixSocketEndpointTest {
  @TempDir Path dir;

  @Test
  void clientWorksOverAUnixSocket() throws Exception {
    try (FakeFleetServer fleet = FakeFleetServer.start();
        UnixSocketRelay relay = UnixSocketRelay.start(dir.resolve("fleet.sock"), fleet.port());
        FleetClient client = FleetClient.builder(relay.endpoint()).build()) {
      assertThat(client.createUnit("u.service", DesiredState.LAUNCHED,
          List.of(UnitOption.of("Service", "ExecStart", "/bin/true"))).toCompletableFuture().get(10, TimeUnit.SECONDS)).isTrue();
      assertThat(client.listUnits().toCompletableFuture().get(10, TimeUnit.SECONDS))
          .extracting(FleetUnit::name).containsExactly("u.service");
      assertThat(client.listStates(null, "u.service").toCompletableFuture().get(10, TimeUnit.SECONDS))
          .extracting(FleetUnitState::activeState).containsExactly("active");
    }
  }
}
