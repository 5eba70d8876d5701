package io.dynamite.core;

import io.dynamite.api.ServiceId;
import io.dynamite.api.UnitStatus;
import io.dynamite.api.event.DecisionRecord;
import io.dynamite.api.event.EngineEvent;
import io.dynamite.api.spi.Leadership;
import io.dynamite.api.spi.ScalingTarget;
import io.dynamite.api.spi.StateStore;
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

  ScalingEngine(ScalingEngineBuilder b, PluginRegistry registry) {
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
  private HistoryWriter historyWriter(ScalingEngineBuilder b, StateStore store) {
    return HistoryWriter.create(store, b.historyExecutor, () -> leader && leadership.isLeader(), recorder,
        initBackoff, (delay, retry) -> loop.schedule("history write retry", delay, retry) != null);
  }

  /**
   * Starts composing an engine.
   *
   * @return a new builder
   */
  public static ScalingEngineBuilder builder() {
    return new ScalingEngineBuilder();
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
}
