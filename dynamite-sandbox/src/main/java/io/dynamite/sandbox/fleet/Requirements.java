package io.dynamite.sandbox.fleet;

import io.dynamite.api.UnitOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A unit's {@code [X-Fleet]} requirements as fleet reads them: the specifiers {@code %n %N %p %i}
 * replaced from the unit's name, a value that starts and ends with a double quote split into its
 * quoted parts ({@code MachineMetadata="a=b" "c=d"}), conflicts and replaces split at whitespace,
 * the deprecated {@code X-Condition…} and {@code X-Conflicts} keys folded in. Immutable.
 */
final class Requirements {
  final @Nullable String machineId;
  final List<String> peers;
  final List<String> conflicts;
  final List<String> replaces;
  /** Required metadata: for each key the values a machine may have (fleet: AND over keys, OR over values). */
  final Map<String, Set<String>> metadata;
  final boolean global;

  private Requirements(@Nullable String machineId, List<String> peers, List<String> conflicts, List<String> replaces,
      Map<String, Set<String>> metadata, boolean global) {
    this.machineId = machineId;
    this.peers = List.copyOf(peers);
    this.conflicts = List.copyOf(conflicts);
    this.replaces = List.copyOf(replaces);
    this.metadata = metadata;
    this.global = global;
  }

  static Requirements of(String unitName, List<UnitOption> options) {
    String machineId = null;
    List<String> peers = new ArrayList<>();
    List<String> conflicts = new ArrayList<>();
    List<String> replaces = new ArrayList<>();
    Map<String, Set<String>> metadata = new LinkedHashMap<>();
    boolean global = false;
    for (UnitOption o : options) {
      if (!o.section().equals("X-Fleet")) {
        continue;
      }
      for (String raw : multiValue(o.value().strip())) {
        String v = substitute(raw, unitName);
        switch (o.name().strip()) {
          case "MachineID":
          case "X-ConditionMachineID":
          case "X-ConditionMachineBootID":
            if (machineId == null || machineId.isEmpty()) {
              machineId = v; // fleet takes the first
            }
            break;
          case "MachineOf":
          case "X-ConditionMachineOf":
            peers.add(v);
            break;
          case "Conflicts":
          case "X-Conflicts":
            conflicts.addAll(words(v));
            break;
          case "Replaces":
            replaces.addAll(words(v));
            break;
          case "MachineMetadata":
          case "X-ConditionMachineMetadata":
            String[] kv = v.split("=", -1);
            // fleet ignores a pair that is not exactly key=value with both sides non-empty
            if (kv.length == 2 && !kv[0].isEmpty() && !kv[1].isEmpty()) {
              metadata.computeIfAbsent(kv[0], k -> new LinkedHashSet<>()).add(kv[1]);
            }
            break;
          case "Global":
            global = isTrue(v);
            break;
          default:
            break;
        }
      }
    }
    return new Requirements(machineId == null || machineId.isEmpty() ? null : machineId, peers, conflicts, replaces,
        metadata, global);
  }

  /** fleet's API check of requirements that can never be met together, or null. */
  @Nullable String problem() {
    if (machineId != null) {
      if (!peers.isEmpty()) {
        return "MachineID cannot be used with Peers";
      }
      if (!conflicts.isEmpty()) {
        return "MachineID cannot be used with Conflicts";
      }
      if (global) {
        return "MachineID cannot be used with Global";
      }
      if (!replaces.isEmpty()) {
        return "MachineID cannot be used with Replaces";
      }
    }
    if (global) {
      if (!peers.isEmpty()) {
        return "Global cannot be used with Peers";
      }
      if (!replaces.isEmpty()) {
        return "Global cannot be used with Replaces";
      }
    }
    if (!conflicts.isEmpty() && !replaces.isEmpty()) {
      return "Conflicts cannot be used with Replaces";
    }
    for (String p : peers) {
      for (String c : conflicts) {
        if (glob(c, p)) {
          return "unresolvable requirements: peer " + goQuote(p) + " matches conflict " + goQuote(c);
        }
      }
      for (String rep : replaces) {
        if (glob(rep, p)) {
          return "unresolvable requirements: peer " + goQuote(p) + " matches replace " + goQuote(rep);
        }
      }
    }
    return null;
  }

  /** True if {@code name} matches one of this unit's conflict globs. */
  boolean conflictsWith(String name) {
    for (String c : conflicts) {
      if (glob(c, name)) {
        return true;
      }
    }
    return false;
  }

  static boolean isTrue(String v) {
    return Set.of("true", "yes", "1", "on", "t").contains(v.toLowerCase(Locale.ROOT));
  }

  static boolean glob(String pattern, String name) {
    StringBuilder re = new StringBuilder();
    for (char c : pattern.toCharArray()) {
      re.append(c == '*' ? ".*" : c == '?' ? "." : Pattern.quote(String.valueOf(c)));
    }
    return name.matches(re.toString());
  }

  static String goQuote(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  private static List<String> words(String v) {
    List<String> out = new ArrayList<>();
    for (String w : v.split("\\s+")) {
      if (!w.isEmpty()) {
        out.add(w);
      }
    }
    return out;
  }

  /** fleet's multi-value line: only a value that starts and ends with a quote is split. */
  private static List<String> multiValue(String line) {
    if (line.length() < 2 || !line.startsWith("\"") || !line.endsWith("\"")) {
      return List.of(line);
    }
    List<String> values = new ArrayList<>();
    StringBuilder v = new StringBuilder();
    boolean quoted = false;
    for (char c : line.toCharArray()) {
      if (c == '"') {
        quoted = !quoted;
      } else if (c == ' ' && !quoted) {
        values.add(v.toString());
        v.setLength(0);
      } else {
        v.append(c);
      }
    }
    values.add(v.toString());
    return values;
  }

  /** fleet's unitPrintf: %n full name, %N name without type, %p prefix, %i instance. */
  private static String substitute(String value, String unitName) {
    int dot = unitName.lastIndexOf('.');
    if (dot < 0) {
      return value;
    }
    String name = unitName.substring(0, dot);
    int at = name.indexOf('@');
    String prefix = at < 0 ? name : name.substring(0, at);
    String instance = at < 0 ? "" : name.substring(at + 1);
    return value.replace("%n", unitName).replace("%N", name).replace("%p", prefix).replace("%i", instance);
  }
}
