package io.dynamite.api.state;

import io.dynamite.api.UnitOption;
import java.util.List;
import java.util.Objects;

/**
 * A service's unit file as loaded from disk.
 *
 * @param service the service key
 * @param unitFileName the file name, for example {@code a@.service}
 * @param path absolute path the file was read from
 * @param options its parsed options
 * @since 0.1
 */
public record UnitDefinition(
    String service, String unitFileName, String path, List<UnitOption> options) {
  /**
   * Validates and copies the components.
   *
   * @param service the service key
   * @param unitFileName the file name, for example {@code a@.service}
   * @param path absolute path the file was read from
   * @param options its parsed options
   */
  public UnitDefinition {
    Objects.requireNonNull(service, "service");
    Objects.requireNonNull(unitFileName, "unitFileName");
    Objects.requireNonNull(path, "path");
    options = List.copyOf(options);
  }

  /**
   * Tells whether the unit file is a template ({@code @} in its name).
   *
   * @return true for {@code name@.service} files
   */
  public boolean isTemplate() {
    return unitFileName.contains("@");
  }
}
