package io.dynamite.core;

import io.dynamite.api.event.DecisionRecord;
import io.dynamite.api.spi.StateStore;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live actuator's second lane to the store: decision records and policy states, written off
 * the engine thread so that neither an evaluation nor an action ever waits for them.
 *
 * <p>The engine thread only queues ({@link #offer}, {@link #offerState}: a lock held for a few
 * field updates, never during I/O). One drain at a time runs on the executor and writes everything
 * that waits in one {@link StateStore#appendDecisions} call (at most {@value #MAX_BATCH} records)
 * plus one {@link StateStore#savePolicyStates} call, so records that pile up while a write is in
 * flight are coalesced into the next one. Of the policy states only the latest per policy waits.
 *
 * <p>When the store fails, what was taken is put back and the drain is retried after the engine's
 * backoff; at most {@value #MAX_WAITING} records wait, beyond that the oldest are dropped and
 * counted ({@code history.dropped}). When this engine no longer leads, what waits is dropped
 * (counted) instead of written: only the leader writes history.
 */
final class HistoryWriter {
  private static final Logger log = LoggerFactory.getLogger(ScalingEngine.class);

  /** At most this many decision records wait for the store; beyond that the oldest are dropped. */
  static final int MAX_WAITING = 1024;
  /** At most this many records go into one append. */
  static final int MAX_BATCH = 256;
  private static final AtomicInteger THREAD_IDS = new AtomicInteger();

  /** Schedules a retry of a failed write; returns false when it cannot (the engine is closing). */
  @FunctionalInterface
  interface RetryTimer {
    boolean schedule(Duration delay, Runnable retry);
  }

  private final StateStore store;
  private final Executor executor;
  private final @Nullable ExecutorService owned;
  private final BooleanSupplier term;
  private final Recorder recorder;
  private final Backoff backoff;
  private final RetryTimer timer;

  private final Object lock = new Object();
  // guarded by lock
  private final ArrayDeque<DecisionRecord> waiting = new ArrayDeque<>();
  // guarded by lock: policy id -> latest state
  private final Map<String, String> states = new LinkedHashMap<>();
  // guarded by lock: a drain is submitted or running
  private boolean busy;
  // guarded by lock: a failed write waits for its retry timer
  private boolean retryArmed;
  // guarded by lock: the oldest records are being dropped (logged once per streak)
  private boolean dropping;
  // drain only (one drain at a time)
  private int failures;

  /**
   * A writer on {@code executor}; {@code owned} is the same executor when this writer made it and
   * shuts it down at {@link #flush}, null when it belongs to the caller.
   */
  HistoryWriter(StateStore store, Executor executor, @Nullable ExecutorService owned, BooleanSupplier term,
      Recorder recorder, Backoff backoff, RetryTimer timer) {
    this.store = store;
    this.executor = executor;
    this.owned = owned;
    this.term = term;
    this.recorder = recorder;
    this.backoff = backoff;
    this.timer = timer;
  }

  /**
   * A writer on {@code executor}, or, when it is null, on a daemon thread of its own that {@link
   * #flush} stops.
   */
  static HistoryWriter create(StateStore store, @Nullable Executor executor, BooleanSupplier term, Recorder recorder,
      Backoff backoff, RetryTimer timer) {
    if (executor != null) {
      return new HistoryWriter(store, executor, null, term, recorder, backoff, timer);
    }
    int id = THREAD_IDS.incrementAndGet();
    ExecutorService own = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "dynamite-history-" + id);
      t.setDaemon(true);
      return t;
    });
    return new HistoryWriter(store, own, own, term, recorder, backoff, timer);
  }

  /** Queues a record; never blocks on I/O. */
  void offer(DecisionRecord r) {
    boolean dropped = false;
    boolean first = false;
    synchronized (lock) {
      waiting.addLast(r);
      if (waiting.size() > MAX_WAITING) {
        waiting.removeFirst();
        dropped = true;
        first = !dropping;
        dropping = true;
      }
    }
    if (dropped) {
      recorder.count("history.dropped");
      if (first) {
        log.warn("more than {} decision records wait for the state store; dropping the oldest", MAX_WAITING);
      }
    }
    kick();
  }

  /** Queues a policy's state, replacing an older one of the same policy that still waits. */
  void offerState(String policyId, String state) {
    synchronized (lock) {
      states.put(policyId, state);
    }
    kick();
  }

  private void kick() {
    synchronized (lock) {
      if (busy || retryArmed || (waiting.isEmpty() && states.isEmpty())) {
        return;
      }
      busy = true;
    }
    try {
      executor.execute(this::drain);
    } catch (RejectedExecutionException e) {
      synchronized (lock) {
        busy = false;
        lock.notifyAll();
      }
    }
  }

  private void drain() {
    while (true) {
      List<DecisionRecord> batch;
      Map<String, String> st;
      synchronized (lock) {
        if (waiting.isEmpty() && states.isEmpty()) {
          busy = false;
          lock.notifyAll();
          return;
        }
        batch = new ArrayList<>(Math.min(waiting.size(), MAX_BATCH));
        while (!waiting.isEmpty() && batch.size() < MAX_BATCH) {
          batch.add(waiting.removeFirst());
        }
        st = new LinkedHashMap<>(states);
        states.clear();
      }
      if (!term.getAsBoolean()) {
        // no longer leading: the next leader writes its own history, and a deposed leader's
        // writes would be refused anyway
        if (!batch.isEmpty()) {
          recorder.count("history.dropped", batch.size());
        }
        if (!st.isEmpty()) {
          recorder.count("policy_state.dropped", st.size());
        }
        continue;
      }
      try {
        if (!batch.isEmpty()) {
          store.appendDecisions(List.copyOf(batch));
          recorder.count("history.written", batch.size());
          batch = List.of();
        }
        if (!st.isEmpty()) {
          store.savePolicyStates(Map.copyOf(st));
          recorder.count("policy_state.saved", st.size());
        }
        if (failures > 0) {
          log.info("state store takes decision history and policy state again after {} failed attempt(s)", failures);
          failures = 0;
        }
        synchronized (lock) {
          dropping = false;
        }
      } catch (RuntimeException e) {
        failed(batch, st, e);
        return;
      }
    }
  }

  /** Puts back what was not written and arms a retry after the backoff. */
  private void failed(List<DecisionRecord> batch, Map<String, String> st, RuntimeException e) {
    failures++;
    recorder.count("history.write_failures");
    Duration delay = backoff.delay(failures);
    if (failures == 1) {
      log.warn("writing decision history or policy state failed, retrying in {}: {}", delay, ScalingEngine.describe(e));
    } else {
      log.debug("writing decision history or policy state failed again ({}), retrying in {}: {}", failures, delay,
          ScalingEngine.describe(e));
    }
    int dropped = 0;
    synchronized (lock) {
      for (int i = batch.size() - 1; i >= 0; i--) {
        waiting.addFirst(batch.get(i));
      }
      while (waiting.size() > MAX_WAITING) {
        waiting.removeFirst();
        dropped++;
      }
      for (Map.Entry<String, String> s : st.entrySet()) {
        states.putIfAbsent(s.getKey(), s.getValue()); // a newer state offered meanwhile wins
      }
      retryArmed = true;
      busy = false;
      lock.notifyAll();
    }
    if (dropped > 0) {
      recorder.count("history.dropped", dropped);
    }
    if (!timer.schedule(delay, this::retry)) {
      synchronized (lock) {
        retryArmed = false; // closing: flush() makes the last attempt
      }
    }
  }

  private void retry() {
    synchronized (lock) {
      retryArmed = false;
    }
    kick();
  }

  /** How many records wait for the store; for tests. */
  int waiting() {
    synchronized (lock) {
      return waiting.size();
    }
  }

  /**
   * Makes one last attempt to write what waits, ignoring the backoff, and, with the writer's own
   * executor, waits up to {@code nanos} for it and then stops the executor. With an executor passed
   * in, the writes run whenever that executor runs them.
   */
  void flush(long nanos) {
    synchronized (lock) {
      retryArmed = false;
    }
    kick();
    if (owned == null) {
      return;
    }
    long deadline = System.nanoTime() + nanos;
    synchronized (lock) {
      while (busy && System.nanoTime() < deadline) {
        try {
          lock.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
      if (!waiting.isEmpty() || !states.isEmpty()) {
        log.warn("closing with {} decision record(s) and {} policy state(s) not written to the state store",
            waiting.size(), states.size());
      }
    }
    owned.shutdownNow();
  }
}
