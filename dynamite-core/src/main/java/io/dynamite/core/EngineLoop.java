package io.dynamite.core;

import java.time.Duration;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs engine work as tasks on the scheduler, one at a time and in arrival order: completions of
 * I/O, wake-ups by metric sources and timers all hop onto it. Catches what a task throws so that the engine carries
 * on, but counts and reports it as an internal error (never silently).
 */
final class EngineLoop {
  private static final Logger log = LoggerFactory.getLogger(ScalingEngine.class);

  private final ScheduledExecutorService scheduler;
  private final Recorder recorder;
  /**
   * Engine tasks in arrival order. One drainer at a time runs them, so tasks are serial even on a
   * scheduler with several threads, without a lock: nothing ever waits for an engine task (I/O
   * completions and signals only enqueue, snapshots read published state).
   */
  private final ConcurrentLinkedQueue<Task> queue = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean draining = new AtomicBoolean();
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

  private record Task(String where, Runnable body, Runnable dropped) {}

  /**
   * Runs a task now on the calling thread if no engine task is running, then whatever queued up
   * meanwhile; otherwise queues it behind the running ones.
   */
  void run(String where, Runnable task) {
    if (draining.compareAndSet(false, true)) {
      runOne(new Task(where, task, () -> {}));
      drainAndRelease();
    } else {
      enqueue(new Task(where, task, () -> {}));
    }
  }

  /** Hands work to the engine thread; {@code dropped} runs instead once the scheduler is gone. */
  void hop(String where, Runnable task, Runnable dropped) {
    enqueue(new Task(where, task, dropped));
  }

  private void enqueue(Task t) {
    queue.add(t);
    if (draining.compareAndSet(false, true)) {
      try {
        scheduler.execute(this::drainAndRelease);
      } catch (RejectedExecutionException e) {
        log.debug("engine scheduler gone; dropping queued work");
        Task dead;
        while ((dead = queue.poll()) != null) {
          dead.dropped().run();
        }
        draining.set(false);
      }
    }
  }

  private void drainAndRelease() {
    while (true) {
      Task t;
      while ((t = queue.poll()) != null) {
        runOne(t);
      }
      draining.set(false);
      // a task queued between the last poll and the release must not be stranded
      if (queue.isEmpty() || !draining.compareAndSet(false, true)) {
        return;
      }
    }
  }

  private void runOne(Task t) {
    try {
      t.body().run();
    } catch (RuntimeException e) {
      recorder.internalError(t.where(), e);
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
      return scheduler.schedule(() -> hop(where, task), Math.max(0, delay.toNanos()), TimeUnit.NANOSECONDS);
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
      // at most one run queued at a time: a slow run delays the next instead of piling them up
      AtomicBoolean queued = new AtomicBoolean();
      return scheduler.scheduleWithFixedDelay(() -> {
        if (queued.compareAndSet(false, true)) {
          hop(where, () -> {
            queued.set(false);
            task.run();
          }, () -> queued.set(false));
        }
      }, period.toNanos(), period.toNanos(), TimeUnit.NANOSECONDS);
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
