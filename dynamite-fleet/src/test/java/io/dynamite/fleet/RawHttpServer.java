package io.dynamite.fleet;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback HTTP/1.1 server that writes whatever bytes a test scripts, including answers no
 * well-behaved server (or MockWebServer) would send: bad headers, endless bodies. Each connection
 * reads one request head, answers, and closes.
 */
final class RawHttpServer implements AutoCloseable {
  /** What to write on one connection, after the request head was read. */
  interface Answer {
    void write(OutputStream out) throws IOException;
  }

  private final ServerSocket socket;
  private final Thread acceptor;
  private final AtomicInteger requests = new AtomicInteger();

  RawHttpServer(Answer answer) {
    try {
      socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    acceptor = new Thread(() -> serve(answer), "raw-http-server");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /** An answer of fixed bytes: status line, headers and body as given. */
  static Answer bytes(String raw) {
    byte[] b = raw.getBytes(StandardCharsets.ISO_8859_1);
    return out -> out.write(b);
  }

  /** A 200 answer without a length whose body never ends (until the client hangs up). */
  static Answer endlessBody() {
    return out -> {
      out.write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n{\"units\":[\""
          .getBytes(StandardCharsets.ISO_8859_1));
      byte[] chunk = new byte[64 * 1024];
      java.util.Arrays.fill(chunk, (byte) 'x');
      while (true) {
        out.write(chunk); // ends with an IOException when the client closes the connection
      }
    };
  }

  String url() {
    return "http://127.0.0.1:" + socket.getLocalPort();
  }

  int requestCount() {
    return requests.get();
  }

  private void serve(Answer answer) {
    while (!socket.isClosed()) {
      try (Socket s = socket.accept()) {
        readHead(s.getInputStream());
        requests.incrementAndGet();
        OutputStream out = s.getOutputStream();
        try {
          answer.write(out);
          out.flush();
        } catch (IOException e) {
          // the client hung up: expected for endless bodies
        }
      } catch (IOException e) {
        // closed
      }
    }
  }

  private static void readHead(InputStream in) throws IOException {
    int state = 0; // counts the bytes of \r\n\r\n seen in a row
    int c;
    while (state < 4 && (c = in.read()) != -1) {
      state = (c == '\r' && (state == 0 || state == 2)) || (c == '\n' && (state == 1 || state == 3)) ? state + 1 : 0;
    }
  }

  @Override
  public void close() {
    try {
      socket.close();
      acceptor.join(5000);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
