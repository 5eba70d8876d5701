package io.dynamite.testkit;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.Delayed;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A deterministic {@link ScheduledExecutorService} driven by a {@link ManualClock}: tasks run on
 * the calling thread, in due-time order (submission order for equal times), only when the test
 * calls {@link #advance(Duration)} or {@link #runPending()}.
 *
 * <p>Tasks may be submitted from any thread. A task that throws is recorded; {@link #advance}
 * then fails with an {@link IllegalStateException} carrying the first failure, so a bug inside a
 * scheduled task cannot go unnoticed. {@link ScheduledFuture#get()} on a task that has not run
 * yet throws {@link IllegalStateException} instead of blocking the only thread that could run it.
 *
 * @since 0.1
 */
public final class ManualScheduler extends AbstractExecutorService implements ScheduledExecutorService {
  private final ManualClock clock;
  private final Object lock = new Object();
  // guarded by lock
  private final PriorityQueue<Task<?>> queue = new PriorityQueue<>();
  // guarded by lock
  private long sequence;
  // guarded by lock
  private boolean shutdown;
  // guarded by lock
  private final List<Throwable> failures = new ArrayList<>();
  private int tasksRun;

  /**
   * Creates a scheduler on a clock.
   *
   * @param clock the clock it reads and moves
   */
  public ManualScheduler(ManualClock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * Returns the clock this scheduler moves.
   *
   * @return the clock
   */
  public ManualClock clock() {
    return clock;
  }

  /**
   * Runs every task due now, including tasks those tasks submit for now, without moving the
   * clock.
   *
   * @return how many tasks ran
   */
  public int runPending() {
    return advance(Duration.ZERO);
  }

  /**
   * Moves the clock forward by {@code d}, running every task that falls due on the way at its due
   * time (the clock is set to each task's due time before it runs).
   *
   * @param d how far; not negative
   * @return how many tasks ran
   * @throws IllegalStateException if a task threw
   */
  public int advance(Duration d) {
    Instant target = clock.instant().plus(d);
    int ran = 0;
    while (true) {
      Task<?> next;
      synchronized (lock) {
        next = queue.peek();
        if (next == null || next.due.isAfter(target)) {
          break;
        }
        queue.poll();
      }
      if (next.due.isAfter(clock.instant())) {
        clock.set(next.due);
      }
      next.runOnce();
      ran++;
      tasksRun++;
    }
    if (target.isAfter(clock.instant())) {
      clock.set(target);
    }
    synchronized (lock) {
      if (!failures.isEmpty()) {
        Throwable first = failures.get(0);
        failures.clear();
        throw new IllegalStateException("a scheduled task failed: " + first, first);
      }
    }
    return ran;
  }

  /**
   * Advances in steps of {@code step} until {@code total} has passed. Equivalent to {@link
   * #advance(Duration)} but lets periodic tasks observe intermediate times exactly.
   *
   * @param total how far in all
   * @param step the step
   * @return how many tasks ran
   */
  public int advance(Duration total, Duration step) {
    if (step.isZero() || step.isNegative()) {
      throw new IllegalArgumentException("step must be positive: " + step);
    }
    int ran = 0;
    Duration left = total;
    while (left.compareTo(step) > 0) {
      ran += advance(step);
      left = left.minus(step);
    }
    return ran + advance(left);
  }

  /**
   * Returns how many tasks are waiting.
   *
   * @return the number of queued tasks
   */
  public int queued() {
    synchronized (lock) {
      return queue.size();
    }
  }

  /**
   * Returns how many tasks ran since creation.
   *
   * @return the count
   */
  public int tasksRun() {
    return tasksRun;
  }

  private <V> Task<V> enqueue(Callable<V> c, Duration delay, Duration period) {
    Objects.requireNonNull(c, "task");
    synchronized (lock) {
      if (shutdown) {
        throw new RejectedExecutionException("scheduler is shut down");
      }
      Task<V> t = new Task<>(c, clock.instant().plus(delay.isNegative() ? Duration.ZERO : delay), period, sequence++);
      queue.add(t);
      return t;
    }
  }

  @Override
  public void execute(Runnable command) {
    enqueue(asCallable(command), Duration.ZERO, Duration.ZERO);
  }

  @Override
  public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
    return enqueue(asCallable(command), Duration.of(delay, unit.toChronoUnit()), Duration.ZERO);
  }

  @Override
  public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
    return enqueue(callable, Duration.of(delay, unit.toChronoUnit()), Duration.ZERO);
  }

  @Override
  public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period, TimeUnit unit) {
    return periodic(command, initialDelay, period, unit);
  }

  /** Same as {@link #scheduleAtFixedRate}: on a manual clock tasks take no time. */
  @Override
  public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay, TimeUnit unit) {
    return periodic(command, initialDelay, delay, unit);
  }

  private ScheduledFuture<?> periodic(Runnable command, long initialDelay, long period, TimeUnit unit) {
    if (period <= 0) {
      throw new IllegalArgumentException("period must be positive: " + period);
    }
    return enqueue(asCallable(command), Duration.of(initialDelay, unit.toChronoUnit()), Duration.of(period, unit.toChronoUnit()));
  }

  private static Callable<Object> asCallable(Runnable r) {
    Objects.requireNonNull(r, "task");
    return () -> {
      r.run();
      return null;
    };
  }

  /** Stops accepting tasks and drops queued ones. */
  @Override
  public void shutdown() {
    synchronized (lock) {
      shutdown = true;
      queue.clear();
    }
  }

  @Override
  public List<Runnable> shutdownNow() {
    shutdown();
    return List.of();
  }

  @Override
  public boolean isShutdown() {
    synchronized (lock) {
      return shutdown;
    }
  }

  @Override
  public boolean isTerminated() {
    return isShutdown();
  }

  @Override
  public boolean awaitTermination(long timeout, TimeUnit unit) {
    return isShutdown();
  }

  private final class Task<V> implements ScheduledFuture<V> {
    private final Callable<V> callable;
    private final Duration period;
    private final long seq;
    private Instant due;
    private volatile boolean cancelled;
    private volatile boolean done;
    private volatile V result;
    private volatile Throwable failure;

    Task(Callable<V> callable, Instant due, Duration period, long seq) {
      this.callable = callable;
      this.due = due;
      this.period = period;
      this.seq = seq;
    }

    void runOnce() {
      if (cancelled) {
        return;
      }
      try {
        V v = callable.call();
        if (period.isZero()) {
          result = v;
          done = true;
        } else {
          synchronized (lock) {
            if (!shutdown && !cancelled) {
              due = due.plus(period);
              queue.add(this);
            }
          }
        }
      } catch (Throwable t) {
        failure = t;
        done = true;
        synchronized (lock) {
          failures.add(t);
        }
      }
    }

    @Override
    public long getDelay(TimeUnit unit) {
      return unit.convert(Duration.between(clock.instant(), due));
    }

    @Override
    public int compareTo(Delayed o) {
      Task<?> other = (Task<?>) o;
      int c = due.compareTo(other.due);
      return c != 0 ? c : Long.compare(seq, other.seq);
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
      if (done) {
        return false;
      }
      cancelled = true;
      synchronized (lock) {
        queue.remove(this);
      }
      return true;
    }

    @Override
    public boolean isCancelled() {
      return cancelled;
    }

    @Override
    public boolean isDone() {
      return done || cancelled;
    }

    @Override
    public V get() throws ExecutionException {
      if (cancelled) {
        throw new java.util.concurrent.CancellationException();
      }
      if (!done) {
        throw new IllegalStateException("task has not run yet; advance the ManualScheduler");
      }
      if (failure != null) {
        throw new ExecutionException(failure);
      }
      return result;
    }

    @Override
    public V get(long timeout, TimeUnit unit) throws ExecutionException {
      return get();
    }
  }
}
