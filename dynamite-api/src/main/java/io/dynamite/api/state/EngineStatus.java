package io.dynamite.api.state;

/**
 * The engine's lifecycle status as stored, with the original Dynamite's values.
 *
 * @since 0.1
 */
public enum EngineStatus {
  /** Nothing stored (or an unreadable value): a fresh start. */
  NONE,
  /** Initialisation began and did not finish. */
  INITIALIZING,
  /** Initialised; instances may exist. */
  RUNNING,
  /** A recovery began and did not finish. */
  RECOVERING;

  /**
   * Returns the value the original Dynamite stores for this status.
   *
   * @return {@code ""}, {@code Initializing}, {@code Running} or {@code Recovering}
   */
  public String storedValue() {
    return switch (this) {
      case NONE -> "";
      case INITIALIZING -> "Initializing";
      case RUNNING -> "Running";
      case RECOVERING -> "Recovering";
    };
  }

  /**
   * Parses a stored value; anything unknown counts as {@link #NONE}, as in the original.
   *
   * @param value the stored string, may be null
   * @return the status
   */
  public static EngineStatus fromStoredValue(String value) {
    if (value == null) {
      return NONE;
    }
    for (EngineStatus s : values()) {
      if (s != NONE && s.storedValue().equals(value)) {
        return s;
      }
    }
    return NONE;
  }
}
