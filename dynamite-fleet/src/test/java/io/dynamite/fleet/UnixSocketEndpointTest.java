package io.dynamite.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import io.dynamite.api.UnitOption;
import io.dynamite.testkit.fleet.FakeFleetServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Talks to {@link FakeFleetServer} through a unix socket: a relay bound to a socket file
 * forwards each connection to the fake's loopback port, as fleet.socket would hand it to fleetd.
 */
class UnixSocketEndpointTest {
  @TempDir Path dir;

  @Test
  void clientWorksOverAUnixSocket() throws Exception {
    Path sock = dir.resolve("fleet.sock");
    try (FakeFleetServer fleet = FakeFleetServer.start();
        ServerSocketChannel relay = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      relay.bind(UnixDomainSocketAddress.of(sock));
      Thread acceptor = new Thread(() -> relay(relay, fleet.port()), "unix-relay");
      acceptor.setDaemon(true);
      acceptor.start();
      try (FleetClient client = FleetClient.builder("unix://" + sock).build()) {
        assertThat(client.createUnit("u.service", DesiredState.LAUNCHED,
            List.of(UnitOption.of("Service", "ExecStart", "/bin/true"))).toCompletableFuture().get(10, TimeUnit.SECONDS)).isTrue();
        assertThat(client.listUnits().toCompletableFuture().get(10, TimeUnit.SECONDS))
            .extracting(FleetUnit::name).containsExactly("u.service");
        assertThat(client.listStates(null, "u.service").toCompletableFuture().get(10, TimeUnit.SECONDS))
            .extracting(FleetUnitState::activeState).containsExactly("active");
      }
    } finally {
      Files.deleteIfExists(sock);
    }
  }

  private static void relay(ServerSocketChannel server, int port) {
    try {
      while (true) {
        SocketChannel unix = server.accept();
        SocketChannel tcp = SocketChannel.open(new InetSocketAddress("127.0.0.1", port));
        pump(unix, tcp);
        pump(tcp, unix);
      }
    } catch (IOException closed) {
      // the test closed the relay
    }
  }

  private static void pump(SocketChannel from, SocketChannel to) {
    Thread t = new Thread(() -> {
      ByteBuffer buf = ByteBuffer.allocate(16 * 1024);
      try (from; to) {
        while (from.read(buf) >= 0) {
          buf.flip();
          while (buf.hasRemaining()) {
            to.write(buf);
          }
          buf.clear();
        }
      } catch (IOException e) {
        // one side closed
      }
    }, "unix-relay-pump");
    t.setDaemon(true);
    t.start();
  }
}
