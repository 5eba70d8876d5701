package io.dynamite.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/** Describes how two parsed YAML documents differ, by path, for the recovery report. */
final class ConfigDiff {
  private static final int MAX_ITEMS = 20;

  private ConfigDiff() {}

  static String describe(Object before, Object after) {
    List<String> out = new ArrayList<>();
    diff("", before, after, out);
    if (out.isEmpty()) {
      return "no difference";
    }
    if (out.size() > MAX_ITEMS) {
      int more = out.size() - MAX_ITEMS;
      out = new ArrayList<>(out.subList(0, MAX_ITEMS));
      out.add("... and " + more + " more");
    }
    return String.join(", ", out);
  }

  private static void diff(String path, Object a, Object b, List<String> out) {
    if (a instanceof Map<?, ?> ma && b instanceof Map<?, ?> mb) {
      TreeSet<String> keys = new TreeSet<>();
      ma.keySet().forEach(k -> keys.add(String.valueOf(k)));
      mb.keySet().forEach(k -> keys.add(String.valueOf(k)));
      for (String k : keys) {
        String p = path.isEmpty() ? k : path + "." + k;
        boolean inA = ma.containsKey(k);
        boolean inB = mb.containsKey(k);
        if (!inA) {
          out.add(p + " added");
        } else if (!inB) {
          out.add(p + " removed");
        } else {
          diff(p, ma.get(k), mb.get(k), out);
        }
      }
      return;
    }
    if (!equalScalars(a, b)) {
      out.add(path + " changed from " + a + " to " + b);
    }
  }

  private static boolean equalScalars(Object a, Object b) {
    if (a instanceof Number na && b instanceof Number nb) {
      return na.doubleValue() == nb.doubleValue();
    }
    return Objects.equals(a, b);
  }
}
