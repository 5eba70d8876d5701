package io.dynamite.core.policy;

import io.dynamite.api.ConfigProblem;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Reads the YAML settings of a built-in policy entry and collects every problem with its path
 * instead of stopping at the first one. Paths are relative to the policy entry ({@code target},
 * {@code steps[1].upper}). Used by the built-in policy types; not thread-safe.
 *
 * @since 0.3
 */
public final class SettingsReader {
  private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)(d|h|m|s)");
  /** The largest duration accepted: about 31 years. */
  private static final double MAX_SECONDS = 1e9;

  private final List<ConfigProblem> problems = new ArrayList<>();

  /** Creates a reader with no problems yet. */
  public SettingsReader() {}

  /**
   * Returns the problems found so far.
   *
   * @return the live list, in the order found
   */
  public List<ConfigProblem> problems() {
    return problems;
  }

  /**
   * Adds a problem.
   *
   * @param path where
   * @param message what is wrong
   */
  public void problem(String path, String message) {
    problems.add(new ConfigProblem(path, message));
  }

  /**
   * Joins a path and a key.
   *
   * @param prefix the path of the mapping, empty for the policy entry itself
   * @param key the key
   * @return {@code prefix.key}, or {@code key} for an empty prefix
   */
  public static String path(String prefix, Object key) {
    return prefix.isEmpty() ? String.valueOf(key) : prefix + "." + key;
  }

  /**
   * Reports every key of a mapping that is not in {@code keys}.
   *
   * @param m the mapping
   * @param prefix its path
   * @param keys the allowed keys
   */
  public void knownKeys(Map<?, ?> m, String prefix, Set<String> keys) {
    for (Object k : m.keySet()) {
      if (!keys.contains(String.valueOf(k))) {
        problem(path(prefix, k), "unknown key; expected one of " + String.join(", ", keys));
      }
    }
  }

  /**
   * Reads a finite number.
   *
   * @param m the mapping
   * @param key the key
   * @param prefix the mapping's path
   * @param required whether a missing key is a problem
   * @return the number, or null when absent or invalid
   */
  public @Nullable Double number(Map<?, ?> m, String key, String prefix, boolean required) {
    Object v = m.get(key);
    if (v == null) {
      if (required) {
        problem(path(prefix, key), "required key is missing; expected a number");
      }
      return null;
    }
    if (v instanceof Number n && Double.isFinite(n.doubleValue())) {
      return n.doubleValue();
    }
    problem(path(prefix, key), "must be a number, got " + describe(v));
    return null;
  }

  /**
   * Reads a whole number within bounds.
   *
   * @param m the mapping
   * @param key the key
   * @param prefix the mapping's path
   * @param min the lowest value allowed
   * @param max the highest value allowed
   * @param required whether a missing key is a problem
   * @return the value, or null when absent or invalid
   */
  public @Nullable Integer whole(Map<?, ?> m, String key, String prefix, int min, int max, boolean required) {
    Object v = m.get(key);
    if (v == null) {
      if (required) {
        problem(path(prefix, key), "required key is missing; expected a whole number from " + min + " to " + max);
      }
      return null;
    }
    boolean whole = v instanceof Integer || v instanceof Long || v instanceof BigInteger
        || (v instanceof Double d && Double.isFinite(d) && d == Math.rint(d));
    if (whole && ((Number) v).doubleValue() >= min && ((Number) v).doubleValue() <= max) {
      return ((Number) v).intValue();
    }
    problem(path(prefix, key), "must be a whole number from " + min + " to " + max + ", got " + describe(v));
    return null;
  }

  /**
   * Reads a duration: a number of seconds (fractions allowed) or a string of amounts with units
   * {@code d}, {@code h}, {@code m}, {@code s}, such as {@code "1h30m"} or {@code "90s"}.
   *
   * @param m the mapping
   * @param key the key
   * @param prefix the mapping's path
   * @param required whether a missing key is a problem
   * @return the duration (not negative), or null when absent or invalid
   */
  public @Nullable Duration duration(Map<?, ?> m, String key, String prefix, boolean required) {
    Object v = m.get(key);
    String p = path(prefix, key);
    if (v == null) {
      if (required) {
        problem(p, "required key is missing; expected seconds or a duration such as \"90s\", \"10m\", \"1h30m\"");
      }
      return null;
    }
    double seconds;
    if (v instanceof Number n && !(v instanceof Double d && !Double.isFinite(d))) {
      seconds = n.doubleValue();
    } else if (v instanceof String s && !s.isBlank()) {
      Matcher mt = DURATION.matcher(s.trim());
      seconds = 0;
      int end = 0;
      while (mt.find() && mt.start() == end) {
        double amount = Double.parseDouble(mt.group(1));
        seconds += amount * switch (mt.group(2)) {
          case "d" -> 86400;
          case "h" -> 3600;
          case "m" -> 60;
          default -> 1;
        };
        end = mt.end();
      }
      if (end != s.trim().length() || end == 0) {
        problem(p, "expected seconds or a duration such as \"90s\", \"10m\", \"1h30m\", got " + describe(v));
        return null;
      }
    } else {
      problem(p, "expected seconds or a duration such as \"90s\", \"10m\", \"1h30m\", got " + describe(v));
      return null;
    }
    if (seconds < 0) {
      problem(p, "must not be negative, got " + v);
      return null;
    }
    if (seconds > MAX_SECONDS) {
      problem(p, "must be at most 1000000000 seconds, got " + v);
      return null;
    }
    return Duration.ofNanos(Math.round(seconds * 1_000_000_000d));
  }

  /**
   * Reads a string.
   *
   * @param m the mapping
   * @param key the key
   * @param prefix the mapping's path
   * @param required whether a missing key is a problem
   * @return the string, or null when absent or not a string
   */
  public @Nullable String string(Map<?, ?> m, String key, String prefix, boolean required) {
    Object v = m.get(key);
    if (v == null) {
      if (required) {
        problem(path(prefix, key), "required key is missing; expected a string");
      }
      return null;
    }
    if (v instanceof String s) {
      return s;
    }
    problem(path(prefix, key), "must be a string, got " + describe(v));
    return null;
  }

  /**
   * Reads one of a fixed set of words.
   *
   * @param m the mapping
   * @param key the key
   * @param prefix the mapping's path
   * @param allowed the words, in the order to list them
   * @param fallback the value when absent
   * @return the word, {@code fallback} when absent, or null when invalid
   */
  public @Nullable String choice(Map<?, ?> m, String key, String prefix, Set<String> allowed, @Nullable String fallback) {
    Object v = m.get(key);
    if (v == null) {
      return fallback;
    }
    if (v instanceof String s && allowed.contains(s)) {
      return s;
    }
    problem(path(prefix, key), "unknown value " + describe(v) + "; allowed values are '"
        + String.join("', '", allowed) + "'");
    return null;
  }

  /**
   * Checks that a value is a mapping.
   *
   * @param raw the value
   * @param path its path
   * @param expected what a mapping there holds, for the message
   * @return the mapping, or null (with a problem) when it is something else
   */
  public @Nullable Map<?, ?> mapping(@Nullable Object raw, String path, String expected) {
    if (raw instanceof Map<?, ?> m) {
      return m;
    }
    problem(path, "expected " + expected + ", found " + describe(raw));
    return null;
  }

  /**
   * Checks that a value is a list.
   *
   * @param raw the value
   * @param path its path
   * @param expected what the list holds, for the message
   * @return the list, or null (with a problem) when it is something else
   */
  public @Nullable List<?> list(@Nullable Object raw, String path, String expected) {
    if (raw instanceof List<?> l) {
      return l;
    }
    problem(path, "expected a list of " + expected + ", found " + describe(raw));
    return null;
  }

  /**
   * Describes a YAML value for a message.
   *
   * @param v the value
   * @return for example {@code the string 'x'} or {@code a mapping}
   */
  public static String describe(@Nullable Object v) {
    if (v == null) {
      return "nothing (null)";
    }
    if (v instanceof String str) {
      return "the string '" + str + "'";
    }
    if (v instanceof Boolean) {
      return "the boolean " + v;
    }
    if (v instanceof Integer || v instanceof Long || v instanceof BigInteger) {
      return "the integer " + v;
    }
    if (v instanceof Number) {
      return "the number " + v;
    }
    if (v instanceof List<?>) {
      return "a list";
    }
    if (v instanceof Map<?, ?>) {
      return "a mapping";
    }
    return "a value of type " + v.getClass().getSimpleName();
  }

  /**
   * Builds an unmodifiable set that keeps the order given.
   *
   * @param keys the keys
   * @return the set
   */
  public static Set<String> ordered(String... keys) {
    return Collections.unmodifiableSet(new LinkedHashSet<>(List.of(keys)));
  }

  /**
   * Writes a duration the way the policies' reasons do: {@code 1d2h}, {@code 5m30s}, {@code 0s}.
   *
   * @param d the duration; fractions of a second are dropped
   * @return the text
   */
  public static String text(java.time.Duration d) {
    long s = d.getSeconds();
    StringBuilder b = new StringBuilder();
    if (s >= 86400) {
      b.append(s / 86400).append('d');
      s %= 86400;
    }
    if (s >= 3600) {
      b.append(s / 3600).append('h');
      s %= 3600;
    }
    if (s >= 60) {
      b.append(s / 60).append('m');
      s %= 60;
    }
    if (s > 0 || b.length() == 0) {
      b.append(s).append('s');
    }
    return b.toString();
  }
}
