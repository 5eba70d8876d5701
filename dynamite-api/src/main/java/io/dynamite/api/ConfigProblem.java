package io.dynamite.api;

import java.util.Objects;

/**
 * One problem found in a configuration, located by its path.
 *
 * <p>Paths use dots between mapping keys and {@code [i]} for list items, starting at the document
 * root, for example {@code Dynamite.Service.a.max_instance} or {@code
 * Dynamite.ServiceFiles.PathList[0]}. Plugins report paths relative to their own settings; the
 * loader prefixes them.
 *
 * @param path where the problem is; never empty
 * @param message what is wrong and, where possible, what would be right
 * @since 0.1
 */
public record ConfigProblem(String path, String message) {
  /**
   * Validates the components.
   *
   * @param path where the problem is; never empty
   * @param message what is wrong and, where possible, what would be right
   */
  public ConfigProblem {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(message, "message");
  }

  /**
   * Returns a copy of this problem whose path is prefixed by {@code prefix}.
   *
   * @param prefix path of the enclosing element, for example {@code Dynamite.ScalingPolicy.up}
   * @return the relocated problem
   */
  public ConfigProblem under(String prefix) {
    if (prefix.isEmpty()) {
      return this;
    }
    if (path.isEmpty()) {
      return new ConfigProblem(prefix, message);
    }
    return new ConfigProblem(path.startsWith("[") ? prefix + path : prefix + "." + path, message);
  }

  /** Renders {@code path: message}. */
  @Override
  public String toString() {
    return path + ": " + message;
  }
}
