package io.dynamite.core;

import io.dynamite.api.InstancePlan;
import io.dynamite.api.ServiceId;
import io.dynamite.api.UnitHealth;
import io.dynamite.api.UnitStatus;
import io.dynamite.api.event.EngineEvent;
import io.dynamite.api.state.ActionIntent;
import io.dynamite.api.state.EngineStatus;
import io.dynamite.api.state.InstanceRecord;
import io.dynamite.api.state.StoredState;
import io.dynamite.core.config.DynamiteConfig;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Rebuilds every service's state when leadership is won: from the stored records and intents, and
 * from the units the target lists. Every piece of per-service state (instances, number table,
 * backoff) is reset first, so a re-election in the same process starts from the truth and leaks
 * nothing. A recorded instance whose main unit is gone is forgotten once what is left of it (its
 * attached units) is removed; an interrupted start whose units all run is completed; any other
 * interrupted action is undone. Units the store has no record of (a wiped or foreign store) that
 * match a service's template exactly are adopted as instances and recorded, and attached units left
 * without their main unit are removed, following {@link Adoption}'s rules; other units are left
 * untouched. Engine thread only.
 */
final class Recovery {
  private final DynamiteConfig config;
  private final Map<ServiceId, ServiceState> services;
  private final Actuator actuator;
  private final ActionRunner runner;
  private final Recorder recorder;

  Recovery(DynamiteConfig config, Map<ServiceId, ServiceState> services, Actuator actuator, ActionRunner runner,
      Recorder recorder) {
    this.config = config;
    this.services = services;
    this.actuator = actuator;
    this.runner = runner;
    this.recorder = recorder;
  }

  /** Reads the store and marks the engine as initialising or recovering; throws what the store throws. */
  StoredState begin() {
    StoredState stored = actuator.load();
    EngineStatus status = stored.status() == EngineStatus.NONE ? EngineStatus.INITIALIZING : EngineStatus.RECOVERING;
    actuator.write(null, "status " + status.storedValue(), st -> st.saveStatus(status));
    return stored;
  }

  /**
   * Applies the stored state to the listed units. Returns the summary; throws what the store
   * throws while writing the final records (the caller retries the whole initialisation).
   */
  String finish(StoredState state, Map<String, UnitStatus> byName, Instant now) {
    for (ServiceState s : services.values()) {
      s.reset();
    }
    List<String> summary = new ArrayList<>();
    summary.add("stored status " + (state.status() == EngineStatus.NONE ? "none" : state.status().storedValue()));
    int adopted = 0;
    int dropped = 0;
    Set<String> intentUnits = new HashSet<>();
    for (ActionIntent intent : state.intents()) {
      intentUnits.add(intent.plan().id().unitName());
    }
    for (InstanceRecord r : state.instances()) {
      ServiceState s = services.get(r.id().service());
      if (intentUnits.contains(r.id().unitName())) {
        continue; // its intent decides below
      }
      if (s == null) {
        summary.add("instance " + r.id() + " belongs to no configured service; left untouched");
        continue;
      }
      if (!byName.containsKey(r.id().unitName())) {
        recorder.drift(r.id().unitName(), EngineEvent.DriftDetected.Drift.GONE, "recorded instance has no unit on the target");
        InstancePlan plan = s.plan(r.number());
        if (anyListed(plan, byName) && s.claim(r.number())) {
          // its attached units still run: remove them before the number can be reused; the record
          // is deleted once they are gone
          Instance inst = new Instance(plan, Instance.Phase.ROLLING_BACK, now);
          inst.reason = "main unit vanished; removing what is left of the instance";
          s.add(inst);
          runner.stopUnits(s, inst, true);
        } else {
          runner.safeWrite(s, "forget gone instance " + r.id(), st -> st.deleteInstance(r.id()));
        }
        dropped++;
        continue;
      }
      if (!s.claim(r.number())) {
        summary.add("instance " + r.id() + " does not fit the number table (configuration changed?); counted anyway");
      }
      s.add(new Instance(s.plan(r.number()), Instance.Phase.RUNNING, now));
      adopted++;
    }
    int finished = 0;
    int rolledBack = 0;
    for (ActionIntent intent : state.intents()) {
      ServiceState s = services.get(intent.plan().id().service());
      InstancePlan plan = intent.plan();
      if (intent.kind() == ActionIntent.Kind.START && allRunning(plan, byName) && s != null && s.claim(plan.number())) {
        Instance inst = new Instance(plan, Instance.Phase.RUNNING, now);
        s.add(inst);
        runner.safeWrite(s, "complete interrupted start of " + plan.id(), st -> {
          st.saveInstance(ServiceState.record(inst));
          st.deleteIntent(intent.id());
        });
        finished++;
        continue;
      }
      // A start that did not complete, or a stop: make sure every unit of the plan is gone.
      if (s != null) {
        s.claim(plan.number());
        Instance inst = new Instance(plan,
            intent.kind() == ActionIntent.Kind.START ? Instance.Phase.ROLLING_BACK : Instance.Phase.STOPPING, now);
        inst.intentId = intent.id();
        inst.reason = "recovering an interrupted " + intent.kind().name().toLowerCase(Locale.ROOT);
        s.add(inst);
        runner.stopUnits(s, inst, true);
      } else {
        undoOrphan(intent);
      }
      rolledBack++;
    }
    List<Instance> lookAlikes = adoptLookAlikes(state, byName, now);
    int remnants = cleanFragments(state, byName, now);
    summary.add(adopted + " instance(s) adopted, " + dropped + " gone, " + finished
        + " interrupted start(s) completed, " + rolledBack + " interrupted action(s) being undone");
    if (!lookAlikes.isEmpty()) {
      List<String> names = new ArrayList<>();
      for (Instance i : lookAlikes) {
        names.add(i.unitName());
      }
      summary.add(lookAlikes.size() + " unrecorded instance(s) adopted from the target " + names);
    }
    if (remnants > 0) {
      summary.add(remnants + " instance remnant(s) of attached units without main unit being removed");
    }
    Map<String, Object> storedDoc = state.configuration();
    if (storedDoc != null && !storedDoc.equals(config.document())) {
      summary.add("configuration differs from the stored one: " + ConfigDiff.describe(storedDoc, config.document()));
    }
    actuator.write(null, "configuration, services and status Running", st -> {
      for (Instance i : lookAlikes) {
        st.saveInstance(ServiceState.record(i));
      }
      st.saveConfiguration(config.document());
      for (ServiceState s : services.values()) {
        st.saveService(s.record());
      }
      st.saveStatus(EngineStatus.RUNNING);
    });
    return String.join("; ", summary);
  }

  /**
   * Adopts the units no record or intent accounts for that match a service's template exactly
   * (a wiped store, or a store of another installation); their records are written with the final
   * records. Looks at the units in name order, so the outcome does not depend on listing order.
   */
  private List<Instance> adoptLookAlikes(StoredState state, Map<String, UnitStatus> byName, Instant now) {
    Set<String> known = knownUnits(state);
    List<Instance> out = new ArrayList<>();
    for (String unit : new java.util.TreeSet<>(byName.keySet())) {
      if (known.contains(unit)) {
        continue;
      }
      Adoption.LookAlike l = Adoption.examine(services.values(), unit, byName, known);
      if (l == null || !l.adoptable()) {
        continue; // the reconciliation that follows reports it once; it stays untouched
      }
      if (l.halfStarted()) {
        if (Adoption.finish(l, runner)) {
          known.addAll(l.plan().unitNames());
          recorder.drift(unit, EngineEvent.DriftDetected.Drift.ADOPTED, "unit matches service " + l.service().id()
              + "'s template exactly but has no record and some of its units were never launched; finishing its start");
        }
        continue;
      }
      Instance inst = Adoption.adopt(l, now);
      if (inst != null) {
        known.addAll(inst.plan.unitNames());
        recorder.drift(unit, EngineEvent.DriftDetected.Drift.ADOPTED,
            "unit matches service " + l.service().id() + "'s template exactly but has no record; adopted with "
                + inst.plan.attached().size() + " attached unit(s)");
        out.add(inst);
      }
    }
    return out;
  }

  /**
   * Removes attached units whose main unit is absent and that nothing accounts for (see {@link
   * Adoption#fragment}): at recovery at once, since no action of this engine is under way.
   */
  private int cleanFragments(StoredState state, Map<String, UnitStatus> byName, Instant now) {
    Set<String> known = knownUnits(state);
    int cleaned = 0;
    for (String unit : new java.util.TreeSet<>(byName.keySet())) {
      if (known.contains(unit)) {
        continue;
      }
      Adoption.Fragment f = Adoption.fragment(services.values(), unit, byName, known);
      if (f != null && Adoption.clean(f, runner, now) != null) {
        known.addAll(f.plan().unitNames());
        for (String u : f.present()) {
          recorder.drift(u, EngineEvent.DriftDetected.Drift.UNKNOWN, "attached unit of service " + f.service().id()
              + " without its main unit " + f.plan().id().unitName() + " and without record; removing it");
        }
        cleaned++;
      }
    }
    return cleaned;
  }

  /** Every unit name of the engine's instances and of the stored records. */
  private Set<String> knownUnits(StoredState state) {
    Set<String> known = new HashSet<>();
    for (ServiceState s : services.values()) {
      for (Instance i : s.all()) {
        known.addAll(i.plan.unitNames());
      }
    }
    for (InstanceRecord r : state.instances()) {
      known.add(r.id().unitName());
      known.addAll(r.attachedUnits());
    }
    return known;
  }

  private static boolean anyListed(InstancePlan plan, Map<String, UnitStatus> byName) {
    for (String u : plan.unitNames()) {
      if (byName.containsKey(u)) {
        return true;
      }
    }
    return false;
  }

  private static boolean allRunning(InstancePlan plan, Map<String, UnitStatus> byName) {
    for (String u : plan.unitNames()) {
      UnitStatus st = byName.get(u);
      if (st == null || !(st.health() == UnitHealth.RUNNING || st.health() == UnitHealth.STARTING)) {
        return false;
      }
    }
    return true;
  }

  /** The service is no longer configured, but the units are ours (we wrote the intent): remove them. */
  private void undoOrphan(ActionIntent intent) {
    InstancePlan plan = intent.plan();
    actuator.run(new Actuator.Action(Actuator.Action.Kind.STOP, plan, null, "undo an interrupted action of an unconfigured service"),
        new Actuator.Callback() {
          @Override
          public void refused(String why) {}

          @Override
          public void begun() {}

          @Override
          public void finished(@Nullable Throwable err) {
            if (err == null) {
              runner.safeWrite(null, "intent " + intent.id() + " done", st -> st.deleteIntent(intent.id()));
            } else {
              recorder.pluginFailed("target", plan.id().service(), "could not undo " + plan.id() + ": " + ScalingEngine.describe(err));
            }
          }

          @Override
          public void simulated() {}
        });
  }
}
