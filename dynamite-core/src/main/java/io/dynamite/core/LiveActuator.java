package io.dynamite.core;

import io.dynamite.api.ServiceId;
import io.dynamite.api.UnitStatus;
import io.dynamite.api.event.DecisionRecord;
import io.dynamite.api.spi.ScalingTarget;
import io.dynamite.api.spi.StateStore;
import io.dynamite.api.state.StoredState;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Performs actions for real: intent first, then the target call, checked against the leadership
 * term immediately before it is sent and handed the term, so that a target made of several backend
 * calls asks it before each one ({@link ScalingTarget#start(io.dynamite.api.InstancePlan,
 * BooleanSupplier)}); completions come back on the engine thread. See {@code
 * docs/architecture.md}, "Fencing a deposed leader". Decision records and policy states go to the
 * store through its {@link HistoryWriter}, off the engine thread.
 */
final class LiveActuator implements Actuator {
  private final ScalingTarget target;
  private final StateStore store;
  private final EngineLoop loop;
  /** True while this engine's leadership term holds. */
  private final BooleanSupplier term;
  private final HistoryWriter history;
  private final AtomicInteger inFlight = new AtomicInteger();

  LiveActuator(ScalingTarget target, StateStore store, EngineLoop loop, BooleanSupplier term, HistoryWriter history) {
    this.target = target;
    this.store = store;
    this.loop = loop;
    this.term = term;
    this.history = history;
  }

  @Override
  public StoredState load() {
    return store.load();
  }

  @Override
  public CompletionStage<List<UnitStatus>> list() {
    return call(target::list);
  }

  @Override
  public void run(Action action, Callback callback) {
    if (!term.getAsBoolean()) {
      callback.refused("leadership was lost");
      return;
    }
    if (action.intent() != null) {
      try {
        store.saveIntent(action.intent());
      } catch (RuntimeException e) {
        callback.refused("could not record intent: " + ScalingEngine.describe(e));
        return;
      }
    }
    // The store write may have taken a while: check the term again right before the target call,
    // so that a deposed leader never sends one. Its intent stays for the next leader's recovery.
    if (!term.getAsBoolean()) {
      callback.refused("leadership was lost");
      return;
    }
    callback.begun();
    inFlight.incrementAndGet();
    CompletionStage<Void> stage = action.kind() == Action.Kind.START
        ? call(() -> target.start(action.plan(), term))
        : call(() -> target.stop(action.plan(), term));
    stage.whenComplete((v, err) -> loop.hop("action completion", () -> {
      // done() only after the outcome is recorded: close() waits for in-flight actions, and the
      // daemon then closes the state store, so the records must be written first
      try {
        callback.finished(err == null ? null : ScalingEngine.unwrap(err));
      } finally {
        done();
      }
    }, () -> done()));
  }

  @Override
  public void write(@Nullable ServiceId service, String what, Consumer<StateStore> writes) {
    writes.accept(store);
  }

  @Override
  public void remember(DecisionRecord record) {
    history.offer(record);
  }

  @Override
  public void keep(String policyId, String state) {
    history.offerState(policyId, state);
  }

  @Override
  public int historyCapacity() {
    return store.historyCapacity();
  }

  @Override
  public List<DecisionRecord> loadDecisions(ServiceId service) {
    return store.loadDecisions(service);
  }

  @Override
  public Optional<String> loadPolicyState(String policyId) {
    return store.loadPolicyState(policyId);
  }

  @Override
  public void flush(long nanos) {
    history.flush(nanos);
  }

  @Override
  public int inFlight() {
    return inFlight.get();
  }

  @Override
  public void awaitIdle(long nanos) {
    long deadline = System.nanoTime() + nanos;
    synchronized (inFlight) {
      while (inFlight.get() > 0 && System.nanoTime() < deadline) {
        try {
          inFlight.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  private void done() {
    inFlight.decrementAndGet();
    synchronized (inFlight) {
      inFlight.notifyAll();
    }
  }

  private static <T> CompletionStage<T> call(Supplier<CompletionStage<T>> action) {
    try {
      return Objects.requireNonNull(action.get(), "target returned null");
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }
}
