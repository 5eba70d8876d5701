package io.dynamite.fleet.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import javax.net.SocketFactory;
import org.jspecify.annotations.Nullable;

/**
 * Gives okhttp sockets that connect to fleet's unix socket ({@code /var/run/fleet.sock}) whatever
 * host and port okhttp asks for. JDK 16+ can open unix-domain {@link SocketChannel}s, but {@code
 * SocketChannel.socket()} is unsupported for them, and okhttp needs a {@link Socket}; hence this
 * adapter over the channel.
 *
 * <p>Read timeouts: okhttp enforces them with its own watchdog, which closes the socket; closing
 * the channel aborts a blocked read with an {@link IOException}.
 */
public final class UnixDomainSocketFactory extends SocketFactory {
  private final Path path;

  /**
   * Creates a factory for one socket file.
   *
   * @param path the socket file, for example {@code /var/run/fleet.sock}
   */
  public UnixDomainSocketFactory(Path path) {
    this.path = path;
  }

  @Override
  public Socket createSocket() {
    return new UnixSocket(path);
  }

  @Override
  public Socket createSocket(String host, int port) throws IOException {
    return connected();
  }

  @Override
  public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
    return connected();
  }

  @Override
  public Socket createSocket(InetAddress host, int port) throws IOException {
    return connected();
  }

  @Override
  public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
      throws IOException {
    return connected();
  }

  private Socket connected() throws IOException {
    Socket s = createSocket();
    s.connect(UnixDomainSocketAddress.of(path));
    return s;
  }

  /** A connected-on-demand unix socket presented as a {@link Socket}. */
  static final class UnixSocket extends Socket {
    private final Path path;
    private volatile @Nullable SocketChannel channel;
    private volatile boolean closed;
    private volatile boolean inputShutdown;
    private volatile boolean outputShutdown;
    private volatile int soTimeout;

    UnixSocket(Path path) {
      this.path = path;
    }

    @Override
    public void connect(SocketAddress ignored) throws IOException {
      connect(ignored, 0);
    }

    @Override
    public void connect(SocketAddress ignored, int timeout) throws IOException {
      if (closed) {
        throw new SocketException("Socket is closed");
      }
      // A unix-domain connect either succeeds or fails at once; there is no handshake to time out.
      channel = SocketChannel.open(UnixDomainSocketAddress.of(path));
    }

    private SocketChannel channel() throws SocketException {
      SocketChannel ch = channel;
      if (ch == null) {
        throw new SocketException("Socket is not connected");
      }
      if (closed) {
        throw new SocketException("Socket is closed");
      }
      return ch;
    }

    @Override
    public InputStream getInputStream() throws IOException {
      SocketChannel ch = channel();
      // Direct channel reads: Channels.newInputStream would hold the channel's blocking lock
      // while reading, blocking concurrent writes.
      return new InputStream() {
        @Override
        public int read() throws IOException {
          byte[] one = new byte[1];
          int n = read(one, 0, 1);
          return n <= 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
          if (len == 0) {
            return 0;
          }
          return ch.read(ByteBuffer.wrap(b, off, len));
        }

        @Override
        public void close() throws IOException {
          UnixSocket.this.close();
        }
      };
    }

    @Override
    public OutputStream getOutputStream() throws IOException {
      SocketChannel ch = channel();
      return new OutputStream() {
        @Override
        public void write(int b) throws IOException {
          write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
          ByteBuffer buf = ByteBuffer.wrap(b, off, len);
          while (buf.hasRemaining()) {
            ch.write(buf);
          }
        }

        @Override
        public void close() throws IOException {
          UnixSocket.this.close();
        }
      };
    }

    @Override
    public synchronized void close() throws IOException {
      closed = true;
      SocketChannel ch = channel;
      if (ch != null) {
        ch.close();
      }
    }

    @Override
    public boolean isConnected() {
      SocketChannel ch = channel;
      return ch != null && ch.isConnected();
    }

    @Override
    public boolean isBound() {
      return isConnected();
    }

    @Override
    public boolean isClosed() {
      return closed;
    }

    @Override
    public void shutdownInput() throws IOException {
      channel().shutdownInput();
      inputShutdown = true;
    }

    @Override
    public void shutdownOutput() throws IOException {
      channel().shutdownOutput();
      outputShutdown = true;
    }

    @Override
    public boolean isInputShutdown() {
      return inputShutdown;
    }

    @Override
    public boolean isOutputShutdown() {
      return outputShutdown;
    }

    @Override
    public void setSoTimeout(int timeout) {
      // Recorded only: okhttp's watchdog enforces the timeout by closing the socket.
      this.soTimeout = timeout;
    }

    @Override
    public int getSoTimeout() {
      return soTimeout;
    }

    @Override
    public void setTcpNoDelay(boolean on) {
      // not applicable to unix sockets
    }

    @Override
    public boolean getTcpNoDelay() {
      return true;
    }

    @Override
    public void setKeepAlive(boolean on) {
      // not applicable to unix sockets
    }

    @Override
    public void setSoLinger(boolean on, int linger) {
      // not applicable to unix sockets
    }

    @Override
    public InetAddress getInetAddress() {
      return InetAddress.getLoopbackAddress();
    }

    @Override
    public InetAddress getLocalAddress() {
      return InetAddress.getLoopbackAddress();
    }

    @Override
    public @Nullable SocketAddress getRemoteSocketAddress() {
      return UnixDomainSocketAddress.of(path);
    }

    @Override
    public @Nullable SocketAddress getLocalSocketAddress() {
      return null;
    }

    @Override
    public int getPort() {
      return 0;
    }

    @Override
    public int getLocalPort() {
      return -1;
    }

    @Override
    public String toString() {
      return "UnixSocket[" + path + "]";
    }
  }
}
