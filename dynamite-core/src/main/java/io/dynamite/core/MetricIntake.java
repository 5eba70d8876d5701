package io.dynamite.core;

import io.dynamite.api.MetricPoll;
import io.dynamite.api.MetricQuery;
import io.dynamite.api.MetricSample;
import io.dynamite.api.RejectedSample;
import io.dynamite.api.spi.MetricSource;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ingest stage: polls the metric sources, skips and reports unusable values, and routes each
 * sample to the policies that read its stream (by service type, metric and aggregation, fixing
 * the original's defect B5, or by metric name alone in legacy routing) and into their services'
 * metric history, marking those services for evaluation. Engine thread only.
 */
final class MetricIntake {
  private static final Logger log = LoggerFactory.getLogger(ScalingEngine.class);

  /** Where one stream's samples go. */
  private static final class Route {
    final List<PolicyBinding> bindings = new ArrayList<>();
    final Set<SeriesTable> tables = new LinkedHashSet<>();
    final Set<ServiceState> services = new LinkedHashSet<>();
    PolicyBinding[] bindingArray;
    SeriesTable[] tableArray;
    ServiceState[] serviceArray;

    void freeze() {
      bindingArray = bindings.toArray(new PolicyBinding[0]);
      tableArray = tables.toArray(new SeriesTable[0]);
      serviceArray = services.toArray(new ServiceState[0]);
    }
  }

  private final List<MetricSource> sources;
  /** Sources that signal arrivals; the others are polled on the fallback timer. */
  private final boolean[] signals;
  private final Recorder recorder;
  private final boolean legacyRouting;
  private final Map<Object, Route> routes = new HashMap<>();
  private final List<MetricQuery> queries;
  private boolean sourceFailing;

  MetricIntake(List<MetricSource> sources, List<PolicyBinding> bindings, Recorder recorder, boolean legacyRouting) {
    this.sources = List.copyOf(sources);
    this.signals = new boolean[sources.size()];
    this.recorder = recorder;
    this.legacyRouting = legacyRouting;
    Map<MetricQuery, Boolean> qs = new LinkedHashMap<>();
    for (PolicyBinding b : bindings) {
      if (b.query == null) {
        continue;
      }
      qs.put(b.query, true);
      Route r = routes.computeIfAbsent(legacyRouting ? b.query.metric() : b.query, k -> new Route());
      r.bindings.add(b);
      if (b.series != null) {
        r.tables.add(b.series);
      }
      r.services.add(b.service);
    }
    routes.values().forEach(Route::freeze);
    this.queries = List.copyOf(qs.keySet());
  }

  /** Subscribes to every source that can signal; returns whether any source must be polled on a timer. */
  boolean subscribe(Runnable signal) {
    boolean anyPolled = false;
    for (int i = 0; i < sources.size(); i++) {
      try {
        signals[i] = sources.get(i).subscribe(signal);
      } catch (RuntimeException e) {
        recorder.pluginFailed("metric-source", null, "subscribe failed, polling instead: " + ScalingEngine.describe(e));
        signals[i] = false;
      }
      anyPolled |= !signals[i];
    }
    return anyPolled;
  }

  /**
   * Polls sources and routes what they deliver.
   *
   * @param signalling true for the sources that signal, false for the others
   * @return false if a source failed; a signalling source must then be polled again later, since
   *     it signals only what its watch delivers
   */
  boolean poll(boolean signalling) {
    boolean ok = true;
    for (int i = 0; i < sources.size(); i++) {
      if (signals[i] == signalling) {
        ok &= poll(sources.get(i));
      }
    }
    return ok;
  }

  void pollAll() {
    for (MetricSource s : sources) {
      poll(s);
    }
  }

  private boolean poll(MetricSource source) {
    MetricPoll poll;
    try {
      poll = source.poll(queries);
      if (sourceFailing) {
        sourceFailing = false;
        log.info("metric source recovered");
      }
    } catch (RuntimeException e) {
      if (!sourceFailing) {
        sourceFailing = true;
        log.warn("metric source failed; retrying: {}", ScalingEngine.describe(e));
      } else {
        log.debug("metric source still failing: {}", ScalingEngine.describe(e));
      }
      recorder.count("plugin.failures");
      recorder.emit(new io.dynamite.api.event.EngineEvent.PluginFailed(recorder.now(), "metric-source", null, ScalingEngine.describe(e)));
      return false;
    }
    for (RejectedSample r : poll.rejected()) {
      recorder.rejected(r.key(), r.reason());
      if (r.origin() != null) {
        routeRejected(r);
      }
    }
    route(poll.samples());
    return true;
  }

  private void route(List<MetricSample> samples) {
    if (samples.isEmpty()) {
      return;
    }
    recorder.count("samples", samples.size());
    // one clock read per poll, and none unless someone observes the samples
    @Nullable Instant now = recorder.observesSamples() ? recorder.now() : null;
    long unrouted = 0;
    // Sources deliver each stream's samples together. Each run of consecutive samples of one
    // stream is looked up once and handed to its policies as one shared immutable list.
    int n = samples.size();
    int i = 0;
    while (i < n) {
      MetricQuery q = samples.get(i).query();
      int j = i + 1;
      while (j < n && samples.get(j).query() == q) {
        j++;
      }
      Route r = routes.get(legacyRouting ? q.metric() : q);
      if (r == null) {
        unrouted += j - i;
      } else {
        // a poll of one stream is one run: List.copyOf hands back an immutable poll list as it is
        List<MetricSample> run = i == 0 && j == n ? List.copyOf(samples) : List.copyOf(samples.subList(i, j));
        for (PolicyBinding b : r.bindingArray) {
          b.add(run);
        }
        for (SeriesTable t : r.tableArray) {
          t.offer(run);
        }
        for (ServiceState s : r.serviceArray) {
          s.dirty = true;
          if (now != null) {
            recorder.samplesIngested(s.id(), run, now);
          }
        }
      }
      i = j;
    }
    if (unrouted > 0) {
      recorder.count("samples.unrouted", unrouted);
    }
  }

  /**
   * Hands a rejected value whose stream is known to the policies of that stream (they judge their
   * metric's health from it) and marks their services for evaluation. It never enters the history.
   */
  private void routeRejected(RejectedSample r) {
    MetricQuery q = r.origin().query();
    Route route = routes.get(legacyRouting ? q.metric() : q);
    if (route == null) {
      return;
    }
    for (PolicyBinding b : route.bindingArray) {
      b.reject(r);
    }
    for (ServiceState s : route.serviceArray) {
      s.dirty = true;
    }
  }

  /** Resolves a metric uuid to a unit name through the sources' registrations. */
  Optional<String> resolve(String serviceType, String uuid) {
    for (MetricSource s : sources) {
      try {
        Optional<String> r = s.resolveInstance(serviceType, uuid);
        if (r.isPresent()) {
          return r;
        }
      } catch (RuntimeException e) {
        recorder.pluginFailed("metric-source", null, "resolving uuid " + uuid + " failed: " + ScalingEngine.describe(e));
      }
    }
    return Optional.empty();
  }
}
