package io.dynamite.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.dynamite.api.MetricSample;
import io.dynamite.api.MetricSourceException;
import io.dynamite.etcd.internal.V2Keys;
import io.dynamite.testkit.etcd.EtcdExtension;
import io.dynamite.testkit.etcd.EtcdOptions;
import io.dynamite.testkit.etcd.EtcdProcess;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The v2 source's etcd is killed and started again on the same port, with its data kept or wiped;
 * every sample written through v2 after the restart must still reach the engine. A wiped etcd
 * answers with the same cluster id (it is derived from the member's name and peer URLs) but its
 * index starts again near 1, below the index the source's long-poll watch waits for.
 */
@ExtendWith(EtcdExtension.class)
@EtcdOptions(enableV2 = true)
class EtcdV2RestartRelistIT {
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final int AFTER = 60;

  @Test
  void everySampleWrittenAfterAKillWithTheDataKeptIsConsumed(EtcdProcess etcd) {
    run(etcd, false);
  }

  @Test
  void everySampleWrittenAfterAKillWithTheDataWipedIsConsumed(EtcdProcess etcd) {
    run(etcd, true);
  }

  /**
   * A wiped etcd whose index has already passed the old one when the source lists again: the
   * index says nothing, the checkpoint the source committed being gone does. The source waits 6 s
   * before listing again after its watch failed; meanwhile the samples are written (at indexes
   * below the old one) and then enough other keys to carry the index past the old one.
   */
  @Test
  void aWipedEtcdWhoseIndexPassedTheOldOneIsRecognisedByTheLostCheckpoint(EtcdProcess etcd) {
    String root = "/caught-up";
    String dir = root + "/metrics/webserver/u1/cpu_user/";
    Duration relistDelay = Duration.ofSeconds(6);
    Set<Double> seen = new TreeSet<>();
    try (EtcdV2MetricSource src =
        EtcdV2MetricSource.builder()
            .settings(EtcdSettings.builder().endpoints(etcd.endpoint()).requestTimeout(Duration.ofSeconds(2))
                .reconnectBackoff(relistDelay, relistDelay).build())
            .metricsBasePath(root + "/metrics")
            .applicationBasePath(root + "/services")
            .checkpointKey(root + "/_dynamite/run/metrics_revision")
            .build()) {
      for (int i = 0; i < 5; i++) {
        put(etcd, dir + EtcdMetricSourceIT.ts(i), Integer.toString(-1 - i));
      }
      await().atMost(Duration.ofSeconds(10)).until(() -> {
        poll(src, seen);
        return seen.size() == 5;
      });
      long oldIndex = put(etcd, "/probe", "before");

      long killed = System.nanoTime();
      etcd.kill();
      etcd.wipeData();
      etcd.restart();
      await().atMost(Duration.ofSeconds(5)).ignoreExceptionsInstanceOf(IllegalStateException.class).until(() -> {
        put(etcd, "/probe", "up");
        return true;
      });
      for (int i = 0; i < AFTER; i++) {
        put(etcd, dir + EtcdMetricSourceIT.ts(100 + i), Integer.toString(i));
      }
      long index = 0;
      while (index <= oldIndex + 10) {
        index = put(etcd, root + "/filler", "x");
      }
      Duration writing = Duration.ofNanos(System.nanoTime() - killed);
      assertThat(writing)
          .as("the writes after the restart must end before the source lists again, or this test checks"
              + " the index comparison instead of the checkpoint")
          .isLessThan(relistDelay);

      List<Double> expected = IntStream.range(0, AFTER).mapToObj(i -> (double) i).collect(Collectors.toList());
      await().atMost(Duration.ofSeconds(30)).until(() -> {
        poll(src, seen);
        return seen.containsAll(expected);
      });
      assertThat(seen).containsAll(expected);
    }
  }

  /**
   * The long-poll watch checks etcd's index and cluster id in the headers etcd sends at once: a
   * watch for an index etcd has not reached by more than one (which a source only asks for when
   * etcd lost the data it read) or from another cluster fails at once instead of waiting.
   */
  @Test
  void aWatchOfAnEtcdBelowTheWatchedIndexOrOfAnotherClusterFailsAtOnce(EtcdProcess etcd) throws Exception {
    long index = put(etcd, "/w/k", "1");
    try (V2Keys keys = new V2Keys(etcd.endpoint(), Duration.ofSeconds(2))) {
      String cluster = keys.list("/w").clusterId();
      assertThat(cluster).isNotBlank();
      assertThatThrownBy(() -> keys.watch("/w", index + 100, cluster).get(5, TimeUnit.SECONDS))
          .hasCauseInstanceOf(V2Keys.StoreChanged.class)
          .hasMessageContaining("below the watched index");
      assertThatThrownBy(() -> keys.watch("/w", index + 1, "1234abcd").get(5, TimeUnit.SECONDS))
          .hasCauseInstanceOf(V2Keys.StoreChanged.class)
          .hasMessageContaining("cluster id");
      // the ordinary case waits for the next change and gets it
      CompletableFuture<V2Keys.Event> next = keys.watch("/w", index + 1, cluster);
      put(etcd, "/w/k", "2");
      assertThat(next.get(5, TimeUnit.SECONDS).node().value()).isEqualTo("2");
    }
  }

  private static void run(EtcdProcess etcd, boolean wipe) {
    // the tests share one etcd: each reads and writes under its own root
    String root = wipe ? "/wiped" : "/kept";
    String dir = root + "/metrics/webserver/u1/cpu_user/";
    Set<Double> seen = new TreeSet<>();
    try (EtcdV2MetricSource src =
        EtcdV2MetricSource.builder()
            .settings(EtcdSettings.builder().endpoints(etcd.endpoint()).requestTimeout(Duration.ofSeconds(2)).build())
            .metricsBasePath(root + "/metrics")
            .applicationBasePath(root + "/services")
            .checkpointKey(root + "/_dynamite/run/metrics_revision")
            .build()) {
      // enough history before the restart that a wiped etcd's index stays below the old one
      // while the samples after the restart are written
      for (int i = 0; i < 100; i++) {
        put(etcd, "/filler/" + i, "x");
      }
      for (int i = 0; i < 5; i++) {
        put(etcd, dir + EtcdMetricSourceIT.ts(i), Integer.toString(-1 - i));
      }
      await().atMost(Duration.ofSeconds(10)).until(() -> {
        poll(src, seen);
        return seen.size() == 5;
      });

      etcd.kill();
      if (wipe) {
        etcd.wipeData();
      }
      etcd.restart();
      await().atMost(Duration.ofSeconds(15)).ignoreExceptionsInstanceOf(IllegalStateException.class).until(() -> {
        put(etcd, "/probe", "up");
        return true;
      });

      for (int i = 0; i < AFTER; i++) {
        put(etcd, dir + EtcdMetricSourceIT.ts(100 + i), Integer.toString(i));
        if (i % 10 == 0) {
          poll(src, seen);
        }
      }
      List<Double> expected = IntStream.range(0, AFTER).mapToObj(i -> (double) i).collect(Collectors.toList());
      await().atMost(Duration.ofSeconds(20)).until(() -> {
        poll(src, seen);
        return seen.containsAll(expected);
      });
      assertThat(seen).containsAll(expected);
      // consume mode: every handed-over key is deleted again, in the new etcd as well
      await().atMost(Duration.ofSeconds(5)).until(() -> leafCount(etcd, root + "/metrics") == 0);
    }
  }

  private static void poll(EtcdV2MetricSource src, Set<Double> seen) {
    try {
      for (MetricSample s : src.poll(EtcdMetricSourceIT.QUERIES).samples()) {
        seen.add(s.value());
      }
    } catch (MetricSourceException e) {
      assertThat(e.retryable()).as(e.toString()).isTrue();
    }
  }

  /**
   * A v2 write as the original's writers do it; returns etcd's index after it. Fails with
   * IllegalStateException while etcd is down.
   */
  private static long put(EtcdProcess etcd, String key, String value) {
    try {
      HttpResponse<String> r = HTTP.send(
          HttpRequest.newBuilder(URI.create(etcd.endpoint() + "/v2/keys" + key))
              .timeout(Duration.ofSeconds(5))
              .header("Content-Type", "application/x-www-form-urlencoded")
              .PUT(HttpRequest.BodyPublishers.ofString("value=" + value))
              .build(),
          HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() / 100 != 2) {
        throw new IllegalStateException("v2 PUT " + key + " answered " + r.statusCode() + ": " + r.body());
      }
      return Long.parseLong(r.headers().firstValue("X-Etcd-Index").orElseThrow());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static int leafCount(EtcdProcess etcd, String dir) {
    try {
      HttpResponse<String> r = HTTP.send(
          HttpRequest.newBuilder(URI.create(etcd.endpoint() + "/v2/keys" + dir + "?recursive=true")).build(),
          HttpResponse.BodyHandlers.ofString());
      List<String> out = new java.util.ArrayList<>();
      EtcdV2MetricSourceIT.collect(EtcdTestSupport.JSON.readTree(r.body()).path("node"), out);
      return out.size();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
