package io.dynamite.api;

import java.util.Objects;

/**
 * One option of a systemd unit file as fleet represents it: {@code [section] name=value}.
 *
 * @param section the section name without brackets, for example {@code Service} or {@code
 *     X-Fleet}
 * @param name the option name, for example {@code ExecStart}
 * @param value the option value; may be empty
 * @since 0.1
 */
public record UnitOption(String section, String name, String value) {
  /**
   * Validates the components.
   *
   * @param section the section name without brackets, for example {@code Service} or {@code
   *     X-Fleet}
   * @param name the option name, for example {@code ExecStart}
   * @param value the option value; may be empty
   */
  public UnitOption {
    Objects.requireNonNull(section, "section");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(value, "value");
  }

  /**
   * Creates an option.
   *
   * @param section the section
   * @param name the name
   * @param value the value
   * @return the option
   */
  public static UnitOption of(String section, String name, String value) {
    return new UnitOption(section, name, value);
  }
}
