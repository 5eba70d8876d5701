package io.dynamite.api.state;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Everything a state store holds, read in one go at start.
 *
 * @param status the stored status ({@link EngineStatus#NONE} when nothing is stored)
 * @param configuration the stored configuration document ({@code {"Dynamite": {...}}}), or null
 * @param services the stored service records
 * @param instances the stored instance records
 * @param intents actions that were begun and whose outcome was never stored
 * @since 0.1
 */
public record StoredState(
    EngineStatus status,
    @Nullable Map<String, Object> configuration,
    List<ServiceRecord> services,
    List<InstanceRecord> instances,
    List<ActionIntent> intents) {

  /** Nothing stored. */
  public static final StoredState EMPTY =
      new StoredState(EngineStatus.NONE, null, List.of(), List.of(), List.of());

  /**
   * Validates and copies the components.
   *
   * @param status the stored status ({@link EngineStatus#NONE} when nothing is stored)
   * @param configuration the stored configuration document ({@code {"Dynamite": {...}}}), or null
   * @param services the stored service records
   * @param instances the stored instance records
   * @param intents actions that were begun and whose outcome was never stored
   */
  public StoredState {
    Objects.requireNonNull(status, "status");
    configuration =
        configuration == null ? null : Collections.unmodifiableMap(new LinkedHashMap<>(configuration));
    services = List.copyOf(services);
    instances = List.copyOf(instances);
    intents = List.copyOf(intents);
  }

  /**
   * Returns the stored configuration document.
   *
   * @return the document or empty
   */
  public Optional<Map<String, Object>> configurationDocument() {
    return Optional.ofNullable(configuration);
  }
}
