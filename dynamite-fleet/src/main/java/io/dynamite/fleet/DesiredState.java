package io.dynamite.fleet;

import java.util.Locale;
import java.util.Optional;

/**
 * The three target states fleet knows for a unit. Only these may ever be sent: fleet does not
 * validate the value of a state-only update, and an unknown value makes the unit unreadable until
 * someone repairs fleet's etcd data. Using this enum is the client-side validation.
 *
 * @since 0.1
 */
public enum DesiredState {
  /** Known to fleet, not scheduled on any machine. */
  INACTIVE,
  /** Scheduled and loaded into systemd, not started. */
  LOADED,
  /** Loaded and started. */
  LAUNCHED;

  /**
   * Returns the wire value.
   *
   * @return {@code inactive}, {@code loaded} or {@code launched}
   */
  public String wireValue() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * Parses a wire value.
   *
   * @param value the value fleet sent; may be null
   * @return the state, empty for null or an unknown value
   */
  public static Optional<DesiredState> parse(@org.jspecify.annotations.Nullable String value) {
    if (value == null) {
      return Optional.empty();
    }
    for (DesiredState s : values()) {
      if (s.wireValue().equals(value)) {
        return Optional.of(s);
      }
    }
    return Optional.empty();
  }
}
