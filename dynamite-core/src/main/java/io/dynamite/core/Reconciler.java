package io.dynamite.core;

import io.dynamite.api.UnitHealth;
import io.dynamite.api.UnitStatus;
import io.dynamite.api.event.EngineEvent;
import io.dynamite.core.config.DynamiteConfig;
import io.dynamite.core.config.ServiceConfig;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Compares the engine's instances with the units the target lists, so that counts follow reality
 * (B13): a running instance whose main unit is gone or failed is taken down with all its units
 * (attached units included) before its number is freed and the service topped up again.
 *
 * <p>Units the engine does not know: one that matches a service's template exactly ({@link
 * Adoption}'s rule, {@code adopt_unknown} true) is adopted as a running instance and recorded when
 * two consecutive reconciliations list it unknown and adoptable; the second sighting guards against
 * a listing taken before one of the engine's own stops completed, whose units would otherwise be
 * adopted back. Attached units whose main unit is absent ({@link Adoption#fragment}) are removed
 * when two consecutive reconciliations list them so, for the same reason (and a main unit that
 * appears in between makes them a whole instance, adopted by the rule above). Every other unit
 * named like Dynamite's is reported once and left untouched. Engine thread only.
 */
final class Reconciler {
  private final DynamiteConfig config;
  private final Iterable<ServiceState> services;
  private final ActionRunner runner;
  private final Recorder recorder;
  private final Set<String> reportedUnknown = new HashSet<>();
  /** Adoptable look-alikes seen by the previous reconciliation. */
  private Set<String> seenAdoptable = new HashSet<>();
  /** Main unit names of the attached units without main unit seen by the previous reconciliation. */
  private Set<String> seenFragments = new HashSet<>();

  Reconciler(DynamiteConfig config, Iterable<ServiceState> services, ActionRunner runner, Recorder recorder) {
    this.config = config;
    this.services = services;
    this.runner = runner;
    this.recorder = recorder;
  }

  void reconcile(Map<String, UnitStatus> units, Instant now) {
    Set<String> known = new HashSet<>();
    for (ServiceState s : services) {
      for (Instance inst : List.copyOf(s.all())) {
        known.addAll(inst.plan.unitNames());
        if (inst.phase() != Instance.Phase.RUNNING) {
          continue;
        }
        UnitStatus st = units.get(inst.unitName());
        if (st == null) {
          recorder.drift(inst.unitName(), EngineEvent.DriftDetected.Drift.GONE, "unit vanished from the target");
          // its attached units may still run: remove them too before the number can be reused
          s.setPhase(inst, Instance.Phase.ROLLING_BACK, now);
          inst.reason = "main unit vanished; removing what is left of the instance";
          runner.stopUnits(s, inst, true);
        } else if (st.health() == UnitHealth.FAILED) {
          recorder.drift(inst.unitName(), EngineEvent.DriftDetected.Drift.FAILED, "unit failed on the target: " + st.detail());
          runner.stop(s, inst, "unit failed on the target; replacing it");
        }
      }
    }
    Set<String> adoptable = new HashSet<>();
    Set<String> awaiting = new HashSet<>(); // units of look-alikes seen for the first time
    Set<String> unknown = new java.util.TreeSet<>(units.keySet());
    unknown.removeAll(known);
    for (String name : unknown) {
      Adoption.LookAlike l = Adoption.examine(services, name, units, known);
      if (l == null || !l.adoptable()) {
        continue;
      }
      if (!seenAdoptable.contains(name)) {
        adoptable.add(name); // adopted if the next reconciliation still lists it so
        awaiting.addAll(l.plan().unitNames());
        continue;
      }
      if (l.halfStarted()) {
        if (Adoption.finish(l, runner)) {
          known.addAll(l.plan().unitNames());
          recorder.drift(name, EngineEvent.DriftDetected.Drift.ADOPTED, "unit matches service " + l.service().id()
              + "'s template exactly, was listed by two reconciliations without being known and some of its units"
              + " were never launched; finishing its start");
        }
        continue;
      }
      Instance inst = Adoption.adopt(l, now);
      if (inst != null) {
        ServiceState s = l.service();
        known.addAll(inst.plan.unitNames());
        recorder.drift(name, EngineEvent.DriftDetected.Drift.ADOPTED,
            "unit matches service " + s.id() + "'s template exactly and was listed by two reconciliations"
                + " without being known; adopted with " + inst.plan.attached().size() + " attached unit(s)");
        runner.safeWrite(s, "adopted instance " + inst.plan.id(), st -> {
          st.saveInstance(ServiceState.record(inst));
          st.saveService(s.record());
        });
      }
    }
    Set<String> fragments = new HashSet<>();
    for (String name : unknown) {
      if (known.contains(name) || awaiting.contains(name)) {
        continue;
      }
      Adoption.Fragment f = Adoption.fragment(services, name, units, known);
      if (f == null) {
        continue;
      }
      String main = f.plan().id().unitName();
      if (!seenFragments.contains(main)) {
        fragments.add(main); // removed if the next reconciliation still lists them so
        awaiting.addAll(f.present());
        continue;
      }
      if (Adoption.clean(f, runner, now) != null) {
        known.addAll(f.plan().unitNames());
        for (String u : f.present()) {
          recorder.drift(u, EngineEvent.DriftDetected.Drift.UNKNOWN, "attached unit of service " + f.service().id()
              + " without its main unit " + main + ", listed so by two reconciliations; removing it");
        }
      }
    }
    for (String name : unknown) {
      if (known.contains(name) || awaiting.contains(name)) {
        continue;
      }
      Adoption.LookAlike l = Adoption.examine(services, name, units, known);
      if ((l != null || looksManaged(name)) && reportedUnknown.add(name)) {
        recorder.drift(name, EngineEvent.DriftDetected.Drift.UNKNOWN,
            "unit is named like a Dynamite instance but is not known to the engine; left untouched"
                + (l != null && l.refusal() != null ? " (not adopted: " + l.refusal() + ")" : ""));
      }
    }
    seenAdoptable = adoptable;
    seenFragments = fragments;
  }

  private boolean looksManaged(String unit) {
    for (ServiceConfig sc : config.services().values()) {
      if (sc.isTemplate()) {
        String prefix = sc.id().name() + "@";
        if (unit.startsWith(prefix) && unit.endsWith(".service")) {
          String num = unit.substring(prefix.length(), unit.length() - ".service".length());
          if (!num.isEmpty() && num.chars().allMatch(Character::isDigit)) {
            return true;
          }
        }
      } else if (!sc.isAttached() && unit.equals(sc.unitFileName())) {
        return true;
      }
    }
    return false;
  }
}
