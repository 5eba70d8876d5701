package io.dynamite.fleet;

import java.util.Objects;

/**
 * One {@code /state} entry: what systemd reports for a unit on one machine. Empty strings stand
 * for fields fleet omitted.
 *
 * @param name the unit name
 * @param hash SHA-1 of the unit file the agent loaded
 * @param machineId the machine
 * @param loadState systemd's load state ({@code loaded}, {@code not-found}, ...)
 * @param activeState systemd's active state ({@code active}, {@code activating}, {@code failed},
 *     ...)
 * @param subState systemd's sub-state ({@code running}, {@code start}, {@code exited}, ...)
 * @since 0.1
 */
public record FleetUnitState(
    String name, String hash, String machineId, String loadState, String activeState, String subState) {
  /**
   * Validates the components.
   *
   * @param name the unit name
   * @param hash SHA-1 of the unit file the agent loaded
   * @param machineId the machine
   * @param loadState systemd's load state ({@code loaded}, {@code not-found}, ...)
   * @param activeState systemd's active state ({@code active}, {@code activating}, {@code failed},
   *     ...)
   * @param subState systemd's sub-state ({@code running}, {@code start}, {@code exited}, ...)
   */
  public FleetUnitState {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(hash, "hash");
    Objects.requireNonNull(machineId, "machineId");
    Objects.requireNonNull(loadState, "loadState");
    Objects.requireNonNull(activeState, "activeState");
    Objects.requireNonNull(subState, "subState");
  }
}
