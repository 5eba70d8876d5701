package io.dynamite.sandbox;

import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.Delayed;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A discrete-event {@link ScheduledExecutorService} on a {@link VirtualClock}: tasks run on the
 * thread that calls {@link #runUntil(long)}, in due-time order and, for equal times, in the order
 * they were submitted, so a run is fully deterministic. Time jumps from one due task to the next;
 * periodic tasks take no time, so fixed rate and fixed delay are the same.
 *
 * <p>A task that throws stops the run: {@link #runUntil} rethrows it wrapped in an {@link
 * IllegalStateException}, so a failure inside the engine or the model cannot go unnoticed.
 */
public final class VirtualScheduler extends AbstractExecutorService implements ScheduledExecutorService {
  private final VirtualClock clock;
  private final PriorityQueue<Task<?>> queue = new PriorityQueue<>();
  private long sequence;
  private boolean shutdown;
  private long tasksRun;

  /**
   * Creates a scheduler that owns and moves {@code clock}.
   *
   * @param clock the virtual clock, not null; nothing else should move it
   */
  public VirtualScheduler(VirtualClock clock) {
    this.clock = clock;
  }

  /**
   * The clock this scheduler moves.
   *
   * @return the clock, not null
   */
  public VirtualClock clock() {
    return clock;
  }

  /**
   * Counts the tasks run so far (each run of a periodic task counts once).
   *
   * @return tasks run
   */
  public long tasksRun() {
    return tasksRun;
  }

  /**
   * Runs every task due at or before {@code until} (nanoseconds since the clock's origin), moving
   * the clock to each task's time, then moves the clock to {@code until}. Call from one thread.
   *
   * @param until nanoseconds since the clock's origin
   * @throws IllegalStateException wrapping the failure of a task that threw
   */
  public void runUntil(long until) {
    while (true) {
      Task<?> next;
      synchronized (this) {
        next = queue.peek();
        if (next == null || next.due > until) {
          break;
        }
        queue.poll();
      }
      if (next.due > clock.nanos()) {
        clock.moveTo(next.due);
      }
      tasksRun++;
      Throwable failure = next.runOnce();
      if (failure != null) {
        throw new IllegalStateException("a simulated task failed at " + clock.instant() + ": " + failure, failure);
      }
    }
    if (until > clock.nanos()) {
      clock.moveTo(until);
    }
  }

  private synchronized <V> Task<V> enqueue(Callable<V> c, long delayNanos, long periodNanos) {
    if (shutdown) {
      throw new RejectedExecutionException("the simulation's scheduler is shut down");
    }
    Task<V> t = new Task<>(c, clock.nanos() + Math.max(0, delayNanos), periodNanos, sequence++);
    queue.add(t);
    return t;
  }

  @Override
  public void execute(Runnable command) {
    enqueue(callable(command), 0, 0);
  }

  @Override
  public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
    return enqueue(callable(command), unit.toNanos(delay), 0);
  }

  @Override
  public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
    return enqueue(callable, unit.toNanos(delay), 0);
  }

  @Override
  public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period, TimeUnit unit) {
    return periodic(command, initialDelay, period, unit);
  }

  @Override
  public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay, TimeUnit unit) {
    return periodic(command, initialDelay, delay, unit);
  }

  private ScheduledFuture<?> periodic(Runnable command, long initialDelay, long period, TimeUnit unit) {
    if (period <= 0) {
      throw new IllegalArgumentException("period must be positive: " + period);
    }
    return enqueue(callable(command), unit.toNanos(initialDelay), unit.toNanos(period));
  }

  private static Callable<Object> callable(Runnable r) {
    if (r == null) {
      throw new NullPointerException("task");
    }
    return () -> {
      r.run();
      return null;
    };
  }

  @Override
  public synchronized void shutdown() {
    shutdown = true;
    queue.clear();
  }

  @Override
  public List<Runnable> shutdownNow() {
    shutdown();
    return List.of();
  }

  @Override
  public synchronized boolean isShutdown() {
    return shutdown;
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
    private final long period;
    private final long seq;
    private long due;
    private boolean cancelled;
    private boolean done;
    private V result;
    private Throwable failure;

    Task(Callable<V> callable, long due, long period, long seq) {
      this.callable = callable;
      this.due = due;
      this.period = period;
      this.seq = seq;
    }

    /** Runs the task; returns what it threw, or null. */
    Throwable runOnce() {
      if (cancelled) {
        return null;
      }
      try {
        V v = callable.call();
        if (period == 0) {
          result = v;
          done = true;
        } else {
          synchronized (VirtualScheduler.this) {
            if (!shutdown && !cancelled) {
              due += period;
              queue.add(this);
            }
          }
        }
        return null;
      } catch (Throwable t) {
        failure = t;
        done = true;
        return t;
      }
    }

    @Override
    public long getDelay(TimeUnit unit) {
      return unit.convert(due - clock.nanos(), TimeUnit.NANOSECONDS);
    }

    @Override
    public int compareTo(Delayed o) {
      Task<?> other = (Task<?>) o;
      int c = Long.compare(due, other.due);
      return c != 0 ? c : Long.compare(seq, other.seq);
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
      if (done || cancelled) {
        return false;
      }
      cancelled = true;
      synchronized (VirtualScheduler.this) {
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
        throw new CancellationException();
      }
      if (!done) {
        throw new IllegalStateException("the task has not run yet in virtual time");
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
