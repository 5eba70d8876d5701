package io.dynamite.api;

import org.jspecify.annotations.Nullable;

/**
 * A metric source could not deliver samples.
 *
 * @since 0.1
 */
public class MetricSourceException extends DynamiteException {
  private static final long serialVersionUID = 1L;

  /** Whether trying again later may succeed. */
  private final boolean retryable;

  /**
   * Creates the exception.
   *
   * @param message what failed
   * @param retryable whether trying again later may succeed (set by the adapter, which knows its
   *     transport)
   * @param cause the underlying failure
   */
  public MetricSourceException(String message, boolean retryable, @Nullable Throwable cause) {
    super(message, cause);
    this.retryable = retryable;
  }

  /**
   * Tells whether repeating the call later may succeed.
   *
   * @return true for transient failures such as timeouts and unavailable servers
   */
  public boolean retryable() {
    return retryable;
  }
}
