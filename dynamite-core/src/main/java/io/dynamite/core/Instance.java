package io.dynamite.core;

import io.dynamite.api.InstancePlan;
import io.dynamite.api.InstanceView;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/** The engine's view of one instance. Mutated on the engine thread only, through {@link ServiceState}. */
final class Instance {
  /** Where an instance is in its life. */
  enum Phase {
    /** Start requested, not yet confirmed. */
    STARTING,
    /** Started (or adopted) and counted. */
    RUNNING,
    /** Stop requested, not yet confirmed. */
    STOPPING,
    /** A failed start (or a gone unit's leftovers) is being cleaned up; its number stays reserved until its units are gone. */
    ROLLING_BACK
  }

  final InstancePlan plan;
  private Phase phase;
  private Instant since;
  /** Id of the intent of the action in flight, if any. */
  @Nullable String intentId;
  /** Attempts of the current action. */
  int attempt;
  /** Why the current action was taken. */
  String reason = "";

  Instance(InstancePlan plan, Phase phase, Instant since) {
    this.plan = plan;
    this.phase = phase;
    this.since = since;
  }

  Phase phase() {
    return phase;
  }

  Instant since() {
    return since;
  }

  int number() {
    return plan.number();
  }

  String unitName() {
    return plan.id().unitName();
  }

  /** Only {@link ServiceState#setPhase} calls this, so that its counts stay right. */
  void moveTo(Phase phase, Instant since) {
    this.phase = phase;
    this.since = since;
  }

  InstanceView view(@Nullable String uuid) {
    InstanceView.Phase p = switch (phase) {
      case STARTING -> InstanceView.Phase.STARTING;
      case RUNNING -> InstanceView.Phase.RUNNING;
      default -> InstanceView.Phase.STOPPING;
    };
    return new InstanceView(plan.id(), plan.number(), p, since, uuid);
  }
}
