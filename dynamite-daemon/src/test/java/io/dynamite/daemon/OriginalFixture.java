package io.dynamite.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * The original's test configuration ({@code config.yaml} and its unit files) on disk, and metrics
 * written the way the original's writers write them (logstash-output-etcd, discovery sidekicks:
 * the v2 keys API).
 */
final class OriginalFixture {
  static final DateTimeFormatter TS = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
  static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final String WINDOWS_FOLDER = "C:\\Projects\\CNA\\dynamite\\dynamite\\tests\\TEST_CONFIG_FOLDER\\service-files";

  private OriginalFixture() {}

  /** Copies the unit files into {@code dir/service-files} and writes {@code dir/config.yaml} pointing at them. */
  static Path prepare(Path dir) throws Exception {
    Path units = Files.createDirectories(dir.resolve("service-files"));
    for (String f : List.of("a@.service", "a_logger@.service", "a_service_announcer@.service", "apache@.service",
        "arbitrary_file.txt", "example.service", "haproxy.service")) {
      try (InputStream in = OriginalFixture.class.getResourceAsStream("/original/service-files/" + f)) {
        Files.copy(in, units.resolve(f));
      }
    }
    try (InputStream in = OriginalFixture.class.getResourceAsStream("/original/config.yaml")) {
      String yaml = new String(in.readAllBytes(), StandardCharsets.UTF_8).replace(WINDOWS_FOLDER, units.toString());
      return Files.writeString(dir.resolve("config.yaml"), yaml);
    }
  }

  /** The aggregated load balancer response time (policy scale_up: above 250 for 15 s), 18 samples a second apart, over v2. */
  static void writeResponseTimesV2(String etcd, Instant from, double value) throws Exception {
    for (int s = 0; s <= 17; s++) {
      v2Put(etcd, "/metrics/loadbalancer/response_time/" + TS.format(from.plusSeconds(s)),
          "{\"time_backend_response.p95\": " + value + "}");
    }
  }

  /** One instance's cpu_user (policy scale_down: below 30 for 30 s), 33 samples a second apart, over v2. */
  static void writeCpuUserV2(String etcd, String uuid, Instant from, double value) throws Exception {
    for (int s = 0; s <= 32; s++) {
      v2Put(etcd, "/metrics/webserver/" + uuid + "/cpu_user/" + TS.format(from.plusSeconds(s)), Double.toString(value));
    }
  }

  static void v2Put(String etcd, String key, String value) throws Exception {
    String body = "value=" + URLEncoder.encode(value, StandardCharsets.UTF_8);
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(etcd + "/v2/keys" + key))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .PUT(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isIn(200, 201);
  }

  static String get(String url) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString()).body();
  }
}
