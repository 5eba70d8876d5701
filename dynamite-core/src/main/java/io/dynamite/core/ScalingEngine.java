package io.dynamite.core;

import io.dynamite.api.ConfigException;
import io.dynamite.api.ServiceId;
import io.dynamite.api.UnitStatus;
import io.dynamite.api.event.DecisionRecord;
import io.dynamite.api.event.EngineEvent;
import io.dynamite.api.event.EngineListener;
import io.dynamite.api.spi.Leadership;
import io.dynamite.api.spi.MetricSource;
import io.dynamite.api.spi.ScalingPolicyProvider;
import io.dynamite.api.spi.ScalingTarget;
import io.dynamite.api.spi.StateStore;
import io.dynamite.api.spi.VictimSelector;
import io.dynamite.core.config.ConfigLoader;
import io.dynamite.core.config.DynamiteConfig;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The autoscaler: reads metrics, evaluates every service's policies, and starts or stops instances
 * on a target, keeping its state in a state store.
 *
 * <p>Build one with {@link #builder()}, then {@link #start()} it; {@link #close()} stops it. The
 * engine is a pipeline of small stages (see {@code docs/architecture.md}): metric sources signal
 * new samples, which are routed to the policies reading their stream (by service type, metric and
 * aggregation, fixing the original's defect B5) and into the service's metric history; the
 * service's policies are evaluated at once, their recommendations combined (the highest wins, so a
 * scale-down needs every policy's consent), clamped to min/max counting actions in flight (B8,
 * B20), and turned into starts or stops that one actuator carries out. Services below {@code
 * min_instance} are topped up. Periodically the target's units are listed and compared with the
 * engine's instances, so counts follow reality (B13).
 *
 * <p>Threading: all engine work runs as tasks on the scheduler (by default one daemon thread the
 * engine owns; in tests a {@code ManualScheduler}), one at a time. Metric-source signals and target
 * completions are handed over to it; no evaluation ever runs on an I/O thread. Listeners are called
 * on the engine's thread. {@link #snapshot()} may be called from any thread and never waits for
 * engine work or I/O.
 *
 * <p>Failure isolation: a policy that throws, a target call that fails or a state-store write that
 * fails affects only its service; the failure is counted, reported as an event and retried with
 * exponential backoff, while other services keep scaling. An unexpected exception inside the
 * engine is counted ({@code engine.errors}) and reported as {@link EngineEvent.InternalError}.
 *
 * <p>Memory: besides instances and intents, the engine keeps each service's last decision records
 * ({@link #decisionHistory}) and each policy's exported state ({@link
 * io.dynamite.api.spi.ScalingPolicy#exportState()}) in the state store, written off the engine
 * thread by the leader only, and reads both back when it gains leadership, so a restart or a
 * failover keeps the history and the policies' windows.
 *
 * @since 0.1
 */
public final class ScalingEngine implements AutoCloseable {
  /** How many decision records {@link #snapshot()} keeps. */
  public static final int RECENT_DECISIONS = 64;

  private static final Logger log = LoggerFactory.getLogger(ScalingEngine.class);
  private static final AtomicInteger ENGINE_IDS = new AtomicInteger();

  private enum Lifecycle { NEW, RUNNING, CLOSED }

  private final DynamiteConfig config;
  private final Leadership leadership;
  private final Clock clock;
  private final ScheduledExecutorService scheduler;
  private final boolean ownsScheduler;
  private final boolean dryRun;
  private final Duration interval;
  private final Duration reconcileInterval;
  private final Duration shutdownTimeout;
  private final Backoff initBackoff;

  private final Recorder recorder;
  private final EngineLoop loop;
  private final Map<ServiceId, ServiceState> services = new LinkedHashMap<>();
  private final List<ServiceState> order = new ArrayList<>();
  private final List<PolicyBinding> bindings = new ArrayList<>();
  private final List<SeriesTable> tables = new ArrayList<>();
  private final MetricIntake intake;
  private final Actuator actuator;
  private final ActionRunner runner;
  private final Pipeline pipeline;
  private final Recovery recovery;
  private final Reconciler reconciler;
  private final Duration window;

  private final AtomicReference<Lifecycle> lifecycle = new AtomicReference<>(Lifecycle.NEW);
  private final List<ScheduledFuture<?>> periodic = new ArrayList<>();
  private volatile boolean leader;
  private volatile boolean ready;
  private final Initialization initialization;
  private final PolicyMemory memory;

  private ScalingEngine(Builder b, PluginRegistry registry) {
    this.config = Objects.requireNonNull(b.config, "config is required");
    ScalingTarget target = Objects.requireNonNull(b.target, "target is required");
    StateStore store = b.store != null ? b.store : new InMemoryStore();
    this.leadership = b.leadership;
    this.clock = b.clock;
    this.dryRun = b.dryRun;
    this.interval = b.interval;
    this.reconcileInterval = b.reconcileInterval;
    this.shutdownTimeout = b.shutdownTimeout;
    this.window = b.window;
    this.initBackoff = new Backoff(b.backoffInitial, b.backoffMax);
    if (b.scheduler != null) {
      this.scheduler = b.scheduler;
      this.ownsScheduler = false;
    } else {
      this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "dynamite-engine-" + ENGINE_IDS.incrementAndGet());
        t.setDaemon(true);
        return t;
      });
      this.ownsScheduler = true;
    }
    int historyCapacity = store.historyCapacity();
    this.recorder = new Recorder(clock, b.listeners,
        new DecisionLog(historyCapacity > 0 ? historyCapacity : StateStore.DEFAULT_HISTORY_CAPACITY));
    this.loop = new EngineLoop(scheduler, recorder);
    // the intake resolves uuids, but the series tables it fills are built before it: late binding
    MetricIntake[] intakeRef = new MetricIntake[1];
    java.util.function.BiFunction<String, String, Optional<String>> resolver =
        (type, uuid) -> intakeRef[0] == null ? Optional.empty() : intakeRef[0].resolve(type, uuid);
    PolicyBinder.Bound bound = PolicyBinder.bind(config, registry, clock, window, resolver);
    services.putAll(bound.services());
    order.addAll(bound.order());
    bindings.addAll(bound.bindings());
    tables.addAll(bound.tables());
    this.intake = new MetricIntake(b.sources, bindings, recorder, b.legacyRouting);
    intakeRef[0] = intake;
    this.actuator = dryRun
        ? new DryRunActuator(target, store, recorder)
        : new LiveActuator(target, store, loop, () -> leader && !closed() && leadership.isLeader(),
            historyWriter(b, store));
    if (!dryRun && historyCapacity > 0) {
      recorder.historySink(actuator::remember);
    }
    this.memory = new PolicyMemory(actuator, recorder, b.policyStateInterval, !dryRun);
    this.runner = new ActionRunner(actuator, recorder, loop, clock, initBackoff, b.maxAttempts, this::reevaluate);
    Planner planner = new Planner(runner, b.victimSelector, recorder, resolver);
    this.pipeline = new Pipeline(new PolicyStage(recorder, memory), planner, recorder, loop, dryRun);
    this.recovery = new Recovery(config, services, actuator, runner, recorder);
    this.reconciler = new Reconciler(config, order, runner, recorder);
    this.initialization = new Initialization(recovery, () -> memory.restore(order), actuator, loop, recorder,
        initBackoff, clock,
        () -> leader && !closed(), this::onReady);
    loop.onWake(this::drain);
  }

  /**
   * The asynchronous lane of decision records and policy states to the store. Its writes need this
   * engine's leadership but not an open engine, so that the last states are written while it
   * closes.
   */
  private HistoryWriter historyWriter(Builder b, StateStore store) {
    return HistoryWriter.create(store, b.historyExecutor, () -> leader && leadership.isLeader(), recorder,
        initBackoff, (delay, retry) -> loop.schedule("history write retry", delay, retry) != null);
  }

  /**
   * Starts composing an engine.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  // ---------------------------------------------------------------- lifecycle

  /**
   * Starts the engine: campaigns for leadership and, once leading, recovers or initialises state,
   * tops services up to their minimum and begins evaluating. Returns at once; the work happens on
   * the scheduler. Idempotent.
   *
   * @throws IllegalStateException if the engine was closed
   */
  public void start() {
    if (!lifecycle.compareAndSet(Lifecycle.NEW, Lifecycle.RUNNING)) {
      if (lifecycle.get() == Lifecycle.CLOSED) {
        throw new IllegalStateException("engine is closed and cannot be restarted");
      }
      return;
    }
    log.info("starting services={} policies={} dryRun={}", services.size(), bindings.size(), dryRun);
    recorder.emit(new EngineEvent.Started(clock.instant()));
    boolean polled = intake.subscribe(loop::wake);
    leadership.start(isLeader -> loop.hop("leadership change", () -> onLeadership(isLeader)));
    if (polled) {
      // sources that cannot signal are polled at the evaluation interval
      add(loop.every("metric poll", interval, () -> {
        if (active()) {
          intake.poll(false);
          evaluateDirty();
        }
      }));
    }
    add(loop.every("reconciliation", reconcileInterval, this::reconcile));
  }

  private void add(@Nullable ScheduledFuture<?> f) {
    if (f != null) {
      synchronized (periodic) {
        periodic.add(f);
      }
    }
  }

  /**
   * Stops the engine: no new action is started; with the engine's own scheduler it waits up to the
   * shutdown timeout for actions in flight to finish, then stops the scheduler. Closes nothing the
   * caller passed in. Idempotent.
   */
  @Override
  public void close() {
    Lifecycle prev = lifecycle.getAndSet(Lifecycle.CLOSED);
    if (prev == Lifecycle.CLOSED) {
      return;
    }
    loop.close();
    synchronized (periodic) {
      periodic.forEach(f -> f.cancel(false));
    }
    if (ownsScheduler) {
      actuator.awaitIdle(shutdownTimeout.toNanos());
      if (actuator.inFlight() > 0) {
        log.warn("closing with {} action(s) still in flight; they are recovered at the next start", actuator.inFlight());
      }
    }
    if (prev == Lifecycle.RUNNING && leader) {
      exportPolicyStates();
    }
    actuator.flush(shutdownTimeout.toNanos());
    if (prev == Lifecycle.RUNNING) {
      recorder.emit(new EngineEvent.Stopped(clock.instant()));
    }
    for (PolicyBinding b : bindings) {
      if (b.policy instanceof AutoCloseable c) {
        try {
          c.close();
        } catch (Exception e) {
          log.warn("policy {} failed to close: {}", b.id, e.toString());
        }
      }
    }
    if (ownsScheduler) {
      scheduler.shutdownNow();
    }
    log.info("stopped");
  }

  /**
   * The policies' last states, exported on the engine thread (the policies are not thread-safe):
   * at once if no engine task runs, else after the running ones, waited for with the engine's own
   * scheduler only (a scheduler passed in may be driven by the very thread that closes).
   */
  private void exportPolicyStates() {
    CountDownLatch done = new CountDownLatch(1);
    loop.run("policy states at close", () -> {
      try {
        memory.exportAll(order);
      } finally {
        done.countDown();
      }
    });
    if (ownsScheduler) {
      try {
        done.await(shutdownTimeout.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private boolean closed() {
    return lifecycle.get() == Lifecycle.CLOSED;
  }

  private boolean active() {
    return !closed() && leader && ready;
  }

  // ---------------------------------------------------------------- leadership and initialisation

  private void onLeadership(boolean isLeader) {
    if (closed() || isLeader == leader) {
      return;
    }
    leader = isLeader;
    log.info("leadership {}", isLeader ? "acquired" : "lost");
    recorder.emit(new EngineEvent.LeadershipChanged(clock.instant(), isLeader));
    if (isLeader) {
      initialization.begin();
    } else {
      ready = false;
    }
  }

  /** Initialisation succeeded: the state is rebuilt; reconcile, top up and take what is waiting. */
  private void onReady(Map<String, UnitStatus> byName, Instant now, String summary) {
    if (closed() || !leader) {
      return;
    }
    ready = true;
    log.info("state ready: {}", summary);
    recorder.emit(new EngineEvent.Recovered(now, summary));
    reconciler.reconcile(byName, now);
    evaluateAll(now);
    loop.wake(); // samples that arrived before leadership wait in the sources
  }

  // ---------------------------------------------------------------- evaluation

  /** A wake-up: take what the signalling sources have, evaluate the services it concerns. */
  private void drain() {
    if (!active()) {
      return;
    }
    if (!intake.poll(true)) {
      // what a failed poll left behind is not signalled again: poll again after the interval
      loop.schedule("metric poll retry", interval, loop::wake);
    }
    evaluateDirty();
  }

  private void evaluateDirty() {
    Instant now = clock.instant();
    for (ServiceState s : order) {
      if (s.dirty && active()) {
        pipeline.evaluate(s, now);
      }
    }
    pipeline.endOfPass();
  }

  private void evaluateAll(Instant now) {
    for (ServiceState s : order) {
      if (active()) {
        pipeline.evaluate(s, now);
      }
    }
    pipeline.endOfPass();
  }

  /** After an action freed a number or ended: the service may need a top-up or a retry. */
  private void reevaluate(ServiceState s) {
    s.dirty = true;
    loop.wake();
  }

  /**
   * Polls every metric source and evaluates every service now, on the calling thread. Evaluation
   * does not need this (it follows the sources' signals and the engine's timers); it exists for
   * benchmarks and for tests that drive the engine from a manual scheduler's thread.
   */
  public void tickNow() {
    loop.run("evaluation", () -> {
      if (active()) {
        intake.pollAll();
        evaluateAll(clock.instant());
      }
    });
  }

  // ---------------------------------------------------------------- reconciliation

  private void reconcile() {
    if (!active()) {
      return;
    }
    actuator.list().whenComplete((units, err) -> loop.hop("reconciliation", () -> {
      if (err != null) {
        recorder.pluginFailed("target", null, "listing units failed: " + describe(unwrap(err)));
      } else if (active()) {
        Instant now = clock.instant();
        reconciler.reconcile(index(units), now);
        Instant cutoff = now.minus(window.multipliedBy(2).plus(Duration.ofMinutes(10)));
        for (SeriesTable t : tables) {
          t.prune(cutoff);
        }
        evaluateAll(now);
      }
    }));
  }

  // ---------------------------------------------------------------- helpers

  static Map<String, UnitStatus> index(List<UnitStatus> units) {
    Map<String, UnitStatus> byName = new HashMap<>();
    for (UnitStatus u : units) {
      byName.put(u.unitName(), u);
    }
    return byName;
  }

  static Throwable unwrap(Throwable t) {
    while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  static String describe(Throwable t) {
    String m = t.getMessage();
    return m == null || m.isBlank() ? t.getClass().getSimpleName() : m;
  }

  /**
   * Returns a picture of the engine. Thread-safe; never waits for engine work or I/O: each
   * service's part is the one it last published, so services may be a few milliseconds apart.
   *
   * @return the snapshot
   */
  public EngineSnapshot snapshot() {
    List<EngineSnapshot.ServiceSnapshot> out = new ArrayList<>(order.size());
    for (ServiceState s : order) {
      out.add(s.published());
    }
    return new EngineSnapshot(clock.instant(), leader, ready, out, recorder.recentDecisions(), recorder.counters());
  }

  /**
   * Returns a service's decision history: its last decision records that were not a plain hold,
   * oldest first, at most {@link #decisionHistoryCapacity()}. While this engine leads, these are
   * the records the store held when it gained leadership followed by the ones it made since (from
   * memory, no I/O); otherwise they are read from the state store on the calling thread, so a
   * standby shows what the leader wrote. Thread-safe.
   *
   * @param service a configured service
   * @return the records; empty when none were made or kept
   * @throws IllegalArgumentException if the service is not configured
   * @throws io.dynamite.api.StateStoreException if the store cannot be read (not leading only)
   * @since 0.3
   */
  public List<DecisionRecord> decisionHistory(ServiceId service) {
    if (!services.containsKey(service)) {
      throw new IllegalArgumentException("no scalable service named '" + service + "'");
    }
    if ((leader && ready) || actuator.historyCapacity() == 0) {
      return recorder.history().list(service);
    }
    return actuator.loadDecisions(service);
  }

  /**
   * Returns how many decision records are kept per service: the state store's {@link
   * StateStore#historyCapacity()}, or {@value StateStore#DEFAULT_HISTORY_CAPACITY} in memory only
   * when the store keeps no history.
   *
   * @return the bound
   * @since 0.3
   */
  public int decisionHistoryCapacity() {
    return recorder.history().capacity();
  }

  /**
   * Tells whether the decision history survives a restart: true when the state store keeps it.
   *
   * @return true if the store keeps the history
   * @since 0.3
   */
  public boolean decisionHistoryDurable() {
    return actuator.historyCapacity() > 0;
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
   * Composes a {@link ScalingEngine}: the configuration and the target are required, everything
   * else has a default. Not thread-safe: configure it on one thread.
   */
  public static final class Builder {
    private @Nullable DynamiteConfig config;
    private @Nullable ScalingTarget target;
    private final List<MetricSource> sources = new ArrayList<>();
    private @Nullable StateStore store;
    private Leadership leadership = Leadership.ALWAYS;
    private Clock clock = Clock.systemUTC();
    private @Nullable ScheduledExecutorService scheduler;
    private final List<EngineListener> listeners = new ArrayList<>();
    private final Map<String, ScalingPolicyProvider> extraProviders = new LinkedHashMap<>();
    private @Nullable ClassLoader discoveryLoader;
    private @Nullable PluginRegistry plugins;
    private Duration window = Duration.ofSeconds(30);
    private VictimSelector victimSelector = VictimSelector.BREACHING_ELSE_HIGHEST;
    private Duration interval = Duration.ofSeconds(1);
    private Duration reconcileInterval = Duration.ofSeconds(30);
    private Duration backoffInitial = Duration.ofSeconds(1);
    private Duration backoffMax = Duration.ofMinutes(1);
    private int maxAttempts = 5;
    private boolean dryRun;
    private boolean legacyRouting;
    private Duration shutdownTimeout = Duration.ofSeconds(30);
    private @Nullable Executor historyExecutor;
    private Duration policyStateInterval = Duration.ofSeconds(10);

    private Builder() {}

    /**
     * Sets the configuration (required).
     *
     * @param config a loaded configuration
     * @return this builder
     */
    public Builder config(DynamiteConfig config) {
      this.config = Objects.requireNonNull(config, "config");
      return this;
    }

    /**
     * Adds a metric source. The engine polls it when it signals new samples (or at the evaluation
     * interval if it cannot signal) and never closes it.
     *
     * @param source the source
     * @return this builder
     */
    public Builder metricSource(MetricSource source) {
      sources.add(Objects.requireNonNull(source, "source"));
      return this;
    }

    /**
     * Sets the target instances run on (required). The engine never closes it.
     *
     * @param target the target
     * @return this builder
     */
    public Builder target(ScalingTarget target) {
      this.target = Objects.requireNonNull(target, "target");
      return this;
    }

    /**
     * Sets the state store; default an in-memory store (state is lost at exit).
     *
     * @param store the store; never closed by the engine
     * @return this builder
     */
    public Builder stateStore(StateStore store) {
      this.store = Objects.requireNonNull(store, "store");
      return this;
    }

    /**
     * Sets the leadership; default {@link Leadership#ALWAYS}. Never closed by the engine.
     *
     * @param leadership the leadership
     * @return this builder
     */
    public Builder leadership(Leadership leadership) {
      this.leadership = Objects.requireNonNull(leadership, "leadership");
      return this;
    }

    /**
     * Sets the clock; default the UTC system clock.
     *
     * @param clock the clock
     * @return this builder
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Sets the scheduler all engine work runs on; default a daemon thread the engine owns and
     * shuts down. A scheduler passed here is never shut down by the engine.
     *
     * @param scheduler the scheduler
     * @return this builder
     */
    public Builder scheduler(ScheduledExecutorService scheduler) {
      this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
      return this;
    }

    /**
     * Adds a listener. A listener that also implements {@link SampleObserver} is told about every
     * run of ingested samples as well (telemetry of ingest counts and sample lag).
     *
     * @param listener the listener
     * @return this builder
     */
    public Builder listener(EngineListener listener) {
      listeners.add(Objects.requireNonNull(listener, "listener"));
      return this;
    }

    /**
     * Adds a policy provider, overriding a discovered or built-in one of the same type.
     *
     * @param provider the provider
     * @return this builder
     */
    public Builder policyProvider(ScalingPolicyProvider provider) {
      extraProviders.put(Objects.requireNonNull(provider, "provider").type(), provider);
      return this;
    }

    /**
     * Discovers plugin providers with {@link java.util.ServiceLoader} on a class loader; a
     * shorthand for {@link #plugins(PluginRegistry)} with {@link PluginRegistry.Builder#discover}.
     *
     * @param loader where to look
     * @return this builder
     */
    public Builder discoverPlugins(ClassLoader loader) {
      this.discoveryLoader = Objects.requireNonNull(loader, "loader");
      return this;
    }

    /**
     * Sets the plugin registry the configuration was loaded with; default the built-in policy
     * types (plus {@link #discoverPlugins} when set). Providers added with {@link
     * #policyProvider} override the registry's of the same type.
     *
     * @param registry the registry
     * @return this builder
     */
    public Builder plugins(PluginRegistry registry) {
      this.plugins = Objects.requireNonNull(registry, "registry");
      return this;
    }

    /**
     * Sets how much metric history the engine keeps per stream for policies ({@link
     * io.dynamite.api.MetricSeries#window()}); default 30 s, and never more than {@value
     * SeriesTable#MAX_SAMPLES} samples per series. The newest value is always kept.
     *
     * @param window not negative
     * @return this builder
     */
    public Builder metricWindow(Duration window) {
      if (Objects.requireNonNull(window, "window").isNegative()) {
        throw new IllegalArgumentException("metricWindow must not be negative: " + window);
      }
      this.window = window;
      return this;
    }

    /**
     * Sets how the scale-down victim is chosen; default {@link
     * VictimSelector#BREACHING_ELSE_HIGHEST}.
     *
     * @param selector the selector
     * @return this builder
     */
    public Builder victimSelector(VictimSelector selector) {
      this.victimSelector = Objects.requireNonNull(selector, "selector");
      return this;
    }

    /**
     * Sets how often metric sources that cannot signal new samples are polled; default 1 s.
     * Sources that signal (the etcd sources, the testkit's fake) are polled only when they do.
     *
     * @param interval positive
     * @return this builder
     */
    public Builder evaluationInterval(Duration interval) {
      this.interval = positive(interval, "evaluationInterval");
      return this;
    }

    /**
     * Sets how often the target's units are listed to reconcile counts; default 30 s.
     *
     * @param interval positive
     * @return this builder
     */
    public Builder reconcileInterval(Duration interval) {
      this.reconcileInterval = positive(interval, "reconcileInterval");
      return this;
    }

    /**
     * Sets the per-service backoff after failed actions: {@code initial}, doubling up to {@code
     * max}; defaults 1 s and 1 min.
     *
     * @param initial first delay, positive
     * @param max cap, not below initial
     * @return this builder
     */
    public Builder retryBackoff(Duration initial, Duration max) {
      positive(initial, "initial");
      positive(max, "max");
      if (max.compareTo(initial) < 0) {
        throw new IllegalArgumentException("max backoff " + max + " is below initial " + initial);
      }
      this.backoffInitial = initial;
      this.backoffMax = max;
      return this;
    }

    /**
     * Sets how many times one scale action is tried before it is dropped; default 5.
     *
     * @param attempts at least 1
     * @return this builder
     */
    public Builder maxAttempts(int attempts) {
      if (attempts < 1) {
        throw new IllegalArgumentException("maxAttempts must be >= 1: " + attempts);
      }
      this.maxAttempts = attempts;
      return this;
    }

    /**
     * In dry-run mode the engine decides and reports, but never starts or stops an instance.
     *
     * @param dryRun true for dry run
     * @return this builder
     */
    public Builder dryRun(boolean dryRun) {
      this.dryRun = dryRun;
      return this;
    }

    /**
     * Routes samples to policies by metric name alone, as the original did (defect B5), instead of
     * by (service type, metric, aggregation). Only for reproducing the original.
     *
     * @param legacy true for the original's routing
     * @return this builder
     */
    public Builder legacyRouting(boolean legacy) {
      this.legacyRouting = legacy;
      return this;
    }

    /**
     * Sets how long {@link ScalingEngine#close()} waits for actions in flight (own scheduler
     * only); default 30 s.
     *
     * @param timeout not negative
     * @return this builder
     */
    public Builder shutdownTimeout(Duration timeout) {
      if (timeout.isNegative()) {
        throw new IllegalArgumentException("shutdownTimeout must not be negative: " + timeout);
      }
      this.shutdownTimeout = timeout;
      return this;
    }

    /**
     * Sets where decision records and policy states are written to the state store; default a
     * daemon thread the engine owns, which {@link ScalingEngine#close()} waits for (up to the
     * shutdown timeout) and stops. An executor passed here is never shut down, and close() does not
     * wait for it. The writes never run on the engine's own thread unless this executor does so.
     *
     * @param executor runs the writes, one at a time
     * @return this builder
     * @since 0.3
     */
    public Builder historyExecutor(Executor executor) {
      this.historyExecutor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /**
     * Sets how often, at most, a policy's state ({@link
     * io.dynamite.api.spi.ScalingPolicy#exportState()}) is exported after an evaluation and stored
     * when it changed; default 10 s. It is exported once more when the engine is closed, so this is
     * what a crash can lose of a policy's memory.
     *
     * @param interval positive
     * @return this builder
     * @since 0.3
     */
    public Builder policyStateInterval(Duration interval) {
      this.policyStateInterval = positive(interval, "policyStateInterval");
      return this;
    }

    private PluginRegistry registry() {
      PluginRegistry.Builder rb = PluginRegistry.builder();
      if (plugins != null) {
        rb.addAll(plugins);
      }
      if (discoveryLoader != null) {
        rb.discover(discoveryLoader);
      }
      PluginRegistry r = rb.build();
      return extraProviders.isEmpty() ? r : r.overriding(extraProviders.values());
    }

    /**
     * Checks the configuration, builds the engine and creates every policy instance. The
     * configuration is checked with {@link ConfigLoader#validate(DynamiteConfig)} against this
     * builder's plugins, so a configuration assembled from records by hand is held to the rules
     * of a YAML file and reported with the same paths and messages.
     *
     * @return the engine, not yet started
     * @throws ConfigException if the configuration breaks a rule of the YAML format, a policy's
     *     type is unknown or a provider rejects its settings (every problem at once)
     * @throws IllegalStateException if the configuration or target is missing
     */
    public ScalingEngine build() {
      if (config == null) {
        throw new IllegalStateException("config is required");
      }
      if (target == null) {
        throw new IllegalStateException("target is required");
      }
      PluginRegistry registry = registry();
      ConfigLoader.builder().plugins(registry).clock(clock).build().validate(config);
      return new ScalingEngine(this, registry);
    }

    private static Duration positive(Duration d, String name) {
      Objects.requireNonNull(d, name);
      if (d.isZero() || d.isNegative()) {
        throw new IllegalArgumentException(name + " must be positive: " + d);
      }
      return d;
    }
  }
}
