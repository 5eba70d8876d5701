package io.dynamite.api.state;

import io.dynamite.api.InstanceId;
import java.util.List;
import java.util.Objects;

/**
 * One instance Dynamite started and believes to exist.
 *
 * @param id the instance
 * @param number its number, or {@link io.dynamite.api.InstancePlan#NO_NUMBER}
 * @param attachedUnits the full names of its attached units, in configuration order
 * @param state the original's state word, normally {@code launched}
 * @since 0.1
 */
public record InstanceRecord(InstanceId id, int number, List<String> attachedUnits, String state) {
  /** State of an instance whose units were all launched. */
  public static final String LAUNCHED = "launched";

  /**
   * Validates and copies the components.
   *
   * @param id the instance
   * @param number its number, or {@link io.dynamite.api.InstancePlan#NO_NUMBER}
   * @param attachedUnits the full names of its attached units, in configuration order
   * @param state the original's state word, normally {@code launched}
   */
  public InstanceRecord {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(state, "state");
    attachedUnits = List.copyOf(attachedUnits);
  }
}
