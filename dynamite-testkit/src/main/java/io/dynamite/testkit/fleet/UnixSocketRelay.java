package io.dynamite.testkit.fleet;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Serves a loopback TCP server (typically a {@link io.dynamite.sandbox.fleet.FakeFleetServer}) on a unix socket file, the
 * way CoreOS's {@code fleet.socket} hands {@code /var/run/fleet.sock} to fleetd, so that clients
 * configured with {@code unix:///...} endpoints can be tested. Every accepted connection is
 * forwarded byte for byte to {@code 127.0.0.1:<port>} by two daemon threads.
 *
 * <p>Thread-safe; {@link #close()} stops accepting and deletes the socket file.
 *
 * @since 0.1
 */
public final class UnixSocketRelay implements AutoCloseable {
  private final Path socket;
  private final ServerSocketChannel server;

  private UnixSocketRelay(Path socket, ServerSocketChannel server) {
    this.socket = socket;
    this.server = server;
  }

  /**
   * Binds the socket file and starts relaying.
   *
   * @param socket the socket file to create; it must not exist
   * @param tcpPort the loopback port to forward to
   * @return the running relay
   * @throws UncheckedIOException if the socket cannot be bound
   */
  public static UnixSocketRelay start(Path socket, int tcpPort) {
    Objects.requireNonNull(socket, "socket");
    try {
      ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
      server.bind(UnixDomainSocketAddress.of(socket));
      UnixSocketRelay relay = new UnixSocketRelay(socket, server);
      Thread acceptor = new Thread(() -> relay.accept(tcpPort), "unix-relay-" + socket.getFileName());
      acceptor.setDaemon(true);
      acceptor.start();
      return relay;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot bind unix socket " + socket, e);
    }
  }

  /**
   * Returns the endpoint to give a fleet client.
   *
   * @return {@code unix://} followed by the socket file's absolute path
   */
  public String endpoint() {
    return "unix://" + socket.toAbsolutePath();
  }

  private void accept(int port) {
    try {
      while (true) {
        SocketChannel unix = server.accept();
        SocketChannel tcp = SocketChannel.open(new InetSocketAddress("127.0.0.1", port));
        pump(unix, tcp);
        pump(tcp, unix);
      }
    } catch (IOException closed) {
      // close() closed the server channel: stop accepting
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
        // one side closed the connection; closing both ends is all there is to do
      }
    }, "unix-relay-pump");
    t.setDaemon(true);
    t.start();
  }

  /** Stops accepting connections and deletes the socket file. Idempotent. */
  @Override
  public void close() {
    try {
      server.close();
      Files.deleteIfExists(socket);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot close unix socket relay " + socket, e);
    }
  }
}
