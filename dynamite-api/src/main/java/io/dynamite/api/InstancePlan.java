package io.dynamite.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Everything a target needs to start or stop one instance: the main unit and the units of its
 * attached services, which live and die with it.
 *
 * <p>Order matters and follows the original Dynamite: start submits the attached units, then the
 * main unit, then launches the main unit, then the attached units (in {@link #attached()} order);
 * stop destroys the attached units first, then the main unit.
 *
 * @param id the instance's identity
 * @param number the instance number ({@code 12021} in {@code a@12021.service}), or {@link
 *     #NO_NUMBER} for a single-instance service
 * @param main the main unit
 * @param attached the attached services' units, in the order the service lists them
 * @since 0.1
 */
public record InstancePlan(InstanceId id, int number, UnitSpec main, List<UnitSpec> attached) {
  /** The number of an instance of a single-instance (non-template) service. */
  public static final int NO_NUMBER = -1;

  /**
   * Validates and copies the components.
   *
   * @param id the instance's identity
   * @param number the instance number ({@code 12021} in {@code a@12021.service}), or {@link
   *     #NO_NUMBER} for a single-instance service
   * @param main the main unit
   * @param attached the attached services' units, in the order the service lists them
   */
  public InstancePlan {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(main, "main");
    attached = List.copyOf(attached);
    if (!id.unitName().equals(main.name())) {
      throw new IllegalArgumentException(
          "main unit " + main.name() + " does not match instance " + id.unitName());
    }
  }

  /**
   * Tells whether the instance belongs to a template service and so has a number.
   *
   * @return false for single-instance services
   */
  public boolean hasNumber() {
    return number != NO_NUMBER;
  }

  /**
   * Returns every unit name of this instance: attached units first, then the main unit.
   *
   * @return the names in stop order
   */
  public List<String> unitNames() {
    List<String> names = new ArrayList<>(attached.size() + 1);
    for (UnitSpec u : attached) {
      names.add(u.name());
    }
    names.add(main.name());
    return List.copyOf(names);
  }
}
