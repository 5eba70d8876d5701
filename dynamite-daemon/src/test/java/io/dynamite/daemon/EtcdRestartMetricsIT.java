package io.dynamite.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dynamite.testkit.etcd.EtcdProcess;
import io.dynamite.sandbox.fleet.FakeFleetServer;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.options.CompactOption;
import io.etcd.jetcd.options.GetOption;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The metric half of V3 as reported: the daemon (a process) consumes metrics written with the v3
 * API; etcd is killed (SIGKILL) and started again on the same data directory; every one of 60
 * samples written after the restart must be consumed (consume mode deletes each handed-over key).
 * Variants: etcd down for a moment, down longer than the lease (the daemon loses and wins the
 * leadership again), a compaction between the restart and the writes, stopped with SIGTERM instead,
 * and etcd wiped. One etcd and one daemon serve the whole class (each test writes its own stream);
 * the daemon lives through every restart.
 *
 * <p>Found so far: with the data kept none of these variants loses a sample, neither with the
 * source's restart handling turned off nor with the first release's daemon; the wiped variant loses
 * every sample without the handling.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EtcdRestartMetricsIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int AFTER = 60;

  @TempDir static Path dir;
  private EtcdProcess etcd;
  private FakeFleetServer fleet;
  private DaemonProcess daemon;
  private int statusPort;
  private final Instant clock = Instant.parse("2031-01-01T00:00:00Z");

  @BeforeAll
  void daemon() throws Exception {
    etcd = EtcdProcess.start(); // v3 only: the daemon reads metrics with the v3 source
    fleet = FakeFleetServer.start();
    OriginalFixture.prepare(dir);
    try (ServerSocket s = new ServerSocket(0, 0, java.net.InetAddress.getLoopbackAddress())) {
      statusPort = s.getLocalPort();
    }
    daemon = DaemonProcess.start(dir.resolve("daemon.log"), Map.of(),
        "-c", dir.resolve("config.yaml").toString(),
        "-e", "127.0.0.1:" + etcd.clientPort(),
        "-f", "127.0.0.1:" + fleet.port(),
        "--metrics-api", "v3",
        "--status-port", String.valueOf(statusPort));
    try {
      // generous: on a loaded machine the JVM alone can take most of a minute to start
      await("leader and ready").atMost(Duration.ofSeconds(180)).ignoreExceptions().until(this::ready);
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      throw new AssertionError("the daemon did not become ready; its log:\n" + daemon.output(), e);
    }
  }

  @AfterAll
  void stop() throws Exception {
    if (daemon != null) {
      daemon.close();
    }
    if (fleet != null) {
      fleet.close();
    }
    if (etcd != null) {
      etcd.close();
    }
  }

  @Test
  void etcdKilledAndBackAtOnce() throws Exception {
    run("u-at-once", Duration.ZERO, false, false, false);
  }

  @Test
  void etcdStoppedGracefullyAndBack() throws Exception {
    run("u-sigterm", Duration.ofSeconds(2), true, false, false); // SIGTERM: etcd ends its streams itself
  }

  @Test
  void etcdKilledAndBackAfterTheLeaseRanOut() throws Exception {
    run("u-lease", Duration.ofSeconds(8), false, false, false);
  }

  @Test
  void etcdKilledAndBackWithACompactionBeforeTheWrites() throws Exception {
    run("u-compacted", Duration.ofSeconds(2), false, true, false);
  }

  @Test
  void etcdKilledAndWiped() throws Exception {
    run("u-wiped", Duration.ofSeconds(2), false, false, true);
  }

  private void run(String uuid, Duration down, boolean graceful, boolean compact, boolean wipe) throws Exception {
    String dirKey = "/metrics/webserver/" + uuid + "/cpu_user/";
    try (Client writer = Client.builder().endpoints(etcd.endpoint()).build()) {
      // enough history that a wiped etcd stays below the old revision while the samples are written
      for (int i = 0; i < 150; i++) {
        put(writer, "/filler/" + i, "x");
      }
      for (int i = 0; i < 5; i++) {
        put(writer, dirKey + ts(i), "50");
      }
      await("consumed before the restart").atMost(Duration.ofSeconds(120)).until(() -> left(writer, dirKey) == 0);

      if (graceful) {
        etcd.stop();
      } else {
        etcd.kill();
      }
      if (wipe) {
        etcd.wipeData();
      }
      if (!down.isZero()) {
        await().pollDelay(down).atMost(down.plusSeconds(5)).until(() -> true);
      }
      etcd.restart();
      await("etcd takes writes").atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> {
        put(writer, "/probe", "up");
        return true;
      });
      if (compact) {
        for (int i = 0; i < 10; i++) {
          put(writer, "/filler/after/" + i, "x");
        }
        long rev = writer.getKVClient().get(bytes("/probe")).get(30, TimeUnit.SECONDS).getHeader().getRevision();
        writer.getKVClient().compact(rev, CompactOption.builder().withCompactPhysical(true).build()).get(30, TimeUnit.SECONDS);
      }
      for (int i = 0; i < AFTER; i++) {
        put(writer, dirKey + ts(100 + i), "50");
      }
      long[] remaining = {AFTER};
      try {
        await("60 samples written after the restart consumed").atMost(Duration.ofSeconds(120))
            .pollInterval(Duration.ofMillis(250)).until(() -> (remaining[0] = left(writer, dirKey)) == 0);
      } catch (org.awaitility.core.ConditionTimeoutException e) {
        String out = daemon.output();
        throw new AssertionError(remaining[0] + " of " + AFTER + " samples written after the restart were never consumed;"
            + " daemon log tail:\n" + out.substring(Math.max(0, out.length() - 6000)), e);
      }
      assertThat(left(writer, dirKey)).isZero();
      // the restart may have cost the daemon its lease: it must lead again and be ready, which can
      // come a little after the samples are consumed (re-election waits for the old lease to end)
      await("the daemon leads again and is ready").atMost(Duration.ofSeconds(60)).ignoreExceptions()
          .until(this::ready);
    }
  }

  private boolean ready() throws Exception {
    JsonNode s = JSON.readTree(OriginalFixture.get("http://127.0.0.1:" + statusPort + "/status"));
    return s.get("leader").asBoolean() && s.get("ready").asBoolean();
  }

  private String ts(int i) {
    return OriginalFixture.TS.format(clock.plusSeconds(i));
  }

  private static long left(Client c, String dirKey) throws Exception {
    return c.getKVClient().get(bytes(dirKey), GetOption.builder().isPrefix(true).withCountOnly(true).build())
        .get(30, TimeUnit.SECONDS).getCount();
  }

  private static void put(Client c, String key, String value) throws Exception {
    c.getKVClient().put(bytes(key), bytes(value)).get(30, TimeUnit.SECONDS);
  }

  private static ByteSequence bytes(String s) {
    return ByteSequence.from(s, StandardCharsets.UTF_8);
  }
}
