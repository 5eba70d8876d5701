package io.dynamite.core.config;

import io.dynamite.api.UnitOption;
import io.dynamite.api.state.UnitDefinition;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A unit file given in code instead of found in a folder: its text, its parsed options, or a file
 * anywhere on disk. Parsing waits for validation, so that a malformed text is reported with every
 * other problem, at the service's {@code name_of_unit_file}. Immutable.
 */
final class InlineUnit {
  /** What {@link UnitDefinition#path()} holds for a unit given as text or options. */
  static final String INLINE_PATH = "<inline>";

  private final String fileName;
  private final @Nullable String text;
  private final @Nullable List<UnitOption> options;
  private final @Nullable Path file;
  /** {@link UnitDefinition#path()} of a unit given as options. */
  private final String path;

  private InlineUnit(String fileName, @Nullable String text, @Nullable List<UnitOption> options, @Nullable Path file,
      String path) {
    this.fileName = fileName;
    this.text = text;
    this.options = options;
    this.file = file;
    this.path = path;
  }

  static InlineUnit text(String fileName, String text) {
    return new InlineUnit(requireName(fileName), Objects.requireNonNull(text, "text"), null, null, INLINE_PATH);
  }

  static InlineUnit options(String fileName, List<UnitOption> options) {
    return new InlineUnit(requireName(fileName), null, List.copyOf(options), null, INLINE_PATH);
  }

  /** A unit already loaded, as a {@link ServiceConfig} built by hand holds it. */
  static InlineUnit defined(UnitDefinition unit) {
    return new InlineUnit(unit.unitFileName(), null, unit.options(), null, unit.path());
  }

  static InlineUnit file(Path file) {
    Path abs = Objects.requireNonNull(file, "file").toAbsolutePath().normalize();
    Path name = abs.getFileName();
    if (name == null) {
      throw new IllegalArgumentException("not a file: " + file);
    }
    return new InlineUnit(name.toString(), null, null, abs, abs.toString());
  }

  private static String requireName(String fileName) {
    if (Objects.requireNonNull(fileName, "fileName").isBlank()) {
      throw new IllegalArgumentException("a unit file name must not be empty");
    }
    return fileName;
  }

  /** The unit file's name, for example {@code web@.service}. */
  String fileName() {
    return fileName;
  }

  /**
   * Parses the unit for a service.
   *
   * @throws UnitFileException if the text or file is malformed or the file cannot be read
   */
  UnitDefinition load(String service) {
    if (options != null) {
      return new UnitDefinition(service, fileName, path, options);
    }
    if (file != null) {
      return new UnitDefinition(service, fileName, file.toString(), UnitFileParser.parse(file));
    }
    String source = "<inline " + fileName + ">";
    return new UnitDefinition(service, fileName, INLINE_PATH, UnitFileParser.parse(Objects.requireNonNull(text), source));
  }
}
