package io.dynamite.api.state;

import io.dynamite.api.InstancePlan;
import java.time.Instant;
import java.util.Objects;

/**
 * A target action about to be performed. The engine stores it before calling the target and
 * deletes it after storing the outcome, so that after a crash every action is either finished or
 * rolled back on the next start.
 *
 * @param id unique id of the action
 * @param kind start or stop
 * @param plan the instance and its units
 * @param createdAt the engine clock's time when the intent was written
 * @since 0.1
 */
public record ActionIntent(String id, Kind kind, InstancePlan plan, Instant createdAt) {
  /** The action kinds. */
  public enum Kind {
    /** Start an instance and its attached units. */
    START,
    /** Stop an instance and its attached units. */
    STOP
  }

  /**
   * Validates the components.
   *
   * @param id unique id of the action
   * @param kind start or stop
   * @param plan the instance and its units
   * @param createdAt the engine clock's time when the intent was written
   */
  public ActionIntent {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(plan, "plan");
    Objects.requireNonNull(createdAt, "createdAt");
  }
}
