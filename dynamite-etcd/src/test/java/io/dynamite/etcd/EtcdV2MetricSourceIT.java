package io.dynamite.etcd;

import static io.dynamite.etcd.EtcdTestSupport.JSON;
import static io.dynamite.etcd.EtcdTestSupport.fixture;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.dynamite.api.MetricPoll;
import io.dynamite.api.MetricQuery;
import io.dynamite.api.MetricSample;
import io.dynamite.api.RejectedSample;
import io.dynamite.api.state.EngineStatus;
import io.dynamite.api.state.StoredState;
import io.dynamite.testkit.etcd.EtcdExtension;
import io.dynamite.testkit.etcd.EtcdOptions;
import io.etcd.jetcd.Client;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(EtcdExtension.class)
@EtcdOptions(enableV2 = true)
class EtcdV2MetricSourceIT {
  static final MetricQuery CPU = EtcdMetricSourceIT.CPU;
  static final List<MetricQuery> QUERIES = EtcdMetricSourceIT.QUERIES;
  static final HttpClient HTTP = HttpClient.newHttpClient();
  static String endpoint;

  @BeforeAll
  static void endpoint(String url) {
    endpoint = url;
  }

  /** A write as logstash-output-etcd does it: form PUT with value and ttl. */
  static void v2(String method, String key, String form) {
    try {
      HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(endpoint + "/v2/keys" + key));
      HttpRequest r =
          method.equals("DELETE")
              ? b.DELETE().build()
              : b.header("Content-Type", "application/x-www-form-urlencoded")
                  .method(method, HttpRequest.BodyPublishers.ofString(form))
                  .build();
      HttpResponse<String> resp = HTTP.send(r, HttpResponse.BodyHandlers.ofString());
      assertThat(resp.statusCode()).as(resp.body()).isBetween(200, 299);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static void put(String key, String value, int ttl) {
    v2("PUT", key, "value=" + URLEncoder.encode(value, StandardCharsets.UTF_8) + (ttl > 0 ? "&ttl=" + ttl : ""));
  }

  static List<String> leaves(String dir) {
    try {
      HttpResponse<String> r =
          HTTP.send(
              HttpRequest.newBuilder(URI.create(endpoint + "/v2/keys" + dir + "?recursive=true")).build(),
              HttpResponse.BodyHandlers.ofString());
      List<String> out = new ArrayList<>();
      collect(JSON.readTree(r.body()).path("node"), out);
      return out;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static void collect(JsonNode n, List<String> out) {
    if (n.path("dir").asBoolean()) {
      n.path("nodes").forEach(c -> collect(c, out));
    } else if (n.has("key")) {
      out.add(n.get("key").asText());
    }
  }

  static EtcdV2MetricSource.Builder source(String root) {
    return EtcdV2MetricSource.builder()
        .endpoint(endpoint)
        .metricsBasePath(root + "/metrics")
        .applicationBasePath(root + "/services")
        .checkpointKey(root + "/_dynamite/run/metrics_revision");
  }

  @Test
  void consumesTheGoldenPassWrittenThroughV2() {
    String root = "/g2";
    JsonNode golden = fixture("metrics-reader-golden.json");
    for (Iterator<Map.Entry<String, JsonNode>> it = golden.get("etcd_before").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      put(root + e.getKey(), e.getValue().asText(), e.getKey().startsWith("/metrics") ? 60 : 0);
    }
    try (EtcdV2MetricSource src = source(root).build()) {
      MetricPoll p = src.poll(QUERIES);
      assertThat(p.samples()).hasSize(8);
      assertThat(p.samples().stream().filter(s -> s.isAggregated()).map(MetricSample::value).collect(Collectors.toList()))
          .containsExactly(699.0, 699.0);
      assertThat(src.resolveInstance("webserver", "apache-uuid-1")).contains("apache_instance_name_1.service");
      assertThat(leaves(root + "/metrics")).isEmpty();
      assertThat(leaves(root + "/services")).hasSize(1);
    }
  }

  @Test
  void watchesNewWritesRejectsPoisonAndFollowsRegistrationDirExpiry() {
    String root = "/w2";
    try (EtcdV2MetricSource src = source(root).build()) {
      assertThat(src.poll(QUERIES)).isEqualTo(MetricPoll.EMPTY);
      // the sidekick: a TTL'd directory holding the name
      v2("PUT", root + "/services/webserver/u7", "dir=true&ttl=2");
      put(root + "/services/webserver/u7/service_instance_name", "zurmo_apache@12021", 0);
      put(root + "/metrics/webserver/u7/cpu_user/2015-06-26T09:52:09.680Z", "9", 60);
      put(root + "/metrics/webserver/u7/cpu_user/2015-06-26T09:52:08.680Z", "abc", 60);
      put(root + "/metrics/webserver/u7/cpu_user/2015-06-26T09:52:07.680Z", "7", 60);
      List<MetricSample> samples = new ArrayList<>();
      List<RejectedSample> rejected = new ArrayList<>();
      await().atMost(Duration.ofSeconds(5)).until(() -> {
        MetricPoll p = src.poll(QUERIES);
        samples.addAll(p.samples());
        rejected.addAll(p.rejected());
        return samples.size() >= 2 && rejected.size() >= 1;
      });
      assertThat(samples).extracting(MetricSample::value).containsExactly(7.0, 9.0);
      assertThat(rejected).singleElement().extracting(RejectedSample::key).asString().endsWith("09:52:08.680Z");
      assertThat(src.resolveInstance("webserver", "u7")).contains("zurmo_apache@12021.service");
      assertThat(leaves(root + "/metrics")).isEmpty();
      // the directory's TTL runs out (no refresh): the registration goes with it
      await().atMost(Duration.ofSeconds(6)).until(() -> src.resolveInstance("webserver", "u7").equals(Optional.empty()));
    }
  }

  @Test
  void sharedRestartNeitherLosesNorRepeats() {
    String root = "/r2";
    String dir = root + "/metrics/webserver/u1/cpu_user/";
    List<MetricSample> all = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      put(dir + EtcdMetricSourceIT.ts(i), Integer.toString(i), 0);
    }
    try (EtcdV2MetricSource first = source(root).mode(MetricMode.SHARED).build()) {
      all.addAll(first.poll(QUERIES).samples());
      put(dir + EtcdMetricSourceIT.ts(5), "5", 0);
      await().atMost(Duration.ofSeconds(5)).until(() -> all.addAll(first.poll(QUERIES).samples()) && all.size() >= 6);
      put(dir + EtcdMetricSourceIT.ts(6), "6", 0);
    }
    try (EtcdV2MetricSource second = source(root).mode(MetricMode.SHARED).build()) {
      await().atMost(Duration.ofSeconds(5)).until(() -> all.addAll(second.poll(QUERIES).samples()) && all.size() >= 7);
    }
    assertThat(all).extracting(MetricSample::value).containsExactly(0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0);
    assertThat(leaves(dir)).hasSize(7);
  }

  @Test
  void theStateStoreAdoptsAnOriginalTreeWrittenThroughV2() throws Exception {
    String root = "/v2adopt/_dynamite";
    JsonNode after = fixture("etcd-fleet-golden-test-config.json").get("steps").get(3).get("etcd_after");
    for (Iterator<Map.Entry<String, JsonNode>> it = after.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String value = e.getValue().isTextual() ? e.getValue().asText() : JSON.writeValueAsString(e.getValue());
      put(e.getKey().replaceFirst("^/_dynamite", root), value, 0);
    }
    try (Client client = Client.builder().endpoints(endpoint).build();
        EtcdStateStore store = EtcdStateStore.builder().client(client).root(root).adoptFromV2(endpoint).build()) {
      StoredState s = store.load();
      assertThat(s.status()).isEqualTo(EngineStatus.RUNNING);
      assertThat(s.services()).hasSize(2);
      assertThat(s.instances()).hasSize(1);
      // copied into v3: from now on v3 is the truth
      assertThat(EtcdTestSupport.dump(client, root + "/")).hasSize(5);
      store.saveStatus(EngineStatus.RECOVERING);
      assertThat(store.load().status()).isEqualTo(EngineStatus.RECOVERING);
    }
  }

  @Test
  void aBurstIsCaughtUpWithoutLossOrDuplicates() throws Exception {
    String root = "/b2";
    try (EtcdV2MetricSource src = source(root).build()) {
      src.poll(QUERIES);
      List<java.util.concurrent.CompletableFuture<HttpResponse<Void>>> fs = new ArrayList<>();
      for (int i = 0; i < 300; i++) {
        fs.add(
            HTTP.sendAsync(
                HttpRequest.newBuilder(URI.create(endpoint + "/v2/keys" + root + "/metrics/webserver/u" + (i % 30) + "/cpu_user/" + EtcdMetricSourceIT.ts(i)))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .PUT(HttpRequest.BodyPublishers.ofString("value=" + i))
                    .build(),
                HttpResponse.BodyHandlers.discarding()));
      }
      for (var f : fs) {
        assertThat(f.get().statusCode()).isEqualTo(201);
      }
      List<MetricSample> all = new ArrayList<>();
      await().atMost(Duration.ofSeconds(10)).until(() -> all.addAll(src.poll(QUERIES).samples()) && all.size() >= 300);
      assertThat(all).extracting(MetricSample::value).doesNotHaveDuplicates().hasSize(300);
      await().atMost(Duration.ofSeconds(5)).until(() -> leaves(root + "/metrics").isEmpty());
    }
  }

  static Instant at(String s) {
    return Instant.parse(s);
  }
}
