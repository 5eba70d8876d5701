package io.dynamite.api;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Bad operator input: a configuration that cannot be used. It carries <em>every</em> problem
 * found, each with its path, so that one run reports all of them.
 *
 * @since 0.1
 */
public class ConfigException extends DynamiteException {
  private static final long serialVersionUID = 1L;

  /** The problems, in the order they were found; never empty. */
  private final List<ConfigProblem> problems;

  /**
   * Creates an exception for a non-empty list of problems.
   *
   * @param problems the problems, in the order they were found; must not be empty
   * @throws IllegalArgumentException if {@code problems} is empty
   */
  public ConfigException(List<ConfigProblem> problems) {
    super(render(problems));
    this.problems = List.copyOf(problems);
  }

  /**
   * Creates an exception for a single problem.
   *
   * @param path where the problem is
   * @param message what is wrong
   */
  public ConfigException(String path, String message) {
    this(List.of(new ConfigProblem(path, message)));
  }

  /**
   * Returns every problem found, in the order found.
   *
   * @return an immutable, non-empty list
   */
  public List<ConfigProblem> problems() {
    return problems;
  }

  private static String render(List<ConfigProblem> problems) {
    if (problems.isEmpty()) {
      throw new IllegalArgumentException("a ConfigException needs at least one problem");
    }
    if (problems.size() == 1) {
      return "invalid configuration: " + problems.get(0);
    }
    return problems.size()
        + " configuration problems:\n"
        + problems.stream().map(p -> "  - " + p).collect(Collectors.joining("\n"));
  }
}
