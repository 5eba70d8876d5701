package io.dynamite.api.spi;

import io.dynamite.api.InstancePlan;
import io.dynamite.api.UnitStatus;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.function.BooleanSupplier;

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
 *   <li>The engine calls the fenced forms {@link #start(InstancePlan, BooleanSupplier)} and {@link
 *       #stop(InstancePlan, BooleanSupplier)}. A target whose action is several calls to its
 *       backend should override them and ask the supplier before each call that changes
 *       something, so that an engine deposed in the middle of an action sends nothing more (see
 *       {@code docs/architecture.md}, "Fencing a deposed leader"). The defaults ask once and then
 *       delegate to the plain forms.
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
   * Starts an instance like {@link #start(InstancePlan)}, asking {@code stillLeading} before each
   * call that creates or changes a unit. Once it answers false the target sends nothing more for
   * this action (not even the clean-up of what it already created, which belongs to the next
   * leader now) and fails the stage with a non-retryable {@link io.dynamite.api.TargetException}.
   *
   * <p>The default asks once, before delegating to {@link #start(InstancePlan)}; targets made of
   * several backend calls should override it.
   *
   * @param plan the instance
   * @param stillLeading true while the calling engine's leadership term holds; cheap, any thread
   * @return completes when started
   * @since 0.2
   */
  default CompletionStage<Void> start(InstancePlan plan, BooleanSupplier stillLeading) {
    if (!stillLeading.getAsBoolean()) {
      return java.util.concurrent.CompletableFuture.failedFuture(
          new io.dynamite.api.TargetException("leadership was lost before the start of " + plan.id() + "; nothing sent",
              false, null));
    }
    return start(plan);
  }

  /**
   * Stops an instance like {@link #stop(InstancePlan)}, asking {@code stillLeading} before each call
   * that removes a unit; once it answers false nothing more is sent and the stage fails with a
   * non-retryable {@link io.dynamite.api.TargetException}.
   *
   * <p>The default asks once, before delegating to {@link #stop(InstancePlan)}.
   *
   * @param plan the instance
   * @param stillLeading true while the calling engine's leadership term holds; cheap, any thread
   * @return completes when stopped
   * @since 0.2
   */
  default CompletionStage<Void> stop(InstancePlan plan, BooleanSupplier stillLeading) {
    if (!stillLeading.getAsBoolean()) {
      return java.util.concurrent.CompletableFuture.failedFuture(
          new io.dynamite.api.TargetException("leadership was lost before the stop of " + plan.id() + "; nothing sent",
              false, null));
    }
    return stop(plan);
  }

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
