package io.dynamite.daemon;

/**
 * A bad command line flag or environment variable. The message names the flag or variable; the
 * daemon prints it as one line and exits with code 2, picocli's convention for usage errors.
 *
 * @since 0.1
 */
public final class UsageException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what is wrong, starting with the flag or variable it concerns
   */
  public UsageException(String message) {
    super(message);
  }
}
