package io.dynamite.api.spi;

import io.dynamite.api.InstancePlan;
import io.dynamite.api.UnitStatus;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * Where instances run: starts and stops an instance together with its attached units, and lists
 * what runs.
 *
 * <p>Contract:
 *
 * <ul>
 *   <li>Calls return at once; the work completes the returned stage, on any thread. Failures
 *       complete it exceptionally, preferably with a {@link io.dynamite.api.TargetException}
 *       carrying whether a retry may help.
 *   <li>{@link #start} is idempotent: starting an instance whose units already exist and run does
 *       not create a second copy. A start that fails half-way leaves no unit of the instance
 *       behind, or the engine's follow-up {@link #stop} removes them.
 *   <li>{@link #stop} is idempotent: units already gone count as stopped.
 *   <li>The engine never runs two actions on the same instance at once, but may run actions on
 *       different instances concurrently.
 *   <li>Units the engine did not create must never be touched; {@link #list} may report them and
 *       the engine ignores them.
 * </ul>
 *
 * @since 0.1
 */
public interface ScalingTarget extends AutoCloseable {
  /**
   * Starts an instance: creates and launches its attached units and its main unit in the order
   * described on {@link InstancePlan}, and completes once all are running (or at least launched,
   * where the target cannot tell).
   *
   * @param plan the instance
   * @return completes when started
   */
  CompletionStage<Void> start(InstancePlan plan);

  /**
   * Stops an instance: destroys its attached units, then its main unit, and completes once they
   * are gone.
   *
   * @param plan the instance
   * @return completes when stopped
   */
  CompletionStage<Void> stop(InstancePlan plan);

  /**
   * Lists the units the target knows, with their health. The engine uses it to reconcile its
   * counts with reality and to finish or roll back actions interrupted by a crash.
   *
   * @return every unit known to the target
   */
  CompletionStage<List<UnitStatus>> list();

  /** Releases resources the target holds. The default does nothing. Idempotent. */
  @Override
  default void close() {}
}
