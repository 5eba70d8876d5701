package io.dynamite.api;

import org.jspecify.annotations.Nullable;

/**
 * A state store could not read or write Dynamite's state, or a guarded write lost a race with
 * another writer.
 *
 * @since 0.1
 */
public class StateStoreException extends DynamiteException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what failed, naming the key or record
   * @param cause the underlying failure
   */
  public StateStoreException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }
}
