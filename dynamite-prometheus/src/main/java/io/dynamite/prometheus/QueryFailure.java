package io.dynamite.prometheus;

/**
 * One query could not be answered: transport error, HTTP error, Prometheus error or an unusable
 * body. The message is safe to log: it never contains credentials.
 */
final class QueryFailure extends Exception {
  private static final long serialVersionUID = 1L;

  private final boolean retryable;

  QueryFailure(String message, boolean retryable) {
    super(message, null, false, false);
    this.retryable = retryable;
  }

  /** True for failures that may go away by themselves (timeouts, 5xx, unreachable server). */
  boolean retryable() {
    return retryable;
  }
}
