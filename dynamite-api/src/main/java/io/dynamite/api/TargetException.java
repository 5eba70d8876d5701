package io.dynamite.api;

import org.jspecify.annotations.Nullable;

/**
 * A scaling target could not start, stop or list instances.
 *
 * @since 0.1
 */
public class TargetException extends DynamiteException {
  private static final long serialVersionUID = 1L;

  /** Whether trying again later may succeed. */
  private final boolean retryable;

  /**
   * Creates the exception.
   *
   * @param message what failed, naming the unit where there is one
   * @param retryable whether trying again later may succeed
   * @param cause the underlying failure
   */
  public TargetException(String message, boolean retryable, @Nullable Throwable cause) {
    super(message, cause);
    this.retryable = retryable;
  }

  /**
   * Creates a retryable exception without a cause.
   *
   * @param message what failed
   */
  public TargetException(String message) {
    this(message, true, null);
  }

  /**
   * Tells whether repeating the call later may succeed.
   *
   * @return true for transient failures
   */
  public boolean retryable() {
    return retryable;
  }
}
