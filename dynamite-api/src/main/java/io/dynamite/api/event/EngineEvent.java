package io.dynamite.api.event;

import io.dynamite.api.Direction;
import io.dynamite.api.InstanceId;
import io.dynamite.api.ServiceId;
import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Something the engine did or saw. New variants may be added in a minor release; switch on {@link
 * #kind()} with a default branch.
 *
 * @since 0.1
 */
public sealed interface EngineEvent
    permits EngineEvent.Started,
        EngineEvent.Stopped,
        EngineEvent.DecisionMade,
        EngineEvent.ActionStarted,
        EngineEvent.ActionSucceeded,
        EngineEvent.ActionFailed,
        EngineEvent.MetricRejected,
        EngineEvent.PluginFailed,
        EngineEvent.DriftDetected,
        EngineEvent.LeadershipChanged,
        EngineEvent.Recovered,
        EngineEvent.DryRunAction,
        EngineEvent.InternalError {

  /** The variants. */
  enum Kind {
    /** {@link Started}. */
    STARTED,
    /** {@link Stopped}. */
    STOPPED,
    /** {@link DecisionMade}. */
    DECISION_MADE,
    /** {@link ActionStarted}. */
    ACTION_STARTED,
    /** {@link ActionSucceeded}. */
    ACTION_SUCCEEDED,
    /** {@link ActionFailed}. */
    ACTION_FAILED,
    /** {@link MetricRejected}. */
    METRIC_REJECTED,
    /** {@link PluginFailed}. */
    PLUGIN_FAILED,
    /** {@link DriftDetected}. */
    DRIFT_DETECTED,
    /** {@link LeadershipChanged}. */
    LEADERSHIP_CHANGED,
    /** {@link Recovered}. */
    RECOVERED,
    /** {@link DryRunAction}. */
    DRY_RUN_ACTION,
    /** {@link InternalError}. */
    INTERNAL_ERROR
  }

  /**
   * Returns when the event happened, by the engine's clock.
   *
   * @return the time
   */
  Instant at();

  /**
   * Returns the variant.
   *
   * @return the kind
   */
  Kind kind();

  /**
   * The engine started.
   *
   * @param at when
   */
  record Started(Instant at) implements EngineEvent {
    /**
     * Validates.
     *
     * @param at when
     */
    public Started {
      Objects.requireNonNull(at, "at");
    }

    @Override
    public Kind kind() {
      return Kind.STARTED;
    }
  }

  /**
   * The engine stopped.
   *
   * @param at when
   */
  record Stopped(Instant at) implements EngineEvent {
    /**
     * Validates.
     *
     * @param at when
     */
    public Stopped {
      Objects.requireNonNull(at, "at");
    }

    @Override
    public Kind kind() {
      return Kind.STOPPED;
    }
  }

  /**
   * A policy was evaluated. Emitted for every evaluation that saw samples or recommended
   * something; quiet evaluations (no samples, hold) are not reported.
   *
   * @param record the explanation
   */
  record DecisionMade(DecisionRecord record) implements EngineEvent {
    /**
     * Validates.
     *
     * @param record the explanation
     */
    public DecisionMade {
      Objects.requireNonNull(record, "record");
    }

    @Override
    public Instant at() {
      return record.at();
    }

    @Override
    public Kind kind() {
      return Kind.DECISION_MADE;
    }
  }

  /**
   * The engine asked the target to start or stop an instance.
   *
   * @param at when
   * @param direction UP for a start, DOWN for a stop
   * @param instance the instance
   * @param attempt 1 for the first try, higher for retries
   * @param reason why the action was taken
   */
  record ActionStarted(
      Instant at, Direction direction, InstanceId instance, int attempt, String reason)
      implements EngineEvent {
    /**
     * Validates.
     *
     * @param at when
     * @param direction UP for a start, DOWN for a stop
     * @param instance the instance
     * @param attempt 1 for the first try, higher for retries
     * @param reason why the action was taken
     */
    public ActionStarted {
      Objects.requireNonNull(at, "at");
      Objects.requireNonNull(direction, "direction");
      Objects.requireNonNull(instance, "instance");
      Objects.requireNonNull(reason, "reason");
    }

    @Override
    public Kind kind() {
      return Kind.ACTION_STARTED;
    }
  }

  /**
   * A start or stop completed.
   *
   * @param at when
   * @param direction UP for a start, DOWN for a stop
   * @param instance the instance
   */
  record ActionSucceeded(Instant at, Direction direction, InstanceId instance)
      implements EngineEvent {
    /**
     * Validates.
     *
     * @param at when
     * @param direction UP for a start, DOWN for a stop
     * @param instance the instance
     */
    public ActionSucceeded {
      Objects.requireNonNull(at, "at");
      Objects.requireNonNull(direction, "direction");
      Objects.requireNonNull(instance, "instance");
    }

    @Override
    public Kind kind() {
      return Kind.ACTION_SUCCEEDED;
    }
  }

  /**
   * A start or stop failed.
   *
   * @param at when
   * @param direction UP for a start, DOWN for a stop
   * @param instance the instance
   * @param attempt which try failed
   * @param error the failure, for humans
   * @param retryAt when the engine will try again, or null if it gives up
   */
  record ActionFailed(
      Instant at,
      Direction direction,
      InstanceId instance,
      int attempt,
      String error,
      @Nullable Instant retryAt)
      implements EngineEvent {
    /**
     * Validates.
     *
     * @param at when
     * @param direction UP for a start, DOWN for a stop
     * @param instance the instance
     * @param attempt which try failed
     * @param error the failure, for humans
     * @param retryAt when the engine will try again, or null if it gives up
     */
    public ActionFailed {
      Objects.requireNonNull(at, "at");
      Objects.requireNonNull(direction, "direction");
      Objects.requireNonNull(instance, "instance");
      Objects.requireNonNull(error, "error");
    }

    @Override
    public Kind kind() {
      return Kind.ACTION_FAILED;
    }
  }

  /**
   * A metric value was skipped.
   *
   * @param at when
   * @param key where it was found
   * @param reason why it was skipped
   * @param firstForKey true the first time this key was rejected
   */
  record MetricRejected(Instant at, String key, String reason, boolean firstForKey)
      implements EngineEvent {
    /**
     * Validates.
     *
     * @param at when
     * @param key where it was found
     * @param reason why it was skipped
     * @param firstForKey true the first time this key was rejected
     */
    public MetricRejected {
      Objects.requireNonNull(at, "at");
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(reason, "reason");
    }

    @Override
    public Kind kind() {
      return Kind.METRIC_REJECTED;
    }
  }

  /**
   * A plugin call failed; the engine carried on.
   *
   * @param at when
   * @param plugin which plugin (policy id, {@code metric-source}, {@code target}, {@code
   *     state-store})
   * @param service the service affected, or null if all
   * @param error the failure, for humans
   */
  record PluginFailed(Instant at, String plugin, @Nullable ServiceId service, String error)
      implements EngineEvent {
    /**
     * Validates.
     *
     * @param at when
     * @param plugin which plugin (policy id, {@code metric-source}, {@code target}, {@code
     *     state-store})
     * @param service the service affected, or null if all
     * @param error the failure, for humans
     */
    public PluginFailed {
      Objects.requireNonNull(at, "at");
      Objects.requireNonNull(plugin, "plugin");
      Objects.requireNonNull(error, "error");
    }

    @Override
    public Kind kind() {
      return Kind.PLUGIN_FAILED;
    }
  }

  /**
   * The target's view differs from the engine's.
   *
   * @param at when
   * @param unitName the unit
   * @param drift what differs
   * @param detail for humans
   */
  record DriftDetected(Instant at, String unitName, Drift drift, String detail)
      implements EngineEvent {
    /** Kinds of drift. */
    public enum Drift {
      /** An instance the engine counts has no unit on the target any more. */
      GONE,
      /** An instance the engine counts has failed on the target. */
      FAILED,
      /** A unit named like one of the engine's instances exists but the engine does not know it. */
      UNKNOWN,
      /**
       * A unit the engine did not know matched a service's template exactly (with its attached
       * units) and was adopted as an instance; see {@code docs/reliability.md}.
       *
       * @since 0.2
       */
      ADOPTED
    }

    /**
     * Validates.
     *
     * @param at when
     * @param unitName the unit
     * @param drift what differs
     * @param detail for humans
     */
    public DriftDetected {
      Objects.requireNonNull(at, "at");
      Objects.requireNonNull(unitName, "unitName");
      Objects.requireNonNull(drift, "drift");
      Objects.requireNonNull(detail, "detail");
    }

    @Override
    public Kind kind() {
      return Kind.DRIFT_DETECTED;
    }
  }

  /**
   * This engine won or lost leadership.
   *
   * @param at when
   * @param leader true when won
   */
  record LeadershipChanged(Instant at, boolean leader) implements EngineEvent {
    /**
     * Validates.
     *
     * @param at when
     * @param leader true when won
     */
    public LeadershipChanged {
      Objects.requireNonNull(at, "at");
    }

    @Override
    public Kind kind() {
      return Kind.LEADERSHIP_CHANGED;
    }
  }

  /**
   * State was recovered at start.
   *
   * @param at when
   * @param summary what was found and done, for humans
   */
  record Recovered(Instant at, String summary) implements EngineEvent {
    /**
     * Validates.
     *
     * @param at when
     * @param summary what was found and done, for humans
     */
    public Recovered {
      Objects.requireNonNull(at, "at");
      Objects.requireNonNull(summary, "summary");
    }

    @Override
    public Kind kind() {
      return Kind.RECOVERED;
    }
  }

  /**
   * In a dry run, an action the engine would have taken: a start, a stop, or a write to the state
   * store. Nothing was done.
   *
   * @param at when
   * @param action what would have been done, for example {@code "start web@8081.service"}
   * @param detail why, for humans
   * @since 0.2
   */
  record DryRunAction(Instant at, String action, String detail) implements EngineEvent {
    /**
     * Validates.
     *
     * @param at when
     * @param action what would have been done, for example {@code "start web@8081.service"}
     * @param detail why, for humans
     */
    public DryRunAction {
      Objects.requireNonNull(at, "at");
      Objects.requireNonNull(action, "action");
      Objects.requireNonNull(detail, "detail");
    }

    @Override
    public Kind kind() {
      return Kind.DRY_RUN_ACTION;
    }
  }

  /**
   * A bug inside the engine: an unexpected exception that the engine caught so that it could carry
   * on. Never expected; tests should fail when they see one.
   *
   * @param at when
   * @param where which engine task failed
   * @param error the exception, for humans
   * @since 0.2
   */
  record InternalError(Instant at, String where, String error) implements EngineEvent {
    /**
     * Validates.
     *
     * @param at when
     * @param where which engine task failed
     * @param error the exception, for humans
     */
    public InternalError {
      Objects.requireNonNull(at, "at");
      Objects.requireNonNull(where, "where");
      Objects.requireNonNull(error, "error");
    }

    @Override
    public Kind kind() {
      return Kind.INTERNAL_ERROR;
    }
  }
}
