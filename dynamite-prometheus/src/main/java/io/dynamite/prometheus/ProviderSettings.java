package io.dynamite.prometheus;

import io.dynamite.api.ConfigException;
import io.dynamite.api.ConfigProblem;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * Reads the settings map of the {@code prometheus} provider into a builder and collects every
 * problem, each with its path below the section ({@code queries.cpu.instance_label}), before
 * failing. Values of secrets are never read here, only the names of their files.
 */
final class ProviderSettings {
  /** Top-level keys besides {@code type}. */
  static final Set<String> KEYS = Set.of("url", "queries", "interval", "timeout", "bearer_token_file", "username",
      "password_file", "ca_file", "buffer_capacity");
  /** Keys of a query given as a mapping. */
  static final Set<String> QUERY_KEYS = Set.of("query", "instance_label", "unit_name");

  private final Map<String, Object> map;
  private final List<ConfigProblem> problems = new ArrayList<>();

  ProviderSettings(Map<String, Object> map) {
    this.map = map;
  }

  /**
   * Fills a builder from the settings.
   *
   * @throws ConfigException with every problem found
   */
  PrometheusMetricSource.Builder read() {
    PrometheusMetricSource.Builder b = PrometheusMetricSource.builder();
    for (String k : map.keySet()) {
      if (!KEYS.contains(k) && !"type".equals(k)) {
        problem(k, "unknown setting; known: " + new TreeSet<>(KEYS));
      }
    }
    String url = string("url");
    if (url == null) {
      if (!map.containsKey("url")) {
        problem("url", "required: the Prometheus server's base URL, for example http://127.0.0.1:9090");
      }
    } else {
      try {
        PrometheusMetricSource.Builder.baseUrl(url);
        b.url(url);
      } catch (IllegalArgumentException e) {
        problem("url", e.getMessage());
      }
    }
    queries(b);
    Duration interval = duration("interval");
    if (interval != null) {
      b.interval(interval);
    }
    Duration timeout = duration("timeout");
    if (timeout != null) {
      b.timeout(timeout);
    }
    String token = string("bearer_token_file");
    String user = string("username");
    String password = string("password_file");
    if (token != null && (user != null || password != null)) {
      problem("bearer_token_file", "use either bearer_token_file or username/password_file, not both");
    } else if (token != null) {
      b.bearerTokenFile(Path.of(token));
    } else if (user != null && password != null) {
      b.basicAuth(user, Path.of(password));
    } else if (user != null) {
      problem("password_file", "username needs password_file (the file holding the password)");
    } else if (password != null) {
      problem("username", "password_file needs username");
    }
    String ca = string("ca_file");
    if (ca != null) {
      b.caFile(Path.of(ca));
    }
    Object cap = map.get("buffer_capacity");
    if (cap != null) {
      Integer n = cap instanceof Integer i ? i : null;
      if (n == null || n <= 0) {
        problem("buffer_capacity", "expected a positive integer, got " + cap);
      } else {
        b.bufferCapacity(n);
      }
    }
    if (!problems.isEmpty()) {
      throw new ConfigException(problems);
    }
    return b;
  }

  /**
   * Builds the source, which reads the credential and CA files once.
   *
   * @throws ConfigException naming the setting whose file is unusable (never the file's content)
   */
  PrometheusMetricSource build(PrometheusMetricSource.Builder b) {
    try {
      return b.build();
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw new ConfigException(fileKey(e.getMessage()), String.valueOf(e.getMessage()));
    }
  }

  /** The setting a file problem belongs to, from the builder's message. */
  private String fileKey(@Nullable String message) {
    String m = message == null ? "" : message;
    for (String k : List.of("bearer_token_file", "password_file", "ca_file")) {
      Object v = map.get(k);
      if (v != null && m.contains(v.toString())) {
        return k;
      }
    }
    return m.contains("ca_file") ? "ca_file" : "url";
  }

  private void queries(PrometheusMetricSource.Builder b) {
    Object q = map.get("queries");
    if (q == null) {
      problem("queries", "required: a mapping of policy metric to PromQL query, for example"
          + " {cpu: 'avg(rate(process_cpu_seconds_total{job=\"web\"}[1m]))'}");
      return;
    }
    if (!(q instanceof Map<?, ?> all) || all.isEmpty()) {
      problem("queries", "expected a non-empty mapping of policy metric to PromQL query");
      return;
    }
    for (Map.Entry<?, ?> e : all.entrySet()) {
      String key = String.valueOf(e.getKey());
      String path = "queries." + key;
      Object v = e.getValue();
      String promql;
      String label = null;
      String unit = null;
      if (v instanceof String s) {
        promql = s;
      } else if (v instanceof Map<?, ?> m) {
        for (Object k : m.keySet()) {
          if (!QUERY_KEYS.contains(String.valueOf(k))) {
            problem(path + "." + k, "unknown setting; known: " + new TreeSet<>(QUERY_KEYS));
          }
        }
        promql = m.get("query") instanceof String s ? s : null;
        if (promql == null) {
          problem(path + ".query", "required: the PromQL expression");
          continue;
        }
        label = optionalString(m, "instance_label", path);
        unit = optionalString(m, "unit_name", path);
      } else {
        problem(path, "expected a PromQL string or a mapping with query, instance_label, unit_name");
        continue;
      }
      try {
        b.query(key, new PrometheusQuery(promql, label, unit));
      } catch (IllegalArgumentException ex) {
        String where = ex.getMessage().startsWith("instance_label") ? ".instance_label"
            : ex.getMessage().startsWith("unit_name") ? ".unit_name" : (v instanceof Map ? ".query" : "");
        problem(path + where, ex.getMessage());
      }
    }
  }

  private @Nullable String optionalString(Map<?, ?> m, String key, String path) {
    Object v = m.get(key);
    if (v == null) {
      return null;
    }
    if (v instanceof String s) {
      return s;
    }
    problem(path + "." + key, "expected a string, got " + v);
    return null;
  }

  private @Nullable String string(String key) {
    Object v = map.get(key);
    if (v == null) {
      return null;
    }
    if (v instanceof String s && !s.isBlank()) {
      return s.trim();
    }
    problem(key, "expected a non-empty string");
    return null;
  }

  private @Nullable Duration duration(String key) {
    Object v = map.get(key);
    if (v == null) {
      return null;
    }
    Duration d = Durations.parse(v);
    if (d == null || d.isZero()) {
      problem(key, "expected a positive duration of at most a day, such as 15s, 500ms or 1m30s, or seconds; got " + v);
      return null;
    }
    return d;
  }

  private void problem(String path, String message) {
    problems.add(new ConfigProblem(path, message));
  }
}
