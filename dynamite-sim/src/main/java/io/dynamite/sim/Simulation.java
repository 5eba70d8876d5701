package io.dynamite.sim;

import io.dynamite.sandbox.VirtualClock;
import io.dynamite.sandbox.VirtualScheduler;
import io.dynamite.api.Direction;
import io.dynamite.api.MetricQuery;
import io.dynamite.api.MetricSample;
import io.dynamite.api.ServiceId;
import io.dynamite.api.event.DecisionRecord;
import io.dynamite.api.event.EngineEvent;
import io.dynamite.api.event.EngineListener;
import io.dynamite.core.PluginRegistry;
import io.dynamite.core.ScalingEngine;
import io.dynamite.core.ScalingEngineBuilder;
import io.dynamite.core.config.DynamiteConfig;
import io.dynamite.core.config.PolicyConfig;
import io.dynamite.core.config.ServiceConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import org.jspecify.annotations.Nullable;

/**
 * Replays a demand trace through the real {@link ScalingEngine} — the configuration's own policies,
 * gates and victim selection — on a virtual clock, against a simulated service, and scores the
 * run.
 *
 * <pre>{@code
 * SimulationResult r = Simulation.builder()
 *     .config(config).service("web")
 *     .trace(Trace.readCsv(Path.of("trace.csv")).scaleDemand(0.01))
 *     .model(ServiceModel.of(10))            // 10 demand units per instance at 100 %
 *     .run();
 * System.out.println(r.scores());
 * }</pre>
 *
 * <p>The service model: demand comes from the trace; it is shared equally by the serving
 * instances, each of which can serve {@link ServiceModel#capacity()}. Starts take the model's
 * start-up delay (and may fail), stops its stop delay. At every sampling tick each serving instance
 * reports, for each metric its policies read, its utilization (share / capacity, in percent), the
 * modelled latency or its demand share (see {@link MetricKind}), with seeded noise; aggregated
 * metrics get the service-wide value. Each instance's metric uuid is registered to its unit name,
 * so per-instance policies resolve their victims as in production.
 *
 * <p>The engine starts a warm-up period (default 5 min) before the trace, with the demand held at
 * the trace's first value, so the run begins with the service topped up to {@code min_instance};
 * the warm-up is not scored. Everything runs on the calling thread; the same inputs and seed give
 * the same result.
 *
 * @since 0.3
 */
public final class Simulation {
  /** The instant trace time 0 maps to on the virtual clock. */
  public static final Instant TRACE_START = Instant.parse("2000-01-03T00:00:00Z");

  /**
   * The run's settings besides the service model.
   *
   * @param sampleInterval time between two sampling ticks
   * @param seed the seed of every random number (noise and start failures)
   * @param warmup unscored time before the trace, demand held at its first value
   * @param sloUtilization offered utilization above which a tick violates the objective (0..)
   * @param latencyTarget latency above which a tick violates the objective, or null for none
   * @param jumpWindow the window over which demand rises are measured for the recovery score
   * @param metricKinds what each metric the policies read reports
   */
  public record Settings(
      Duration sampleInterval,
      long seed,
      Duration warmup,
      double sloUtilization,
      @Nullable Duration latencyTarget,
      Duration jumpWindow,
      Map<String, MetricKind> metricKinds) {
    /**
     * Copies the map.
     *
     * @param sampleInterval time between two sampling ticks
     * @param seed the seed of every random number (noise and start failures)
     * @param warmup unscored time before the trace, demand held at its first value
     * @param sloUtilization offered utilization above which a tick violates the objective (0..)
     * @param latencyTarget latency above which a tick violates the objective, or null for none
     * @param jumpWindow the window over which demand rises are measured for the recovery score
     * @param metricKinds what each metric the policies read reports
     */
    public Settings {
      metricKinds = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(metricKinds));
    }
  }

  /** Told how far a run has come; see {@link Builder#progress}. */
  @FunctionalInterface
  public interface Progress {
    /**
     * Reports progress; called on the simulating thread, so it should return quickly.
     *
     * @param doneSeconds trace seconds simulated so far
     * @param totalSeconds the trace's duration
     */
    void update(double doneSeconds, double totalSeconds);
  }

  private final DynamiteConfig config;
  private final ServiceConfig service;
  private final Trace trace;
  private final ServiceModel model;
  private final Settings settings;
  private final @Nullable PluginRegistry plugins;
  private final List<MetricQuery> queries;
  private final MetricKind[] kinds;
  /** Each of the service's policies by its engine id: whether it reads a metric. */
  private final Map<String, Boolean> readsMetric;
  private final boolean legacyRouting;
  private final @Nullable Progress progress;
  private final boolean holdRecords;

  private Simulation(Builder b) {
    this.trace = Objects.requireNonNull(b.trace, "trace is required");
    this.model = Objects.requireNonNull(b.model, "model is required");
    DynamiteConfig full = Objects.requireNonNull(b.config, "config is required");
    this.service = select(full, b.service);
    this.config = only(full, service);
    this.plugins = b.plugins;
    this.legacyRouting = b.legacyRouting;
    this.progress = b.progress;
    this.holdRecords = b.holdRecords;
    List<String> names = new ArrayList<>();
    List<String> slots = new ArrayList<>();
    service.policy(false).ifPresent(n -> {
      names.add(n);
      slots.add("down/");
    });
    service.policy(true).ifPresent(n -> {
      names.add(n);
      slots.add("up/");
    });
    for (String n : service.policies()) {
      names.add(n);
      slots.add("");
    }
    LinkedHashSet<MetricQuery> qs = new LinkedHashSet<>();
    Map<String, Boolean> reads = new HashMap<>();
    for (int i = 0; i < names.size(); i++) {
      PolicyConfig pc = full.policies().get(names.get(i));
      if (pc != null) {
        // the engine's policy id: service, slot if any, policy name
        reads.put(service.id() + "/" + slots.get(i) + pc.name(), pc.query() != null);
        if (pc.query() != null) {
          qs.add(pc.query());
        }
      }
    }
    this.readsMetric = Map.copyOf(reads);
    this.queries = List.copyOf(qs);
    this.kinds = new MetricKind[queries.size()];
    Map<String, MetricKind> resolved = new LinkedHashMap<>();
    for (int i = 0; i < kinds.length; i++) {
      String metric = queries.get(i).metric();
      kinds[i] = b.metricKinds.getOrDefault(metric, MetricKind.guess(metric));
      resolved.put(metric, kinds[i]);
    }
    if (b.latencyTarget != null && b.latencyTarget.toNanos() / 1e9 <= 1.0 / model.capacity()) {
      throw new IllegalArgumentException("latency target " + b.latencyTarget + " is not above the service time 1/capacity = "
          + String.format(Locale.ROOT, "%.3f s", 1.0 / model.capacity()) + ", so it can never be met");
    }
    this.settings = new Settings(b.sampleInterval, b.seed, b.warmup, b.sloUtilization, b.latencyTarget, b.jumpWindow, resolved);
  }

  /**
   * Starts describing a simulation.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Chooses the service a simulation of this configuration runs: the named one, or the only
   * scalable one.
   *
   * @param config the configuration
   * @param name the service key, or null to take the only scalable service
   * @return the service
   * @throws IllegalArgumentException if the name is not a scalable service, or none is named and
   *     the configuration scales several or none (the message lists them)
   */
  public static ServiceConfig scalableService(DynamiteConfig config, @Nullable String name) {
    return select(config, name);
  }

  private static ServiceConfig select(DynamiteConfig config, @Nullable String name) {
    List<ServiceConfig> scalable = config.scalableServices();
    if (name != null) {
      ServiceConfig s = config.services().get(ServiceId.of(name));
      if (s == null || s.isAttached()) {
        throw new IllegalArgumentException("no scalable service '" + name + "'; the configuration has: " + names(scalable));
      }
      return s;
    }
    if (scalable.size() != 1) {
      throw new IllegalArgumentException(scalable.isEmpty() ? "the configuration has no scalable service"
          : "the configuration has " + scalable.size() + " scalable services; choose one of: " + names(scalable));
    }
    return scalable.get(0);
  }

  private static String names(List<ServiceConfig> services) {
    List<String> out = new ArrayList<>();
    services.forEach(s -> out.add(s.id().name()));
    return String.join(", ", out);
  }

  /** The configuration reduced to the simulated service and its attached services. */
  private static DynamiteConfig only(DynamiteConfig c, ServiceConfig s) {
    Map<ServiceId, ServiceConfig> services = new LinkedHashMap<>();
    services.put(s.id(), s);
    for (ServiceId a : s.attached()) {
      services.put(a, c.service(a));
    }
    return new DynamiteConfig(c.document(), c.serviceFolders(), c.fleetEndpoint(), c.applicationBasePath(),
        c.metricsBasePath(), services, c.policies());
  }

  /**
   * Runs the simulation on the calling thread.
   *
   * @return the result
   * @throws io.dynamite.api.ConfigException if the engine rejects the configuration
   * @throws IllegalStateException if a task inside the engine or the model failed
   */
  public SimulationResult run() {
    long wallStart = System.nanoTime();
    long step = settings.sampleInterval().toNanos();
    int warmTicks = (int) (settings.warmup().toNanos() / step);
    long warmNanos = warmTicks * step;
    VirtualClock clock = new VirtualClock(TRACE_START.minusNanos(warmNanos));
    VirtualScheduler scheduler = new VirtualScheduler(clock);
    SplittableRandom root = new SplittableRandom(settings.seed());
    SplittableRandom failureRandom = root.split();
    Gaussian noiseRandom = new Gaussian(root.split());
    SimMetricSource source = new SimMetricSource();
    SimTarget target = new SimTarget(scheduler, model, failureRandom, source);
    Events events = holdRecords ? new Events(clock, warmNanos) : new Events(clock, warmNanos, source, readsMetric);
    ScalingEngineBuilder eb = ScalingEngine.builder()
        .config(config)
        .metricSource(source)
        .target(target)
        .clock(clock)
        .scheduler(scheduler)
        .legacyRouting(legacyRouting)
        .listener(events);
    if (plugins != null) {
      eb.plugins(plugins);
    }
    ScalingEngine engine = eb.build();

    double duration = trace.durationSeconds();
    double stepSeconds = step / 1e9;
    int n = (int) Math.ceil(duration / stepSeconds - 1e-9);
    double[] seconds = new double[n];
    double[] weights = new double[n];
    double[] demand = new double[n];
    int[] provisioned = new int[n];
    int[] serving = new int[n];
    int[] needed = new int[n];
    double[] utilization = new double[n];
    double[] latency = new double[n];
    double capacity = model.capacity();
    double cap = model.utilizationCap();
    double noise = model.noise();
    boolean latencyReported = false;
    for (MetricKind k : kinds) {
      latencyReported |= k == MetricKind.LATENCY;
    }
    Trace.Cursor demandAt = trace.cursor();
    int progressEvery = Math.max(1, n / 200);
    try {
      engine.start();
      for (int k = -warmTicks; k < n; k++) {
        long at = warmNanos + k * step;
        scheduler.runUntil(at);
        double t = k * stepSeconds;
        double d = demandAt.demandAt(Math.max(0, t));
        List<SimTarget.SimInstance> up = target.serving();
        int c = up.size();
        // the queueing model costs O(c) per call: only when a metric or the score needs it
        double lat = k >= 0 || latencyReported ? Queueing.latencySeconds(d, capacity, c) : 0;
        if (k >= 0) {
          seconds[k] = t;
          weights[k] = Math.min(stepSeconds, duration - t);
          demand[k] = d;
          provisioned[k] = target.provisioned();
          serving[k] = c;
          needed[k] = needed(d);
          utilization[k] = c == 0 ? (d > 0 ? Double.POSITIVE_INFINITY : 0) : d / (c * capacity);
          latency[k] = lat * 1000;
          if (progress != null && (k % progressEvery == 0)) {
            progress.update(t, duration);
          }
        }
        if (c == 0 || queries.isEmpty()) {
          continue;
        }
        Instant ts = clock.instant();
        double share = d / c;
        for (int q = 0; q < queries.size(); q++) {
          MetricQuery query = queries.get(q);
          MetricKind kind = kinds[q];
          if (query.aggregated()) {
            source.add(new MetricSample(query, MetricSample.AGGREGATED, ts,
                value(kind, d, share, lat, capacity, cap, noise, noiseRandom)));
          } else {
            for (int i = 0; i < c; i++) {
              source.add(new MetricSample(query, up.get(i).uuid, ts,
                  value(kind, share, share, lat, capacity, cap, noise, noiseRandom)));
            }
          }
        }
        source.signal();
      }
      scheduler.runUntil(warmNanos + (long) Math.ceil(duration * 1e9));
    } finally {
      engine.close();
    }
    if (progress != null) {
      progress.update(duration, duration);
    }
    Timeline timeline = new Timeline(seconds, weights, demand, provisioned, serving, needed, utilization, latency);
    Scores scores = Scorer.score(timeline, events.actions, events.failedStarts, settings);
    return new SimulationResult(service.id().name(), trace.name(), model, settings, scores, timeline, events.actions,
        events.decisions, events.points, source.delivered(), events.errors, Duration.ofNanos(System.nanoTime() - wallStart));
  }

  /**
   * One reported value: utilization of the given share in percent, the latency in ms, or the
   * demand share itself; with seeded noise, floored at 0, utilization capped.
   */
  private static double value(MetricKind kind, double total, double share, double latencySeconds,
      double capacity, double cap, double noise, Gaussian random) {
    double v = switch (kind) {
      case UTILIZATION -> 100.0 * share / capacity;
      case LATENCY -> latencySeconds * 1000;
      case DEMAND -> total;
    };
    if (noise > 0) {
      v *= 1 + noise * random.next();
    }
    v = Math.max(0, v);
    return kind == MetricKind.UTILIZATION ? Math.min(cap, v) : v;
  }

  /**
   * Standard normal values from a seeded generator (SplittableRandom has no nextGaussian in Java
   * 17): Box-Muller, both values of each pair used, so one logarithm, root, sine and cosine per two
   * values. Not thread-safe; one per run.
   */
  static final class Gaussian {
    private final SplittableRandom random;
    private double spare;
    private boolean hasSpare;

    Gaussian(SplittableRandom random) {
      this.random = random;
    }

    double next() {
      if (hasSpare) {
        hasSpare = false;
        return spare;
      }
      double r = Math.sqrt(-2 * Math.log(1 - random.nextDouble()));
      double a = 2 * Math.PI * random.nextDouble();
      spare = r * Math.sin(a);
      hasSpare = true;
      return r * Math.cos(a);
    }
  }

  /** The fewest serving instances that meet the objective at this demand (at least 1). */
  int needed(double demand) {
    double perInstance = model.capacity() * settings.sloUtilization();
    int c = (int) Math.max(1, Math.ceil(demand / perInstance - 1e-9));
    Duration target = settings.latencyTarget();
    if (target != null) {
      double goal = target.toNanos() / 1e9;
      while (Queueing.latencySeconds(demand, model.capacity(), c) > goal && c < Integer.MAX_VALUE - 1) {
        c++;
      }
    }
    return c;
  }

  /**
   * Collects what the engine reports. A simulation's collector takes no hold records ({@link
   * #receivesHolds()}): on a long run at 1-s sampling nearly every evaluation holds, and describing
   * each one would cost the engine more than the evaluation. A refusal streak ends where a hold
   * record would have come: at an evaluation of the policy on new samples that recorded nothing
   * else. Each poll that hands the engine samples is followed, in the same engine task, by one
   * evaluation of every policy that reads a metric (the simulation reports all of them at once),
   * and a record tells whether its evaluation had samples; so the sample polls since a policy's
   * previous record, less the one this record itself answers, are the holds in between.
   */
  static final class Events implements EngineListener {
    private final VirtualClock clock;
    private final long warmNanos;
    /** The source whose sample polls are counted; null when hold records are taken instead. */
    private final @Nullable SimMetricSource source;
    private final Map<String, Boolean> readsMetric;
    final List<ActionRecord> actions = new ArrayList<>();
    final List<DecisionPoint> points = new ArrayList<>();
    final List<String> errors = new ArrayList<>();
    /** Policy id to the index in {@link #points} of its ongoing refusal streak. */
    private final Map<String, Integer> refusing = new HashMap<>();
    /** Policy id to the source's sample polls at its latest record. */
    private final Map<String, Long> pollsAtRecord = new HashMap<>();
    int decisions;
    int failedStarts;

    /**
     * A collector that takes hold records and ends a refusal streak at each.
     *
     * @param clock the simulation's clock
     * @param warmNanos the warm-up, before trace time 0
     */
    Events(VirtualClock clock, long warmNanos) {
      this(clock, warmNanos, null, Map.of());
    }

    /**
     * A collector that takes no hold records and tells them from the source's sample polls.
     *
     * @param clock the simulation's clock
     * @param warmNanos the warm-up, before trace time 0
     * @param source the metric source the engine polls, or null to take hold records instead
     * @param readsMetric each of the service's policies by its engine id: whether it reads a metric
     */
    Events(VirtualClock clock, long warmNanos, @Nullable SimMetricSource source, Map<String, Boolean> readsMetric) {
      this.clock = clock;
      this.warmNanos = warmNanos;
      this.source = source;
      this.readsMetric = readsMetric;
    }

    private double traceSeconds() {
      return (clock.nanos() - warmNanos) / 1e9;
    }

    @Override
    public boolean receivesHolds() {
      return source == null;
    }

    @Override
    public void onEvent(EngineEvent e) {
      switch (e.kind()) {
        case ACTION_STARTED -> {
          EngineEvent.ActionStarted a = (EngineEvent.ActionStarted) e;
          actions.add(new ActionRecord(traceSeconds(), a.direction(), a.instance().unitName(), a.attempt(), a.reason()));
        }
        case ACTION_FAILED -> {
          EngineEvent.ActionFailed a = (EngineEvent.ActionFailed) e;
          if (a.direction() == Direction.UP && clock.nanos() >= warmNanos) {
            failedStarts++;
          }
        }
        case DECISION_MADE -> decision(((EngineEvent.DecisionMade) e).record());
        case INTERNAL_ERROR, PLUGIN_FAILED -> errors.add(e.toString());
        default -> { }
      }
    }

    private void decision(DecisionRecord r) {
      if (heldBefore(r)) {
        refusing.remove(r.policyId());
      }
      DecisionRecord.Outcome outcome = r.outcome();
      if (outcome == DecisionRecord.Outcome.HOLD || outcome == DecisionRecord.Outcome.ERROR) {
        if (!refusing.isEmpty()) {
          refusing.remove(r.policyId());
        }
        return;
      }
      decisions++;
      if (outcome == DecisionRecord.Outcome.REFUSED) {
        Integer streak = refusing.get(r.policyId());
        if (streak != null) {
          points.set(streak, points.get(streak).repeated());
          return;
        }
        refusing.put(r.policyId(), points.size());
      } else {
        refusing.remove(r.policyId());
      }
      points.add(new DecisionPoint(traceSeconds(), r.policyId(), outcome, r.direction(), r.service().projected(),
          r.desired(), r.reason(), 0));
    }

    /** Whether the policy held on new samples (an unrecorded hold) since its previous record. */
    private boolean heldBefore(DecisionRecord r) {
      SimMetricSource source = this.source;
      if (source == null) {
        return false; // hold records come themselves
      }
      Boolean reads = readsMetric.get(r.policyId());
      if (reads == null) {
        errors.add("simulation: a decision of policy " + r.policyId() + ", which is not one of the service's "
            + readsMetric.keySet());
        return false;
      }
      long polls = source.samplePolls();
      Long before = pollsAtRecord.put(r.policyId(), polls);
      long answered = r.samples() > 0 ? 1 : 0;
      return reads && polls - (before == null ? 0 : before) > answered;
    }
  }

  /** Describes a simulation; {@link #config}, {@link #trace} and {@link #model} are required. */
  public static final class Builder {
    private @Nullable DynamiteConfig config;
    private @Nullable String service;
    private @Nullable Trace trace;
    private @Nullable ServiceModel model;
    private Duration sampleInterval = Duration.ofSeconds(1);
    private long seed = 1;
    private Duration warmup = Duration.ofMinutes(5);
    private double sloUtilization = 0.8;
    private @Nullable Duration latencyTarget;
    private Duration jumpWindow = Duration.ofSeconds(60);
    private final Map<String, MetricKind> metricKinds = new LinkedHashMap<>();
    private @Nullable PluginRegistry plugins;
    private boolean legacyRouting;
    private @Nullable Progress progress;
    private boolean holdRecords;

    private Builder() {}

    /**
     * Sets the configuration whose policies run (required).
     *
     * @param config a loaded configuration
     * @return this builder
     */
    public Builder config(DynamiteConfig config) {
      this.config = Objects.requireNonNull(config, "config");
      return this;
    }

    /**
     * Chooses the service to simulate; required when the configuration scales several.
     *
     * @param name the service key
     * @return this builder
     */
    public Builder service(@Nullable String name) {
      this.service = name;
      return this;
    }

    /**
     * Sets the demand trace (required).
     *
     * @param trace the trace, already scaled or sped up as wanted
     * @return this builder
     */
    public Builder trace(Trace trace) {
      this.trace = Objects.requireNonNull(trace, "trace");
      return this;
    }

    /**
     * Sets the service model (required).
     *
     * @param model the model
     * @return this builder
     */
    public Builder model(ServiceModel model) {
      this.model = Objects.requireNonNull(model, "model");
      return this;
    }

    /**
     * Sets how often instances report metrics, which is also the scoring resolution; default 1 s.
     *
     * @param interval at least 1 ms
     * @return this builder
     */
    public Builder sampleInterval(Duration interval) {
      if (interval.compareTo(Duration.ofMillis(1)) < 0) {
        throw new IllegalArgumentException("sample interval must be at least 1 ms: " + interval);
      }
      this.sampleInterval = interval;
      return this;
    }

    /**
     * Sets the seed of the noise and the start failures; default 1.
     *
     * @param seed the seed
     * @return this builder
     */
    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    /**
     * Sets the unscored time before the trace; default 5 min.
     *
     * @param warmup not negative
     * @return this builder
     */
    public Builder warmup(Duration warmup) {
      if (warmup.isNegative()) {
        throw new IllegalArgumentException("warm-up must not be negative: " + warmup);
      }
      this.warmup = warmup;
      return this;
    }

    /**
     * Sets the offered utilization above which the objective is missed; default 0.8.
     *
     * @param fraction positive (1.0 = 100 %)
     * @return this builder
     */
    public Builder sloUtilization(double fraction) {
      if (!(fraction > 0) || !Double.isFinite(fraction)) {
        throw new IllegalArgumentException("SLO utilization must be positive: " + fraction);
      }
      this.sloUtilization = fraction;
      return this;
    }

    /**
     * Adds a latency objective: a tick whose modelled latency is above it violates; default none.
     *
     * @param target the latency target, or null for none
     * @return this builder
     */
    public Builder latencyTarget(@Nullable Duration target) {
      if (target != null && (target.isNegative() || target.isZero())) {
        throw new IllegalArgumentException("latency target must be positive: " + target);
      }
      this.latencyTarget = target;
      return this;
    }

    /**
     * Sets the window over which demand rises are measured for the recovery score; default 60 s.
     *
     * @param window positive
     * @return this builder
     */
    public Builder jumpWindow(Duration window) {
      if (window.isNegative() || window.isZero()) {
        throw new IllegalArgumentException("jump window must be positive: " + window);
      }
      this.jumpWindow = window;
      return this;
    }

    /**
     * Says what a metric reports; metrics not named here get {@link MetricKind#guess(String)}.
     *
     * @param metric the metric name as in the policy
     * @param kind what it reports
     * @return this builder
     */
    public Builder metricKind(String metric, MetricKind kind) {
      metricKinds.put(Objects.requireNonNull(metric, "metric"), Objects.requireNonNull(kind, "kind"));
      return this;
    }

    /**
     * Sets the plugin registry the configuration was loaded with; default the built-in policies.
     *
     * @param registry the registry
     * @return this builder
     */
    public Builder plugins(PluginRegistry registry) {
      this.plugins = Objects.requireNonNull(registry, "registry");
      return this;
    }

    /**
     * Routes samples to policies by metric name alone, as the original did (defect B5; see {@code
     * ScalingEngineBuilder#legacyRouting}); default false. With one simulated service it changes
     * nothing but is there to run the original's rule exactly as it ran.
     *
     * @param legacy true for the original's routing
     * @return this builder
     */
    public Builder legacyRouting(boolean legacy) {
      this.legacyRouting = legacy;
      return this;
    }

    /**
     * Sets a listener told how far the run has come, on the running thread, about 200 times per run
     * and once at its end; default none. It cannot change the run.
     *
     * @param listener the listener, or null for none
     * @return this builder
     */
    public Builder progress(@Nullable Progress listener) {
      this.progress = listener;
      return this;
    }

    /**
     * Makes the run take the engine's hold records and end refusal streaks at them, instead of
     * telling holds from the source's polls; slower, the same result. For tests.
     *
     * @param take true to take hold records
     * @return this builder
     */
    Builder holdRecords(boolean take) {
      this.holdRecords = take;
      return this;
    }

    /**
     * Validates the description.
     *
     * @return the simulation, ready to {@link Simulation#run()}
     * @throws IllegalArgumentException if the service cannot be chosen or a setting is inconsistent
     * @throws NullPointerException if a required part is missing
     */
    public Simulation build() {
      return new Simulation(this);
    }

    /**
     * Builds and runs the simulation.
     *
     * @return the result
     */
    public SimulationResult run() {
      return build().run();
    }
  }
}
