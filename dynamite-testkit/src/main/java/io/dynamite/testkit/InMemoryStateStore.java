package io.dynamite.testkit;

import io.dynamite.api.InstanceId;
import io.dynamite.api.StateStoreException;
import io.dynamite.api.ServiceId;
import io.dynamite.api.event.DecisionRecord;
import io.dynamite.api.spi.StateStore;
import io.dynamite.api.state.ActionIntent;
import io.dynamite.api.state.EngineStatus;
import io.dynamite.api.state.InstanceRecord;
import io.dynamite.api.state.ServiceRecord;
import io.dynamite.api.state.StoredState;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A {@link StateStore} in memory. Share one instance between two engines (one after the other) to
 * test recovery. Keeps a decision history of {@link #historyCapacity()} records per service and
 * the policies' states, so a restart on the same instance keeps both. Thread-safe.
 *
 * @since 0.1
 */
public final class InMemoryStateStore implements StateStore {
  private final int historyCapacity;
  private final Map<ServiceId, LinkedList<DecisionRecord>> decisions = new HashMap<>();
  private final Map<String, String> policyStates = new HashMap<>();
  private EngineStatus status = EngineStatus.NONE;
  private @Nullable Map<String, Object> configuration;
  private final Map<ServiceId, ServiceRecord> services = new LinkedHashMap<>();
  private final Map<InstanceId, InstanceRecord> instances = new LinkedHashMap<>();
  private final Map<String, ActionIntent> intents = new LinkedHashMap<>();
  private final List<String> writes = new ArrayList<>();
  private boolean failWrites;
  private boolean failHistoryWrites;

  /** Creates an empty store keeping {@value StateStore#DEFAULT_HISTORY_CAPACITY} records per service. */
  public InMemoryStateStore() {
    this(DEFAULT_HISTORY_CAPACITY);
  }

  /**
   * Creates an empty store with another history bound.
   *
   * @param historyCapacity decision records kept per service; 0 keeps none (like a store written
   *     before decision histories existed)
   * @throws IllegalArgumentException if negative
   * @since 0.3
   */
  public InMemoryStateStore(int historyCapacity) {
    if (historyCapacity < 0) {
      throw new IllegalArgumentException("historyCapacity must not be negative: " + historyCapacity);
    }
    this.historyCapacity = historyCapacity;
  }

  /**
   * Makes every following write fail (or succeed again).
   *
   * @param fail true to fail writes
   */
  public synchronized void failWrites(boolean fail) {
    this.failWrites = fail;
  }

  /**
   * Makes every following decision-history and policy-state write fail (or succeed again), while
   * the other writes go on: a store that is slow or down for the history only.
   *
   * @param fail true to fail those writes
   * @since 0.3
   */
  public synchronized void failHistoryWrites(boolean fail) {
    this.failHistoryWrites = fail;
  }

  private void historyWrite(String what) {
    if (failHistoryWrites) {
      throw new StateStoreException("injected history write failure: " + what, null);
    }
    write(what);
  }

  private void write(String what) {
    if (failWrites) {
      throw new StateStoreException("injected write failure: " + what, null);
    }
    writes.add(what);
  }

  /**
   * Returns a log of every successful write, for example {@code saveIntent START a@12021.service}.
   *
   * @return the writes, in order
   */
  public synchronized List<String> writes() {
    return List.copyOf(writes);
  }

  @Override
  public synchronized StoredState load() {
    return new StoredState(status, configuration, List.copyOf(services.values()),
        List.copyOf(instances.values()), List.copyOf(intents.values()));
  }

  @Override
  public synchronized void saveStatus(EngineStatus status) {
    write("saveStatus " + status);
    this.status = status;
  }

  @Override
  public synchronized void saveConfiguration(Map<String, Object> document) {
    write("saveConfiguration");
    this.configuration = new LinkedHashMap<>(document);
  }

  @Override
  public synchronized void saveService(ServiceRecord record) {
    write("saveService " + record.service());
    services.put(record.service(), record);
  }

  @Override
  public synchronized void saveInstance(InstanceRecord record) {
    write("saveInstance " + record.id());
    instances.put(record.id(), record);
  }

  @Override
  public synchronized void deleteInstance(InstanceId id) {
    write("deleteInstance " + id);
    instances.remove(id);
  }

  @Override
  public synchronized void saveIntent(ActionIntent intent) {
    write("saveIntent " + intent.kind() + " " + intent.plan().id());
    intents.put(intent.id(), intent);
  }

  @Override
  public synchronized void deleteIntent(String intentId) {
    write("deleteIntent");
    intents.remove(intentId);
  }

  /**
   * Returns the stored instance records.
   *
   * @return a copy
   */
  public synchronized List<InstanceRecord> instances() {
    return List.copyOf(instances.values());
  }

  /**
   * Returns the stored intents.
   *
   * @return a copy
   */
  public synchronized List<ActionIntent> intents() {
    return List.copyOf(intents.values());
  }

  /**
   * Returns the stored status.
   *
   * @return the status
   */
  public synchronized EngineStatus status() {
    return status;
  }

  @Override
  public int historyCapacity() {
    return historyCapacity;
  }

  /**
   * {@inheritDoc}
   *
   * <p>Logged in {@link #writes()} as {@code appendDecisions <count>}; fails while {@link
   * #failWrites(boolean)} or {@link #failHistoryWrites(boolean)} is on.
   */
  @Override
  public synchronized void appendDecisions(List<DecisionRecord> records) {
    if (historyCapacity == 0) {
      return;
    }
    historyWrite("appendDecisions " + records.size());
    for (DecisionRecord r : records) {
      LinkedList<DecisionRecord> ring = decisions.computeIfAbsent(r.service().service(), k -> new LinkedList<>());
      ring.add(r);
      if (ring.size() > historyCapacity) {
        ring.removeFirst();
      }
    }
  }

  @Override
  public synchronized List<DecisionRecord> loadDecisions(ServiceId service) {
    List<DecisionRecord> ring = decisions.get(service);
    return ring == null ? List.of() : List.copyOf(ring);
  }

  /**
   * {@inheritDoc}
   *
   * <p>Logged in {@link #writes()} as {@code savePolicyState <policy id>}; fails while {@link
   * #failWrites(boolean)} or {@link #failHistoryWrites(boolean)} is on.
   */
  @Override
  public synchronized void savePolicyState(String policyId, String state) {
    if (state.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MAX_POLICY_STATE_BYTES) {
      throw new IllegalArgumentException("policy state of " + policyId + " exceeds " + MAX_POLICY_STATE_BYTES + " bytes");
    }
    historyWrite("savePolicyState " + policyId);
    policyStates.put(policyId, state);
  }

  @Override
  public synchronized Optional<String> loadPolicyState(String policyId) {
    return Optional.ofNullable(policyStates.get(policyId));
  }
}
