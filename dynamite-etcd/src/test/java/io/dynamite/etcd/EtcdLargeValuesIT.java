package io.dynamite.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dynamite.api.MetricPoll;
import io.dynamite.api.MetricSample;
import io.dynamite.api.RejectedSample;
import io.dynamite.testkit.etcd.EtcdExtension;
import io.etcd.jetcd.Client;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Values of 1.4 MB (under etcd's default request limit of 1.5 MiB) anywhere under the metrics
 * prefix: together they exceed gRPC's 4 MiB message limit, which used to fail every start-up
 * listing with RESOURCE_EXHAUSTED and so stall all metric intake.
 */
@ExtendWith(EtcdExtension.class)
class EtcdLargeValuesIT {
  private static final String BIG = "1".repeat(1_400_000);
  static String endpoint;
  static Client client;

  @BeforeAll
  static void connect(String url) {
    endpoint = url;
    client = Client.builder().endpoints(url).build();
  }

  @AfterAll
  static void disconnect() {
    client.close();
  }

  private static EtcdMetricSource.Builder source(String root) {
    return EtcdMetricSource.builder()
        .settings(EtcdSettings.builder().endpoints(endpoint).build())
        .metricsBasePath(root + "/metrics")
        .applicationBasePath(root + "/services")
        .checkpointKey(root + "/_dynamite/run/metrics_revision");
  }

  @Test
  void largeValuesInAStreamNoPolicyReadsDoNotStallOrdinarySamples() {
    String root = "/unread";
    // 14 x 1.4 MB: more than even a raised message limit could take in one page
    for (int i = 0; i < 14; i++) {
      EtcdTestSupport.put(client, root + "/metrics/batch/u1/blob/" + EtcdMetricSourceIT.ts(i), BIG);
    }
    for (int i = 0; i < 3; i++) {
      EtcdTestSupport.put(client, root + "/metrics/webserver/u1/cpu_user/" + EtcdMetricSourceIT.ts(i), Integer.toString(i));
    }
    try (EtcdMetricSource src = source(root).build()) {
      MetricPoll first = src.poll(EtcdMetricSourceIT.QUERIES);
      assertThat(first.samples()).extracting(MetricSample::value).containsExactly(0.0, 1.0, 2.0);
      assertThat(first.rejected()).isEmpty();

      EtcdTestSupport.put(client, root + "/metrics/batch/u1/blob/" + EtcdMetricSourceIT.ts(50), BIG);
      EtcdTestSupport.put(client, root + "/metrics/webserver/u1/cpu_user/" + EtcdMetricSourceIT.ts(51), "51");
      List<MetricSample> later = new ArrayList<>();
      await().atMost(Duration.ofSeconds(10)).until(() -> later.addAll(src.poll(EtcdMetricSourceIT.QUERIES).samples()));
      assertThat(later).extracting(MetricSample::value).containsExactly(51.0);
    }
  }

  @Test
  void aLargeValueInAQueriedStreamIsRejectedAndCounted() {
    String root = "/read";
    String dir = root + "/metrics/webserver/u1/cpu_user/";
    EtcdTestSupport.put(client, dir + EtcdMetricSourceIT.ts(0), BIG);
    EtcdTestSupport.put(client, dir + EtcdMetricSourceIT.ts(1), "1");
    try (EtcdMetricSource src = source(root).build()) {
      MetricPoll first = src.poll(EtcdMetricSourceIT.QUERIES);
      assertThat(first.samples()).extracting(MetricSample::value).containsExactly(1.0);
      assertThat(first.rejected()).singleElement().satisfies(r -> {
        assertThat(r.key()).isEqualTo(dir + EtcdMetricSourceIT.ts(0));
        assertThat(r.reason()).isEqualTo("value is 1400000 bytes; the limit is 65536 bytes");
      });

      // through the watch too, and one byte above the limit is enough
      EtcdTestSupport.put(client, dir + EtcdMetricSourceIT.ts(2), " ".repeat(65_536) + "2");
      EtcdTestSupport.put(client, dir + EtcdMetricSourceIT.ts(3), "3");
      List<MetricSample> later = new ArrayList<>();
      List<RejectedSample> rejected = new ArrayList<>();
      await().atMost(Duration.ofSeconds(10)).until(() -> {
        MetricPoll p = src.poll(EtcdMetricSourceIT.QUERIES);
        later.addAll(p.samples());
        rejected.addAll(p.rejected());
        return !later.isEmpty();
      });
      assertThat(later).extracting(MetricSample::value).containsExactly(3.0);
      assertThat(rejected).extracting(RejectedSample::reason).containsExactly("value is 65537 bytes; the limit is 65536 bytes");
      assertThat(src.rejectedValues()).isEqualTo(2);
      // consume mode deletes rejected values like any other handed-over key
      await().atMost(Duration.ofSeconds(5)).until(() -> EtcdTestSupport.dump(client, dir).isEmpty());
    }
  }
}
