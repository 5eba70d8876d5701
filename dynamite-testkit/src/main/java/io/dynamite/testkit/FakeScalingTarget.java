package io.dynamite.testkit;

import io.dynamite.api.InstancePlan;
import io.dynamite.api.ServiceId;
import io.dynamite.api.TargetException;
import io.dynamite.api.UnitHealth;
import io.dynamite.api.UnitOption;
import io.dynamite.api.UnitSpec;
import io.dynamite.api.UnitStatus;
import io.dynamite.api.spi.ScalingTarget;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.jspecify.annotations.Nullable;

/**
 * An in-memory {@link ScalingTarget} that records every action and every unit operation in order,
 * and can fail or delay them. Thread-safe.
 *
 * <p>Unit operations follow the original Dynamite's fleet order: a start submits the attached
 * units, then the main unit, launches the main unit, then the attached units; a stop destroys the
 * attached units, then the main unit. {@link #unitOperations()} returns them, so tests can compare
 * with a recorded fleet call sequence.
 *
 * <p>By default actions complete at once. With {@link #delay(Duration, ScheduledExecutorService)}
 * they complete after a delay on the given scheduler (use the engine's {@link ManualScheduler}).
 * Failures are injected per service with {@link #failStarts(ServiceId, int)} and {@link
 * #failStops(ServiceId, int)}; a failed start leaves no unit behind.
 *
 * <p>Fencing: the fenced forms {@link #start(InstancePlan, BooleanSupplier)} and {@link
 * #stop(InstancePlan, BooleanSupplier)} ask the supplier before every unit operation, as a real
 * target should; once it answers false nothing more happens and the action fails, not retryable.
 * {@link #pauseNextStartBefore(int)} stops the next start in the middle (before one of its unit
 * operations) until {@link #resumePausedStart()}, to test what a leader deposed mid-start does.
 *
 * @since 0.1
 */
public final class FakeScalingTarget implements ScalingTarget {

  /** A whole-instance action. */
  public enum ActionKind {
    /** {@link ScalingTarget#start}. */
    START,
    /** {@link ScalingTarget#stop}. */
    STOP
  }

  /**
   * A recorded action.
   *
   * @param kind start or stop
   * @param plan the instance
   * @param succeeded whether it succeeded
   */
  public record Action(ActionKind kind, InstancePlan plan, boolean succeeded) {}

  /** A unit operation, named like the fleet call it stands for. */
  public enum UnitOp {
    /** {@code PUT units/<name> {"desiredState":"inactive","options":[...]}}. */
    SUBMIT,
    /** {@code PUT units/<name> {"desiredState":"launched"}}. */
    LAUNCH,
    /** {@code DELETE units/<name>}. */
    DESTROY
  }

  /**
   * A recorded unit operation.
   *
   * @param op the operation
   * @param unit the unit name
   * @param options the options sent with a submit; empty otherwise
   */
  public record UnitOperation(UnitOp op, String unit, List<UnitOption> options) {}

  private final List<Action> actions = new ArrayList<>();
  private final List<UnitOperation> unitOps = new ArrayList<>();
  private final Map<String, UnitHealth> units = new LinkedHashMap<>();
  private final Map<ServiceId, Integer> failStarts = new HashMap<>();
  private final Map<ServiceId, Integer> failStops = new HashMap<>();
  private Duration delay = Duration.ZERO;
  private @Nullable ScheduledExecutorService delayScheduler;
  private int failLists;
  private int pauseBefore = -1;
  private @Nullable Runnable pausedRest;
  private int fencedRefusals;

  /** Creates an empty target that completes every action at once. */
  public FakeScalingTarget() {}

  /**
   * Makes actions complete after {@code delay} on {@code scheduler} instead of at once.
   *
   * @param delay the delay; zero to complete at once
   * @param scheduler where to schedule completions
   * @return this target
   */
  public synchronized FakeScalingTarget delay(Duration delay, ScheduledExecutorService scheduler) {
    this.delay = Objects.requireNonNull(delay, "delay");
    this.delayScheduler = Objects.requireNonNull(scheduler, "scheduler");
    return this;
  }

  /**
   * Makes the next {@code n} starts of a service fail (retryable).
   *
   * @param service the service
   * @param n how many; {@link Integer#MAX_VALUE} for all
   * @return this target
   */
  public synchronized FakeScalingTarget failStarts(ServiceId service, int n) {
    failStarts.put(service, n);
    return this;
  }

  /**
   * Makes the next {@code n} stops of a service fail (retryable).
   *
   * @param service the service
   * @param n how many
   * @return this target
   */
  public synchronized FakeScalingTarget failStops(ServiceId service, int n) {
    failStops.put(service, n);
    return this;
  }

  /**
   * Makes the next {@code n} {@link #list()} calls fail.
   *
   * @param n how many
   */
  public synchronized void failLists(int n) {
    failLists = n;
  }

  /**
   * Pauses the next start before its unit operation number {@code op} (0 = the first submit);
   * the operations before it are done, the rest wait for {@link #resumePausedStart()}.
   *
   * @param op index of the unit operation to pause before
   * @return this target
   */
  public synchronized FakeScalingTarget pauseNextStartBefore(int op) {
    if (op < 0) {
      throw new IllegalArgumentException("op must be >= 0: " + op);
    }
    pauseBefore = op;
    return this;
  }

  /**
   * Tells whether a start is paused.
   *
   * @return true while a start waits for {@link #resumePausedStart()}
   */
  public synchronized boolean startPaused() {
    return pausedRest != null;
  }

  /**
   * Lets the paused start go on, on the calling thread: each remaining unit operation is done
   * only if the start's fence still holds.
   *
   * @throws IllegalStateException if no start is paused
   */
  public void resumePausedStart() {
    Runnable rest;
    synchronized (this) {
      rest = pausedRest;
      pausedRest = null;
    }
    if (rest == null) {
      throw new IllegalStateException("no start is paused");
    }
    rest.run();
  }

  /**
   * Returns how many unit operations were not done because the action's fence no longer held.
   *
   * @return the count; each fenced action counts once
   */
  public synchronized int fencedRefusals() {
    return fencedRefusals;
  }

  /**
   * Sets a unit's health, as if it changed on the cluster (for example {@link UnitHealth#FAILED}).
   * Adds the unit if absent, which simulates a unit somebody else created.
   *
   * @param unit the unit name
   * @param health its new health
   */
  public synchronized void setUnit(String unit, UnitHealth health) {
    units.put(unit, health);
  }

  /**
   * Removes a unit, as if it vanished from the cluster.
   *
   * @param unit the unit name
   */
  public synchronized void removeUnit(String unit) {
    units.remove(unit);
  }

  /**
   * Returns the units that exist now and their health.
   *
   * @return a copy, in creation order
   */
  public synchronized Map<String, UnitHealth> units() {
    return new LinkedHashMap<>(units);
  }

  /**
   * Returns every action in the order it was requested, with its outcome once known.
   *
   * @return a copy
   */
  public synchronized List<Action> actions() {
    return List.copyOf(actions);
  }

  /**
   * Returns the main unit names of successful starts, in order.
   *
   * @return unit names
   */
  public synchronized List<String> started() {
    return names(ActionKind.START);
  }

  /**
   * Returns the main unit names of successful stops, in order.
   *
   * @return unit names
   */
  public synchronized List<String> stopped() {
    return names(ActionKind.STOP);
  }

  private List<String> names(ActionKind kind) {
    List<String> out = new ArrayList<>();
    for (Action a : actions) {
      if (a.kind == kind && a.succeeded) {
        out.add(a.plan.id().unitName());
      }
    }
    return out;
  }

  /**
   * Returns every unit operation in order.
   *
   * @return a copy
   */
  public synchronized List<UnitOperation> unitOperations() {
    return List.copyOf(unitOps);
  }

  @Override
  public CompletionStage<Void> start(InstancePlan plan) {
    return start(plan, () -> true);
  }

  @Override
  public CompletionStage<Void> start(InstancePlan plan, BooleanSupplier stillLeading) {
    Objects.requireNonNull(stillLeading, "stillLeading");
    CompletableFuture<Void> f = new CompletableFuture<>();
    later(() -> startFrom(plan, stillLeading, f, 0)).whenComplete((v, e) -> {
      if (e != null) {
        f.completeExceptionally(e);
      }
    });
    return f;
  }

  @Override
  public CompletionStage<Void> stop(InstancePlan plan) {
    return stop(plan, () -> true);
  }

  @Override
  public CompletionStage<Void> stop(InstancePlan plan, BooleanSupplier stillLeading) {
    Objects.requireNonNull(stillLeading, "stillLeading");
    return later(() -> doStop(plan, stillLeading));
  }

  @Override
  public synchronized CompletionStage<List<UnitStatus>> list() {
    if (failLists > 0) {
      failLists--;
      return CompletableFuture.failedFuture(new TargetException("injected list failure"));
    }
    List<UnitStatus> out = new ArrayList<>();
    units.forEach((name, health) -> out.add(new UnitStatus(name, health, "")));
    return CompletableFuture.completedFuture(out);
  }

  private CompletionStage<Void> later(Runnable work) {
    ScheduledExecutorService s;
    Duration d;
    synchronized (this) {
      s = delayScheduler;
      d = delay;
    }
    CompletableFuture<Void> f = new CompletableFuture<>();
    Runnable run = () -> {
      try {
        work.run();
        f.complete(null);
      } catch (RuntimeException e) {
        f.completeExceptionally(e);
      }
    };
    if (s == null || d.isZero()) {
      run.run();
    } else {
      s.schedule(run, d.toNanos(), TimeUnit.NANOSECONDS);
    }
    return f;
  }

  /** Runs a start's unit operations from index {@code from}; completes {@code f} unless paused. */
  private void startFrom(InstancePlan plan, BooleanSupplier fence, CompletableFuture<Void> f, int from) {
    RuntimeException failure = null;
    synchronized (this) {
      if (from == 0 && take(failStarts, plan.id().service())) {
        actions.add(new Action(ActionKind.START, plan, false));
        throw new TargetException("injected start failure for " + plan.id());
      }
      List<Runnable> ops = new ArrayList<>();
      for (UnitSpec u : plan.attached()) {
        ops.add(() -> submit(u));
      }
      ops.add(() -> submit(plan.main()));
      ops.add(() -> launch(plan.main()));
      for (UnitSpec u : plan.attached()) {
        ops.add(() -> launch(u));
      }
      for (int i = from; i < ops.size() && failure == null; i++) {
        if (i == pauseBefore && pausedRest == null) {
          int at = i;
          pauseBefore = -1;
          pausedRest = () -> startFrom(plan, fence, f, at);
          return;
        }
        if (!fence.getAsBoolean()) {
          fencedRefusals++;
          actions.add(new Action(ActionKind.START, plan, false));
          failure = new TargetException("leadership was lost; start of " + plan.id() + " stopped", false, null);
        } else {
          ops.get(i).run();
        }
      }
      if (failure == null) {
        actions.add(new Action(ActionKind.START, plan, true));
      }
    }
    if (failure != null) {
      f.completeExceptionally(failure);
    } else {
      f.complete(null);
    }
  }

  private void submit(UnitSpec u) {
    unitOps.add(new UnitOperation(UnitOp.SUBMIT, u.name(), u.options()));
    units.putIfAbsent(u.name(), UnitHealth.STOPPED);
  }

  private void launch(UnitSpec u) {
    unitOps.add(new UnitOperation(UnitOp.LAUNCH, u.name(), List.of()));
    units.put(u.name(), UnitHealth.RUNNING);
  }

  private synchronized void doStop(InstancePlan plan, BooleanSupplier fence) {
    if (take(failStops, plan.id().service())) {
      actions.add(new Action(ActionKind.STOP, plan, false));
      throw new TargetException("injected stop failure for " + plan.id());
    }
    for (String name : plan.unitNames()) {
      if (!fence.getAsBoolean()) {
        fencedRefusals++;
        actions.add(new Action(ActionKind.STOP, plan, false));
        throw new TargetException("leadership was lost; stop of " + plan.id() + " stopped", false, null);
      }
      if (units.remove(name) != null) {
        unitOps.add(new UnitOperation(UnitOp.DESTROY, name, List.of()));
      }
    }
    actions.add(new Action(ActionKind.STOP, plan, true));
  }

  private static boolean take(Map<ServiceId, Integer> failures, ServiceId service) {
    Integer n = failures.get(service);
    if (n == null || n <= 0) {
      return false;
    }
    if (n != Integer.MAX_VALUE) {
      failures.put(service, n - 1);
    }
    return true;
  }
}
