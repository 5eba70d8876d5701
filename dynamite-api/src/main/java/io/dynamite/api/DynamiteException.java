package io.dynamite.api;

import org.jspecify.annotations.Nullable;

/**
 * Root of every exception Dynamite throws on purpose. All Dynamite exceptions are unchecked;
 * programmer errors use the JDK types ({@link NullPointerException}, {@link
 * IllegalArgumentException}, {@link IllegalStateException}) instead.
 *
 * @since 0.1
 */
public class DynamiteException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates an exception with a message.
   *
   * @param message what went wrong, for humans
   */
  public DynamiteException(String message) {
    super(message);
  }

  /**
   * Creates an exception with a message and a cause.
   *
   * @param message what went wrong, for humans
   * @param cause the underlying failure, kept for diagnosis
   */
  public DynamiteException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }
}
