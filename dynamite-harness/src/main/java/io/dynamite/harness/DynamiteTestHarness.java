package io.dynamite.harness;

import io.dynamite.api.MetricQuery;
import io.dynamite.api.MetricSample;
import io.dynamite.api.ServiceId;
import io.dynamite.api.UnitHealth;
import io.dynamite.api.UnitOption;
import io.dynamite.api.event.DecisionRecord;
import io.dynamite.api.event.EngineEvent;
import io.dynamite.api.spi.ScalingPolicyProvider;
import io.dynamite.core.EngineSnapshot;
import io.dynamite.core.PluginRegistry;
import io.dynamite.core.ScalingEngine;
import io.dynamite.core.ScalingEngineBuilder;
import io.dynamite.core.config.ConfigLoader;
import io.dynamite.core.config.DynamiteConfig;
import io.dynamite.testkit.FakeMetricSource;
import io.dynamite.testkit.FakeScalingTarget;
import io.dynamite.testkit.InMemoryStateStore;
import io.dynamite.testkit.ManualClock;
import io.dynamite.testkit.ManualScheduler;
import io.dynamite.testkit.RecordingListener;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The real {@link ScalingEngine} on the testkit's fakes, in one line:
 *
 * <pre>{@code
 * try (DynamiteTestHarness h = DynamiteTestHarness.of(yaml)) {
 *   h.push("webserver", "cpu_user", "u1", 95);
 *   assertThat(h.takeDecision().outcome()).isEqualTo(DecisionRecord.Outcome.SCALED);
 *   assertThat(h.started()).containsExactly("web@8000.service", "web@8001.service");
 * }
 * }</pre>
 *
 * <p>Inside: a {@link ManualClock} (at {@code 2015-06-18T08:00:00Z} unless told otherwise) and a
 * {@link ManualScheduler} on it, a {@link FakeMetricSource}, a {@link FakeScalingTarget}, an
 * {@link InMemoryStateStore} and a {@link RecordingListener}, all reachable through accessors.
 * The engine is started when the harness is built, and the start-up (top-up to {@code
 * min_instance}) has run. Time moves only through {@link #advance(Duration)} (and {@link
 * #takeDecision(Duration)}, {@link #awaitNoDecision(Duration)}), so every run is the same.
 *
 * <p><b>Failing loudly.</b> After every call that lets the engine work, the harness checks two
 * things a test would otherwise pass over: a pushed sample that matched no policy (no policy reads
 * its service type, metric and aggregation, so the engine dropped it: an {@link AssertionError}
 * naming the sample and the streams the engine reads, or a warning with {@link
 * UnmatchedSamples#WARN}), and an internal error the engine caught to carry on ({@link
 * EngineEvent.InternalError}: an {@link AssertionError}). {@link #close()} checks both once more.
 *
 * <p>A <em>decision</em> here is a {@link DecisionRecord} whose outcome is not {@link
 * DecisionRecord.Outcome#HOLD}: {@link #takeDecision()} hands them out one at a time, oldest first.
 * Holds are in {@link #events()}.
 *
 * <p>Not thread-safe: drive a harness from the test's thread only.
 *
 * @since 0.3
 */
public final class DynamiteTestHarness implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DynamiteTestHarness.class);

  private final DynamiteConfig config;
  private final ManualClock clock;
  private final ManualScheduler scheduler;
  private final FakeMetricSource metrics = new FakeMetricSource();
  private final FakeScalingTarget target = new FakeScalingTarget();
  private final InMemoryStateStore store = new InMemoryStateStore();
  private final RecordingListener events = new RecordingListener();
  private final ScalingEngine engine;
  private final UnmatchedSamples unmatched;
  private final Duration tick;

  /** How many dropped samples, unrouted samples and internal errors were reported already. */
  private int droppedSeen;
  private long unroutedSeen;
  private int errorsSeen;
  /** Index into {@code events.decisions()} of the first record not yet handed out or skipped. */
  private int decisionCursor;
  private final Set<MetricQuery> warned = new HashSet<>();
  private boolean closed;

  private DynamiteTestHarness(Builder b, DynamiteConfig config, PluginRegistry registry) {
    this.config = config;
    this.clock = new ManualClock(b.start);
    this.scheduler = new ManualScheduler(clock);
    this.unmatched = b.unmatched;
    this.tick = b.tick;
    ScalingEngineBuilder eb = ScalingEngine.builder()
        .config(config)
        .metricSource(metrics)
        .target(target)
        .stateStore(store)
        .clock(clock)
        .scheduler(scheduler)
        .listener(events)
        .plugins(registry);
    b.engineSettings.forEach(c -> c.accept(eb));
    this.engine = eb.build();
  }

  /**
   * Builds and starts a harness on a YAML configuration. Unit files the YAML names are stand-ins
   * ({@code ExecStart=/bin/true}) unless a {@code PathList} folder (relative to the working
   * directory) holds them; see {@link Builder#unit(String, String)} to give them.
   *
   * @param yaml the configuration text, in the format of {@code ConfigLoader}
   * @return the started harness
   * @throws io.dynamite.api.ConfigException if the configuration is invalid
   */
  public static DynamiteTestHarness of(String yaml) {
    return builder().yaml(yaml).build();
  }

  /**
   * Builds and starts a harness on a configuration built in code.
   *
   * @param config the configuration's builder; {@link DynamiteConfig.Builder#build()} is called
   *     with the harness's plugins registered
   * @return the started harness
   * @throws io.dynamite.api.ConfigException if the configuration is invalid
   */
  public static DynamiteTestHarness of(DynamiteConfig.Builder config) {
    return builder().config(config).build();
  }

  /**
   * Builds and starts a harness on a configuration.
   *
   * @param config the configuration
   * @return the started harness
   * @throws io.dynamite.api.ConfigException if the engine refuses the configuration
   */
  public static DynamiteTestHarness of(DynamiteConfig config) {
    return builder().config(config).build();
  }

  /**
   * Starts a builder, for plugins, unit files, the start time or engine settings.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  // ---------------------------------------------------------------- driving

  /**
   * Pushes a per-instance sample stamped now ({@code metric_aggregated: false}) and lets the
   * engine take it.
   *
   * @param serviceType the stream's service type: a policy's {@code service_type}, not the
   *     service's name (the etcd layout's {@code <metrics_base_path>/<service_type>/<uuid>/<metric>})
   * @param metric the metric, a policy's {@code metric}
   * @param uuid the instance's metric uuid
   * @param value the value
   * @return this harness
   * @throws AssertionError if the sample matched no policy (unless {@link UnmatchedSamples#WARN})
   *     or the engine reported an internal error
   */
  public DynamiteTestHarness push(String serviceType, String metric, String uuid, double value) {
    return push(new MetricQuery(serviceType, metric, false), uuid, value);
  }

  /**
   * Pushes an aggregated sample stamped now ({@code metric_aggregated: true}: one value for the
   * whole service, no uuid) and lets the engine take it.
   *
   * @param serviceType the stream's service type (a policy's {@code service_type})
   * @param metric the metric
   * @param value the value
   * @return this harness
   * @throws AssertionError as {@link #push(String, String, String, double)}
   */
  public DynamiteTestHarness push(String serviceType, String metric, double value) {
    return push(new MetricQuery(serviceType, metric, true), MetricSample.AGGREGATED, value);
  }

  /**
   * Pushes a sample of any stream stamped now and lets the engine take it.
   *
   * @param stream the stream
   * @param uuid the instance uuid, or {@link MetricSample#AGGREGATED} for an aggregated stream
   * @param value the value
   * @return this harness
   * @throws AssertionError as {@link #push(String, String, String, double)}
   */
  public DynamiteTestHarness push(MetricQuery stream, String uuid, double value) {
    requireOpen();
    metrics.push(stream, uuid, clock.instant(), value);
    return settle();
  }

  /**
   * Registers the unit name of a metric uuid, as the original's discovery sidekicks do, so that
   * the engine can tell which instance a uuid's samples belong to (scale-down victims, per-instance
   * series).
   *
   * @param serviceType the service type
   * @param uuid the uuid
   * @param unitName the unit, for example {@code web@8000.service}
   * @return this harness
   */
  public DynamiteTestHarness register(String serviceType, String uuid, String unitName) {
    metrics.register(serviceType, uuid, unitName);
    return this;
  }

  /**
   * Moves the clock forward, running every engine task that falls due on the way at its time.
   *
   * @param d how far; not negative
   * @return this harness
   * @throws AssertionError if a sample matched no policy or the engine reported an internal error
   */
  public DynamiteTestHarness advance(Duration d) {
    requireOpen();
    scheduler.advance(d);
    check();
    return this;
  }

  /**
   * Runs every engine task due now without moving the clock, then checks.
   *
   * @return this harness
   * @throws AssertionError if a sample matched no policy or the engine reported an internal error
   */
  public DynamiteTestHarness settle() {
    requireOpen();
    scheduler.runPending();
    check();
    return this;
  }

  // ---------------------------------------------------------------- decisions

  /**
   * Returns the oldest decision not handed out yet, without moving the clock.
   *
   * @return the decision (never a hold)
   * @throws AssertionError if there is none
   */
  public DecisionRecord takeDecision() {
    settle();
    DecisionRecord d = nextDecision();
    if (d == null) {
      throw new AssertionError("no decision was made by " + clock.instant() + describeLastHold());
    }
    return d;
  }

  /**
   * Returns the oldest decision not handed out yet, moving the clock in steps of the tick (1 s
   * unless set) until there is one or {@code within} has passed.
   *
   * @param within the longest time to wait; not negative
   * @return the decision (never a hold)
   * @throws AssertionError if there is none by then
   */
  public DecisionRecord takeDecision(Duration within) {
    Instant deadline = clock.instant().plus(Objects.requireNonNull(within, "within"));
    settle();
    while (true) {
      DecisionRecord d = nextDecision();
      if (d != null) {
        return d;
      }
      Instant now = clock.instant();
      if (!now.isBefore(deadline)) {
        throw new AssertionError("no decision was made within " + within + " (by " + now + ")" + describeLastHold());
      }
      Duration left = Duration.between(now, deadline);
      advance(left.compareTo(tick) < 0 ? left : tick);
    }
  }

  /**
   * Checks that the engine made no decision that was not handed out yet, without moving the clock.
   *
   * @throws AssertionError listing the decisions if there are any
   */
  public void awaitNoDecision() {
    settle();
    List<DecisionRecord> pending = pendingDecisions();
    if (!pending.isEmpty()) {
      StringBuilder sb = new StringBuilder("expected no decision, but the engine made ").append(pending.size()).append(':');
      for (DecisionRecord d : pending) {
        sb.append("\n  ").append(describe(d));
      }
      throw new AssertionError(sb.toString());
    }
  }

  /**
   * Moves the clock forward by {@code during} and checks that the engine made no decision that was
   * not handed out yet.
   *
   * @param during how long; not negative
   * @throws AssertionError listing the decisions if there are any
   */
  public void awaitNoDecision(Duration during) {
    advance(during);
    awaitNoDecision();
  }

  /**
   * Returns the decisions not handed out yet, oldest first, without handing them out.
   *
   * @return the pending decisions
   */
  public List<DecisionRecord> pendingDecisions() {
    List<DecisionRecord> all = events.decisions();
    List<DecisionRecord> out = new ArrayList<>();
    for (int i = decisionCursor; i < all.size(); i++) {
      if (all.get(i).outcome() != DecisionRecord.Outcome.HOLD) {
        out.add(all.get(i));
      }
    }
    return out;
  }

  private @Nullable DecisionRecord nextDecision() {
    List<DecisionRecord> all = events.decisions();
    for (int i = decisionCursor; i < all.size(); i++) {
      DecisionRecord d = all.get(i);
      if (d.outcome() != DecisionRecord.Outcome.HOLD) {
        decisionCursor = i + 1;
        return d;
      }
    }
    return null;
  }

  private String describeLastHold() {
    List<DecisionRecord> all = events.decisions();
    for (int i = all.size() - 1; i >= 0; i--) {
      if (all.get(i).outcome() == DecisionRecord.Outcome.HOLD) {
        return "; the last evaluation held: " + describe(all.get(i));
      }
    }
    return "";
  }

  private static String describe(DecisionRecord d) {
    return d.at() + " " + d.policyId() + " " + d.outcome() + ": " + d.reason();
  }

  // ---------------------------------------------------------------- the target and the engine

  /**
   * Returns the units on the fake target now and their health.
   *
   * @return unit name to health, in creation order
   */
  public Map<String, UnitHealth> units() {
    return target.units();
  }

  /**
   * Returns the main unit names of the successful starts so far, in order.
   *
   * @return unit names, for example {@code web@8000.service}
   */
  public List<String> started() {
    return target.started();
  }

  /**
   * Returns the main unit names of the successful stops so far, in order.
   *
   * @return unit names
   */
  public List<String> stopped() {
    return target.stopped();
  }

  /**
   * Returns the engine's instances of a service now.
   *
   * @param service the service's name
   * @return its instances (starting, running, stopping)
   * @throws IllegalArgumentException if the engine scales no such service
   */
  public List<EngineSnapshot.InstanceSnapshot> instances(String service) {
    ServiceId id = ServiceId.of(service);
    for (EngineSnapshot.ServiceSnapshot s : engine.snapshot().services()) {
      if (s.view().service().equals(id)) {
        return s.instances();
      }
    }
    throw new IllegalArgumentException("the engine scales no service '" + service + "'");
  }

  /**
   * Returns the running instances of a service now (started and not being stopped).
   *
   * @param service the service's name
   * @return the count
   * @throws IllegalArgumentException if the engine scales no such service
   */
  public int running(String service) {
    int n = 0;
    for (EngineSnapshot.InstanceSnapshot i : instances(service)) {
      if ("RUNNING".equals(i.phase())) {
        n++;
      }
    }
    return n;
  }

  /**
   * Returns the configuration the engine runs with.
   *
   * @return the configuration
   */
  public DynamiteConfig config() {
    return config;
  }

  /**
   * Returns the engine, started.
   *
   * @return the engine
   */
  public ScalingEngine engine() {
    return engine;
  }

  /**
   * Returns the clock the engine reads.
   *
   * @return the clock
   */
  public ManualClock clock() {
    return clock;
  }

  /**
   * Returns the scheduler the engine runs on. Moving it directly skips the harness's checks until
   * the next harness call.
   *
   * @return the scheduler
   */
  public ManualScheduler scheduler() {
    return scheduler;
  }

  /**
   * Returns the metric source the harness pushes into (to register uuids, reject values or fail
   * polls).
   *
   * @return the source
   */
  public FakeMetricSource metrics() {
    return metrics;
  }

  /**
   * Returns the target the engine starts and stops instances on (to fail or delay actions, or
   * change a unit's health).
   *
   * @return the target
   */
  public FakeScalingTarget target() {
    return target;
  }

  /**
   * Returns the engine's state store.
   *
   * @return the store
   */
  public InMemoryStateStore store() {
    return store;
  }

  /**
   * Returns the recorder of every engine event, holds and internal errors included.
   *
   * @return the listener
   */
  public RecordingListener events() {
    return events;
  }

  /**
   * Returns the engine clock's time.
   *
   * @return now
   */
  public Instant now() {
    return clock.instant();
  }

  // ---------------------------------------------------------------- checks

  /**
   * Lets the engine run what is due now (samples pushed since the last call included), closes it,
   * then fails if a sample matched no policy or the engine reported an internal error that no
   * earlier call reported. Idempotent.
   *
   * @throws AssertionError as described
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      scheduler.runPending();
    } finally {
      engine.close();
    }
    check();
  }

  private void requireOpen() {
    if (closed) {
      throw new IllegalStateException("the harness is closed");
    }
  }

  /** Reports what went wrong since the last check: internal errors first, then dropped samples. */
  private void check() {
    List<EngineEvent.InternalError> errors = events.internalErrors();
    if (errors.size() > errorsSeen) {
      List<EngineEvent.InternalError> fresh = errors.subList(errorsSeen, errors.size());
      errorsSeen = errors.size();
      StringBuilder sb = new StringBuilder("the engine reported ").append(fresh.size()).append(" internal error(s):");
      for (EngineEvent.InternalError e : fresh) {
        sb.append("\n  ").append(e.at()).append(' ').append(e.where()).append(": ").append(e.error());
      }
      throw new AssertionError(sb.toString());
    }
    int dropped = metrics.dropped();
    if (dropped > droppedSeen) {
      List<MetricSample> kept = metrics.droppedSamples();
      List<MetricSample> fresh = kept.subList(Math.min(droppedSeen, kept.size()), Math.min(dropped, kept.size()));
      int count = dropped - droppedSeen;
      droppedSeen = dropped;
      unmatched(fresh, count);
    }
    long unrouted = engine.snapshot().counters().getOrDefault("samples.unrouted", 0L);
    if (unrouted > unroutedSeen) {
      long count = unrouted - unroutedSeen;
      unroutedSeen = unrouted;
      unmatched(List.of(), count);
    }
  }

  private void unmatched(List<MetricSample> samples, long count) {
    String reads = streamsRead();
    if (unmatched == UnmatchedSamples.WARN) {
      for (MetricSample s : samples) {
        if (warned.add(s.query())) {
          log.warn("a sample of {} matched no policy and was dropped; the policies read: {}", describe(s.query()), reads);
        }
      }
      if (samples.isEmpty()) {
        log.warn("{} sample(s) matched no policy and were dropped; the policies read: {}", count, reads);
      }
      return;
    }
    StringBuilder sb = new StringBuilder();
    if (samples.isEmpty()) {
      sb.append(count).append(" sample(s) matched no policy");
    } else {
      MetricSample s = samples.get(0);
      sb.append("the sample of ").append(describe(s.query()))
          .append(s.isAggregated() ? "" : " for uuid '" + s.uuid() + "'")
          .append(" = ").append(s.value()).append(" at ").append(s.timestamp()).append(" matched no policy");
      if (count > 1) {
        sb.append(" (and ").append(count - 1).append(" more sample(s))");
      }
    }
    sb.append(": the engine dropped it; the policies read: ").append(reads).append('.');
    if (!samples.isEmpty()) {
      sb.append(serviceNameHint(samples.get(0).query()));
    }
    sb.append(" Check the policy's service_type, metric and metric_aggregated (push(type, metric, uuid, value)"
        + " is per instance, push(type, metric, value) aggregated), or build the harness with"
        + " unmatchedSamples(UnmatchedSamples.WARN).");
    throw new AssertionError(sb.toString());
  }

  /** A hint when a sample's service type is the name of a service: a common mix-up. */
  private String serviceNameHint(MetricQuery q) {
    var service = config.services().get(ServiceId.of(q.serviceType()));
    if (service == null) {
      return "";
    }
    List<String> names = new ArrayList<>();
    service.policy(true).ifPresent(names::add);
    service.policy(false).ifPresent(names::add);
    names.addAll(service.policies());
    Set<String> types = new java.util.LinkedHashSet<>();
    for (String name : names) {
      var p = config.policies().get(name);
      if (p != null) {
        p.metricQuery().ifPresent(mq -> types.add(mq.serviceType()));
      }
    }
    return " '" + q.serviceType() + "' is the name of a service; samples are pushed by the service type of"
        + " their stream (a policy's service_type" + (types.isEmpty() ? "" : "; the policies of service '"
        + q.serviceType() + "' read " + String.join(", ", types)) + ").";
  }

  /** The streams the engine polled for: those of the policies attached to its services. */
  private String streamsRead() {
    List<String> out = new ArrayList<>();
    metrics.lastQueries().forEach(q -> out.add(describe(q)));
    return out.isEmpty() ? "no stream" : String.join(", ", out);
  }

  private static String describe(MetricQuery q) {
    return q.serviceType() + "/" + q.metric() + (q.aggregated() ? " (aggregated)" : " (per instance)");
  }

  // ---------------------------------------------------------------- builder

  /**
   * Builds a {@link DynamiteTestHarness}. Not thread-safe.
   *
   * @since 0.3
   */
  public static final class Builder {
    private @Nullable String yaml;
    private @Nullable Path yamlFile;
    private DynamiteConfig.@Nullable Builder configBuilder;
    private @Nullable DynamiteConfig config;
    private Path baseDirectory = Path.of("");
    private final Map<String, Object> units = new LinkedHashMap<>();
    private final PluginRegistry.Builder plugins = PluginRegistry.builder();
    private final List<Consumer<ScalingEngineBuilder>> engineSettings = new ArrayList<>();
    private UnmatchedSamples unmatched = UnmatchedSamples.FAIL;
    private Instant start = ManualClock.atDefaultStart().instant();
    private Duration tick = Duration.ofSeconds(1);

    private Builder() {}

    /**
     * Uses a YAML configuration text. Relative {@code PathList} folders are resolved against
     * {@link #baseDirectory(Path)}; unit files that no folder holds and no {@link #unit} gives are
     * stand-ins ({@code [Service] ExecStart=/bin/true}).
     *
     * @param yaml the text
     * @return this builder
     */
    public Builder yaml(String yaml) {
      clearSource();
      this.yaml = Objects.requireNonNull(yaml, "yaml");
      return this;
    }

    /**
     * Uses a YAML configuration file; relative {@code PathList} folders are resolved against its
     * folder, and unit files are handled as with {@link #yaml(String)}.
     *
     * @param file the file
     * @return this builder
     */
    public Builder yamlFile(Path file) {
      clearSource();
      this.yamlFile = Objects.requireNonNull(file, "file");
      return this;
    }

    /**
     * Uses a configuration built in code; its {@link DynamiteConfig.Builder#build()} is called with
     * this builder's plugins registered.
     *
     * @param config the configuration's builder
     * @return this builder
     */
    public Builder config(DynamiteConfig.Builder config) {
      clearSource();
      this.configBuilder = Objects.requireNonNull(config, "config");
      return this;
    }

    /**
     * Uses a configuration made elsewhere.
     *
     * @param config the configuration
     * @return this builder
     */
    public Builder config(DynamiteConfig config) {
      clearSource();
      this.config = Objects.requireNonNull(config, "config");
      return this;
    }

    private void clearSource() {
      yaml = null;
      yamlFile = null;
      configBuilder = null;
      config = null;
    }

    /**
     * Sets the folder relative {@code PathList} entries of a YAML text are resolved against;
     * default the working directory.
     *
     * @param dir the folder
     * @return this builder
     */
    public Builder baseDirectory(Path dir) {
      this.baseDirectory = Objects.requireNonNull(dir, "dir");
      return this;
    }

    /**
     * Gives a unit file of a YAML configuration as text (see {@code ConfigLoader.Builder#unit}).
     *
     * @param fileName the name the YAML's {@code name_of_unit_file} gives
     * @param text the unit file's text
     * @return this builder
     */
    public Builder unit(String fileName, String text) {
      units.put(Objects.requireNonNull(fileName, "fileName"), Objects.requireNonNull(text, "text"));
      return this;
    }

    /**
     * Gives a unit file of a YAML configuration as options.
     *
     * @param fileName the name the YAML's {@code name_of_unit_file} gives
     * @param options its options
     * @return this builder
     */
    public Builder unit(String fileName, List<UnitOption> options) {
      units.put(Objects.requireNonNull(fileName, "fileName"), List.copyOf(options));
      return this;
    }

    /**
     * Registers a policy type, for the configuration and the engine.
     *
     * @param provider the provider
     * @return this builder
     */
    public Builder policyProvider(ScalingPolicyProvider provider) {
      plugins.policy(provider);
      return this;
    }

    /**
     * Registers every plugin of a registry, for the configuration and the engine.
     *
     * @param registry the registry
     * @return this builder
     */
    public Builder plugins(PluginRegistry registry) {
      plugins.addAll(registry);
      return this;
    }

    /**
     * Registers every plugin {@link java.util.ServiceLoader} finds on a class loader (for example
     * the test's), for the configuration and the engine.
     *
     * @param loader where to look
     * @return this builder
     */
    public Builder discoverPlugins(ClassLoader loader) {
      plugins.discover(loader);
      return this;
    }

    /**
     * Sets what a pushed sample that matched no policy does; default {@link UnmatchedSamples#FAIL}.
     *
     * @param mode fail or warn
     * @return this builder
     */
    public Builder unmatchedSamples(UnmatchedSamples mode) {
      this.unmatched = Objects.requireNonNull(mode, "mode");
      return this;
    }

    /**
     * Sets the clock's start; default {@code 2015-06-18T08:00:00Z}.
     *
     * @param start the first instant
     * @return this builder
     */
    public Builder startAt(Instant start) {
      this.start = Objects.requireNonNull(start, "start");
      return this;
    }

    /**
     * Sets the step in which {@link DynamiteTestHarness#takeDecision(Duration)} moves the clock;
     * default 1 s.
     *
     * @param tick positive
     * @return this builder
     */
    public Builder tick(Duration tick) {
      if (tick.isZero() || tick.isNegative()) {
        throw new IllegalArgumentException("tick must be positive: " + tick);
      }
      this.tick = tick;
      return this;
    }

    /**
     * Changes the engine's settings before it is built, for example {@code b ->
     * b.reconcileInterval(Duration.ofSeconds(5))}, a victim selector, legacy routing or a dry run.
     * The harness's own parts (configuration, source, target, store, clock, scheduler, listener)
     * are set before; an extra metric source or listener may be added.
     *
     * @param settings what to change
     * @return this builder
     */
    public Builder engine(Consumer<ScalingEngineBuilder> settings) {
      engineSettings.add(Objects.requireNonNull(settings, "settings"));
      return this;
    }

    /**
     * Loads the configuration, builds the engine on the fakes and starts it; the start-up has run
     * when this returns.
     *
     * @return the started harness
     * @throws io.dynamite.api.ConfigException if the configuration is invalid
     * @throws IllegalStateException if no configuration was given
     * @throws AssertionError if the engine reported an internal error while starting
     */
    public DynamiteTestHarness build() {
      PluginRegistry registry = plugins.build();
      DynamiteTestHarness h = new DynamiteTestHarness(this, configuration(registry), registry);
      try {
        h.engine.start();
        h.settle();
      } catch (RuntimeException | AssertionError e) {
        h.engine.close();
        throw e;
      }
      return h;
    }

    @SuppressWarnings("unchecked")
    private DynamiteConfig configuration(PluginRegistry registry) {
      if (config != null) {
        return config;
      }
      if (configBuilder != null) {
        return configBuilder.plugins(registry).build();
      }
      if (yaml == null && yamlFile == null) {
        throw new IllegalStateException("no configuration: give yaml(...), yamlFile(...) or config(...)");
      }
      ConfigLoader.Builder lb = ConfigLoader.builder().plugins(registry);
      units.forEach((name, unit) -> {
        if (unit instanceof String text) {
          lb.unit(name, text);
        } else {
          lb.unit(name, (List<UnitOption>) unit);
        }
      });
      String text;
      Path base;
      if (yamlFile != null) {
        try {
          text = java.nio.file.Files.readString(yamlFile);
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException("cannot read " + yamlFile, e);
        }
        Path abs = yamlFile.toAbsolutePath();
        base = abs.getParent() == null ? abs : abs.getParent();
      } else {
        text = Objects.requireNonNull(yaml);
        base = baseDirectory.toAbsolutePath();
      }
      for (String name : StandInUnits.missing(text, base, units.keySet())) {
        lb.unit(name, StandInUnits.TEXT.formatted(name));
      }
      ConfigLoader loader = lb.build();
      return yamlFile != null ? loader.load(yamlFile) : loader.load(text, base);
    }
  }
}
