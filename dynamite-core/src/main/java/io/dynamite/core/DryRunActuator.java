package io.dynamite.core;

import io.dynamite.api.ServiceId;
import io.dynamite.api.UnitStatus;
import io.dynamite.api.event.DecisionRecord;
import io.dynamite.api.spi.ScalingTarget;
import io.dynamite.api.spi.StateStore;
import io.dynamite.api.state.StoredState;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * The dry run's actuator: reads the real store and target, reports every action and write it is
 * asked for, and performs none. It holds no way to write: the store is reachable only through
 * {@link #load()} (and the history reads) and the target only through {@link #list()}. Decision
 * records stay in the engine's memory; policy states are not stored.
 */
final class DryRunActuator implements Actuator {
  private final ScalingTarget target;
  private final StateStore store;
  private final Recorder recorder;

  DryRunActuator(ScalingTarget target, StateStore store, Recorder recorder) {
    this.target = target;
    this.store = store;
    this.recorder = recorder;
  }

  @Override
  public StoredState load() {
    return store.load();
  }

  @Override
  public CompletionStage<List<UnitStatus>> list() {
    try {
      return target.list();
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  @Override
  public void run(Action action, Callback callback) {
    recorder.wouldDo(action.kind().name().toLowerCase(Locale.ROOT) + " " + action.plan().id(), action.reason());
    callback.simulated();
  }

  @Override
  public void write(@Nullable ServiceId service, String what, Consumer<StateStore> writes) {
    recorder.count("dryrun.writes");
  }

  @Override
  public void remember(DecisionRecord record) {}

  @Override
  public void keep(String policyId, String state) {}

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
  public void flush(long nanos) {}

  @Override
  public int inFlight() {
    return 0;
  }

  @Override
  public void awaitIdle(long nanos) {}
}
