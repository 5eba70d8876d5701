package io.dynamite.core;

import io.dynamite.api.InstanceId;
import io.dynamite.api.ServiceId;
import io.dynamite.api.event.DecisionRecord;
import io.dynamite.api.spi.StateStore;
import io.dynamite.api.state.ActionIntent;
import io.dynamite.api.state.EngineStatus;
import io.dynamite.api.state.InstanceRecord;
import io.dynamite.api.state.ServiceRecord;
import io.dynamite.api.state.StoredState;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The engine's default store: state in memory, lost at exit, including the decision history
 * ({@value StateStore#DEFAULT_HISTORY_CAPACITY} records per service) and the policies' states.
 * Thread-safe.
 */
final class InMemoryStore implements StateStore {
  private final Map<ServiceId, ArrayDeque<DecisionRecord>> history = new HashMap<>();
  private final Map<String, String> policyStates = new HashMap<>();
  private EngineStatus status = EngineStatus.NONE;
  private @Nullable Map<String, Object> configuration;
  private final Map<ServiceId, ServiceRecord> services = new LinkedHashMap<>();
  private final Map<InstanceId, InstanceRecord> instances = new LinkedHashMap<>();
  private final Map<String, ActionIntent> intents = new LinkedHashMap<>();

  @Override
  public synchronized StoredState load() {
    return new StoredState(status, configuration, List.copyOf(services.values()),
        List.copyOf(instances.values()), List.copyOf(intents.values()));
  }

  @Override
  public synchronized void saveStatus(EngineStatus status) {
    this.status = status;
  }

  @Override
  public synchronized void saveConfiguration(Map<String, Object> document) {
    this.configuration = document;
  }

  @Override
  public synchronized void saveService(ServiceRecord record) {
    services.put(record.service(), record);
  }

  @Override
  public synchronized void saveInstance(InstanceRecord record) {
    instances.put(record.id(), record);
  }

  @Override
  public synchronized void deleteInstance(InstanceId id) {
    instances.remove(id);
  }

  @Override
  public synchronized void saveIntent(ActionIntent intent) {
    intents.put(intent.id(), intent);
  }

  @Override
  public synchronized void deleteIntent(String intentId) {
    intents.remove(intentId);
  }

  @Override
  public int historyCapacity() {
    return DEFAULT_HISTORY_CAPACITY;
  }

  @Override
  public synchronized void appendDecisions(List<DecisionRecord> records) {
    for (DecisionRecord r : records) {
      ArrayDeque<DecisionRecord> ring = history.computeIfAbsent(r.service().service(), k -> new ArrayDeque<>());
      ring.addLast(r);
      while (ring.size() > DEFAULT_HISTORY_CAPACITY) {
        ring.removeFirst();
      }
    }
  }

  @Override
  public synchronized List<DecisionRecord> loadDecisions(ServiceId service) {
    ArrayDeque<DecisionRecord> ring = history.get(service);
    return ring == null ? List.of() : List.copyOf(ring);
  }

  @Override
  public synchronized void savePolicyState(String policyId, String state) {
    policyStates.put(policyId, state);
  }

  @Override
  public synchronized Optional<String> loadPolicyState(String policyId) {
    return Optional.ofNullable(policyStates.get(policyId));
  }
}
