package io.dynamite.api;

import java.util.Objects;

/**
 * One unit as the target currently sees it.
 *
 * @param unitName the unit's full name
 * @param health its state
 * @param detail target-specific detail for humans, for example {@code failed/failed}; may be empty
 * @since 0.1
 */
public record UnitStatus(String unitName, UnitHealth health, String detail) {
  /**
   * Validates the components.
   *
   * @param unitName the unit's full name
   * @param health its state
   * @param detail target-specific detail for humans, for example {@code failed/failed}; may be empty
   */
  public UnitStatus {
    Objects.requireNonNull(unitName, "unitName");
    Objects.requireNonNull(health, "health");
    Objects.requireNonNull(detail, "detail");
  }
}
