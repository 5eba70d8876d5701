package io.dynamite.etcd;

import static io.dynamite.etcd.EtcdTestSupport.delete;
import static io.dynamite.etcd.EtcdTestSupport.dump;
import static io.dynamite.etcd.EtcdTestSupport.fixture;
import static io.dynamite.etcd.EtcdTestSupport.put;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.dynamite.api.MetricPoll;
import io.dynamite.api.MetricQuery;
import io.dynamite.api.MetricSample;
import io.dynamite.api.RejectedSample;
import io.dynamite.testkit.etcd.EtcdExtension;
import io.etcd.jetcd.Client;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(EtcdExtension.class)
class EtcdMetricSourceIT {
  static final MetricQuery CPU = new MetricQuery("webserver", "cpu_user", false);
  static final MetricQuery P95 =
      new MetricQuery("loadbalancer", "response_time.time_backend_response.p95", true);
  static final List<MetricQuery> QUERIES = List.of(CPU, P95);

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

  static EtcdMetricSource.Builder source(String root) {
    return EtcdMetricSource.builder()
        .settings(EtcdSettings.builder().endpoints(endpoint).build())
        .metricsBasePath(root + "/metrics")
        .applicationBasePath(root + "/services")
        .checkpointKey(root + "/_dynamite/run/metrics_revision");
  }

  static void load(String root, JsonNode tree) {
    for (Iterator<Map.Entry<String, JsonNode>> it = tree.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      put(client, root + e.getKey(), e.getValue().asText());
    }
  }

  static List<String> describe(List<MetricSample> samples) {
    return samples.stream()
        .map(s -> s.query().serviceType() + "|" + s.uuid() + "|" + s.timestamp() + "|" + s.value())
        .collect(Collectors.toList());
  }

  @Test
  void consumesTheOriginalsGoldenPassAndKeepsRegistrations() {
    String root = "/golden";
    JsonNode golden = fixture("metrics-reader-golden.json");
    load(root, golden.get("etcd_before"));
    try (EtcdMetricSource src = source(root).mode(MetricMode.CONSUME).build()) {
      MetricPoll poll = src.poll(QUERIES);

      List<String> expected = new ArrayList<>();
      for (JsonNode msg : golden.get("messages_sent_to_engine")) {
        String type = msg.get("service_name(=policy service_type)").asText();
        for (JsonNode v : msg.get("values")) {
          expected.add(
              type + "|" + msg.get("uuid").asText() + "|" + Instant.parse(v.get(0).asText()) + "|" + v.get(1).asDouble());
        }
      }
      assertThat(describe(poll.samples())).containsExactlyInAnyOrderElementsOf(expected);
      assertThat(poll.rejected()).isEmpty();
      assertThat(src.resolveInstance("webserver", "apache-uuid-1"))
          .contains("apache_instance_name_1.service");
      // B2: the aggregated uuid and other types never resolve
      assertThat(src.resolveInstance("webserver", "")).isEmpty();
      assertThat(src.resolveInstance("loadbalancer", "apache-uuid-1")).isEmpty();

      Map<String, String> after = dump(client, root + "/metrics/");
      assertThat(after).isEmpty();
      assertThat(dump(client, root + "/services/"))
          .containsOnlyKeys(root + "/services/webserver/apache-uuid-1/service_instance_name");
    }
  }

  @Test
  void deliversEachStreamInTimestampOrder() {
    String root = "/order";
    try (EtcdMetricSource src = source(root).mode(MetricMode.SHARED).build()) {
      assertThat(src.poll(QUERIES).samples()).isEmpty();
      // written out of order; also a key the queries do not read
      put(client, root + "/metrics/webserver/u1/cpu_user/2015-06-26T09:52:09.000Z", "3");
      put(client, root + "/metrics/webserver/u1/cpu_user/2015-06-26T09:52:07.000Z", "1");
      put(client, root + "/metrics/webserver/u1/cpu_user/2015-06-26T09:52:08.000Z", "2");
      put(client, root + "/metrics/webserver/u1/mem/2015-06-26T09:52:08.000Z", "2");
      List<MetricSample> got = new ArrayList<>();
      await().atMost(Duration.ofSeconds(5)).until(() -> got.addAll(src.poll(QUERIES).samples()) && got.size() >= 3);
      assertThat(got).extracting(MetricSample::value).containsExactly(1.0, 2.0, 3.0);
      // shared mode never deletes
      assertThat(dump(client, root + "/metrics/")).hasSize(4);
    }
  }

  @Test
  void poisonValuesAreSkippedCountedAndDeletedWithoutStallingOthers() {
    String root = "/poison";
    JsonNode poison = fixture("metrics-reader-golden.json").get("poison_value_case");
    load(root, poison.get("etcd_before"));
    try (EtcdMetricSource src = source(root).mode(MetricMode.CONSUME).build()) {
      MetricPoll poll = src.poll(QUERIES);
      assertThat(describe(poll.samples()))
          .containsExactlyInAnyOrder(
              "webserver|u1|2015-06-26T09:52:08.680Z|5.0",
              "loadbalancer||2015-06-22T14:54:12.319Z|700.0");
      assertThat(poll.rejected())
          .extracting(RejectedSample::key)
          .containsExactly(root + "/metrics/webserver/u1/cpu_user/2015-06-26T09:52:07.680Z");
      // a missing JSON key and a bad timestamp arriving through the watch
      put(client, root + "/metrics/loadbalancer/response_time/2015-06-22T14:54:14.319Z", "{\"other\":1}");
      put(client, root + "/metrics/webserver/u1/cpu_user/yesterday", "7");
      put(client, root + "/metrics/webserver/u1/cpu_user/2015-06-26T09:52:09.680Z", "6");
      List<MetricSample> samples = new ArrayList<>();
      List<RejectedSample> rejected = new ArrayList<>();
      await()
          .atMost(Duration.ofSeconds(5))
          .until(
              () -> {
                MetricPoll p = src.poll(QUERIES);
                samples.addAll(p.samples());
                rejected.addAll(p.rejected());
                return samples.size() >= 1 && rejected.size() >= 2;
              });
      assertThat(samples).extracting(MetricSample::value).containsExactly(6.0);
      assertThat(rejected).extracting(RejectedSample::reason).anySatisfy(r -> assertThat(r).contains("JSON key missing"));
      assertThat(rejected).extracting(RejectedSample::reason).anySatisfy(r -> assertThat(r).contains("timestamp"));
      assertThat(src.rejectedValues()).isEqualTo(3);
      assertThat(dump(client, root + "/metrics/")).isEmpty();
    }
  }

  @Test
  void sharedRestartNeitherLosesNorRepeatsSamples() {
    String root = "/resume";
    String dir = root + "/metrics/webserver/u1/cpu_user/";
    List<MetricSample> all = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      put(client, dir + ts(i), Integer.toString(i));
    }
    try (EtcdMetricSource first = source(root).mode(MetricMode.SHARED).build()) {
      all.addAll(first.poll(QUERIES).samples());
      assertThat(all).hasSize(10);
      // arrive while the first source runs but are never handed over by it
      for (int i = 10; i < 15; i++) {
        put(client, dir + ts(i), Integer.toString(i));
      }
      await().atMost(Duration.ofSeconds(5)).until(() -> first.committedRevision() > 0);
    }
    for (int i = 15; i < 20; i++) {
      put(client, dir + ts(i), Integer.toString(i));
    }
    try (EtcdMetricSource second = source(root).mode(MetricMode.SHARED).build()) {
      all.addAll(second.poll(QUERIES).samples());
      put(client, dir + ts(20), "20");
      await().atMost(Duration.ofSeconds(5)).until(() -> all.addAll(second.poll(QUERIES).samples()) && all.size() >= 21);
    }
    assertThat(all).extracting(MetricSample::value).doesNotHaveDuplicates().hasSize(21);
    assertThat(dump(client, dir)).hasSize(21);
  }

  @Test
  void consumeRestartNeitherLosesNorRepeatsSamples() {
    String root = "/resume-consume";
    String dir = root + "/metrics/webserver/u2/cpu_user/";
    List<MetricSample> all = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      put(client, dir + ts(i), Integer.toString(i));
    }
    try (EtcdMetricSource first = source(root).build()) {
      all.addAll(first.poll(QUERIES).samples());
      put(client, dir + ts(5), "5");
      await().atMost(Duration.ofSeconds(5)).until(() -> all.addAll(first.poll(QUERIES).samples()) && all.size() >= 6);
      put(client, dir + ts(6), "6");
    }
    try (EtcdMetricSource second = source(root).build()) {
      await().atMost(Duration.ofSeconds(5)).until(() -> all.addAll(second.poll(QUERIES).samples()) && all.size() >= 7);
    }
    assertThat(all).extracting(MetricSample::value).containsExactly(0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0);
    assertThat(dump(client, dir)).isEmpty();
  }

  @Test
  void registrationsFollowTheWatchAndHonourApplicationBasePath() {
    String root = "/reg";
    try (EtcdMetricSource src = source(root).build()) {
      src.poll(QUERIES);
      String key = root + "/services/webserver/u9/service_instance_name";
      put(client, key, "zurmo_apache@12021.service");
      await().atMost(Duration.ofSeconds(5))
          .until(() -> src.resolveInstance("webserver", "u9").equals(Optional.of("zurmo_apache@12021.service")));
      put(client, key, "zurmo_apache@12022");
      await().atMost(Duration.ofSeconds(5))
          .until(() -> src.resolveInstance("webserver", "u9").equals(Optional.of("zurmo_apache@12022.service")));
      delete(client, key);
      await().atMost(Duration.ofSeconds(5)).until(() -> src.resolveInstance("webserver", "u9").isEmpty());
      // the original's hard-coded /services is not read (B3)
      put(client, "/services/webserver/u9/service_instance_name", "wrong");
      assertThat(src.resolveInstance("webserver", "u9")).isEmpty();
    }
  }

  @Test
  void unqueriedStreamsAreNeitherReadNorDeleted() {
    String root = "/unqueried";
    put(client, root + "/metrics/webserver/stale-uuid/other_metric/2015-06-26T09:52:07.680Z", "1");
    put(client, root + "/metrics/cache/response_time/2015-06-26T09:52:07.680Z", "1");
    try (EtcdMetricSource src = source(root).build()) {
      MetricPoll p = src.poll(QUERIES);
      assertThat(p.samples()).isEmpty();
      assertThat(p.rejected()).isEmpty();
      assertThat(dump(client, root + "/metrics/")).hasSize(2);
    }
  }

  @Test
  void theInitialReadPagesThroughLargeTreesAtOneRevision() throws Exception {
    String root = "/paged";
    List<java.util.concurrent.CompletableFuture<?>> fs = new ArrayList<>();
    for (int i = 0; i < 2500; i++) {
      fs.add(client.getKVClient().put(EtcdTestSupport.b(root + "/metrics/webserver/u" + i + "/cpu_user/" + ts(i % 10)), EtcdTestSupport.b(Integer.toString(i))));
    }
    for (var f : fs) {
      f.get();
    }
    try (EtcdMetricSource src = source(root).mode(MetricMode.SHARED).build()) {
      assertThat(src.poll(QUERIES).samples()).extracting(MetricSample::value).doesNotHaveDuplicates().hasSize(2500);
    }
  }

  @Test
  void rpcsPerPollStayConstantHoweverManyUuidsThereAre() throws Exception {
    String root = "/rpcs";
    for (int u = 0; u < 300; u++) {
      put(client, root + "/metrics/webserver/stale-" + u + "/cpu_user/2015-06-26T09:52:07.680Z", "1");
    }
    try (EtcdConnection c = EtcdConnection.open(EtcdSettings.builder().endpoints(endpoint).build());
        EtcdMetricSource src =
            EtcdMetricSource.builder()
                .connection(c)
                .metricsBasePath(root + "/metrics")
                .applicationBasePath(root + "/services")
                .checkpointKey(root + "/cp")
                .build()) {
      assertThat(src.poll(QUERIES).samples()).hasSize(300);
      long before = c.rpcCount();
      for (int i = 0; i < 5; i++) {
        assertThat(src.poll(QUERIES).samples()).isEmpty();
      }
      assertThat(c.rpcCount() - before).as("idle polls").isZero();
      List<java.util.concurrent.CompletableFuture<?>> fs = new ArrayList<>();
      for (int u = 0; u < 100; u++) {
        fs.add(client.getKVClient().put(EtcdTestSupport.b(root + "/metrics/webserver/live-" + u + "/cpu_user/2015-06-26T09:52:08.680Z"), EtcdTestSupport.b("2")));
      }
      for (var f : fs) {
        f.get();
      }
      await().atMost(Duration.ofSeconds(5)).until(() -> dump(client, root + "/metrics/").size() == 100);
      long start = c.rpcCount();
      List<MetricSample> got = new ArrayList<>();
      int[] delivering = {0};
      await()
          .atMost(Duration.ofSeconds(5))
          .until(
              () -> {
                List<MetricSample> s = src.poll(QUERIES).samples();
                if (!s.isEmpty()) {
                  delivering[0]++;
                }
                got.addAll(s);
                return got.size() >= 100;
              });
      // consume mode: exactly one transaction (checkpoint + up to 127 deletes) per poll that
      // delivers, nothing per uuid, nothing for the 300 stale uuid directories
      assertThat(c.rpcCount() - start).isEqualTo(delivering[0]);
    }
  }

  static final java.time.format.DateTimeFormatter TS =
      java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'")
          .withZone(java.time.ZoneOffset.UTC);

  static String ts(int i) {
    return TS.format(Instant.parse("2015-06-26T09:52:00.000Z").plusMillis(i * 100L));
  }
}
