package io.dynamite.sandbox.fleet;

import io.dynamite.api.UnitOption;
import io.dynamite.sandbox.fleet.FakeFleetServer.Machine;
import io.dynamite.sandbox.fleet.FakeFleetServer.Unit;
import io.dynamite.sandbox.fleet.FakeFleetServer.UnitState;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.BiConsumer;
import org.jspecify.annotations.Nullable;

/**
 * The fake cluster behind {@link FakeFleetServer}: fleet's registry of units, the machines, and
 * each unit's life as fleet's engine, its agents and systemd walk it, timed by a {@link
 * FakeFleetProfile} on a {@link Timeline}.
 *
 * <p>Not thread-safe: the server calls it under its own lock, after {@link #sync()}.
 */
final class Cluster {
  final Map<String, UnitRecord> units = new TreeMap<>();
  /** Deleted or replaced units whose {@code /state} entries have not gone yet, by name, oldest first. */
  private final Map<String, List<UnitRecord>> ghosts = new TreeMap<>();
  final Map<String, Machine> machines = new LinkedHashMap<>();
  /** {@code PATCH /machines} edits by machine; an empty value hides a key. */
  final Map<String, Map<String, String>> metadataOverlay = new LinkedHashMap<>();
  final Set<String> failing = new HashSet<>();
  final List<FailMark> failMarks = new ArrayList<>();
  private final FakeFleetProfile profile;
  private final Timeline timeline;
  private final Random jitter;
  Duration startDelay;

  Cluster(FakeFleetProfile profile, Clock clock, long seed, Duration startDelay) {
    this.profile = profile;
    this.timeline = new Timeline(clock);
    this.jitter = new Random(seed);
    this.startDelay = startDelay;
  }

  /** Creates (or replaces) a unit with options already re-parsed and its hash, and gives it a desired state. */
  UnitRecord submit(String name, List<UnitOption> stored, String hash, String desired, Instant now) {
    UnitRecord r = new UnitRecord(name, stored, hash);
    UnitRecord old = units.put(name, r);
    if (old != null) {
      replaced(old, r, now);
    }
    setDesired(r, desired, now);
    return r;
  }

  /** Removes a unit from the registry; the agent stops and unloads it a little later (its /state lingers). */
  @Nullable UnitRecord destroy(String name, Instant now) {
    UnitRecord r = units.remove(name);
    if (r != null) {
      retire(r, now.plus(draw(profile.agent())));
      placePending(now);
    }
    return r;
  }

  /** An invalid desired state stored on an existing unit: fleet can no longer read it. */
  void poison(UnitRecord r) {
    r.poisoned = true;
    r.generation++;
    r.process++;
    r.states.clear();
  }

  /** Makes every running state of a unit fail now; false if it has none. */
  boolean crash(String name) {
    UnitRecord r = units.get(name);
    if (r == null || r.states.isEmpty()) {
      return false;
    }
    r.process++;
    r.states.replaceAll((m, s) -> state(r, m, "failed", "failed"));
    return true;
  }

  /** Every name with /state entries or a unit, sorted as fleet sorts /state. */
  Set<String> stateNames() {
    Set<String> names = new TreeSet<>(ghosts.keySet());
    names.addAll(units.keySet());
    return names;
  }

  /** A machine's metadata as fleet reports it: its own, edited by PATCH, removed keys hidden. */
  Map<String, String> effectiveMetadata(Machine m) {
    Map<String, String> md = new TreeMap<>(m.metadata());
    md.putAll(metadataOverlay.getOrDefault(m.id(), Map.of()));
    md.values().removeIf(String::isEmpty);
    return md;
  }

  //
  // Each unit walks towards its desired state one step at a time, each step planned on the
  // timeline after the delay the profile gives it: fleet's engine places it (machineID), the agent
  // loads it (first /state entry, currentState leaves inactive) and starts it (activating/start),
  // systemd finishes the start (active/running or failed/failed); stopping, unloading and a
  // delete walk back through deactivating/stop. A desired-state change bumps the unit's
  // generation, which drops the steps planned for the old one; a start or stop bumps its process,
  // which drops systemd's pending completion of the previous one.

  /** Applies what is due by the clock; every entry point calls it first. */
  Instant sync() {
    return timeline.runDue();
  }

  Duration draw(FakeFleetProfile.Range range) {
    // the instant profile draws nothing, so its behaviour does not depend on the seed
    return range.min().equals(range.max()) ? range.min() : range.at(jitter.nextDouble());
  }

  void setDesired(UnitRecord r, String desired, Instant now) {
    r.desired = desired;
    r.generation++;
    if (!desired.equals("inactive") && r.machines.isEmpty()) {
      Duration schedule = draw(profile.schedule());
      Duration load = draw(profile.load());
      r.loadAfterPlacement = load.compareTo(schedule) > 0 ? load.minus(schedule) : Duration.ZERO;
      r.unplaceable = false;
      step(r, now.plus(schedule), this::place);
      return;
    }
    plan(r, now);
  }

  /** Plans a step of a live unit; it is dropped if the unit's desired state changes or it is gone. */
  private void step(UnitRecord r, Instant due, BiConsumer<UnitRecord, Instant> action) {
    long gen = r.generation;
    timeline.at(due, t -> {
      if (r.generation == gen && units.get(r.name) == r) {
        action.accept(r, t);
      }
    });
  }

  /** Plans the next step of a unit towards its desired state, if it is not there yet. */
  private void plan(UnitRecord r, Instant now) {
    Instant held = r.heldUntil != null && r.heldUntil.isAfter(now) ? r.heldUntil : null;
    if (r.desired.equals("inactive")) {
      if (!r.machines.isEmpty() || !r.states.isEmpty()) {
        step(r, held != null ? held : now.plus(draw(profile.agent())), this::unload);
      }
      return;
    }
    if (r.machines.isEmpty()) {
      if (!r.unplaceable) {
        step(r, held != null ? held : now, this::place);
      }
      return;
    }
    if (r.machines.stream().anyMatch(m -> !r.states.containsKey(m))) {
      Instant due = r.placedAt.plus(r.loadAfterPlacement);
      if (held != null && due.isBefore(held)) {
        due = held;
      }
      step(r, due.isBefore(now) ? now : due, this::agentLoad);
      return;
    }
    Instant agentDue = held != null ? held : now.plus(draw(profile.agent()));
    if (r.desired.equals("launched") && !r.agent.equals("launched")) {
      step(r, agentDue, this::agentStart);
    } else if (r.desired.equals("loaded") && r.agent.equals("launched")) {
      step(r, agentDue, this::agentStop);
    }
  }

  /** fleet's engine schedules the unit, or leaves it unscheduled until the cluster changes. */
  private void place(UnitRecord r, Instant t) {
    List<String> chosen = Placement.choose(r.name, r.requirements, clusterMachines(), placedOthers(r));
    if (chosen.isEmpty()) {
      r.unplaceable = true;
      return;
    }
    assign(r, chosen, t);
    placePending(t);
  }

  private void assign(UnitRecord r, List<String> chosen, Instant t) {
    r.unplaceable = false;
    r.machines.clear();
    r.machines.addAll(chosen);
    r.placedAt = t;
    plan(r, t);
  }

  /**
   * One pass of fleet's engine over the units it could not place (a peer just got its machine, a
   * conflicting unit went, a machine or metadata came), and over global units (a new machine gets
   * them too).
   */
  void placePending(Instant t) {
    boolean progress = true;
    while (progress) {
      progress = false;
      for (UnitRecord u : new ArrayList<>(units.values())) {
        if (u.poisoned || u.desired.equals("inactive")) {
          continue;
        }
        boolean grownGlobal = u.requirements.global && !u.machines.isEmpty();
        if (!u.unplaceable && !grownGlobal) {
          continue;
        }
        List<String> chosen = Placement.choose(u.name, u.requirements, clusterMachines(), placedOthers(u));
        if (grownGlobal) {
          if (!u.machines.containsAll(chosen)) {
            List<String> all = new ArrayList<>(u.machines);
            chosen.stream().filter(m -> !all.contains(m)).forEach(all::add);
            assign(u, all, t);
          }
        } else if (!chosen.isEmpty()) {
          assign(u, chosen, t);
          progress = true;
        }
      }
    }
  }

  private Map<String, Map<String, String>> clusterMachines() {
    Map<String, Map<String, String>> out = new LinkedHashMap<>();
    machines.values().forEach(m -> out.put(m.id(), effectiveMetadata(m)));
    return out;
  }

  private Map<String, Placement.Placed> placedOthers(UnitRecord self) {
    Map<String, Placement.Placed> out = new TreeMap<>();
    for (UnitRecord u : units.values()) {
      if (u != self && !u.poisoned && !u.requirements.global && !u.machines.isEmpty()) {
        out.put(u.name, new Placement.Placed(List.copyOf(u.machines), u.requirements));
      }
    }
    return out;
  }

  /** The agent loads the unit on its machines (the first /state entries) and starts it if launched. */
  private void agentLoad(UnitRecord r, Instant t) {
    boolean launch = r.desired.equals("launched");
    for (String m : r.machines) {
      if (!r.states.containsKey(m)) {
        r.states.put(m, launch ? state(r, m, "activating", "start") : state(r, m, "inactive", "dead"));
      }
    }
    r.agent = launch ? "launched" : "loaded";
    if (launch) {
      startProcess(r, t);
    }
    plan(r, t);
  }

  /** The agent starts a loaded unit. */
  private void agentStart(UnitRecord r, Instant t) {
    r.states.replaceAll((m, s) -> isUp(s) ? s : state(r, m, "activating", "start"));
    r.agent = "launched";
    startProcess(r, t);
    plan(r, t);
  }

  /** The agent stops a launched unit; it stays loaded. */
  private void agentStop(UnitRecord r, Instant t) {
    r.agent = "loaded";
    stopProcess(r, t, false);
    plan(r, t);
  }

  /** The engine unschedules the unit and the agent unloads it: machineID and /state go. */
  private void unload(UnitRecord r, Instant t) {
    r.machines.clear();
    r.agent = "inactive";
    r.heldUntil = null;
    stopProcess(r, t, true);
    placePending(t);
  }

  private void startProcess(UnitRecord r, Instant t) {
    long p = ++r.process;
    timeline.at(t.plus(startDelay), u -> finishStart(r, p, u));
  }

  /** systemd's start is over: the unit runs, or its process has exited. */
  private void finishStart(UnitRecord r, long p, Instant t) {
    if (r.process != p) {
      return;
    }
    UnitProcess.Outcome o = failing.contains(r.name) ? UnitProcess.Outcome.FAILED : UnitProcess.afterStart(r.options);
    r.states.replaceAll((m, s) -> s.activeState().equals("activating") ? state(r, m, o.activeState(), o.subState()) : s);
    Duration failAfter = failAfter(r);
    if (o.equals(UnitProcess.Outcome.RUNNING) && failAfter != null) {
      timeline.at(t.plus(failAfter), u -> {
        if (r.process == p) {
          r.states.replaceAll((m, s) -> s.activeState().equals("active") ? state(r, m, "failed", "failed") : s);
        }
      });
    }
  }

  private @Nullable Duration failAfter(UnitRecord r) {
    Duration own = UnitProcess.failAfterStart(r.options);
    if (own != null) {
      return own;
    }
    for (FailMark f : failMarks) {
      if (Requirements.glob(f.glob(), r.name)) {
        return f.after();
      }
    }
    return null;
  }

  /**
   * Stops the unit's processes: running ones pass through {@code deactivating/stop} for systemd's
   * stop time; then the entries become {@code inactive/dead}, or go ({@code remove}, an unload).
   */
  private void stopProcess(UnitRecord r, Instant t, boolean remove) {
    long p = ++r.process;
    boolean running = false;
    for (Map.Entry<String, UnitState> e : r.states.entrySet()) {
      if (isUp(e.getValue())) {
        e.setValue(state(r, e.getKey(), "deactivating", "stop"));
        running = true;
      }
    }
    Instant done = running ? t.plus(profile.systemdStop()) : t;
    timeline.at(done, u -> {
      if (r.process != p) {
        return;
      }
      if (remove) {
        r.states.clear();
        List<UnitRecord> g = ghosts.get(r.name);
        if (g != null && g.remove(r) && g.isEmpty()) {
          ghosts.remove(r.name);
        }
      } else {
        r.states.replaceAll((m, s) -> s.activeState().equals("deactivating") ? state(r, m, "inactive", "dead") : s);
      }
    });
  }

  private static boolean isUp(UnitState s) {
    return switch (s.activeState()) {
      case "active", "activating", "reloading" -> true;
      default -> false;
    };
  }

  /**
   * A unit left fleet's registry (deleted, or replaced by a unit with other options): its steps are
   * dropped, and its /state entries stay as they are until {@code from}, when the agent stops and
   * unloads it.
   */
  void retire(UnitRecord r, Instant from) {
    r.generation++;
    if (r.states.isEmpty()) {
      return;
    }
    ghosts.computeIfAbsent(r.name, k -> new ArrayList<>()).add(r);
    timeline.at(from, t -> stopProcess(r, t, true));
  }

  /**
   * A unit replaced by one with other options: until fleet's engine reconciles, the new unit keeps
   * the old one's machine and shows {@code currentState loaded} (the old unit's state entries are
   * still there); then the old unit is stopped and unloaded, and the new one is unscheduled or
   * loaded in its place.
   */
  void replaced(UnitRecord old, UnitRecord r, Instant now) {
    Instant reconcile = now.plus(draw(profile.reconcile()));
    if (!old.machines.isEmpty()) {
      r.machines.addAll(old.machines);
      r.placedAt = reconcile;
      r.heldUntil = reconcile;
      r.agent = old.agent.equals("inactive") ? "inactive" : "loaded";
    }
    retire(old, reconcile);
  }

  /** A name's /state entries: the live unit's, and where it has none those a retired unit leaves. */
  Map<String, UnitState> visibleStates(String name) {
    Map<String, UnitState> out = new TreeMap<>();
    for (UnitRecord g : ghosts.getOrDefault(name, List.of())) {
      out.putAll(g.states);
    }
    UnitRecord r = units.get(name);
    if (r != null && !r.poisoned) {
      out.putAll(r.states);
    }
    return out;
  }

  static UnitState state(UnitRecord r, String machine, String active, String sub) {
    return new UnitState(r.name, r.hash, machine, "loaded", active, sub);
  }

  /**
   * fleet's derivation: {@code inactive} unless scheduled and a state entry exists; {@code
   * launched} once the agent started it, else {@code loaded}.
   */
  String currentState(UnitRecord r) {
    if (r.machines.isEmpty() || visibleStates(r.name).isEmpty()) {
      return "inactive";
    }
    return r.agent.equals("launched") ? "launched" : "loaded";
  }


  static final class UnitRecord {
    final String name;
    final List<UnitOption> options;
    final Requirements requirements;
    final String hash;
    String desired = "inactive";
    /** Where fleet scheduled it (every fitting machine for a global unit); empty while unscheduled. */
    final List<String> machines = new ArrayList<>();
    /** Its /state entries by machine: what systemd reports once the agent loaded it. */
    final Map<String, UnitState> states = new TreeMap<>();
    /** What the agent has applied: inactive, loaded or launched; lags the desired state. */
    String agent = "inactive";
    Instant placedAt = Instant.EPOCH;
    Duration loadAfterPlacement = Duration.ZERO;
    /** A replaced unit's machine and state stay as they are until then (fleet's next reconcile). */
    @Nullable Instant heldUntil;
    /** fleet's engine found no machine; placed again when the cluster changes. */
    boolean unplaceable;
    boolean poisoned;
    /** Bumped on every desired-state change: steps planned for an older one are dropped. */
    long generation;
    /** Bumped on every start and stop: systemd's completion of an older one is dropped. */
    long process;

    UnitRecord(String name, List<UnitOption> options, String hash) {
      this.name = name;
      this.options = List.copyOf(options);
      this.hash = hash;
      this.requirements = Requirements.of(name, options);
    }

    @Nullable String machineId() {
      return requirements.global || machines.isEmpty() ? null : machines.get(0);
    }

    Unit view(String current) {
      boolean global = requirements.global;
      return new Unit(name, options, desired, global ? null : current, machineId());
    }
  }

  /** A unit-name glob whose units fail by themselves some time after their start. */
  record FailMark(String glob, Duration after) {
    FailMark {
      Objects.requireNonNull(glob, "glob");
      if (after.isNegative()) {
        throw new IllegalArgumentException("negative delay: " + after);
      }
    }
  }
}
