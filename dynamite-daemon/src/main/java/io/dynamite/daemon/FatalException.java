package io.dynamite.daemon;

import java.util.List;

/**
 * An error the daemon cannot go on with (a configuration that fails validation, a port that cannot
 * be bound). The daemon prints {@code dynamite: <message>} as one line to stderr, then the details
 * (one per line), and exits with code 1 (defect B1 of the original: never hang on a fatal error).
 *
 * @since 0.1
 */
public final class FatalException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Further lines, for example one per configuration problem. */
  private final List<String> details;

  /**
   * Creates the exception.
   *
   * @param message the one-line summary
   * @param details further lines, possibly empty
   */
  public FatalException(String message, List<String> details) {
    super(message);
    this.details = List.copyOf(details);
  }

  /**
   * Returns the lines printed after the summary.
   *
   * @return the details, possibly empty
   */
  public List<String> details() {
    return details;
  }
}
