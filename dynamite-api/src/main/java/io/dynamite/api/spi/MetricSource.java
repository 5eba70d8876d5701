package io.dynamite.api.spi;

import io.dynamite.api.MetricPoll;
import io.dynamite.api.MetricQuery;
import io.dynamite.api.MetricSourceException;
import java.util.List;
import java.util.Optional;

/**
 * Delivers metric samples and knows which instance a metric uuid belongs to.
 *
 * <p>The engine calls {@link #poll} on its own thread with the same list of queries every time
 * (the list changes only if the configuration does). A source that can tell when samples arrive
 * says so through {@link #subscribe}; the engine then polls it as soon as it signals (coalesced)
 * and never on a timer. Other sources are polled at the engine's evaluation interval.
 * Implementations should do their I/O in the background (for example an etcd watch) and only hand
 * over what arrived, so that a poll returns quickly. Each sample is delivered once.
 * Implementations must be safe for one polling thread plus their own background threads.
 *
 * @since 0.1
 */
public interface MetricSource extends AutoCloseable {
  /**
   * Returns the samples that arrived since the previous call for the given streams.
   *
   * @param queries every stream the engine's policies read
   * @return new samples (each stream in timestamp order) and rejected values
   * @throws MetricSourceException if the source cannot deliver; the engine retries on the next
   *     tick and keeps evaluating with no new samples
   */
  MetricPoll poll(List<MetricQuery> queries);

  /**
   * Resolves a metric uuid to the unit name the instance registered under (the original's {@code
   * <application_base_path>/<service_type>/<uuid>/service_instance_name}), with the {@code
   * .service} suffix.
   *
   * @param serviceType the service type of the metric
   * @param uuid the uuid from the metric path
   * @return the unit name, or empty when unknown
   */
  default Optional<String> resolveInstance(String serviceType, String uuid) {
    return Optional.empty();
  }

  /**
   * Asks to be told when new samples are ready. The source calls {@code signal} from any thread
   * (typically its I/O thread) whenever something arrived that a poll would hand over; the signal
   * is cheap, never blocks and may be called more often than needed. Called at most once, before
   * the first poll.
   *
   * @param signal what to call when samples are ready
   * @return true if the source will signal (the engine then polls only on signals), false if it
   *     cannot (the engine polls it at its evaluation interval); the default returns false
   * @since 0.2
   */
  default boolean subscribe(Runnable signal) {
    return false;
  }

  /** Releases resources the source holds. The default does nothing. Idempotent. */
  @Override
  default void close() {}
}
