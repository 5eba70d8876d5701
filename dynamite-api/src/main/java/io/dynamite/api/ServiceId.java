package io.dynamite.api;

import java.util.Objects;

/**
 * Name of a configured service: the key under {@code Dynamite.Service} in the YAML file. It names
 * instances ({@code <name>@<number>.service}) and state keys.
 *
 * @param name the service key; not blank
 * @since 0.1
 */
public record ServiceId(String name) implements Comparable<ServiceId> {
  /**
   * Validates the name.
   *
   * @param name the service key; not blank
   */
  public ServiceId {
    Objects.requireNonNull(name, "name");
    if (name.isBlank()) {
      throw new IllegalArgumentException("service name must not be blank");
    }
  }

  /**
   * Creates a service id.
   *
   * @param name the service key
   * @return the id
   */
  public static ServiceId of(String name) {
    return new ServiceId(name);
  }

  @Override
  public int compareTo(ServiceId o) {
    return name.compareTo(o.name);
  }

  /** Returns the bare name. */
  @Override
  public String toString() {
    return name;
  }
}
