package io.dynamite.core.internal;

import io.dynamite.api.InstancePlan;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * The engine's view of one instance. Mutated on the engine thread only.
 */
public final class Instance {
  /** Where an instance is in its life. */
  public enum Phase {
    /** Start requested, not yet confirmed. */
    STARTING,
    /** Started (or adopted) and counted. */
    RUNNING,
    /** Stop requested, not yet confirmed. */
    STOPPING,
    /** A failed start is being cleaned up; its number stays reserved until its units are gone. */
    ROLLING_BACK
  }

  /** The instance's plan. */
  public final InstancePlan plan;
  /** Current phase; change it only through {@link ServiceRuntime#setPhase}, which keeps counts. */
  Phase phase;
  /** When the phase began. */
  Instant since;
  /** Id of the intent of the action in flight, if any. */
  public @Nullable String intentId;
  /** Attempts of the current action. */
  public int attempt;
  /** Why the current action was taken. */
  public String reason = "";

  /**
   * Creates an instance record.
   *
   * @param plan its plan
   * @param phase its phase
   * @param since when the phase began
   */
  public Instance(InstancePlan plan, Phase phase, Instant since) {
    this.plan = plan;
    this.phase = phase;
    this.since = since;
  }

  /**
   * Returns the current phase.
   *
   * @return the phase
   */
  public Phase phase() {
    return phase;
  }

  /**
   * Returns when the current phase began.
   *
   * @return the time
   */
  public Instant since() {
    return since;
  }

  /**
   * Returns the instance number.
   *
   * @return the number or {@link InstancePlan#NO_NUMBER}
   */
  public int number() {
    return plan.number();
  }
}
