package io.dynamite.api;

/**
 * Direction of a scaling action.
 *
 * @since 0.1
 */
public enum Direction {
  /** Add an instance. */
  UP,
  /** Remove an instance. */
  DOWN;

  /**
   * Returns the name the original Dynamite used for this direction on its wire and in logs.
   *
   * @return {@code scale_up} or {@code scale_down}
   */
  public String command() {
    return this == UP ? "scale_up" : "scale_down";
  }
}
