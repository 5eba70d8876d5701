package io.dynamite.core;

import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs engine work as tasks on the scheduler, one at a time: completions of I/O, wake-ups by
 * metric sources and timers all hop onto it. Catches what a task throws so that the engine carries
 * on, but counts and reports it as an internal error (never silently).
 */
final class EngineLoop {
  private static final Logger log = LoggerFactory.getLogger(ScalingEngine.class);

  private final ScheduledExecutorService scheduler;
  private final Recorder recorder;
  /**
   * Makes tasks serial even on a scheduler with several threads. Only engine tasks take it; I/O
   * completions and snapshots never wait for it.
   */
  private final Object serial = new Object();
  private final AtomicBoolean wakePending = new AtomicBoolean();
  private final AtomicBoolean closed = new AtomicBoolean();
  private @Nullable Runnable onWake;

  EngineLoop(ScheduledExecutorService scheduler, Recorder recorder) {
    this.scheduler = scheduler;
    this.recorder = recorder;
  }

  /** Sets what a wake-up runs: the intake and evaluation of everything that arrived. */
  void onWake(Runnable task) {
    this.onWake = task;
  }

  /** Runs one task now on the calling thread, as an engine task. */
  void run(String where, Runnable task) {
    synchronized (serial) {
      try {
        task.run();
      } catch (RuntimeException e) {
        recorder.internalError(where, e);
      }
    }
  }

  /** Hands work to the engine thread; {@code dropped} runs instead once the scheduler is gone. */
  void hop(String where, Runnable task, Runnable dropped) {
    try {
      scheduler.execute(() -> run(where, task));
    } catch (RejectedExecutionException e) {
      log.debug("engine scheduler gone; dropping {}", where);
      dropped.run();
    }
  }

  void hop(String where, Runnable task) {
    hop(where, task, () -> {});
  }

  /**
   * Asks for an intake-and-evaluate pass soon. Cheap and safe from any thread; many calls before
   * the pass runs make one pass.
   */
  void wake() {
    if (closed.get() || !wakePending.compareAndSet(false, true)) {
      return;
    }
    hop("evaluation", () -> {
      wakePending.set(false);
      Runnable r = onWake;
      if (r != null) {
        r.run();
      }
    }, () -> wakePending.set(false));
  }

  @Nullable ScheduledFuture<?> schedule(String where, Duration delay, Runnable task) {
    try {
      return scheduler.schedule(() -> run(where, task), Math.max(0, delay.toNanos()), TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      return null; // closing
    }
  }

  /**
   * Runs a task periodically, with {@code period} between the end of one run and the start of the
   * next: a run that takes longer than the period (slow I/O) must not make runs pile up and starve
   * the other tasks, as a fixed rate would.
   */
  @Nullable ScheduledFuture<?> every(String where, Duration period, Runnable task) {
    try {
      return scheduler.scheduleWithFixedDelay(() -> run(where, task), period.toNanos(), period.toNanos(), TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      return null;
    }
  }

  void close() {
    closed.set(true);
  }

  boolean closed() {
    return closed.get();
  }
}
