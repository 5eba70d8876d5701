package io.dynamite.core;

import io.dynamite.api.Direction;
import io.dynamite.api.InstanceId;
import io.dynamite.api.MetricSample;
import io.dynamite.api.ServiceId;
import io.dynamite.api.event.DecisionRecord;
import io.dynamite.api.event.EngineEvent;
import io.dynamite.api.event.EngineListener;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The record stage: counters, the recent decisions, each service's decision history, log lines and
 * events to listeners. The one place that tells the outside what the engine did. Counters and
 * recent decisions are guarded by their own small lock (never held during I/O), so snapshots can be
 * taken on any thread. Decision records other than plain holds also go to the {@link DecisionLog}
 * and to the history sink (the live actuator's asynchronous lane to the store), which only queues.
 */
final class Recorder {
  private static final Logger log = LoggerFactory.getLogger(ScalingEngine.class);

  private final Clock clock;
  private final List<EngineListener> listeners;
  /** The listeners that want a record of every hold ({@link EngineListener#receivesHolds()}). */
  private final EngineListener[] holdListeners;
  /** The listeners that also observe ingested samples; an array for the per-run loop. */
  private final SampleObserver[] sampleObservers;
  private final Object lock = new Object();
  private final ArrayDeque<DecisionRecord> recent = new ArrayDeque<>();
  private final Map<String, Long> counters = new TreeMap<>();
  private final Set<String> rejectedKeys = new HashSet<>();
  // engine thread only
  private long observerFailures;
  private final DecisionLog history;
  /** Where records go to be kept in the store; set once before the engine starts. */
  private java.util.function.Consumer<DecisionRecord> sink = r -> {};

  Recorder(Clock clock, List<EngineListener> listeners, DecisionLog history) {
    this.clock = clock;
    this.listeners = List.copyOf(listeners);
    this.holdListeners = this.listeners.stream().filter(Recorder::receivesHolds).toArray(EngineListener[]::new);
    this.sampleObservers = listeners.stream()
        .filter(SampleObserver.class::isInstance)
        .map(SampleObserver.class::cast)
        .toArray(SampleObserver[]::new);
    this.history = history;
  }

  boolean observesSamples() {
    return sampleObservers.length > 0;
  }

  /** The sample observers' handles for one service, in listener order; a failing one is left out. */
  SampleObserver.OfService[] sampleObserversOf(ServiceId service) {
    List<SampleObserver.OfService> out = new java.util.ArrayList<>(sampleObservers.length);
    for (SampleObserver o : sampleObservers) {
      try {
        out.add(java.util.Objects.requireNonNull(o.forService(service), "forService returned null"));
      } catch (RuntimeException ex) {
        log.warn("sample observer {} failed for service {}; it is not told about its samples: {}", o, service, ex.toString());
      }
    }
    return out.toArray(new SampleObserver.OfService[0]);
  }

  /** Tells a service's sample observers about one run of samples routed to it. */
  void samplesIngested(SampleObserver.OfService[] observers, List<MetricSample> run, Instant now) {
    for (SampleObserver.OfService o : observers) {
      try {
        o.samplesIngested(run, now);
      } catch (RuntimeException ex) {
        // at sample rate a failing observer would flood the log: debug after the first
        if (observerFailures++ == 0) {
          log.warn("sample observer {} failed (further failures logged at debug): {}", o, ex.toString());
        } else {
          log.debug("sample observer {} failed: {}", o, ex.toString());
        }
      }
    }
  }

  /** Sets where decision records are kept durably; called once while the engine is built. */
  void historySink(java.util.function.Consumer<DecisionRecord> sink) {
    this.sink = sink;
  }

  DecisionLog history() {
    return history;
  }

  /** Whether hold records are wanted: building one costs more than the evaluation that held. */
  boolean recordsHolds() {
    return holdListeners.length > 0;
  }

  private static boolean receivesHolds(EngineListener l) {
    try {
      return l.receivesHolds();
    } catch (RuntimeException e) {
      log.warn("listener {} failed to say whether it receives holds; it will: {}", l, e.toString());
      return true;
    }
  }

  void count(String name) {
    count(name, 1);
  }

  void count(String name, long n) {
    synchronized (lock) {
      counters.merge(name, n, Long::sum);
    }
  }

  Map<String, Long> counters() {
    synchronized (lock) {
      return new HashMap<>(counters);
    }
  }

  List<DecisionRecord> recentDecisions() {
    synchronized (lock) {
      return List.copyOf(recent);
    }
  }

  void decision(DecisionRecord r) {
    if (r.outcome() != DecisionRecord.Outcome.HOLD) {
      synchronized (lock) {
        recent.addLast(r);
        while (recent.size() > ScalingEngine.RECENT_DECISIONS) {
          recent.removeFirst();
        }
      }
      history.add(r);
      sink.accept(r);
      emit(new EngineEvent.DecisionMade(r));
    } else {
      EngineEvent e = new EngineEvent.DecisionMade(r);
      for (EngineListener l : holdListeners) {
        deliver(l, e);
      }
    }
  }

  void rejected(String key, String reason) {
    count("metrics.rejected");
    boolean first = rejectedKeys.add(key);
    if (first) {
      log.warn("skipping unusable metric value key={} reason={}", key, reason);
    } else {
      log.debug("skipping unusable metric value key={} reason={}", key, reason);
    }
    emit(new EngineEvent.MetricRejected(clock.instant(), key, reason, first));
  }

  void actionStarted(Direction d, InstanceId id, int attempt, String reason) {
    count("actions.started");
    emit(new EngineEvent.ActionStarted(clock.instant(), d, id, attempt, reason));
  }

  void actionSucceeded(Direction d, InstanceId id) {
    emit(new EngineEvent.ActionSucceeded(clock.instant(), d, id));
  }

  void actionFailed(Direction d, InstanceId id, int attempt, String error, @Nullable Instant retryAt) {
    count("actions.failed");
    log.warn("action failed direction={} instance={} attempt={} retryAt={} error={}", d, id, attempt, retryAt, error);
    emit(new EngineEvent.ActionFailed(clock.instant(), d, id, attempt, error, retryAt));
  }

  void wouldDo(String action, String detail) {
    count("dryrun.actions");
    log.info("dry run: would {} ({})", action, detail);
    emit(new EngineEvent.DryRunAction(clock.instant(), action, detail));
  }

  void pluginFailed(String plugin, @Nullable ServiceId service, String error) {
    count("plugin.failures");
    log.warn("plugin failed plugin={} service={} error={}", plugin, service, error);
    emit(new EngineEvent.PluginFailed(clock.instant(), plugin, service, error));
  }

  void drift(String unit, EngineEvent.DriftDetected.Drift kind, String detail) {
    count("drift");
    log.warn("drift unit={} kind={} detail={}", unit, kind, detail);
    emit(new EngineEvent.DriftDetected(clock.instant(), unit, kind, detail));
  }

  /** An engine bug: counted, logged with its stack and reported, never swallowed silently. */
  void internalError(String where, RuntimeException e) {
    count("engine.errors");
    log.error("unexpected engine error in {}; the engine carries on", where, e);
    emit(new EngineEvent.InternalError(clock.instant(), where, e.toString()));
  }

  void emit(EngineEvent e) {
    for (EngineListener l : listeners) {
      deliver(l, e);
    }
  }

  private static void deliver(EngineListener l, EngineEvent e) {
    try {
      l.onEvent(e);
    } catch (RuntimeException ex) {
      log.warn("listener {} failed on {}: {}", l, e.kind(), ex.toString());
    }
  }

  Instant now() {
    return clock.instant();
  }
}
