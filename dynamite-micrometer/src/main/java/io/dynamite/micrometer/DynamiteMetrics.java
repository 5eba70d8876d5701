package io.dynamite.micrometer;

import io.dynamite.api.Direction;
import io.dynamite.api.InstanceId;
import io.dynamite.api.MetricSample;
import io.dynamite.api.PolicyOutcome;
import io.dynamite.api.ServiceId;
import io.dynamite.api.event.DecisionRecord;
import io.dynamite.api.event.EngineEvent;
import io.dynamite.api.event.EngineListener;
import io.dynamite.core.EngineSnapshot;
import io.dynamite.core.SampleObserver;
import io.dynamite.core.ScalingEngine;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;
import org.jspecify.annotations.Nullable;

/**
 * The engine's telemetry as Micrometer meters. Add it as a listener, then bind it:
 *
 * <pre>{@code
 * DynamiteMetrics metrics = new DynamiteMetrics();
 * ScalingEngine engine = ScalingEngine.builder()...listener(metrics).build();
 * metrics.observe(engine).bindTo(registry);
 * }</pre>
 *
 * <p>Meters (names dot-separated as Micrometer wants them; a Prometheus registry renders {@code
 * dynamite.actions} as {@code dynamite_actions_total}); tags are low-cardinality: {@code service},
 * {@code direction} ({@code up}/{@code down}), {@code outcome}, {@code state}, {@code kind}:
 *
 * <ul>
 *   <li>{@code dynamite.instances} gauge per service and {@code state}
 *       (running/starting/stopping); {@code dynamite.instances.min}, {@code .max} and {@code
 *       .desired} (the count of the service's latest decision, else its current count);
 *   <li>{@code dynamite.decisions} counter per service, direction, outcome
 *       (scaled/refused/error) and {@code reason}, the kind of the reason
 *       (applied/clamped/overruled/refused/dry_run, policy_error; see {@link #reasonKind}); holds are counted engine-wide by {@code dynamite.holds} (below),
 *       because this binder does not take a record of every hold ({@link #receivesHolds()});
 *   <li>{@code dynamite.actions} counter per service, direction and outcome
 *       (started/succeeded/failed), and {@code dynamite.action.duration} timer from start to
 *       outcome, by the engine's clock;
 *   <li>{@code dynamite.plugin.failures} counter per {@code kind} (metric-source, target,
 *       state-store, victim-selector, policy), {@code dynamite.drift} per {@code kind}
 *       (gone/failed/unknown), {@code dynamite.engine.errors};
 *   <li>function counters over the engine's own totals: {@code dynamite.evaluations}, {@code
 *       dynamite.holds} (evaluations on new data that held), {@code dynamite.samples}, {@code
 *       dynamite.samples.unrouted}, {@code dynamite.metrics.rejected},
 *       {@code dynamite.policy.errors};
 *   <li>{@code dynamite.sample.lag} function timer per service: for every ingest of a stream's
 *       samples routed to the service (one run of a poll), the engine clock's time at ingest minus
 *       the timestamp of the run's first sample, which is its oldest (sources deliver each stream
 *       in timestamp order; a sample stamped in the future counts as 0); its count is the number
 *       of ingests and its total the sum of their lags, so {@code rate(sum) / rate(count)} is the
 *       mean staleness of what the engine ingests. One timestamp per run, not per sample: at
 *       100,000 samples per tick a per-sample sum cost about a tenth of the engine's tick. The
 *       number of samples is {@code dynamite.samples}. {@code dynamite.sample.lag.latest} gauge
 *       per service: the lag of the service's latest ingest (how stale the oldest data behind its
 *       latest evaluation was);
 *   <li>{@code dynamite.leader} and {@code dynamite.ready} gauges (1 or 0).
 * </ul>
 *
 * <p>Thread-safe: events arrive on the engine's thread, meters are read on the registry's.
 * Services are those of the engine's configuration when {@link #bindTo} runs.
 *
 * @since 0.2
 */
public final class DynamiteMetrics implements MeterBinder, EngineListener, SampleObserver {
  private static final int OUTCOMES = DecisionRecord.Outcome.values().length;
  private static final int DIRECTIONS = Direction.values().length;
  private static final int EFFECTS = PolicyOutcome.Kind.values().length;
  /** Lags beyond ~292 years overflow nanoseconds in a long; sample timestamps may reach 1677. */
  private static final long MAX_LAG_SECONDS = 9_000_000_000L;
  private static final List<String> TOTALS = List.of("evaluations", "holds", "samples", "samples.unrouted", "metrics.rejected",
      "policy.errors");

  private volatile @Nullable MeterRegistry registry;
  private volatile Supplier<EngineSnapshot> snapshots = () -> null;
  private final Map<ServiceId, Integer> desired = new ConcurrentHashMap<>();
  private final Map<InstanceId, Instant> actionStarts = new ConcurrentHashMap<>();
  /** Per service, the lag sums the engine thread accumulates and the lag meters read. */
  private final Map<ServiceId, Lag> lags = new ConcurrentHashMap<>();
  /** Per service, its decision counters by direction and outcome, created on first use. */
  private final Map<ServiceId, Counter[]> decisionCounters = new ConcurrentHashMap<>();

  /** Creates an unbound binder; add it to an engine as a listener. */
  public DynamiteMetrics() {}

  /**
   * Sets the engine whose snapshots the gauges read.
   *
   * @param engine the engine this binder listens to
   * @return this binder
   */
  public DynamiteMetrics observe(ScalingEngine engine) {
    Objects.requireNonNull(engine, "engine");
    this.snapshots = engine::snapshot;
    return this;
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    Objects.requireNonNull(registry, "registry");
    decisionCounters.clear();
    this.registry = registry;
    EngineSnapshot first = snapshots.get();
    if (first != null) {
      for (EngineSnapshot.ServiceSnapshot s : first.services()) {
        lags.computeIfAbsent(s.view().service(), Lag::new);
      }
    }
    // services seen only through samples so far, and those of the configuration
    lags.values().forEach(l -> l.register(registry));
    if (first != null) {
      for (EngineSnapshot.ServiceSnapshot s : first.services()) {
        ServiceId id = s.view().service();
        Tags tags = Tags.of("service", id.name());
        for (String state : List.of("running", "starting", "stopping")) {
          gauge(registry, "dynamite.instances", tags.and("state", state), "instances of the service in this state",
              snap -> count(snap, id, state));
        }
        gauge(registry, "dynamite.instances.min", tags, "min_instance", snap -> view(snap, id, "min"));
        gauge(registry, "dynamite.instances.max", tags, "max_instance (or the largest int when unbounded)",
            snap -> view(snap, id, "max"));
        gauge(registry, "dynamite.instances.desired", tags, "the count of the service's latest decision",
            snap -> desired.getOrDefault(id, (int) view(snap, id, "projected")));
      }
    }
    gauge(registry, "dynamite.leader", Tags.empty(), "1 while this engine leads", snap -> snap.leader() ? 1 : 0);
    gauge(registry, "dynamite.ready", Tags.empty(), "1 once state is recovered", snap -> snap.ready() ? 1 : 0);
    for (String total : TOTALS) {
      FunctionCounter.builder("dynamite." + total, this, m -> m.total(total))
          .description("the engine's running total of " + total)
          .register(registry);
    }
  }

  private void gauge(MeterRegistry r, String name, Tags tags, String description, ToDoubleFunction<EngineSnapshot> f) {
    Gauge.builder(name, this, m -> {
      EngineSnapshot snap = m.snapshots.get();
      return snap == null ? Double.NaN : f.applyAsDouble(snap);
    }).tags(tags).description(description).register(r);
  }

  private double total(String name) {
    EngineSnapshot snap = snapshots.get();
    return snap == null ? 0 : snap.counters().getOrDefault(name, 0L);
  }

  private static double count(EngineSnapshot snap, ServiceId id, String state) {
    for (EngineSnapshot.ServiceSnapshot s : snap.services()) {
      if (s.view().service().equals(id)) {
        return switch (state) {
          case "running" -> s.view().running();
          case "starting" -> s.view().starting();
          default -> s.view().stopping();
        };
      }
    }
    return Double.NaN;
  }

  private static double view(EngineSnapshot snap, ServiceId id, String what) {
    for (EngineSnapshot.ServiceSnapshot s : snap.services()) {
      if (s.view().service().equals(id)) {
        return switch (what) {
          case "min" -> s.view().min();
          case "max" -> s.view().max();
          default -> s.view().projected();
        };
      }
    }
    return Double.NaN;
  }

  /**
   * No: holds are counted by the engine ({@code dynamite.holds}); a record of each would cost about
   * a quarter of every evaluation pass on a large fleet.
   *
   * @return false
   */
  @Override
  public boolean receivesHolds() {
    return false;
  }

  @Override
  public void onEvent(EngineEvent event) {
    MeterRegistry r = registry;
    if (r == null) {
      return;
    }
    if (event instanceof EngineEvent.DecisionMade d) {
      DecisionRecord rec = d.record();
      ServiceId service = rec.service().service();
      decisionCounter(r, service, rec.direction(), rec.outcome(), rec.effect()).increment();
      if (rec.desired() != null) {
        desired.put(service, rec.desired());
      }
    } else if (event instanceof EngineEvent.ActionStarted a) {
      actionStarts.put(a.instance(), a.at());
      action(r, a.instance(), a.direction(), "started");
    } else if (event instanceof EngineEvent.ActionSucceeded a) {
      action(r, a.instance(), a.direction(), "succeeded");
      time(r, a.instance(), a.direction(), "succeeded", a.at());
    } else if (event instanceof EngineEvent.ActionFailed a) {
      action(r, a.instance(), a.direction(), "failed");
      time(r, a.instance(), a.direction(), "failed", a.at());
    } else if (event instanceof EngineEvent.PluginFailed p) {
      counter(r, "dynamite.plugin.failures", "failed calls of plugins (sources, target, store, policies)",
          Tags.of("kind", pluginKind(p.plugin())));
    } else if (event instanceof EngineEvent.DriftDetected d) {
      counter(r, "dynamite.drift", "differences between the engine's instances and the target's units",
          Tags.of("kind", lower(d.drift())));
    } else if (event instanceof EngineEvent.InternalError) {
      counter(r, "dynamite.engine.errors", "unexpected errors inside the engine (bugs)", Tags.empty());
    }
  }

  /**
   * Adds the lag of every sample of the run to the service's sums. Engine thread; no meter is
   * touched and nothing is allocated per sample or per run (the meters read the sums when
   * scraped), so that telemetry stays cheap at 100,000 samples per tick.
   *
   * @param service the service the samples were routed to
   * @param samples the samples
   * @param now the engine's time of the ingest
   */
  @Override
  public void samplesIngested(ServiceId service, List<MetricSample> samples, Instant now) {
    lag(service).samplesIngested(samples, now);
  }

  /**
   * The service's lag sums themselves, so that the engine adds to them without a lookup per run.
   *
   * @param service the service
   * @return the service's lag sums, registered as meters once this binder is bound
   */
  @Override
  public OfService forService(ServiceId service) {
    return lag(service);
  }

  private Lag lag(ServiceId service) {
    Lag lag = lags.get(service);
    if (lag == null) {
      lag = lags.computeIfAbsent(service, Lag::new);
      MeterRegistry r = registry;
      if (r != null) {
        lag.register(r);
      }
    }
    return lag;
  }

  /**
   * One service's lag sums: written by the engine thread only, read by the registry's thread. One
   * writer, so a plain read-modify-write published with a release store is enough (a volatile
   * store would add a full fence per run of samples; readers read with acquire semantics).
   */
  private static final class Lag implements OfService {
    private static final VarHandle COUNT;
    private static final VarHandle TOTAL;
    private static final VarHandle LATEST;

    static {
      try {
        MethodHandles.Lookup l = MethodHandles.lookup();
        COUNT = l.findVarHandle(Lag.class, "count", long.class);
        TOTAL = l.findVarHandle(Lag.class, "totalNanos", double.class);
        LATEST = l.findVarHandle(Lag.class, "latestMaxNanos", long.class);
      } catch (ReflectiveOperationException e) {
        throw new ExceptionInInitializerError(e);
      }
    }

    private final ServiceId service;
    private long count;
    private double totalNanos;
    private long latestMaxNanos;

    Lag(ServiceId service) {
      this.service = service;
    }

    @Override
    public void samplesIngested(List<MetricSample> samples, Instant now) {
      if (samples.isEmpty()) {
        return;
      }
      // the run's first sample is its oldest: one timestamp per run, none per sample
      long lag = lagNanos(now.getEpochSecond(), now.getNano(), samples.get(0).timestamp());
      TOTAL.setRelease(this, totalNanos + lag);
      LATEST.setRelease(this, lag);
      COUNT.setRelease(this, count + 1);
    }

    long count() {
      return (long) COUNT.getAcquire(this);
    }

    double totalNanos() {
      return (double) TOTAL.getAcquire(this);
    }

    double latestSeconds() {
      return (long) LATEST.getAcquire(this) / 1e9;
    }

    void register(MeterRegistry r) {
      FunctionTimer.builder("dynamite.sample.lag", this, Lag::count, Lag::totalNanos, TimeUnit.NANOSECONDS)
          .description("time from the oldest sample's timestamp to the engine's ingest, per ingest of a stream's samples")
          .tags("service", service.name())
          .register(r);
      Gauge.builder("dynamite.sample.lag.latest", this, Lag::latestSeconds)
          .description("the sample lag of the service's latest ingest (its oldest sample)")
          .tags("service", service.name())
          .baseUnit("seconds")
          .register(r);
    }
  }

  /** {@code now - t} in nanoseconds, 0 when t is later, capped where a long would overflow. */
  static long lagNanos(long nowSeconds, int nowNanos, Instant t) {
    long seconds = nowSeconds - t.getEpochSecond();
    if (seconds < 0) {
      return 0;
    }
    if (seconds >= MAX_LAG_SECONDS) {
      return MAX_LAG_SECONDS * 1_000_000_000L;
    }
    return Math.max(0, seconds * 1_000_000_000L + (nowNanos - t.getNano()));
  }

  /** The decisions counter of a service, direction and outcome, built once and then reused. */
  private Counter decisionCounter(MeterRegistry r, ServiceId service, @Nullable Direction d, DecisionRecord.Outcome o,
      PolicyOutcome.@Nullable Kind effect) {
    Counter[] counters = decisionCounters.get(service);
    if (counters == null) {
      counters = decisionCounters.computeIfAbsent(service, k -> new Counter[(DIRECTIONS + 1) * OUTCOMES * (EFFECTS + 1)]);
    }
    int e = effect == null ? EFFECTS : effect.ordinal();
    int i = ((d == null ? DIRECTIONS : d.ordinal()) * OUTCOMES + o.ordinal()) * (EFFECTS + 1) + e;
    Counter c = counters[i];
    if (c == null) {
      c = Counter.builder("dynamite.decisions").description("policy evaluations by outcome and kind of reason")
          .tags(Tags.of("service", service.name(), "direction", direction(d), "outcome", lower(o),
              "reason", reasonKind(o, effect)))
          .register(r);
      counters[i] = c;
    }
    return c;
  }

  /**
   * The low-cardinality kind of a decision's reason: what became of the recommendation
   * ({@link PolicyOutcome.Kind}: applied, clamped, overruled, refused, dry_run), {@code
   * policy_error} for a policy that threw, {@code other} for a record without one.
   */
  static String reasonKind(DecisionRecord.Outcome outcome, PolicyOutcome.@Nullable Kind effect) {
    if (effect != null) {
      return effect.name().toLowerCase(Locale.ROOT);
    }
    return outcome == DecisionRecord.Outcome.ERROR ? "policy_error" : "other";
  }

  private void action(MeterRegistry r, InstanceId id, Direction d, String outcome) {
    counter(r, "dynamite.actions", "starts and stops of instances", Tags.of("service", id.service().name(),
        "direction", direction(d), "outcome", outcome));
  }

  private void time(MeterRegistry r, InstanceId id, Direction d, String outcome, Instant end) {
    Instant start = actionStarts.remove(id);
    if (start != null && !end.isBefore(start)) {
      Timer.builder("dynamite.action.duration").description("from an action's start to its outcome")
          .tags("service", id.service().name(), "direction", direction(d), "outcome", outcome)
          .register(r).record(Duration.between(start, end));
    }
  }

  private static void counter(MeterRegistry r, String name, String description, Tags tags) {
    Counter.builder(name).description(description).tags(tags).register(r).increment();
  }

  private static String direction(@Nullable Direction d) {
    return d == null ? "none" : lower(d);
  }

  private static String lower(Enum<?> e) {
    return e.name().toLowerCase(Locale.ROOT);
  }

  /** Plugin ids of policies carry service and policy names; the kind keeps the tag bounded. */
  private static String pluginKind(String plugin) {
    return switch (plugin) {
      case "metric-source", "target", "state-store", "victim-selector" -> plugin;
      default -> "policy";
    };
  }
}
