package io.dynamite.api;

import java.util.Objects;

/**
 * Identity of one running copy of a service: its service and the name of its main unit, for
 * example {@code a} and {@code a@12021.service}.
 *
 * @param service the service the instance belongs to
 * @param unitName the main unit's full name, including the {@code .service} suffix
 * @since 0.1
 */
public record InstanceId(ServiceId service, String unitName) implements Comparable<InstanceId> {
  /**
   * Validates the components.
   *
   * @param service the service the instance belongs to
   * @param unitName the main unit's full name, including the {@code .service} suffix
   */
  public InstanceId {
    Objects.requireNonNull(service, "service");
    Objects.requireNonNull(unitName, "unitName");
    if (unitName.isBlank()) {
      throw new IllegalArgumentException("unit name must not be blank");
    }
  }

  @Override
  public int compareTo(InstanceId o) {
    int c = service.compareTo(o.service);
    return c != 0 ? c : unitName.compareTo(o.unitName);
  }

  /** Returns the unit name. */
  @Override
  public String toString() {
    return unitName;
  }
}
