package io.dynamite.api;

import java.util.List;
import java.util.Objects;

/**
 * A unit to create on the target: its full name and the options of the unit file it is made from.
 * For a template service the options are the template's ({@code a@.service}); the instance name
 * carries the number ({@code a@12021.service}) and the target expands {@code %i} as systemd does.
 *
 * @param name full unit name, for example {@code a@12021.service}
 * @param options the unit file's options in file order; repeated keys kept
 * @since 0.1
 */
public record UnitSpec(String name, List<UnitOption> options) {
  /**
   * Validates and copies the components.
   *
   * @param name full unit name, for example {@code a@12021.service}
   * @param options the unit file's options in file order; repeated keys kept
   */
  public UnitSpec {
    Objects.requireNonNull(name, "name");
    options = List.copyOf(options);
  }
}
