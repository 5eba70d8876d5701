package io.dynamite.testkit.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * What the fixtures that run a real server as a child process (etcd, Prometheus) have in common:
 * a free loopback port, waiting until the server answers while watching that it has not died,
 * stopping it, its log's last lines for failure messages, and removing its directory. Not API.
 */
public final class LocalServers {
  private LocalServers() {}

  /** One readiness probe; IOException means "not listening yet". */
  @FunctionalInterface
  public interface Probe {
    /**
     * Asks the server once.
     *
     * @return true once it is ready
     * @throws IOException if it cannot be reached yet
     * @throws InterruptedException if interrupted
     */
    boolean ready() throws IOException, InterruptedException;
  }

  /**
   * Returns a loopback port that was free a moment ago (it may be taken before it is bound, which
   * is why the fixtures retry a start).
   *
   * @return the port
   */
  public static int freeLoopbackPort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Probes until the server is ready, pausing between probes on the process itself so that its
   * exit ends the wait at once.
   *
   * @param process the server's process
   * @param name the server's name in messages, e.g. {@code etcd}
   * @param notReady how the failure reads, e.g. {@code not healthy}
   * @param timeout how long to wait
   * @param pause the pause between probes
   * @param probe one readiness probe
   * @param logTail the server's last log lines, for the failure message
   * @throws IllegalStateException if the process exits, the time runs out, or the wait is interrupted
   */
  public static void awaitReady(Process process, String name, String notReady, Duration timeout, Duration pause,
      Probe probe, Supplier<String> logTail) {
    long deadline = System.nanoTime() + timeout.toNanos();
    try {
      while (System.nanoTime() < deadline) {
        if (!process.isAlive()) {
          throw new IllegalStateException(name + " exited with " + process.exitValue() + "; " + logTail.get());
        }
        try {
          if (probe.ready()) {
            return;
          }
        } catch (IOException e) {
          // not listening yet
        }
        // test support only: a short pause between probes
        process.waitFor(pause.toMillis(), TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for " + name, e);
    }
    throw new IllegalStateException(name + " " + notReady + " after " + timeout + "; " + logTail.get());
  }

  /**
   * Stops a process (SIGTERM, or SIGKILL when {@code force}), killing it if it has not exited
   * within {@code grace}.
   *
   * @param process the process
   * @param force true for SIGKILL at once
   * @param grace how long a SIGTERM may take
   */
  public static void stop(Process process, boolean force, Duration grace) {
    if (force) {
      process.destroyForcibly();
    } else {
      process.destroy();
    }
    try {
      if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        process.waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }

  /**
   * Returns the last lines of a log file.
   *
   * @param log the file
   * @param lines how many at most
   * @return the lines, or {@code no log} if it cannot be read
   */
  public static String logTail(Path log, int lines) {
    try {
      List<String> all = Files.readAllLines(log);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "no log";
    }
  }

  /**
   * Deletes a directory and everything in it; nothing if it does not exist.
   *
   * @param dir the directory
   * @throws UncheckedIOException if something cannot be deleted
   */
  public static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path f : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(f);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + dir, e);
    }
  }
}
