package io.dynamite.core.policy.health;

import java.util.function.ObjLongConsumer;

/**
 * A metric policy that keeps the newest sample time of every uuid of its stream anyway, such as
 * {@code threshold}. A {@link MetricHealthGuard} around it reads those times when it judges the
 * metric instead of keeping a second per-sample table: every sample of a stream passes through
 * every policy of that stream, so on a large fleet the copy would cost as much as the rule itself.
 *
 * <p>Called on the engine thread, between evaluations of the policy.
 *
 * @since 0.3
 */
public interface SampleTimes {
  /**
   * Visits every uuid the policy remembers with the timestamp of its newest sample.
   *
   * @param visitor receives the uuid and the timestamp in nanoseconds since the epoch
   */
  void forEachNewest(ObjLongConsumer<String> visitor);
}
