package io.dynamite.etcd.internal;

import io.dynamite.api.ConfigException;
import io.dynamite.api.ConfigProblem;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Reads the settings map of the {@code etcd} and {@code etcd-v2} providers and collects every
 * problem before failing, as configuration errors should. Values of secrets never reach a message.
 */
public final class ProviderSettings {
  /** Keys both providers accept. */
  public static final Set<String> KEYS =
      Set.of(
          "endpoints",
          "metrics_base_path",
          "application_base_path",
          "mode",
          "checkpoint_key",
          "ca_file",
          "cert_file",
          "key_file",
          "user",
          "password",
          "connect_timeout_ms",
          "request_timeout_ms",
          "buffer_capacity",
          "max_txn_ops");

  private final Map<String, Object> map;
  private final List<ConfigProblem> problems = new ArrayList<>();

  /**
   * Wraps a settings map and reports unknown keys.
   *
   * @param map the settings
   */
  public ProviderSettings(Map<String, Object> map) {
    this.map = map;
    for (String k : map.keySet()) {
      if (!KEYS.contains(k)) {
        problems.add(new ConfigProblem(k, "unknown setting; known: " + new java.util.TreeSet<>(KEYS)));
      }
    }
  }

  /**
   * Reads a string.
   *
   * @param key the key
   * @return the value or null when absent
   */
  public @Nullable String string(String key) {
    Object v = map.get(key);
    if (v == null) {
      return null;
    }
    if (v instanceof String || v instanceof Number || v instanceof Boolean) {
      return v.toString();
    }
    problems.add(new ConfigProblem(key, "must be a string"));
    return null;
  }

  /**
   * Reads a list of strings (a YAML list or a comma-separated string).
   *
   * @param key the key
   * @return the values; empty when absent
   */
  public List<String> list(String key) {
    Object v = map.get(key);
    List<String> out = new ArrayList<>();
    if (v == null) {
      return out;
    }
    if (v instanceof List<?> l) {
      for (Object o : l) {
        out.add(String.valueOf(o).trim());
      }
    } else if (v instanceof String s) {
      for (String p : s.split(",")) {
        if (!p.isBlank()) {
          out.add(p.trim());
        }
      }
    } else {
      problems.add(new ConfigProblem(key, "must be a list of URLs"));
    }
    return out;
  }

  /**
   * Reads a positive integer.
   *
   * @param key the key
   * @return the value or null when absent
   */
  public @Nullable Integer positive(String key) {
    Object v = map.get(key);
    if (v == null) {
      return null;
    }
    try {
      int i = v instanceof Number n ? n.intValue() : Integer.parseInt(v.toString().trim());
      if (i > 0) {
        return i;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    problems.add(new ConfigProblem(key, "must be a positive integer: " + v));
    return null;
  }

  /**
   * Reads the mode.
   *
   * @return consume (default) or shared, as upper-case names
   */
  public String mode() {
    String m = string("mode");
    if (m == null) {
      return "CONSUME";
    }
    String u = m.trim().toUpperCase(Locale.ROOT);
    if (!u.equals("CONSUME") && !u.equals("SHARED")) {
      problems.add(new ConfigProblem("mode", "must be consume or shared: " + m));
      return "CONSUME";
    }
    return u;
  }

  /**
   * Records a problem.
   *
   * @param key the key
   * @param message what is wrong
   */
  public void problem(String key, String message) {
    problems.add(new ConfigProblem(key, message));
  }

  /**
   * Throws if any problem was found.
   *
   * @throws ConfigException with every problem
   */
  public void check() {
    if (!problems.isEmpty()) {
      throw new ConfigException(problems);
    }
  }
}
