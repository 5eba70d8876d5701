package io.dynamite.sandbox.fleet;

import io.dynamite.api.UnitOption;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * fleet's view of unit options: it serialises them into a unit file (grouped by section in order
 * of first appearance), hashes that text, and reads options back by re-parsing it. Emulating the
 * round trip is what makes the fake reproduce the spurious-replace and newline-injection effects of
 * a real fleetd.
 */
final class UnitFiles {
  /** go-systemd's serializer limit, enforced by fleet on every PUT. */
  static final int MAX_LINE_BYTES = 2048;

  private UnitFiles() {}

  /** Serialises like go-systemd: {@code [Section]\nName=Value\n}, a blank line between sections. */
  static String serialize(List<UnitOption> options) {
    Map<String, List<UnitOption>> bySection = new LinkedHashMap<>();
    for (UnitOption o : options) {
      bySection.computeIfAbsent(o.section(), k -> new ArrayList<>()).add(o);
    }
    StringBuilder sb = new StringBuilder();
    boolean first = true;
    for (Map.Entry<String, List<UnitOption>> e : bySection.entrySet()) {
      if (!first) {
        sb.append('\n');
      }
      first = false;
      sb.append('[').append(e.getKey()).append("]\n");
      for (UnitOption o : e.getValue()) {
        sb.append(o.name()).append('=').append(o.value()).append('\n');
      }
    }
    return sb.toString();
  }

  /** Hex SHA-1 of the serialised unit file, as in fleet's {@code UnitState.hash}. */
  static String hash(List<UnitOption> options) {
    try {
      MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
      byte[] d = sha1.digest(serialize(options).getBytes(StandardCharsets.UTF_8));
      StringBuilder sb = new StringBuilder(d.length * 2);
      for (byte b : d) {
        sb.append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
      }
      return sb.toString();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-1 is mandatory in every JRE", e);
    }
  }

  /** Tells whether a line of the serialised file exceeds the limit fleet enforces. */
  static boolean hasLongLine(List<UnitOption> options) {
    for (String line : serialize(options).split("\n", -1)) {
      if (line.getBytes(StandardCharsets.UTF_8).length > MAX_LINE_BYTES) {
        return true;
      }
    }
    return false;
  }

  /**
   * Re-parses the serialised text the way fleet reads a stored unit back: values trimmed, a value
   * containing a newline becomes several options, a trailing backslash continues the line.
   *
   * @throws IllegalArgumentException for a line that is neither a section, a comment nor {@code
   *     name=value}
   */
  static List<UnitOption> reparse(List<UnitOption> options) {
    List<UnitOption> out = new ArrayList<>();
    String section = "";
    String pendingName = null;
    StringBuilder pendingValue = null;
    for (String raw : serialize(options).split("\n", -1)) {
      if (pendingName != null) {
        pendingValue.append('\n').append(raw);
        if (!raw.endsWith("\\")) {
          out.add(UnitOption.of(section, pendingName, pendingValue.toString().strip()));
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
        section = line.substring(1, line.length() - 1);
        continue;
      }
      int eq = line.indexOf('=');
      if (eq < 0) {
        throw new IllegalArgumentException("unable to parse unit file line: " + line);
      }
      String name = line.substring(0, eq).strip();
      String value = line.substring(eq + 1);
      if (value.endsWith("\\")) {
        pendingName = name;
        pendingValue = new StringBuilder(value);
      } else {
        out.add(UnitOption.of(section, name, value.strip()));
      }
    }
    if (pendingName != null) {
      out.add(UnitOption.of(section, pendingName, pendingValue.toString().strip()));
    }
    return out;
  }
}
