package io.dynamite.sim;

import io.dynamite.sandbox.VirtualScheduler;
import io.dynamite.api.InstancePlan;
import io.dynamite.api.TargetException;
import io.dynamite.api.UnitHealth;
import io.dynamite.api.UnitStatus;
import io.dynamite.api.spi.ScalingTarget;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * The simulated cluster: an in-memory {@link ScalingTarget} whose starts complete after the
 * model's start-up delay (or fail, at the model's rate) and whose stops complete after its stop
 * delay, in virtual time. A started instance gets a fresh metric uuid, registered to its main unit
 * name with the metric source so that per-instance samples resolve to it.
 */
final class SimTarget implements ScalingTarget {
  enum State { STARTING, RUNNING, STOPPING }

  static final class SimInstance {
    final InstancePlan plan;
    final String uuid;
    State state = State.STARTING;

    SimInstance(InstancePlan plan, String uuid) {
      this.plan = plan;
      this.uuid = uuid;
    }
  }

  private final VirtualScheduler scheduler;
  private final ServiceModel model;
  private final SplittableRandom failures;
  private final SimMetricSource source;
  private final Map<String, SimInstance> instances = new LinkedHashMap<>();
  private final Map<String, UnitHealth> units = new LinkedHashMap<>();
  private final List<SimInstance> serving = new ArrayList<>();
  private int serial;

  SimTarget(VirtualScheduler scheduler, ServiceModel model, SplittableRandom failures, SimMetricSource source) {
    this.scheduler = scheduler;
    this.model = model;
    this.failures = failures;
    this.source = source;
  }

  /** Instances that exist on the target: starting, running or stopping. */
  int provisioned() {
    return instances.size();
  }

  /** Instances serving demand and reporting metrics, in start order. */
  List<SimInstance> serving() {
    return serving;
  }

  @Override
  public CompletionStage<Void> start(InstancePlan plan) {
    String name = plan.id().unitName();
    SimInstance existing = instances.get(name);
    if (existing != null && existing.state == State.RUNNING) {
      return CompletableFuture.completedFuture(null);
    }
    if (existing != null) {
      return CompletableFuture.failedFuture(new TargetException("instance " + name + " is " + existing.state, true, null));
    }
    SimInstance inst = new SimInstance(plan, String.format("sim-%06d", ++serial));
    instances.put(name, inst);
    for (String u : plan.unitNames()) {
      units.put(u, UnitHealth.STARTING);
    }
    boolean fails = model.startFailureRate() > 0 && failures.nextDouble() < model.startFailureRate();
    CompletableFuture<Void> done = new CompletableFuture<>();
    scheduler.schedule(() -> {
      if (instances.get(name) != inst) {
        done.completeExceptionally(new TargetException("instance " + name + " vanished while starting", true, null));
        return;
      }
      if (fails) {
        instances.remove(name);
        plan.unitNames().forEach(units::remove);
        done.completeExceptionally(new TargetException("simulated start failure of " + name, true, null));
        return;
      }
      inst.state = State.RUNNING;
      plan.unitNames().forEach(u -> units.put(u, UnitHealth.RUNNING));
      serving.add(inst);
      source.register(inst.uuid, name);
      done.complete(null);
    }, model.startupDelay().toNanos(), TimeUnit.NANOSECONDS);
    return done;
  }

  @Override
  public CompletionStage<Void> stop(InstancePlan plan) {
    String name = plan.id().unitName();
    SimInstance inst = instances.get(name);
    if (inst == null) {
      plan.unitNames().forEach(units::remove);
      return CompletableFuture.completedFuture(null);
    }
    inst.state = State.STOPPING;
    serving.remove(inst);
    CompletableFuture<Void> done = new CompletableFuture<>();
    scheduler.schedule(() -> {
      if (instances.get(name) == inst) {
        instances.remove(name);
      }
      plan.unitNames().forEach(units::remove);
      done.complete(null);
    }, model.stopDelay().toNanos(), TimeUnit.NANOSECONDS);
    return done;
  }

  @Override
  public CompletionStage<List<UnitStatus>> list() {
    List<UnitStatus> out = new ArrayList<>(units.size());
    units.forEach((name, health) -> out.add(new UnitStatus(name, health, "simulated")));
    return CompletableFuture.completedFuture(out);
  }
}
