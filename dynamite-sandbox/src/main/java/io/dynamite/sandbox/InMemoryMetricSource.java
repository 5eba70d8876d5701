package io.dynamite.sandbox;

import io.dynamite.api.MetricPoll;
import io.dynamite.api.MetricQuery;
import io.dynamite.api.MetricSample;
import io.dynamite.api.spi.MetricSource;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A {@link MetricSource} fed in process: callers {@link #add add} samples and {@link #register
 * register} metric uuids to unit names, then {@link #signal} the engine, like a watch-based source
 * does when a write arrives; the engine's next poll hands the pending batch over. Used by the
 * demo (the simulator, single-threaded, keeps a lock-free copy of its own), and useful to embed
 * the engine on metrics the application already has.
 *
 * <p>Thread-safe: samples may be added from any thread. Registrations hold for every service type,
 * as the original's discovery sidekicks do (a uuid names one unit).
 */
public final class InMemoryMetricSource implements MetricSource {
  private final Map<String, String> registrations = new HashMap<>();
  private List<MetricSample> pending = new ArrayList<>();
  private Runnable signal = () -> { };
  private long delivered;

  /** Creates a source with nothing pending and no registrations. */
  public InMemoryMetricSource() {}

  /**
   * Maps a metric uuid to the unit name of the instance it reports for.
   *
   * @param uuid the uuid samples carry, not null
   * @param unitName the instance's main unit name, not null
   * @return this source
   */
  public synchronized InMemoryMetricSource register(String uuid, String unitName) {
    registrations.put(uuid, unitName);
    return this;
  }

  /**
   * Queues one sample for the next poll; does not signal.
   *
   * @param sample the sample, not null
   * @return this source
   */
  public synchronized InMemoryMetricSource add(MetricSample sample) {
    pending.add(sample);
    return this;
  }

  /**
   * Queues one sample and signals the engine.
   *
   * @param query the stream the sample belongs to, not null
   * @param uuid the reporting instance's uuid, or {@link MetricSample#AGGREGATED}
   * @param at when the value was measured, not null
   * @param value the value
   * @return this source
   */
  public InMemoryMetricSource push(MetricQuery query, String uuid, Instant at, double value) {
    add(new MetricSample(query, uuid, at, value));
    signal();
    return this;
  }

  /** Tells the subscribed engine that samples are waiting; does nothing when none are. */
  public void signal() {
    Runnable s;
    synchronized (this) {
      if (pending.isEmpty()) {
        return;
      }
      s = signal;
    }
    // outside the lock: the engine's wake-up may poll on this thread
    s.run();
  }

  /**
   * Counts the samples handed to the engine so far.
   *
   * @return samples delivered by polls
   */
  public synchronized long delivered() {
    return delivered;
  }

  @Override
  public synchronized boolean subscribe(Runnable signal) {
    this.signal = signal;
    return true;
  }

  @Override
  public synchronized MetricPoll poll(List<MetricQuery> queries) {
    if (pending.isEmpty()) {
      return MetricPoll.EMPTY;
    }
    List<MetricSample> out = pending;
    pending = new ArrayList<>(out.size());
    delivered += out.size();
    return MetricPoll.of(out);
  }

  @Override
  public synchronized Optional<String> resolveInstance(String serviceType, String uuid) {
    return Optional.ofNullable(registrations.get(uuid));
  }
}
