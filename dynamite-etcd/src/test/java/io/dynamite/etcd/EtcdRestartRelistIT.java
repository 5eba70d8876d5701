package io.dynamite.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dynamite.api.MetricSample;
import io.dynamite.api.MetricSourceException;
import io.dynamite.testkit.etcd.EtcdExtension;
import io.dynamite.testkit.etcd.EtcdProcess;
import io.etcd.jetcd.Client;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * etcd is stopped and started again on the same port, with its data kept or wiped; every sample
 * written after the restart must still reach the engine.
 */
@ExtendWith(EtcdExtension.class)
class EtcdRestartRelistIT {
  private static final String DIR = "/metrics/webserver/u1/cpu_user/";
  private static final int AFTER = 60;

  @Test
  void everySampleWrittenAfterARestartWithTheDataKeptIsConsumed(EtcdProcess etcd) {
    run(etcd, false);
  }

  @Test
  void everySampleWrittenAfterARestartWithTheDataWipedIsConsumed(EtcdProcess etcd) {
    run(etcd, true);
  }

  private static void run(EtcdProcess etcd, boolean wipe) {
    Set<Double> seen = new TreeSet<>();
    try (Client writer = Client.builder().endpoints(etcd.endpoint()).build();
        EtcdMetricSource src =
            EtcdMetricSource.builder()
                .settings(EtcdSettings.builder().endpoints(etcd.endpoint()).requestTimeout(Duration.ofSeconds(2)).build())
                .build()) {
      // enough history before the restart that a wiped etcd stays below the old revision
      for (int i = 0; i < 100; i++) {
        EtcdTestSupport.put(writer, "/filler/" + i, "x");
      }
      for (int i = 0; i < 5; i++) {
        EtcdTestSupport.put(writer, DIR + EtcdMetricSourceIT.ts(i), Integer.toString(-1 - i));
      }
      await().atMost(Duration.ofSeconds(10)).until(() -> {
        poll(src, seen);
        return seen.size() == 5;
      });

      etcd.stop();
      if (wipe) {
        etcd.wipeData();
      }
      etcd.restart();
      await().atMost(Duration.ofSeconds(15)).ignoreExceptionsInstanceOf(IllegalStateException.class).until(() -> {
        EtcdTestSupport.put(writer, "/probe", "up");
        return true;
      });

      for (int i = 0; i < AFTER; i++) {
        EtcdTestSupport.put(writer, DIR + EtcdMetricSourceIT.ts(100 + i), Integer.toString(i));
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
    }
  }

  private static void poll(EtcdMetricSource src, Set<Double> seen) {
    try {
      for (MetricSample s : src.poll(EtcdMetricSourceIT.QUERIES).samples()) {
        seen.add(s.value());
      }
    } catch (MetricSourceException e) {
      assertThat(e.retryable()).as(e.toString()).isTrue();
    }
  }
}
