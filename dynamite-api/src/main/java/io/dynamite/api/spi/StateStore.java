package io.dynamite.api.spi;

import io.dynamite.api.InstanceId;
import io.dynamite.api.StateStoreException;
import io.dynamite.api.state.ActionIntent;
import io.dynamite.api.state.EngineStatus;
import io.dynamite.api.state.InstanceRecord;
import io.dynamite.api.state.ServiceRecord;
import io.dynamite.api.state.StoredState;
import java.util.Map;

/**
 * Keeps the engine's state across restarts.
 *
 * <p>The engine calls these methods from its own thread, one at a time; they block until the
 * write is durable. A write that fails throws {@link StateStoreException}; the engine then treats
 * the action it belonged to as failed and retries later. Implementations should make every write
 * idempotent (a repeated write of the same record is harmless) because callers may retry.
 *
 * @since 0.1
 */
public interface StateStore extends AutoCloseable {
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

  /** Releases resources. The default does nothing. Idempotent. */
  @Override
  default void close() {}
}
