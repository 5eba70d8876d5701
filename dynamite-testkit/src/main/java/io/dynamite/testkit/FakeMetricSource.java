package io.dynamite.testkit;

import io.dynamite.api.MetricPoll;
import io.dynamite.api.MetricQuery;
import io.dynamite.api.MetricSample;
import io.dynamite.api.MetricSourceException;
import io.dynamite.api.RejectedSample;
import io.dynamite.api.spi.MetricSource;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * An in-memory {@link MetricSource}: tests push samples, the engine polls them. Thread-safe.
 *
 * <p>Like a watch-based source it signals every push to the engine, which then polls at once.
 * A poll hands over every pushed sample whose stream is among the polled queries, in push
 * order, and forgets them; samples of other streams are dropped and counted, as a real source
 * would never read them.
 *
 * @since 0.1
 */
public final class FakeMetricSource implements MetricSource {
  /** The most dropped samples kept for {@link #droppedSamples()}; the count goes on. */
  private static final int MAX_KEPT_DROPPED = 1_000;
  private final List<MetricSample> pending = new ArrayList<>();
  private final List<RejectedSample> rejected = new ArrayList<>();
  private final Map<String, String> registrations = new HashMap<>();
  private final List<MetricSample> droppedSamples = new ArrayList<>();
  private int failPolls;
  private int polls;
  private int dropped;
  private List<MetricQuery> lastQueries = List.of();
  private boolean signals = true;
  private @Nullable Runnable signal;

  /** Creates an empty source. */
  public FakeMetricSource() {}

  /**
   * Queues one sample.
   *
   * @param sample the sample
   * @return this source
   */
  public FakeMetricSource push(MetricSample sample) {
    Runnable s;
    synchronized (this) {
      pending.add(sample);
      s = signal;
    }
    if (s != null) {
      s.run(); // outside the lock, as a real source signals from its I/O thread
    }
    return this;
  }

  /**
   * Queues one per-instance or aggregated sample.
   *
   * @param query the stream
   * @param uuid the instance uuid, or {@link MetricSample#AGGREGATED}
   * @param at the measurement time
   * @param value the value
   * @return this source
   */
  public FakeMetricSource push(MetricQuery query, String uuid, Instant at, double value) {
    return push(new MetricSample(query, uuid, at, value));
  }

  /**
   * Queues a rejected value, as a real source reports an unparseable one.
   *
   * @param key where it was found
   * @param reason why it is unusable
   * @return this source
   */
  public FakeMetricSource reject(String key, String reason) {
    Runnable s;
    synchronized (this) {
      rejected.add(new RejectedSample(key, reason));
      s = signal;
    }
    if (s != null) {
      s.run();
    }
    return this;
  }

  /**
   * Queues a value that is not a number for a known stream, uuid and time, as a real source
   * reports a value such as {@code NaN} whose key it could still read: a rejection with an {@link
   * RejectedSample.Origin}, which the engine hands to the stream's policies.
   *
   * @param query the stream
   * @param uuid the instance uuid, or {@link MetricSample#AGGREGATED}
   * @param at the measurement time
   * @param text the unusable value as it was read, for example {@code NaN}
   * @return this source
   * @since 0.3
   */
  public FakeMetricSource rejectValue(MetricQuery query, String uuid, Instant at, String text) {
    String key = "/metrics/" + query.serviceType() + "/" + (uuid.isEmpty() ? "" : uuid + "/") + query.metric();
    Runnable s;
    synchronized (this) {
      rejected.add(new RejectedSample(key, "value is not a number: " + text,
          new RejectedSample.Origin(query, uuid, at)));
      s = signal;
    }
    if (s != null) {
      s.run();
    }
    return this;
  }

  /**
   * Makes the source signal like a watch-based source (the default) or stay silent like a source
   * that must be polled on a timer.
   *
   * @param signals false to refuse subscriptions
   * @return this source
   */
  public synchronized FakeMetricSource signals(boolean signals) {
    this.signals = signals;
    return this;
  }

  /** Signals every push and rejection, unless {@link #signals(boolean) signals(false)} was set. */
  @Override
  public synchronized boolean subscribe(Runnable signal) {
    if (!signals) {
      return false;
    }
    this.signal = signal;
    return true;
  }

  /**
   * Registers the unit name of a metric uuid, like the original's discovery sidekicks do.
   *
   * @param serviceType the service type
   * @param uuid the uuid
   * @param unitName the unit name; {@code .service} is appended when missing
   * @return this source
   */
  public synchronized FakeMetricSource register(String serviceType, String uuid, String unitName) {
    registrations.put(serviceType + "/" + uuid, unitName.endsWith(".service") ? unitName : unitName + ".service");
    return this;
  }

  /**
   * Removes a registration, as when its TTL expires.
   *
   * @param serviceType the service type
   * @param uuid the uuid
   */
  public synchronized void unregister(String serviceType, String uuid) {
    registrations.remove(serviceType + "/" + uuid);
  }

  /**
   * Makes the next {@code n} polls fail with a retryable {@link MetricSourceException}.
   *
   * @param n how many polls fail
   */
  public synchronized void failNextPolls(int n) {
    failPolls = n;
  }

  @Override
  public synchronized MetricPoll poll(List<MetricQuery> queries) {
    polls++;
    lastQueries = List.copyOf(queries);
    if (failPolls > 0) {
      failPolls--;
      throw new MetricSourceException("injected poll failure", true, null);
    }
    Set<MetricQuery> wanted = new HashSet<>(queries);
    List<MetricSample> out = new ArrayList<>(pending.size());
    for (MetricSample s : pending) {
      if (wanted.contains(s.query())) {
        out.add(s);
      } else {
        dropped++;
        if (droppedSamples.size() < MAX_KEPT_DROPPED) {
          droppedSamples.add(s);
        }
      }
    }
    pending.clear();
    MetricPoll poll = new MetricPoll(out, rejected);
    rejected.clear();
    return poll;
  }

  @Override
  public synchronized Optional<String> resolveInstance(String serviceType, String uuid) {
    return Optional.ofNullable(registrations.get(serviceType + "/" + uuid));
  }

  /**
   * Returns how many times the source was polled.
   *
   * @return the poll count
   */
  public synchronized int polls() {
    return polls;
  }

  /**
   * Returns how many pushed samples were dropped because no query asked for their stream.
   *
   * @return the count
   */
  public synchronized int dropped() {
    return dropped;
  }

  /**
   * Returns the first pushed samples (up to 1,000) that were dropped because no query asked for
   * their stream, so that a test can say which sample went nowhere.
   *
   * @return a copy, in the order they were dropped
   * @since 0.3
   */
  public synchronized List<MetricSample> droppedSamples() {
    return List.copyOf(droppedSamples);
  }

  /**
   * Returns the queries of the last poll.
   *
   * @return the queries
   */
  public synchronized List<MetricQuery> lastQueries() {
    return lastQueries;
  }
}
