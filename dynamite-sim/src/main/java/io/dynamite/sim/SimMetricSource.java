package io.dynamite.sim;

import io.dynamite.api.MetricPoll;
import io.dynamite.api.MetricQuery;
import io.dynamite.api.MetricSample;
import io.dynamite.api.spi.MetricSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The simulated service's metric source: the simulation adds each tick's samples and signals, the
 * engine's next poll takes them. Unlike the sandbox's thread-safe {@code InMemoryMetricSource} it
 * takes no lock, because a simulation runs the engine and the model on one thread, and it adds
 * tens of millions of samples in a long run. Not thread-safe.
 */
final class SimMetricSource implements MetricSource {
  /** Each registered uuid's answer to {@link #resolveInstance}: asked for every series at every evaluation. */
  private final Map<String, Optional<String>> registrations = new HashMap<>();
  private final List<MetricSample> pending = new ArrayList<>();
  private Runnable signal = () -> { };
  private long delivered;
  private long polls;

  /** Maps a started instance's metric uuid to its main unit name. */
  void register(String uuid, String unitName) {
    registrations.put(uuid, Optional.of(unitName));
  }

  /** Queues one sample for the next poll. */
  void add(MetricSample sample) {
    pending.add(sample);
  }

  /** Tells the engine that samples wait, as a watch-based source does. */
  void signal() {
    if (!pending.isEmpty()) {
      signal.run();
    }
  }

  /**
   * Polls so far that handed the engine samples. The simulation adds samples of every metric its
   * policies read at once, so each such poll gives every policy that reads a metric new samples.
   */
  long samplePolls() {
    return polls;
  }

  /** Samples handed to the engine so far. */
  long delivered() {
    return delivered;
  }

  @Override
  public boolean subscribe(Runnable signal) {
    this.signal = signal;
    return true;
  }

  @Override
  public MetricPoll poll(List<MetricQuery> queries) {
    if (pending.isEmpty()) {
      return MetricPoll.EMPTY;
    }
    MetricPoll poll = MetricPoll.of(pending); // a copy: the buffer is reused, at its grown size
    delivered += pending.size();
    polls++;
    pending.clear();
    return poll;
  }

  @Override
  public Optional<String> resolveInstance(String serviceType, String uuid) {
    Optional<String> unit = registrations.get(uuid);
    return unit == null ? Optional.empty() : unit;
  }
}
