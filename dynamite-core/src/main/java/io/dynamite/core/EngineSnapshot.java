package io.dynamite.core;

import io.dynamite.api.InstanceId;
import io.dynamite.api.ServiceView;
import io.dynamite.api.event.DecisionRecord;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A consistent, immutable picture of the engine for status pages and tests.
 *
 * @param at the engine clock's time
 * @param leader whether the engine leads
 * @param ready whether initialisation/recovery finished
 * @param services every scalable service, in configuration order
 * @param recentDecisions the latest decisions that were not a plain hold, oldest first (at most
 *     {@value ScalingEngine#RECENT_DECISIONS})
 * @param counters running totals: {@code evaluations}, {@code holds} (evaluations on new data that held,
 *     counted whether or not a listener receives hold records), {@code samples}, {@code samples.unrouted},
 *     {@code metrics.rejected}, {@code policy.errors}, {@code actions.started}, {@code
 *     actions.failed}, {@code plugin.failures}, {@code drift}; for the durable memory {@code
 *     history.written}, {@code history.dropped} (records never stored: too many waited while the
 *     store failed, or leadership was lost), {@code history.write_failures}, {@code
 *     policy_state.saved}, {@code policy_state.restored}, {@code policy_state.dropped}, {@code
 *     policy_state.too_large}
 * @since 0.1
 */
public record EngineSnapshot(
    Instant at,
    boolean leader,
    boolean ready,
    List<ServiceSnapshot> services,
    List<DecisionRecord> recentDecisions,
    Map<String, Long> counters) {

  /**
   * Copies the collections.
   *
   * @param at the engine clock's time
   * @param leader whether the engine leads
   * @param ready whether initialisation/recovery finished
   * @param services every scalable service, in configuration order
   * @param recentDecisions the latest decisions that were not a plain hold, oldest first (at most
   *     {@value ScalingEngine#RECENT_DECISIONS})
   * @param counters running totals: {@code evaluations}, {@code holds}, {@code samples}, {@code samples.unrouted},
   *     {@code metrics.rejected}, {@code policy.errors}, {@code actions.started}, {@code
   *     actions.failed}, {@code plugin.failures}, {@code drift}
   */
  public EngineSnapshot {
    services = List.copyOf(services);
    recentDecisions = List.copyOf(recentDecisions);
    counters = Map.copyOf(counters);
  }

  /**
   * One service.
   *
   * @param view its counts
   * @param instances its instances, by unit name
   * @param backoffUntil when actions resume after failures, or null
   */
  public record ServiceSnapshot(ServiceView view, List<InstanceSnapshot> instances, @Nullable Instant backoffUntil) {
    /**
     * Copies the list.
     *
     * @param view its counts
     * @param instances its instances, by unit name
     * @param backoffUntil when actions resume after failures, or null
     */
    public ServiceSnapshot {
      instances = List.copyOf(instances);
    }
  }

  /**
   * One instance.
   *
   * @param id the instance
   * @param number its number, or -1
   * @param phase {@code STARTING}, {@code RUNNING}, {@code STOPPING} or {@code ROLLING_BACK}
   * @param since when it entered that phase
   */
  public record InstanceSnapshot(InstanceId id, int number, String phase, Instant since) {}
}
