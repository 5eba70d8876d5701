package io.dynamite.core;

import io.dynamite.api.InstanceId;
import io.dynamite.api.InstancePlan;
import io.dynamite.api.MetricQuery;
import io.dynamite.api.spi.InstanceInfo;
import io.dynamite.api.spi.VictimSelector;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiFunction;
import org.jspecify.annotations.Nullable;

/**
 * The plan stage: turns a change of count into concrete actions. A scale-up takes the lowest free
 * instance numbers; a scale-down asks the victim selector, step by step, which running instance to
 * stop (the instance whose metrics breached, by default). The actions go to the runner, which
 * carries them through the actuator.
 */
final class Planner {
  private final ActionRunner runner;
  private final VictimSelector victims;
  private final Recorder recorder;
  /** Resolves (service type, uuid) to a unit name. */
  private final BiFunction<String, String, Optional<String>> resolver;

  Planner(ActionRunner runner, VictimSelector victims, Recorder recorder,
      BiFunction<String, String, Optional<String>> resolver) {
    this.runner = runner;
    this.victims = victims;
    this.recorder = recorder;
    this.resolver = resolver;
  }

  /** Starts {@code n} instances; one result per instance, in order. */
  List<ActionRunner.Result> scaleUp(ServiceState s, int n, String reason, int attempt) {
    List<InstancePlan> plans = new ArrayList<>(n);
    List<ActionRunner.Result> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      InstancePlan plan = s.planNew();
      if (plan == null) {
        break;
      }
      plans.add(plan);
    }
    for (InstancePlan plan : plans) {
      out.add(runner.start(s, plan, reason, attempt));
    }
    while (out.size() < n) {
      out.add(refused("no free instance number (" + s.describeCounts() + ")"));
    }
    return out;
  }

  /**
   * Stops {@code n} running instances.
   *
   * @param triggers per step, the uuid whose metrics fired it, if known
   * @param query the stream the triggers belong to, or null
   */
  List<ActionRunner.Result> scaleDown(ServiceState s, int n, String reason, List<String> triggers, @Nullable MetricQuery query) {
    List<ActionRunner.Result> out = new ArrayList<>(n);
    Set<String> chosen = new HashSet<>();
    for (int step = 0; step < n; step++) {
      String trigger = step < triggers.size() ? triggers.get(step) : "";
      List<InstanceInfo> candidates = new ArrayList<>();
      for (Instance i : s.all()) {
        if (i.phase() == Instance.Phase.RUNNING && !chosen.contains(i.unitName())) {
          candidates.add(new InstanceInfo(i.plan.id(), i.number(), i.since()));
        }
      }
      if (candidates.isEmpty()) {
        out.add(refused("no running instance to stop (" + s.describeCounts() + ")"));
        continue;
      }
      InstanceId breaching = null;
      if (query != null && !trigger.isEmpty()) {
        Optional<String> unit = resolver.apply(query.serviceType(), trigger);
        if (unit.isPresent() && s.get(unit.get()) != null) {
          breaching = new InstanceId(s.id(), unit.get());
          s.noteUuid(unit.get(), trigger);
        }
      }
      Optional<InstanceId> victim;
      try {
        victim = victims.select(new VictimSelector.Request(s.id(), candidates, trigger, breaching));
      } catch (RuntimeException e) {
        recorder.pluginFailed("victim-selector", s.id(), ScalingEngine.describe(e));
        out.add(refused("the victim selector failed: " + ScalingEngine.describe(e)));
        continue;
      }
      if (victim.isEmpty()) {
        out.add(refused("the victim selector chose no instance"));
        continue;
      }
      Instance inst = s.get(victim.get().unitName());
      if (inst == null || inst.phase() != Instance.Phase.RUNNING || chosen.contains(inst.unitName())) {
        out.add(refused("the victim selector chose " + victim.get() + ", which is not a running instance"));
        continue;
      }
      chosen.add(inst.unitName());
      out.add(runner.stop(s, inst, reason));
    }
    return out;
  }

  static ActionRunner.Result refused(String why) {
    return new ActionRunner.Result(ActionRunner.Began.REFUSED, why);
  }
}
