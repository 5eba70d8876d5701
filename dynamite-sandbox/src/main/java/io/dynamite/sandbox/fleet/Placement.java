package io.dynamite.sandbox.fleet;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * fleet's engine deciding where a unit goes: among the heart-beating machines whose metadata meets
 * {@code MachineMetadata}, the one named by {@code MachineID}, the one its {@code MachineOf} peers
 * run on (they must be scheduled already), none that hosts a unit it conflicts with (either way
 * round); then the least loaded, the first of equals. A global unit goes to every machine whose
 * metadata fits. No machine left means the unit stays unscheduled ({@code machineID} absent,
 * {@code currentState inactive}), as fleet leaves it ("no agents able to run job").
 */
final class Placement {
  /** Another unit as far as placement cares: where it is and what it conflicts with. */
  record Placed(List<String> machines, Requirements requirements) {}

  private Placement() {}

  /**
   * Chooses the machines for a unit.
   *
   * @param name the unit's name
   * @param req its requirements
   * @param machines heart-beating machines in fleet's order, each with its effective metadata
   * @param others the other scheduled, non-global units by name
   * @return one machine, every fitting machine for a global unit, or empty if none fits
   */
  static List<String> choose(String name, Requirements req, Map<String, Map<String, String>> machines,
      Map<String, Placed> others) {
    List<String> candidates = new ArrayList<>();
    for (Map.Entry<String, Map<String, String>> m : machines.entrySet()) {
      if (hasMetadata(m.getValue(), req.metadata)) {
        candidates.add(m.getKey());
      }
    }
    if (req.global) {
      return candidates;
    }
    if (req.machineId != null) {
      candidates.retainAll(Set.of(req.machineId));
    }
    for (String peer : req.peers) {
      Placed p = others.get(peer);
      if (p == null || p.machines().isEmpty()) {
        return List.of();
      }
      candidates.retainAll(p.machines());
    }
    candidates.removeIf(m -> hostsConflict(m, name, req, others));
    if (candidates.isEmpty()) {
      return List.of();
    }
    String best = candidates.get(0);
    int bestLoad = load(best, others);
    for (String m : candidates) {
      int l = load(m, others);
      if (l < bestLoad) {
        best = m;
        bestLoad = l;
      }
    }
    return List.of(best);
  }

  private static boolean hasMetadata(Map<String, String> has, Map<String, Set<String>> wanted) {
    for (Map.Entry<String, Set<String>> w : wanted.entrySet()) {
      String v = has.get(w.getKey());
      if (v == null || !w.getValue().contains(v)) {
        return false;
      }
    }
    return true;
  }

  private static boolean hostsConflict(String machine, String name, Requirements req, Map<String, Placed> others) {
    for (Map.Entry<String, Placed> o : others.entrySet()) {
      if (o.getValue().machines().contains(machine)
          && (req.conflictsWith(o.getKey()) || o.getValue().requirements().conflictsWith(name))) {
        return true;
      }
    }
    return false;
  }

  private static int load(String machine, Map<String, Placed> others) {
    int n = 0;
    for (Placed p : others.values()) {
      if (p.machines().contains(machine)) {
        n++;
      }
    }
    return n;
  }
}
