package io.dynamite.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dynamite.api.MetricSample;
import io.dynamite.api.MetricSourceException;
import io.dynamite.testkit.etcd.EtcdExtension;
import io.dynamite.testkit.etcd.EtcdProcess;
import io.etcd.jetcd.Client;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** etcd itself crashes (SIGKILL) and comes back on the same port with the same data. */
@ExtendWith(EtcdExtension.class)
class EtcdRestartIT {
  @Test
  void theMetricSourceResumesAfterEtcdIsKilledAndRestarted(EtcdProcess etcd) {
    String dir = "/metrics/webserver/u1/cpu_user/";
    List<MetricSample> all = new ArrayList<>();
    try (Client writer = Client.builder().endpoints(etcd.endpoint()).build();
        EtcdMetricSource src =
            EtcdMetricSource.builder()
                .settings(
                    EtcdSettings.builder()
                        .endpoints(etcd.endpoint())
                        .requestTimeout(Duration.ofSeconds(2))
                        .build())
                .build()) {
      EtcdTestSupport.put(writer, dir + EtcdMetricSourceIT.ts(0), "0");
      all.addAll(src.poll(EtcdMetricSourceIT.QUERIES).samples());
      EtcdTestSupport.put(writer, dir + EtcdMetricSourceIT.ts(1), "1");
      await().atMost(Duration.ofSeconds(5)).until(() -> all.addAll(src.poll(EtcdMetricSourceIT.QUERIES).samples()) && all.size() >= 2);

      long pid = etcd.pid();
      etcd.kill();
      org.assertj.core.api.Assertions.assertThatThrownBy(etcd::pid).isInstanceOf(IllegalStateException.class);
      etcd.restart();
      org.assertj.core.api.Assertions.assertThat(etcd.pid()).isNotEqualTo(pid);

      // wait until etcd takes writes again, on a probe key: a retried metric write could land
      // twice (jetcd calls are at-least-once) and legitimately yield two samples
      await()
          .atMost(Duration.ofSeconds(15))
          .ignoreExceptionsInstanceOf(IllegalStateException.class)
          .until(
              () -> {
                EtcdTestSupport.put(writer, "/probe", "up");
                return true;
              });
      // jetcd resumes the watch by itself; polls in between may fail (retryable) or be empty
      EtcdTestSupport.put(writer, dir + EtcdMetricSourceIT.ts(2), "2");
      await()
          .atMost(Duration.ofSeconds(15))
          .until(
              () -> {
                try {
                  all.addAll(src.poll(EtcdMetricSourceIT.QUERIES).samples());
                } catch (MetricSourceException e) {
                  assertThat(e.retryable()).isTrue();
                }
                return all.size() >= 3;
              });
      assertThat(all).extracting(MetricSample::value).containsExactly(0.0, 1.0, 2.0);
      await().atMost(Duration.ofSeconds(5)).until(() -> EtcdTestSupport.dump(writer, "/metrics/").isEmpty());
    }
  }
}
