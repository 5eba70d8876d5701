package io.dynamite.fleet.internal;

import io.dynamite.api.UnitOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Normalises unit options the way fleet stores them. fleet serialises the options of a PUT into a
 * unit file (grouped by section in order of first appearance) and re-parses that text on every
 * read, so values come back trimmed, a value containing a newline comes back as several
 * options, and a value ending in a backslash continues into the next line of the file (with the
 * newline and the backslash kept), even when that line was the next option. fleet decides "same
 * unit, no replace" by hashing the submitted options against the stored ones; sending the
 * normalised form, and comparing normalised forms, is what keeps an unchanged unit from being
 * replaced (a replace restarts it).
 */
public final class UnitOptions {
  private UnitOptions() {}

  /**
   * Returns the options as fleet would read them back.
   *
   * @param options options in any order, with any whitespace
   * @return the normalised options
   * @throws IllegalArgumentException if a value contains a newline followed by a line that is
   *     neither {@code name=value}, a section header nor a comment (fleet would reject the unit)
   */
  public static List<UnitOption> normalize(List<UnitOption> options) {
    return List.copyOf(reparse(serialize(options)));
  }

  /**
   * Writes the unit file as fleet does: options grouped by section in order of first appearance,
   * {@code [Section]} then {@code Name=Value} lines, a blank line between sections. Serialising
   * the whole file (not option by option) matters: a value ending in a backslash continues into
   * the next line of the file, which may be the next option.
   */
  private static String serialize(List<UnitOption> options) {
    Map<String, List<UnitOption>> bySection = new LinkedHashMap<>();
    for (UnitOption o : options) {
      bySection.computeIfAbsent(o.section(), k -> new ArrayList<>()).add(o);
    }
    StringBuilder sb = new StringBuilder();
    for (Map.Entry<String, List<UnitOption>> e : bySection.entrySet()) {
      if (sb.length() > 0) {
        sb.append('\n');
      }
      sb.append('[').append(e.getKey()).append("]\n");
      for (UnitOption o : e.getValue()) {
        sb.append(o.name()).append('=').append(o.value()).append('\n');
      }
    }
    return sb.toString();
  }

  /** Parses a unit file as fleet reads a stored unit back. */
  private static List<UnitOption> reparse(String text) {
    List<UnitOption> out = new ArrayList<>();
    String current = "";
    String pendingName = null;
    StringBuilder pendingValue = null;
    for (String raw : text.split("\n", -1)) {
      if (pendingName != null) {
        pendingValue.append('\n').append(raw);
        if (!raw.endsWith("\\")) {
          out.add(UnitOption.of(current, pendingName, pendingValue.toString().strip()));
          pendingName = null;
          pendingValue = null;
        }
        continue;
      }
      String line = raw.strip();
      if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) {
        continue;
      }
      if (line.startsWith("[") && line.endsWith("]")) {
        current = line.substring(1, line.length() - 1);
        continue;
      }
      int eq = line.indexOf('=');
      if (eq < 0) {
        throw new IllegalArgumentException("option text cannot be stored by fleet: " + line);
      }
      String name = line.substring(0, eq).strip();
      String value = line.substring(eq + 1);
      if (value.endsWith("\\")) {
        pendingName = name;
        pendingValue = new StringBuilder(value);
      } else {
        out.add(UnitOption.of(current, name, value.strip()));
      }
    }
    if (pendingName != null) {
      out.add(UnitOption.of(current, pendingName, pendingValue.toString().strip()));
    }
    return out;
  }
}
