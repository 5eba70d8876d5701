package io.dynamite.testkit.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link LocalServers} with real child processes ({@code sh}, {@code sleep}). */
class LocalServersTest {
  @TempDir Path dir;

  @Test
  void waitsUntilTheProbeAnswersTreatingIOExceptionAsNotYet() throws Exception {
    Process p = new ProcessBuilder("sleep", "30").start();
    try {
      AtomicInteger probes = new AtomicInteger();
      LocalServers.awaitReady(p, "srv", "not ready", Duration.ofSeconds(10), Duration.ofMillis(1), () -> {
        int n = probes.incrementAndGet();
        if (n == 1) {
          throw new IOException("connection refused");
        }
        return n == 3;
      }, () -> "tail");
      assertThat(probes).hasValue(3);
    } finally {
      LocalServers.stop(p, false, Duration.ofSeconds(5));
    }
    assertThat(p.isAlive()).isFalse();
  }

  @Test
  void aServerThatExitsOrNeverAnswersFailsWithItsLogTail() throws Exception {
    Process exited = new ProcessBuilder("sh", "-c", "exit 3").start();
    exited.waitFor();
    assertThatThrownBy(() -> LocalServers.awaitReady(exited, "srv", "not ready", Duration.ofSeconds(10),
        Duration.ofMillis(1), () -> false, () -> "last lines"))
        .isInstanceOf(IllegalStateException.class).hasMessage("srv exited with 3; last lines");

    Process silent = new ProcessBuilder("sleep", "30").start();
    try {
      assertThatThrownBy(() -> LocalServers.awaitReady(silent, "srv", "not healthy", Duration.ofMillis(100),
          Duration.ofMillis(10), () -> false, () -> "last lines"))
          .isInstanceOf(IllegalStateException.class).hasMessage("srv not healthy after PT0.1S; last lines");
    } finally {
      LocalServers.stop(silent, true, Duration.ofSeconds(5));
    }
    assertThat(silent.isAlive()).isFalse();
  }

  @Test
  void logTailDeleteTreeAndPorts() throws Exception {
    Path log = Files.writeString(dir.resolve("x.log"), "a\nb\nc\nd\n");
    assertThat(LocalServers.logTail(log, 2)).isEqualTo("c\nd");
    assertThat(LocalServers.logTail(log, 10)).isEqualTo("a\nb\nc\nd");
    assertThat(LocalServers.logTail(dir.resolve("missing.log"), 2)).isEqualTo("no log");

    Path tree = Files.createDirectories(dir.resolve("t/a/b"));
    Files.writeString(tree.resolve("f"), "x");
    LocalServers.deleteTree(dir.resolve("t"));
    assertThat(dir.resolve("t")).doesNotExist();
    LocalServers.deleteTree(dir.resolve("t")); // absent: nothing to do

    assertThat(LocalServers.freeLoopbackPort()).isBetween(1, 65535);
  }
}
