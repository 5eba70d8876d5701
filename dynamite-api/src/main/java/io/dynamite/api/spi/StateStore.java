package io.dynamite.api.spi;

import io.dynamite.api.InstanceId;
import io.dynamite.api.ServiceId;
import io.dynamite.api.StateStoreException;
import io.dynamite.api.event.DecisionRecord;
import io.dynamite.api.state.ActionIntent;
import io.dynamite.api.state.EngineStatus;
import io.dynamite.api.state.InstanceRecord;
import io.dynamite.api.state.ServiceRecord;
import io.dynamite.api.state.StoredState;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Keeps the engine's state across restarts.
 *
 * <p>The engine calls these methods from its own thread, one at a time; they block until the
 * write is durable. A write that fails throws {@link StateStoreException}; the engine then treats
 * the action it belonged to as failed and retries later. Implementations should make every write
 * idempotent (a repeated write of the same record is harmless) because callers may retry.
 *
 * <p><b>Memory of the past</b> (since 0.3): a store may also keep each service's last decision
 * records, a bounded ring of {@link #historyCapacity()} records per service, and a small text per
 * policy in which the policy keeps its state ({@link ScalingPolicy#exportState()}) across restarts
 * and failovers. These methods have defaults that keep nothing, so a store written for 0.1 still
 * compiles and works: the engine then keeps the history in memory only. Unlike the methods above,
 * the engine calls them off its own thread (so that a slow store never delays an action), possibly
 * at the same time as the methods above: implementations must make them thread-safe. Only the
 * engine that leads writes them; a store that fences the leader's writes should fence these too.
 *
 * @since 0.1
 */
public interface StateStore extends AutoCloseable {
  /**
   * The number of decision records a store keeps per service unless configured otherwise.
   *
   * @since 0.3
   */
  int DEFAULT_HISTORY_CAPACITY = 200;

  /**
   * The largest policy state the engine hands to {@link #savePolicyState}: 64 KiB of UTF-8. A
   * policy whose exported state is larger is reported and its state is not stored.
   *
   * @since 0.3
   */
  int MAX_POLICY_STATE_BYTES = 65_536;

  /**
   * Reads everything stored.
   *
   * @return the stored state, {@link StoredState#EMPTY} when nothing is stored
   * @throws StateStoreException if the store cannot be read
   */
  StoredState load();

  /**
   * Stores the engine status.
   *
   * @param status the new status
   */
  void saveStatus(EngineStatus status);

  /**
   * Stores the configuration document the engine runs with.
   *
   * @param document the YAML document as parsed: {@code {"Dynamite": {...}}}
   */
  void saveConfiguration(Map<String, Object> document);

  /**
   * Stores (replaces) a service record.
   *
   * @param record the record
   */
  void saveService(ServiceRecord record);

  /**
   * Stores (replaces) an instance record.
   *
   * @param record the record
   */
  void saveInstance(InstanceRecord record);

  /**
   * Deletes an instance record; absent records are ignored.
   *
   * @param id the instance
   */
  void deleteInstance(InstanceId id);

  /**
   * Stores an intent before its action is performed.
   *
   * @param intent the intent
   */
  void saveIntent(ActionIntent intent);

  /**
   * Deletes an intent after its outcome has been stored; absent intents are ignored.
   *
   * @param intentId the intent's id
   */
  void deleteIntent(String intentId);

  /**
   * Tells how many decision records this store keeps per service.
   *
   * @return the bound of each service's ring, at least 1; 0 (the default) if this store keeps no
   *     decision history
   * @since 0.3
   */
  default int historyCapacity() {
    return 0;
  }

  /**
   * Appends decision records to their services' history rings ({@link
   * DecisionRecord#service()}), in list order; once a ring holds {@link #historyCapacity()}
   * records, the oldest are dropped. Thread-safe; called off the engine thread, by the leader only,
   * with records batched. The default keeps nothing.
   *
   * @param records records of one or more services, oldest first
   * @throws StateStoreException if the records could not be stored; the engine keeps them and
   *     tries again later (dropping the oldest when too many wait)
   * @since 0.3
   */
  default void appendDecisions(List<DecisionRecord> records) {}

  /**
   * Reads a service's decision history. Thread-safe.
   *
   * @param service the service
   * @return at most {@link #historyCapacity()} records, oldest first; empty when none are kept
   *     (the default). Records the store cannot read are skipped.
   * @throws StateStoreException if the store cannot be read
   * @since 0.3
   */
  default List<DecisionRecord> loadDecisions(ServiceId service) {
    return List.of();
  }

  /**
   * Stores (replaces) a policy's state. Thread-safe; called off the engine thread, by the leader
   * only. The default keeps nothing.
   *
   * @param policyId the policy's id ({@link DecisionRecord#policyId()})
   * @param state the text the policy exported, at most {@link #MAX_POLICY_STATE_BYTES} bytes of
   *     UTF-8
   * @throws StateStoreException if the state could not be stored; the engine tries again later
   * @throws IllegalArgumentException if the state is larger than {@link #MAX_POLICY_STATE_BYTES}
   * @since 0.3
   */
  default void savePolicyState(String policyId, String state) {}

  /**
   * Stores several policies' states; the default calls {@link #savePolicyState} for each, a store
   * may do it in one round trip. Thread-safe.
   *
   * @param states policy id to state, each as for {@link #savePolicyState}
   * @throws StateStoreException if a state could not be stored; the engine then tries all of them
   *     again later
   * @since 0.3
   */
  default void savePolicyStates(Map<String, String> states) {
    states.forEach(this::savePolicyState);
  }

  /**
   * Reads a policy's state. Thread-safe.
   *
   * @param policyId the policy's id
   * @return the text last stored for it, or empty (always, by default)
   * @throws StateStoreException if the store cannot be read
   * @since 0.3
   */
  default Optional<String> loadPolicyState(String policyId) {
    return Optional.empty();
  }

  /** Releases resources. The default does nothing. Idempotent. */
  @Override
  default void close() {}
}
