package io.dynamite.core;

import io.dynamite.api.Direction;
import io.dynamite.api.InstancePlan;
import io.dynamite.api.TargetException;
import io.dynamite.api.state.ActionIntent;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries planned starts and stops through the actuator and applies their outcomes to the
 * service's state: phases, numbers, records, failure backoff and retries. Engine thread only.
 */
final class ActionRunner {
  private static final Logger log = LoggerFactory.getLogger(ScalingEngine.class);

  private final Actuator actuator;
  private final Recorder recorder;
  private final EngineLoop loop;
  private final Clock clock;
  private final Backoff backoff;
  private final int maxAttempts;
  /** Marks a service for evaluation after an action changed it (frees a number, ends a backoff). */
  private final java.util.function.Consumer<ServiceState> reevaluate;
  private long intentSeq;

  ActionRunner(Actuator actuator, Recorder recorder, EngineLoop loop, Clock clock, Backoff backoff,
      int maxAttempts, java.util.function.Consumer<ServiceState> reevaluate) {
    this.actuator = actuator;
    this.recorder = recorder;
    this.loop = loop;
    this.clock = clock;
    this.backoff = backoff;
    this.maxAttempts = maxAttempts;
    this.reevaluate = reevaluate;
  }

  /** The outcome of handing one action to the actuator, for decision records. */
  enum Began { BEGUN, SIMULATED, REFUSED }

  /** Result of {@link #start}/{@link #stop}: how it went and, if refused, why. */
  record Result(Began began, String text) {}

  /** Starts a planned instance whose number is already reserved. */
  Result start(ServiceState s, InstancePlan plan, String reason, int attempt) {
    Instant now = clock.instant();
    Instance inst = new Instance(plan, Instance.Phase.STARTING, now);
    inst.attempt = attempt;
    inst.reason = reason;
    inst.intentId = newIntentId();
    Result[] result = new Result[1];
    actuator.run(new Actuator.Action(Actuator.Action.Kind.START, plan,
        new ActionIntent(inst.intentId, ActionIntent.Kind.START, plan, now), reason), new Actuator.Callback() {
      @Override
      public void refused(String why) {
        s.release(plan.number());
        // a store that cannot record intents is a failure like any other: back off, then retry
        Instant retryAt = why.startsWith("could not record intent") ? failed(s, now) : null;
        recorder.actionFailed(Direction.UP, plan.id(), attempt, why, retryAt);
        result[0] = new Result(Began.REFUSED, why.startsWith("could not record intent")
            ? "the state store failed: " + why.substring("could not record intent: ".length()) : why);
      }

      @Override
      public void begun() {
        s.add(inst);
        log.info("starting instance={} attempt={} reason={}", plan.id(), attempt, reason);
        recorder.actionStarted(Direction.UP, plan.id(), attempt, reason);
        result[0] = new Result(Began.BEGUN, "started an instance");
      }

      @Override
      public void finished(@Nullable Throwable error) {
        onStarted(s, inst, error);
      }

      @Override
      public void simulated() {
        s.release(plan.number());
        result[0] = new Result(Began.SIMULATED, "dry run: would start an instance (" + s.describeCounts() + ")");
      }
    });
    return result[0];
  }

  private void onStarted(ServiceState s, Instance inst, @Nullable Throwable err) {
    Instant now = clock.instant();
    if (err == null) {
      s.setPhase(inst, Instance.Phase.RUNNING, now);
      s.failures = 0;
      s.backoffUntil = null;
      String intent = inst.intentId;
      inst.intentId = null;
      safeWrite(s, "instance " + inst.plan.id() + " started", st -> {
        st.saveInstance(ServiceState.record(inst));
        st.saveService(s.record());
        if (intent != null) {
          st.deleteIntent(intent);
        }
      });
      log.info("started instance={}", inst.plan.id());
      recorder.actionSucceeded(Direction.UP, inst.plan.id());
      return;
    }
    boolean retry = inst.attempt < maxAttempts && !(err instanceof TargetException te && !te.retryable());
    Instant retryAt = failed(s, now);
    if (retry) {
      s.pendingUpRetries++;
      s.nextUpAttempt = inst.attempt + 1;
    }
    recorder.actionFailed(Direction.UP, inst.plan.id(), inst.attempt, ScalingEngine.describe(err), retry ? retryAt : null);
    // Undo whatever part of the instance exists so that its number can be reused safely (B10).
    s.setPhase(inst, Instance.Phase.ROLLING_BACK, now);
    stopUnits(s, inst, true);
  }

  /** Begins the scale-down of a running instance. */
  Result stop(ServiceState s, Instance inst, String reason) {
    Instant now = clock.instant();
    String intentId = newIntentId();
    Result[] result = new Result[1];
    actuator.run(new Actuator.Action(Actuator.Action.Kind.STOP, inst.plan,
        new ActionIntent(intentId, ActionIntent.Kind.STOP, inst.plan, now), reason), new Actuator.Callback() {
      @Override
      public void refused(String why) {
        recorder.actionFailed(Direction.DOWN, inst.plan.id(), 1, why, null);
        result[0] = new Result(Began.REFUSED, why.startsWith("could not record intent")
            ? "the state store failed: " + why.substring("could not record intent: ".length()) : why);
      }

      @Override
      public void begun() {
        s.setPhase(inst, Instance.Phase.STOPPING, now);
        inst.attempt = 1;
        inst.reason = reason;
        inst.intentId = intentId;
        log.info("stopping instance={} reason={}", inst.plan.id(), reason);
        recorder.actionStarted(Direction.DOWN, inst.plan.id(), 1, reason);
        result[0] = new Result(Began.BEGUN, "stopping an instance");
      }

      @Override
      public void finished(@Nullable Throwable error) {
        onStopped(s, inst, false, error);
      }

      @Override
      public void simulated() {
        result[0] = new Result(Began.SIMULATED, "dry run: would stop " + inst.plan.id());
      }
    });
    return result[0];
  }

  /**
   * Removes every unit of an instance that is already marked stopping or rolling back (a failed
   * start, a failed or gone unit, an interrupted action found at recovery); retried with backoff
   * until the units are gone. Its intent, if any, is already stored.
   */
  void stopUnits(ServiceState s, Instance inst, boolean undo) {
    actuator.run(new Actuator.Action(Actuator.Action.Kind.STOP, inst.plan, null,
        inst.reason.isEmpty() ? "undo" : inst.reason), new Actuator.Callback() {
      @Override
      public void refused(String why) {
        // leadership is gone: the intent stays stored and the next leader finishes the job
        log.info("not removing the units of instance={}: {}", inst.plan.id(), why);
      }

      @Override
      public void begun() {}

      @Override
      public void finished(@Nullable Throwable error) {
        onStopped(s, inst, undo, error);
      }

      @Override
      public void simulated() {
        // a dry run keeps nothing it would have had to undo
        s.removeAndRelease(inst);
      }
    });
  }

  private void onStopped(ServiceState s, Instance inst, boolean undo, @Nullable Throwable err) {
    Instant now = clock.instant();
    if (err == null) {
      s.removeAndRelease(inst);
      String intent = inst.intentId;
      safeWrite(s, "instance " + inst.plan.id() + " stopped", st -> {
        st.deleteInstance(inst.plan.id());
        st.saveService(s.record());
        if (intent != null) {
          st.deleteIntent(intent);
        }
      });
      if (!undo) {
        s.failures = 0;
        s.backoffUntil = null;
        s.changed();
        log.info("stopped instance={}", inst.plan.id());
        recorder.actionSucceeded(Direction.DOWN, inst.plan.id());
      } else {
        log.info("removed the units of instance={} ({})", inst.plan.id(), inst.reason.isEmpty() ? "undo" : inst.reason);
      }
      reevaluate.accept(s);
      return;
    }
    inst.attempt++;
    Instant retryAt = failed(s, now);
    boolean giveUp = !undo && inst.attempt > maxAttempts;
    recorder.actionFailed(Direction.DOWN, inst.plan.id(), inst.attempt - 1, ScalingEngine.describe(err), giveUp ? null : retryAt);
    if (giveUp) {
      // Leave the instance counted; reconciliation notices if its units did disappear.
      s.setPhase(inst, Instance.Phase.RUNNING, now);
      return;
    }
    loop.schedule("stop retry", Duration.between(now, retryAt), () -> {
      if (!loop.closed() && s.get(inst.unitName()) == inst) {
        stopUnits(s, inst, undo);
      }
    });
  }

  /** Counts a failure and returns when the service may act again. */
  Instant failed(ServiceState s, Instant now) {
    s.failures++;
    Instant until = now.plus(backoff.delay(s.failures));
    s.backoffUntil = until;
    s.changed();
    return until;
  }

  /** Runs bookkeeping writes that follow a completed action; a failure is reported, not fatal. */
  void safeWrite(@Nullable ServiceState s, String what, java.util.function.Consumer<io.dynamite.api.spi.StateStore> writes) {
    try {
      actuator.write(s == null ? null : s.id(), what, writes);
    } catch (RuntimeException e) {
      recorder.pluginFailed("state-store", s == null ? null : s.id(), ScalingEngine.describe(e));
    }
  }

  String newIntentId() {
    return Long.toString(clock.millis(), 36) + "-" + (++intentSeq);
  }
}
