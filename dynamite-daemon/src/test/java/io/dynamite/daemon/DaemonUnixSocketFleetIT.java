package io.dynamite.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dynamite.testkit.etcd.EtcdProcess;
import io.dynamite.sandbox.fleet.FakeFleetServer;
import io.dynamite.testkit.fleet.UnixSocketRelay;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The daemon jar reaching fleet through its unix socket ({@code --fleet unix:///...}), as on a
 * CoreOS host where {@code fleet.socket} serves {@code /var/run/fleet.sock}.
 */
class DaemonUnixSocketFleetIT {
  @TempDir Path dir;

  @Test
  void startsTheMinimumThroughFleetsUnixSocket() throws Exception {
    Path config = OriginalFixture.prepare(dir);
    try (EtcdProcess etcd = EtcdProcess.start();
        FakeFleetServer fleet = FakeFleetServer.start();
        UnixSocketRelay socket = UnixSocketRelay.start(dir.resolve("fleet.sock"), fleet.port())) {
      DaemonProcess d = DaemonProcess.start(dir.resolve("daemon.log"), Map.of(),
          "-c", config.toString(), "--etcd", etcd.endpoint(), "--fleet", socket.endpoint(), "--status-port", "0");
      try (d) {
        // the original test config's minimum: a (min 2) with two attached units each, and example
        await("start-up top-up over the unix socket").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
            .untilAsserted(() -> {
              assertThat(d.isAlive()).as(d.output()).isTrue();
              assertThat(fleet.unitNames()).hasSize(7);
            });
        assertThat(d.output()).contains("fleet endpoint=" + socket.endpoint() + " (from --fleet)");
        assertThat(d.terminate(40)).as(d.output()).isZero();
      }
    }
  }
}
