package io.dynamite.core.sim;

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
 * The simulated service's metrics: the driver adds a batch of samples per sampling tick and
 * signals the engine, like a watch-based source; a poll hands the batch over. Registrations map
 * metric uuids to unit names for every service type, as the original's discovery sidekicks do.
 */
final class SimMetricSource implements MetricSource {
  private final Map<String, String> registrations = new HashMap<>();
  private List<MetricSample> pending = new ArrayList<>();
  private Runnable signal = () -> { };
  private long delivered;

  void register(String uuid, String unitName) {
    registrations.put(uuid, unitName);
  }

  void add(MetricSample sample) {
    pending.add(sample);
  }

  /** Tells the engine that samples are waiting. */
  void signal() {
    if (!pending.isEmpty()) {
      signal.run();
    }
  }

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
    List<MetricSample> out = pending;
    pending = new ArrayList<>(out.size());
    delivered += out.size();
    return MetricPoll.of(out);
  }

  @Override
  public Optional<String> resolveInstance(String serviceType, String uuid) {
    return Optional.ofNullable(registrations.get(uuid));
  }
}
