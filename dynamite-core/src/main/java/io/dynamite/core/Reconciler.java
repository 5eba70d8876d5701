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
 * (attached units included) before its number is freed and the service topped up again; units
 * named like Dynamite's that the engine does not know are reported once and left untouched.
 * Engine thread only.
 */
final class Reconciler {
  private final DynamiteConfig config;
  private final Iterable<ServiceState> services;
  private final ActionRunner runner;
  private final Recorder recorder;
  private final Set<String> reportedUnknown = new HashSet<>();

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
    for (UnitStatus st : units.values()) {
      if (!known.contains(st.unitName()) && looksManaged(st.unitName()) && reportedUnknown.add(st.unitName())) {
        recorder.drift(st.unitName(), EngineEvent.DriftDetected.Drift.UNKNOWN,
            "unit is named like a Dynamite instance but is not known to the engine; left untouched");
      }
    }
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
