package io.dynamite.core.config;

import io.dynamite.api.ConfigException;
import io.dynamite.api.ConfigProblem;
import java.util.List;

/**
 * A systemd unit file that {@link UnitFileParser} cannot turn into fleet options: a malformed
 * line, or a file that cannot be read. Its single {@link ConfigProblem} is located at {@code
 * <source>:<line>}.
 *
 * <p>Immutable and thread-safe.
 *
 * @since 0.1
 */
public final class UnitFileException extends ConfigException {
  private static final long serialVersionUID = 1L;

  /** The file's path, or {@code <text>}. */
  private final String source;

  /** The 1-based line number, or 0 for the whole file. */
  private final int line;

  /** What is wrong. */
  private final String reason;

  /**
   * Creates the exception.
   *
   * @param source the file's path, or {@code <text>} for text without a file
   * @param line the 1-based line number, or 0 if the problem concerns the whole file
   * @param reason what is wrong
   */
  public UnitFileException(String source, int line, String reason) {
    super(List.of(new ConfigProblem(location(source, line), reason)));
    this.source = source;
    this.line = line;
    this.reason = reason;
  }

  /**
   * Returns where the unit text came from.
   *
   * @return the file's path, or {@code <text>}
   */
  public String source() {
    return source;
  }

  /**
   * Returns the line the problem is on.
   *
   * @return the 1-based line number, or 0 for the whole file
   */
  public int line() {
    return line;
  }

  /**
   * Returns what is wrong, without the location.
   *
   * @return the reason
   */
  public String reason() {
    return reason;
  }

  /**
   * Returns {@code <source>:<line>: <reason>} (or {@code <source>: <reason>} for line 0), the form
   * compilers use, so that editors can jump to it.
   *
   * @return the located reason
   */
  public String locatedReason() {
    return location(source, line) + ": " + reason;
  }

  private static String location(String source, int line) {
    return line > 0 ? source + ":" + line : source;
  }
}
