package io.dynamite.fleet.internal;

import io.dynamite.api.UnitOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Normalises unit options the way fleet stores them. fleet serialises the options of a PUT into a
 * unit file (grouped by section in order of first appearance) and re-parses that text on every
 * read, so values come back trimmed and a value containing a newline comes back as several
 * options. fleet decides "same unit, no replace" by hashing the submitted options against the
 * stored ones; sending the normalised form, and comparing normalised forms, is what keeps an
 * unchanged unit from being replaced (a replace restarts it).
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
    Map<String, List<UnitOption>> bySection = new LinkedHashMap<>();
    for (UnitOption o : options) {
      bySection.computeIfAbsent(o.section(), k -> new ArrayList<>()).add(o);
    }
    List<UnitOption> out = new ArrayList<>();
    for (Map.Entry<String, List<UnitOption>> e : bySection.entrySet()) {
      String section = e.getKey();
      for (UnitOption o : e.getValue()) {
        section = reparse(section, o.name().strip() + "=" + o.value(), out);
      }
    }
    return List.copyOf(out);
  }

  /** Parses one serialised option line (which may hold newlines); returns the section after it. */
  private static String reparse(String section, String text, List<UnitOption> out) {
    String current = section;
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
    return current;
  }
}
