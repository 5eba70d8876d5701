package io.dynamite.fleet;

import io.dynamite.api.TargetException;
import org.jspecify.annotations.Nullable;

/**
 * A fleet API call failed: fleet answered with an error ({@code {"error":{"code","message"}}}), the
 * connection failed or timed out, or the answer could not be read.
 *
 * <p>{@link #retryable()} is true for 5xx answers (fleet answers 500 with an empty message and then
 * 503 while etcd is unreachable) and for I/O failures (refused, reset, timed out, dropped
 * connections); false for 4xx answers and unreadable bodies, which repeating would not fix.
 *
 * @since 0.1
 */
public class FleetException extends TargetException {
  private static final long serialVersionUID = 1L;

  /** The {@link #httpCode()} of a failure that produced no HTTP answer. */
  public static final int NO_RESPONSE = 0;

  /** The HTTP status, or {@link #NO_RESPONSE}. */
  private final int httpCode;

  /** The {@code message} of fleet's error body; empty if none. */
  private final String fleetMessage;

  /**
   * Creates the exception.
   *
   * @param message what failed, naming the call and unit
   * @param httpCode the HTTP status, or {@link #NO_RESPONSE}
   * @param fleetMessage the {@code message} of fleet's error body; empty if none
   * @param retryable whether repeating the call may succeed
   * @param cause the underlying failure
   */
  public FleetException(
      String message, int httpCode, String fleetMessage, boolean retryable, @Nullable Throwable cause) {
    super(message, retryable, cause);
    this.httpCode = httpCode;
    this.fleetMessage = java.util.Objects.requireNonNull(fleetMessage, "fleetMessage");
  }

  /**
   * Returns the HTTP status fleet answered with.
   *
   * @return the status, or {@link #NO_RESPONSE} when there was no answer
   */
  public int httpCode() {
    return httpCode;
  }

  /**
   * Returns the message of fleet's error body, for example {@code unit does not exist}.
   *
   * @return the message; empty when fleet sent none (its 500s) or there was no answer
   */
  public String fleetMessage() {
    return fleetMessage;
  }
}
