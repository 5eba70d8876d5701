package io.dynamite.core;

import io.dynamite.api.InstancePlan;
import io.dynamite.api.ServiceId;
import io.dynamite.api.UnitStatus;
import io.dynamite.api.event.DecisionRecord;
import io.dynamite.api.spi.StateStore;
import io.dynamite.api.state.ActionIntent;
import io.dynamite.api.state.StoredState;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * The act stage: the only code that calls the {@link io.dynamite.api.spi.ScalingTarget} or changes
 * the {@link StateStore}. A dry run swaps the live actuator for one that only reports, so a dry
 * run cannot start or stop a unit or write state by construction. Engine thread only, except the
 * history reads and {@link #flush}, which any thread may call.
 *
 * <p>Two lanes lead to the store. Actions and their bookkeeping (status, configuration, records,
 * intents) are written synchronously on the engine thread, because an action's crash consistency
 * depends on their order. Decision records and policy states are handed to an asynchronous lane
 * ({@link #remember}, {@link #keep}) that never blocks the engine thread and adds no round trip to
 * an action; a dry run has no such lane.
 */
interface Actuator {
  /** One start or stop of an instance with all its units. */
  record Action(Kind kind, InstancePlan plan, @Nullable ActionIntent intent, String reason) {
    enum Kind { START, STOP }
  }

  /** What became of an action; the engine changes its own state only from these calls. */
  interface Callback {
    /** Nothing was sent to the target: the intent could not be recorded, or leadership is gone. */
    void refused(String why);

    /** The intent is recorded and the target call is on its way. */
    void begun();

    /** The target call completed (on the engine thread); error is null on success. */
    void finished(@Nullable Throwable error);

    /** Dry run: the action was only reported. */
    void simulated();
  }

  /** Reads everything stored; reading is allowed in a dry run. */
  StoredState load();

  /** Lists the target's units; reading is allowed in a dry run. */
  CompletionStage<List<UnitStatus>> list();

  /** Runs an action; exactly one callback method is called for the action's first phase. */
  void run(Action action, Callback callback);

  /**
   * Writes bookkeeping to the state store (status, configuration, records). Throws what the store
   * throws; a dry run reports the write and does nothing.
   */
  void write(@Nullable ServiceId service, String what, Consumer<StateStore> writes);

  /** Hands a decision record to the store's history; never blocks. A dry run keeps nothing. */
  void remember(DecisionRecord record);

  /** Hands a policy's exported state to the store; never blocks. A dry run keeps nothing. */
  void keep(String policyId, String state);

  /** How many records the store keeps per service; 0 if it keeps no history. */
  int historyCapacity();

  /** Reads a service's stored decision history (allowed in a dry run); any thread. */
  List<DecisionRecord> loadDecisions(ServiceId service);

  /** Reads a policy's stored state (allowed in a dry run). */
  Optional<String> loadPolicyState(String policyId);

  /** Writes what waits in the asynchronous lane, waiting up to {@code nanos} where it can; any thread. */
  void flush(long nanos);

  /** Actions whose target call has not completed yet. */
  int inFlight();

  /** Waits (on the caller's thread) up to {@code nanos} for actions in flight to finish. */
  void awaitIdle(long nanos);
}
