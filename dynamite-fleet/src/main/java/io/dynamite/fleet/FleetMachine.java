package io.dynamite.fleet;

import java.util.Map;
import java.util.Objects;

/**
 * A machine of the fleet cluster, from {@code GET /machines}.
 *
 * @param id the machine id
 * @param primaryIp its IP; empty if fleet omitted it
 * @param metadata its metadata; empty if none
 * @since 0.1
 */
public record FleetMachine(String id, String primaryIp, Map<String, String> metadata) {
  /**
   * Validates and copies the components.
   *
   * @param id the machine id
   * @param primaryIp its IP; empty if fleet omitted it
   * @param metadata its metadata; empty if none
   */
  public FleetMachine {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(primaryIp, "primaryIp");
    metadata = Map.copyOf(metadata);
  }
}
