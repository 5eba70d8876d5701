package io.dynamite.etcd.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dynamite.api.MetricQuery;
import io.dynamite.api.MetricSample;
import io.dynamite.api.RejectedSample;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The original key layout, shared by the v3 and v2 sources so that both parse identically.
 *
 * <ul>
 *   <li>per instance: {@code <metrics>/<type>/<uuid>/<folder>/<timestamp>} (4 segments after the
 *       base)
 *   <li>aggregated: {@code <metrics>/<type>/<folder>/<timestamp>} (3 segments)
 *   <li>registration: {@code <application>/<type>/<uuid>/service_instance_name}
 * </ul>
 *
 * The timestamp is the last key segment (ISO-8601 instant, e.g. {@code 2015-06-26T09:52:07.680Z});
 * the value is a plain number or, for {@code folder.json.key} metrics, a JSON object holding the
 * flat key. Immutable and thread-safe.
 */
public final class MetricLayout {
  /** The leaf name of a registration. */
  public static final String INSTANCE_NAME_LEAF = "service_instance_name";

  private static final ObjectMapper JSON = new ObjectMapper();

  private final String metricsPrefix;
  private final String applicationPrefix;

  /**
   * Creates the layout.
   *
   * @param metricsBasePath for example {@code /metrics}
   * @param applicationBasePath for example {@code /services}
   */
  public MetricLayout(String metricsBasePath, String applicationBasePath) {
    this.metricsPrefix = normalize(metricsBasePath) + "/";
    this.applicationPrefix = normalize(applicationBasePath) + "/";
  }

  /**
   * Normalises a base path: leading slash, no trailing slash.
   *
   * @param path the configured path
   * @return the normalised path
   */
  public static String normalize(String path) {
    Objects.requireNonNull(path, "path");
    String p = path.trim();
    while (p.endsWith("/")) {
      p = p.substring(0, p.length() - 1);
    }
    if (p.isEmpty()) {
      throw new IllegalArgumentException("base path must not be empty or '/'");
    }
    return p.startsWith("/") ? p : "/" + p;
  }

  /**
   * Returns the metrics prefix with a trailing slash.
   *
   * @return the prefix every metric key starts with
   */
  public String metricsPrefix() {
    return metricsPrefix;
  }

  /**
   * Returns the registrations prefix with a trailing slash.
   *
   * @return the prefix every registration key starts with
   */
  public String applicationPrefix() {
    return applicationPrefix;
  }

  /**
   * A registration parsed from a key.
   *
   * @param serviceType the type segment
   * @param uuid the uuid segment
   */
  public record Registration(String serviceType, String uuid) {}

  /**
   * Parses a registration key.
   *
   * @param key the full key
   * @return the registration, or null if the key is not a {@code service_instance_name} leaf
   */
  public @Nullable Registration registration(String key) {
    if (!key.startsWith(applicationPrefix)) {
      return null;
    }
    String[] s = key.substring(applicationPrefix.length()).split("/", -1);
    if (s.length != 3 || !INSTANCE_NAME_LEAF.equals(s[2]) || s[0].isEmpty() || s[1].isEmpty()) {
      return null;
    }
    return new Registration(s[0], s[1]);
  }

  /**
   * Appends {@code .service} when missing, as the original resolver did.
   *
   * @param name the registered name
   * @return the unit name
   */
  public static String unitName(String name) {
    String n = name.trim();
    return n.endsWith(".service") ? n : n + ".service";
  }

  /**
   * What one metric key yields for the queried streams.
   *
   * @param samples usable samples, one per matching query
   * @param rejected rejections, one per matching query that could not use the value
   */
  public record Parsed(List<MetricSample> samples, List<RejectedSample> rejected) {
    /** Nothing matched. */
    public static final Parsed NONE = new Parsed(List.of(), List.of());

    /**
     * Tells whether any query matched the key.
     *
     * @return true if the key belongs to a queried stream
     */
    public boolean matched() {
      return !samples.isEmpty() || !rejected.isEmpty();
    }
  }

  /**
   * Parses a metric key and value for the given queries. Keys of streams nobody queries yield
   * {@link Parsed#NONE}, so they cost nothing further.
   *
   * @param key the full key
   * @param value its value
   * @param queries the queried streams
   * @return the samples and rejections
   */
  public Parsed parse(String key, String value, List<MetricQuery> queries) {
    if (!key.startsWith(metricsPrefix)) {
      return Parsed.NONE;
    }
    String[] s = key.substring(metricsPrefix.length()).split("/", -1);
    String type;
    String uuid;
    String folder;
    String ts;
    if (s.length == 4) {
      type = s[0];
      uuid = s[1];
      folder = s[2];
      ts = s[3];
    } else if (s.length == 3) {
      type = s[0];
      uuid = MetricSample.AGGREGATED;
      folder = s[1];
      ts = s[2];
    } else {
      return Parsed.NONE;
    }
    boolean aggregated = s.length == 3;
    List<MetricSample> samples = null;
    List<RejectedSample> rejected = null;
    Instant at = null;
    JsonNode json = null;
    String jsonError = null;
    for (MetricQuery q : queries) {
      if (q.aggregated() != aggregated || !q.serviceType().equals(type) || !q.folder().equals(folder)) {
        continue;
      }
      if (samples == null) {
        samples = new ArrayList<>(1);
        rejected = new ArrayList<>(0);
      }
      if (at == null) {
        try {
          at = Instant.parse(ts);
        } catch (DateTimeParseException e) {
          rejected.add(new RejectedSample(key, "timestamp is not an ISO-8601 instant: " + ts));
          continue;
        }
        if (!MetricSample.inRange(at)) {
          // policies compute in epoch nanoseconds; such a timestamp would wrap around
          rejected.add(new RejectedSample(key, "timestamp " + ts + " is outside " + MetricSample.EARLIEST
              + ".." + MetricSample.LATEST + " (nanoseconds since the epoch must fit a long)"));
          at = null;
          continue;
        }
      }
      String reason;
      double v;
      if (q.jsonKey().isEmpty()) {
        try {
          v = Double.parseDouble(value.trim());
          reason = Double.isFinite(v) ? null : "value is not finite: " + abbreviate(value);
        } catch (NumberFormatException e) {
          v = Double.NaN;
          reason = "value is not a number: " + abbreviate(value);
        }
      } else {
        if (json == null && jsonError == null) {
          try {
            json = JSON.readTree(value);
            if (json == null || !json.isObject()) {
              jsonError = "value is not a JSON object: " + abbreviate(value);
            }
          } catch (IOException e) {
            jsonError = "value is not JSON: " + abbreviate(value);
          }
        }
        if (jsonError != null) {
          v = Double.NaN;
          reason = jsonError;
        } else {
          String k = q.jsonKey().get();
          JsonNode n = Objects.requireNonNull(json).get(k);
          if (n == null || n.isNull()) {
            v = Double.NaN;
            reason = "JSON key missing: " + k;
          } else if (n.isNumber()) {
            v = n.doubleValue();
            reason = Double.isFinite(v) ? null : "value of " + k + " is not finite";
          } else if (n.isTextual()) {
            // the original converted with float(), which accepts numeric strings
            try {
              v = Double.parseDouble(n.asText().trim());
              reason = Double.isFinite(v) ? null : "value of " + k + " is not finite";
            } catch (NumberFormatException e) {
              v = Double.NaN;
              reason = "value of " + k + " is not a number: " + abbreviate(n.asText());
            }
          } else {
            v = Double.NaN;
            reason = "value of " + k + " is not a number";
          }
        }
      }
      if (reason != null) {
        rejected.add(new RejectedSample(key, reason));
      } else {
        samples.add(new MetricSample(q, uuid, at, v));
      }
    }
    return samples == null ? Parsed.NONE : new Parsed(samples, rejected);
  }

  /**
   * Tells whether a key lies in a stream of the queries, without parsing its value.
   *
   * @param key the full key
   * @param queries the queries
   * @return true if some query reads the key's stream
   */
  public boolean isQueried(String key, List<MetricQuery> queries) {
    if (!key.startsWith(metricsPrefix)) {
      return false;
    }
    String[] s = key.substring(metricsPrefix.length()).split("/", -1);
    if (s.length != 3 && s.length != 4) {
      return false;
    }
    boolean aggregated = s.length == 3;
    String folder = aggregated ? s[1] : s[2];
    for (MetricQuery q : queries) {
      if (q.aggregated() == aggregated && q.serviceType().equals(s[0]) && q.folder().equals(folder)) {
        return true;
      }
    }
    return false;
  }

  private static String abbreviate(String v) {
    return v.length() <= 40 ? '"' + v + '"' : '"' + v.substring(0, 40) + "...\"";
  }
}
