package io.dynamite.fleet;

import io.dynamite.api.UnitOption;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A unit as fleet returns it from {@code GET /units}.
 *
 * @param name the full unit name
 * @param options its options as fleet re-parsed them (grouped by section, values trimmed)
 * @param desiredState the wire value of the desired state; null if fleet omitted it
 * @param currentState the derived current state; null if omitted (always for a single-unit GET of
 *     a global unit)
 * @param machineId the machine the unit is scheduled on; null if unscheduled or global
 * @since 0.1
 */
public record FleetUnit(
    String name,
    List<UnitOption> options,
    @Nullable String desiredState,
    @Nullable String currentState,
    @Nullable String machineId) {
  /**
   * Validates and copies the components.
   *
   * @param name the full unit name
   * @param options its options as fleet re-parsed them (grouped by section, values trimmed)
   * @param desiredState the wire value of the desired state; null if fleet omitted it
   * @param currentState the derived current state; null if omitted (always for a single-unit GET of
   *     a global unit)
   * @param machineId the machine the unit is scheduled on; null if unscheduled or global
   */
  public FleetUnit {
    Objects.requireNonNull(name, "name");
    options = List.copyOf(options);
  }

  /**
   * Tells whether the unit is global ({@code [X-Fleet] Global=} true/yes/1/on/t): it runs on
   * every machine and has one {@code /state} entry per machine.
   *
   * @return true for a global unit
   */
  public boolean global() {
    boolean global = false;
    for (UnitOption o : options) {
      if (o.section().equals("X-Fleet") && o.name().equals("Global")) {
        global = List.of("true", "yes", "1", "on", "t").contains(o.value().toLowerCase(java.util.Locale.ROOT));
      }
    }
    return global;
  }
}
