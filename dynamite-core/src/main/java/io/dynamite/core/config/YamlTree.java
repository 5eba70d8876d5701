package io.dynamite.core.config;

import io.dynamite.api.ConfigException;
import io.dynamite.api.ConfigProblem;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Typed reads from a parsed YAML tree that record a {@link ConfigProblem} instead of throwing, so
 * that one load reports every problem. One instance per load; confined to the loading thread.
 *
 * <p>Every reader returns null when the key is absent, explicitly null, or has the wrong type or
 * range; only the last two add a problem. Messages say what was expected and what was found.
 */
final class YamlTree {
  private static final Pattern PLACEHOLDER = Pattern.compile("<[A-Za-z0-9_]+>");

  /** Problems in the order found. */
  final List<ConfigProblem> problems = new ArrayList<>();

  void problem(String path, String message) {
    problems.add(new ConfigProblem(path, message));
  }

  static String path(String parent, Object key) {
    return parent + "." + key;
  }

  /** Returns {@code v} as a mapping, or adds "expected ..., found ..." and returns null. */
  @Nullable Map<?, ?> mapping(@Nullable Object v, String path, String expected) {
    if (v instanceof Map<?, ?> m) {
      return m;
    }
    problem(path, "expected " + expected + ", found " + describe(v));
    return null;
  }

  /** Adds a problem for every key of {@code m} that is not in {@code known}. */
  void knownKeys(Map<?, ?> m, String path, Set<String> known) {
    for (Object k : m.keySet()) {
      if (!(k instanceof String s) || !known.contains(s)) {
        problem(path(path, k), "unknown key; expected one of " + String.join(", ", known));
      }
    }
  }

  /** Adds "required key is missing" if {@code key} is absent or null and returns whether it is. */
  boolean require(Map<?, ?> m, String key, String path, String expected) {
    if (m.get(key) == null) {
      problem(path(path, key), "required key is missing; expected " + expected);
      return false;
    }
    return true;
  }

  @Nullable String string(Map<?, ?> m, String key, String path, boolean required) {
    Object v = m.get(key);
    if (v == null) {
      if (required) {
        require(m, key, path, "a string");
      }
      return null;
    }
    if (v instanceof String s) {
      if (s.isBlank()) {
        problem(path(path, key), "must not be empty");
        return null;
      }
      return s;
    }
    problem(path(path, key), "expected a string, found " + describe(v));
    return null;
  }

  @Nullable Integer integer(Map<?, ?> m, String key, String path, int min, int max) {
    Object v = m.get(key);
    if (v == null) {
      return null;
    }
    String range = max == Integer.MAX_VALUE ? "an integer >= " + min : "an integer from " + min + " to " + max;
    if (!(v instanceof Integer || v instanceof Long || v instanceof BigInteger)) {
      problem(path(path, key), "expected " + range + ", found " + describe(v));
      return null;
    }
    BigInteger b = v instanceof BigInteger bi ? bi : BigInteger.valueOf(((Number) v).longValue());
    if (b.compareTo(BigInteger.valueOf(min)) < 0 || b.compareTo(BigInteger.valueOf(max)) > 0) {
      problem(path(path, key), "expected " + range + ", found " + b);
      return null;
    }
    return b.intValue();
  }

  @Nullable Boolean bool(Map<?, ?> m, String key, String path) {
    Object v = m.get(key);
    if (v == null || v instanceof Boolean) {
      return (Boolean) v;
    }
    problem(path(path, key), "expected true or false, found " + describe(v));
    return null;
  }

  /** Reads a list of non-empty strings; absent or null gives an empty list. */
  List<String> strings(Map<?, ?> m, String key, String path, String what) {
    Object v = m.get(key);
    if (v == null) {
      return List.of();
    }
    if (!(v instanceof List<?> list)) {
      problem(path(path, key), "expected a list of " + what + ", found " + describe(v));
      return List.of();
    }
    List<String> out = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      Object item = list.get(i);
      if (item instanceof String s && !s.isBlank()) {
        out.add(s);
      } else {
        problem(path(path, key) + "[" + i + "]", "expected " + singular(what) + ", found " + describe(item));
      }
    }
    return out;
  }

  private static String singular(String what) {
    return "a " + (what.endsWith("s") ? what.substring(0, what.length() - 1) : what);
  }

  /** Describes a value for "found ..." in messages, hinting at unfilled placeholders. */
  static String describe(@Nullable Object v) {
    if (v == null) {
      return "nothing (null)";
    }
    if (v instanceof String s) {
      String d = "the string '" + s + "'";
      return PLACEHOLDER.matcher(s).matches()
          ? d + " (an unfilled placeholder? pass its value with ConfigLoader.Builder.placeholder)"
          : d;
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
    return "a value of YAML type " + v.getClass().getSimpleName();
  }

  /**
   * Checks that a parsed document, with every alias expanded as {@link #freeze} expands it, has no
   * cycle, is nested at most {@code maxDepth} levels and holds at most {@code maxValues} values.
   * Aliases make the parsed graph a DAG, or a cyclic graph for an alias inside its own anchor
   * ({@code &a [*a]}); expanding it naively would overflow the stack or the heap. Each distinct
   * collection is measured once, so this runs in time linear in the parsed graph.
   *
   * @throws ConfigException at the path of the first value found to break a limit
   */
  static void checkExpansion(@Nullable Object root, int maxDepth, int maxValues) {
    new Expansion(maxDepth, maxValues).measure(root, "", 1);
  }

  /** The expanded size and height of each distinct collection; see {@link #checkExpansion}. */
  private static final class Expansion {
    private final int maxDepth;
    private final int maxValues;
    private final Map<Object, long[]> measured = new IdentityHashMap<>();
    /** The collections being measured (the current path through the graph), with their paths. */
    private final Map<Object, String> open = new IdentityHashMap<>();

    Expansion(int maxDepth, int maxValues) {
      this.maxDepth = maxDepth;
      this.maxValues = maxValues;
    }

    /** Returns {values, height} of {@code v} expanded, at nesting level {@code depth}. */
    long[] measure(@Nullable Object v, String path, int depth) {
      if (!(v instanceof Map<?, ?> || v instanceof Collection<?>)) {
        return new long[] {1, 0};
      }
      String where = path.isEmpty() ? "(document)" : path;
      long[] known = measured.get(v);
      if (known == null) {
        String cycleStart = open.putIfAbsent(v, where);
        if (cycleStart != null) {
          throw new ConfigException(cycleStart, "recursive alias: the value contains itself (at "
              + where + "), so it would expand without end");
        }
        if (depth > maxDepth) {
          throw new ConfigException(where, "mappings and lists are nested deeper than the nesting"
              + " limit of " + maxDepth + " levels (aliases expanded)");
        }
        long values = 1;
        long height = 0;
        if (v instanceof Map<?, ?> m) {
          for (Map.Entry<?, ?> e : m.entrySet()) {
            long[] k = measure(e.getKey(), path, depth + 1);
            long[] c = measure(e.getValue(), child(path, e.getKey()), depth + 1);
            values += k[0] + c[0];
            height = Math.max(height, Math.max(k[1], c[1]) + 1);
          }
        } else {
          int i = 0;
          for (Object o : (Collection<?>) v) {
            long[] c = measure(o, path + "[" + i++ + "]", depth + 1);
            values += c[0];
            height = Math.max(height, c[1] + 1);
          }
        }
        open.remove(v);
        known = new long[] {values, height};
        measured.put(v, known);
      }
      if (known[0] > maxValues) {
        throw new ConfigException(where, "the value expands to more than " + maxValues + " values"
            + " (" + known[0] + "; each alias repeats the value it names); the limit is " + maxValues);
      }
      if (depth + known[1] > maxDepth) {
        throw new ConfigException(where, "mappings and lists are nested deeper than the nesting"
            + " limit of " + maxDepth + " levels (aliases expanded)");
      }
      return known;
    }

    private static String child(String path, @Nullable Object key) {
      return path.isEmpty() ? String.valueOf(key) : path(path, key);
    }
  }

  /**
   * Returns a deep, unmodifiable copy of a parsed tree with string keys, keeping order and nulls.
   * Non-string keys (YAML allows {@code 1: x}) are rendered with {@link String#valueOf}.
   */
  static @Nullable Object freeze(@Nullable Object v) {
    if (v instanceof Map<?, ?> m) {
      return freezeMap(m);
    }
    if (v instanceof List<?> l) {
      List<@Nullable Object> out = new ArrayList<>(l.size());
      for (Object o : l) {
        out.add(freeze(o));
      }
      return Collections.unmodifiableList(out);
    }
    return v;
  }

  static Map<String, Object> freezeMap(Map<?, ?> m) {
    // Values may be null, as in the YAML (LinkedHashMap allows it, unlike Map.copyOf).
    Map<String, Object> out = new LinkedHashMap<>();
    for (Map.Entry<?, ?> e : m.entrySet()) {
      out.put(String.valueOf(e.getKey()), freeze(e.getValue()));
    }
    return Collections.unmodifiableMap(out);
  }
}
