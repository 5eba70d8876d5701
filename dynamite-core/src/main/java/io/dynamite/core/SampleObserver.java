package io.dynamite.core;

import io.dynamite.api.MetricSample;
import io.dynamite.api.ServiceId;
import java.time.Instant;
import java.util.List;

/**
 * Told about the samples the engine ingests, for telemetry such as ingest counts and sample lag
 * ({@code now - sample timestamp}). Register it by passing an {@link
 * io.dynamite.api.event.EngineListener} that also implements this interface to {@link
 * ScalingEngineBuilder#listener}.
 *
 * <p>Called on the engine's thread, in order, once per run of samples of one stream routed to one
 * service (a sample routed to two services, as in legacy routing, is reported for both). It sits on
 * the ingest path, which may carry 100,000 samples per tick, so implementations must be cheap, must
 * not block and should not allocate per sample. An exception is logged and does not stop the
 * engine. Samples no policy reads are not reported (the engine counts them as {@code
 * samples.unrouted}).
 *
 * <p>The engine asks {@link #forService} once per service, when it sets up its routes, and from
 * then on calls what that returned. An observer that keeps per-service sums returns the sums'
 * holder there, so the engine's call reaches them directly instead of looking the service up for
 * every run (on a large fleet such a lookup is a cache miss or two per run).
 *
 * @since 0.3
 */
@FunctionalInterface
public interface SampleObserver {
  /**
   * Handles one run of ingested samples.
   *
   * @param service the service the samples were routed to
   * @param samples the samples, all of one stream, in the order the source delivered them; an
   *     immutable list the engine also hands to the service's policies
   * @param now the engine clock's time of the ingest, the same for every run of one poll
   */
  void samplesIngested(ServiceId service, List<MetricSample> samples, Instant now);

  /**
   * Returns what the engine calls with the runs of samples routed to one service; by default a
   * call of {@link #samplesIngested} with that service. Called once per service, on the thread that
   * builds or starts the engine, before any sample of the service is reported.
   *
   * @param service the service
   * @return the observer of the service's runs, not null
   */
  default OfService forService(ServiceId service) {
    return (samples, now) -> samplesIngested(service, samples, now);
  }

  /**
   * Told about the runs of samples routed to one service; the same contract as {@link
   * SampleObserver#samplesIngested}.
   *
   * @since 0.3
   */
  @FunctionalInterface
  interface OfService {
    /**
     * Handles one run of ingested samples of the service.
     *
     * @param samples the samples, all of one stream, in the order the source delivered them
     * @param now the engine clock's time of the ingest
     */
    void samplesIngested(List<MetricSample> samples, Instant now);
  }
}
