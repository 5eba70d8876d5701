package io.dynamite.core;

import io.dynamite.api.ConfigException;
import io.dynamite.api.ConfigProblem;
import io.dynamite.api.Direction;
import io.dynamite.api.InstanceId;
import io.dynamite.api.InstancePlan;
import io.dynamite.api.MetricPoll;
import io.dynamite.api.MetricQuery;
import io.dynamite.api.MetricSample;
import io.dynamite.api.PolicyInput;
import io.dynamite.api.PolicySpec;
import io.dynamite.api.RejectedSample;
import io.dynamite.api.ScalingDecision;
import io.dynamite.api.ServiceId;
import io.dynamite.api.ServiceView;
import io.dynamite.api.TargetException;
import io.dynamite.api.UnitHealth;
import io.dynamite.api.UnitStatus;
import io.dynamite.api.event.DecisionRecord;
import io.dynamite.api.event.EngineEvent;
import io.dynamite.api.event.EngineListener;
import io.dynamite.api.spi.InstanceInfo;
import io.dynamite.api.spi.Leadership;
import io.dynamite.api.spi.MetricSource;
import io.dynamite.api.spi.PluginContext;
import io.dynamite.api.spi.ScalingPolicy;
import io.dynamite.api.spi.ScalingPolicyProvider;
import io.dynamite.api.spi.ScalingTarget;
import io.dynamite.api.spi.StateStore;
import io.dynamite.api.spi.VictimSelector;
import io.dynamite.api.state.ActionIntent;
import io.dynamite.api.state.EngineStatus;
import io.dynamite.api.state.InstanceRecord;
import io.dynamite.api.state.StoredState;
import io.dynamite.core.config.DynamiteConfig;
import io.dynamite.core.config.PolicyConfig;
import io.dynamite.core.config.ServiceConfig;
import io.dynamite.core.internal.InMemoryStore;
import io.dynamite.core.internal.Instance;
import io.dynamite.core.internal.ServiceRuntime;
import io.dynamite.core.policy.ThresholdPolicyProvider;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
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
 * <p>Build one with {@link #builder()}, then {@link #start()} it; {@link #close()} stops it. Every
 * tick (default 1 s, like the original's metrics pass) the engine polls its metric sources, routes
 * each sample to the policies reading its stream (by service type, metric and aggregation, fixing
 * the original's defect B5), evaluates each policy and applies its decision through the min/max
 * gates, which count actions in flight (B8, B20). Services below {@code min_instance} are topped up.
 * Periodically the target's units are listed and compared with the engine's instances, so counts
 * follow reality (B13).
 *
 * <p>Threading: all engine work runs as tasks on the scheduler (by default one daemon thread the
 * engine owns; in tests a {@code ManualScheduler}). Target completions are handed back to the
 * scheduler. Listeners are called on that thread. {@link #snapshot()} may be called from any
 * thread.
 *
 * <p>Failure isolation: a policy that throws, a target call that fails or a state-store write that
 * fails affects only its service; the failure is counted, reported as an event and retried with
 * exponential backoff, while other services keep scaling.
 *
 * @since 0.1
 */
public final class ScalingEngine implements AutoCloseable {
  /** How many decision records {@link #snapshot()} keeps. */
  public static final int RECENT_DECISIONS = 64;

  private static final Logger log = LoggerFactory.getLogger(ScalingEngine.class);

  private enum Lifecycle { NEW, RUNNING, CLOSED }

  private final DynamiteConfig config;
  private final List<MetricSource> sources;
  private final ScalingTarget target;
  private final StateStore store;
  private final Leadership leadership;
  private final Clock clock;
  private final ScheduledExecutorService scheduler;
  private final boolean ownsScheduler;
  private final List<EngineListener> listeners;
  private final VictimSelector victimSelector;
  private final Duration interval;
  private final Duration reconcileInterval;
  private final Duration backoffInitial;
  private final Duration backoffMax;
  private final int maxAttempts;
  private final boolean dryRun;
  private final boolean legacyRouting;
  private final Duration shutdownTimeout;

  private final AtomicReference<Lifecycle> lifecycle = new AtomicReference<>(Lifecycle.NEW);
  /** Guards every field below: engine tasks hold it while they run, snapshot() to read. */
  private final Object lock = new Object();
  private final Map<ServiceId, ServiceRuntime> services = new LinkedHashMap<>();
  private final List<PolicyHandle> handles = new ArrayList<>();
  private final Map<MetricQuery, PolicyHandle[]> routes = new HashMap<>();
  private final Map<String, PolicyHandle[]> legacyRoutes = new HashMap<>();
  private final List<MetricQuery> queries;
  private final Set<String> rejectedKeys = new HashSet<>();
  private final Set<String> reportedUnknownUnits = new HashSet<>();
  private final ArrayDeque<DecisionRecord> recent = new ArrayDeque<>();
  private final Map<String, Long> counters = new TreeMap<>();
  private final AtomicInteger inFlight = new AtomicInteger();
  /** Per service, the min_instance shortfall last reported in a dry run. */
  private final Map<String, Integer> dryRunShortfall = new HashMap<>();
  private boolean leader;
  private boolean ready;
  private boolean initializing;
  private boolean sourceFailing;
  private int initFailures;
  private long intentSeq;
  private final List<ScheduledFuture<?>> periodic = new ArrayList<>();

  /** One policy attached to one service in one direction. */
  private static final class PolicyHandle {
    final String id;
    final String name;
    final Direction direction;
    final ServiceRuntime service;
    final ScalingPolicy policy;
    final @Nullable MetricQuery query;
    /** The only run of samples routed to this policy in this tick, handed over without copying. */
    @Nullable List<MetricSample> single;
    /** Samples of this tick when more than one run was routed here. */
    final ArrayList<MetricSample> buffer = new ArrayList<>();

    void add(List<MetricSample> run) {
      if (single == null && buffer.isEmpty()) {
        single = run;
        return;
      }
      if (single != null) {
        buffer.addAll(single);
        single = null;
      }
      buffer.addAll(run);
    }

    /** Returns this tick's samples as an immutable list and forgets them. */
    List<MetricSample> take() {
      List<MetricSample> out;
      if (single != null) {
        out = single;
        single = null;
      } else if (buffer.isEmpty()) {
        out = List.of();
      } else {
        out = List.copyOf(buffer);
        buffer.clear();
      }
      return out;
    }

    PolicyHandle(String id, String name, Direction direction, ServiceRuntime service,
        ScalingPolicy policy, @Nullable MetricQuery query) {
      this.id = id;
      this.name = name;
      this.direction = direction;
      this.service = service;
      this.policy = policy;
      this.query = query;
    }
  }

  private ScalingEngine(Builder b) {
    this.config = Objects.requireNonNull(b.config, "config is required");
    this.target = Objects.requireNonNull(b.target, "target is required");
    this.sources = List.copyOf(b.sources);
    this.store = b.store != null ? b.store : new InMemoryStore();
    this.leadership = b.leadership;
    this.clock = b.clock;
    this.listeners = List.copyOf(b.listeners);
    this.victimSelector = b.victimSelector;
    this.interval = b.interval;
    this.reconcileInterval = b.reconcileInterval;
    this.backoffInitial = b.backoffInitial;
    this.backoffMax = b.backoffMax;
    this.maxAttempts = b.maxAttempts;
    this.dryRun = b.dryRun;
    this.legacyRouting = b.legacyRouting;
    this.shutdownTimeout = b.shutdownTimeout;
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
    this.queries = buildPolicies(b.providers());
  }

  private static final AtomicInteger ENGINE_IDS = new AtomicInteger();

  /**
   * Starts composing an engine.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  // ---------------------------------------------------------------- construction

  private List<MetricQuery> buildPolicies(Map<String, ScalingPolicyProvider> providers) {
    List<ConfigProblem> problems = new ArrayList<>();
    for (ServiceConfig sc : config.scalableServices()) {
      List<ServiceConfig> attached = new ArrayList<>();
      for (ServiceId a : sc.attached()) {
        attached.add(config.service(a));
      }
      services.put(sc.id(), new ServiceRuntime(sc, attached));
    }
    // The original builds scale_down before scale_up for every service; keep that order so that
    // evaluation order (and therefore action order within a tick) matches.
    for (ServiceRuntime rt : services.values()) {
      for (Direction d : new Direction[] {Direction.DOWN, Direction.UP}) {
        Optional<String> name = rt.config.policy(d == Direction.UP);
        if (name.isEmpty()) {
          continue;
        }
        String path = "Dynamite.ScalingPolicy." + name.get();
        PolicyConfig pc = config.policies().get(name.get());
        if (pc == null) {
          problems.add(new ConfigProblem("Dynamite.Service." + rt.id() + (d == Direction.UP ? ".scale_up_policy" : ".scale_down_policy"),
              "unknown policy '" + name.get() + "'"));
          continue;
        }
        ScalingPolicyProvider provider = providers.get(pc.type());
        if (provider == null) {
          problems.add(new ConfigProblem(path + ".type", "unknown policy type '" + pc.type()
              + "'; known types: " + String.join(", ", new java.util.TreeSet<>(providers.keySet()))));
          continue;
        }
        String id = rt.id() + "/" + d.name().toLowerCase(java.util.Locale.ROOT) + "/" + pc.name();
        PolicySpec spec = new PolicySpec(pc.name(), pc.type(), rt.id(), d, pc.query(), pc.settings());
        try {
          ScalingPolicy policy = provider.create(spec, PluginContext.of(clock, id, pc.type()));
          handles.add(new PolicyHandle(id, pc.name(), d, rt, Objects.requireNonNull(policy, "provider returned null"), pc.query()));
        } catch (ConfigException e) {
          for (ConfigProblem p : e.problems()) {
            problems.add(p.under(path));
          }
        }
      }
    }
    if (!problems.isEmpty()) {
      throw new ConfigException(problems);
    }
    Map<MetricQuery, List<PolicyHandle>> byQuery = new LinkedHashMap<>();
    Map<String, List<PolicyHandle>> byMetric = new LinkedHashMap<>();
    for (PolicyHandle h : handles) {
      if (h.query != null) {
        byQuery.computeIfAbsent(h.query, k -> new ArrayList<>()).add(h);
        byMetric.computeIfAbsent(h.query.metric(), k -> new ArrayList<>()).add(h);
      }
    }
    byQuery.forEach((q, l) -> routes.put(q, l.toArray(new PolicyHandle[0])));
    byMetric.forEach((m, l) -> legacyRoutes.put(m, l.toArray(new PolicyHandle[0])));
    return List.copyOf(byQuery.keySet());
  }

  // ---------------------------------------------------------------- lifecycle

  /**
   * Starts the engine: campaigns for leadership and, once leading, recovers or initialises state,
   * tops services up to their minimum and begins ticking. Returns at once; the work happens on the
   * scheduler. Idempotent.
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
    log.info("starting services={} policies={} interval={} dryRun={}",
        services.size(), handles.size(), interval, dryRun);
    emit(new EngineEvent.Started(clock.instant()));
    leadership.start(isLeader -> hop(() -> onLeadership(isLeader)));
    periodic.add(scheduler.scheduleAtFixedRate(() -> run(this::tick),
        interval.toNanos(), interval.toNanos(), TimeUnit.NANOSECONDS));
    periodic.add(scheduler.scheduleAtFixedRate(() -> run(this::reconcile),
        reconcileInterval.toNanos(), reconcileInterval.toNanos(), TimeUnit.NANOSECONDS));
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
    synchronized (lock) {
      for (ScheduledFuture<?> f : periodic) {
        f.cancel(false);
      }
    }
    if (ownsScheduler) {
      long deadline = System.nanoTime() + shutdownTimeout.toNanos();
      synchronized (inFlight) {
        while (inFlight.get() > 0 && System.nanoTime() < deadline) {
          try {
            inFlight.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            break;
          }
        }
      }
      if (inFlight.get() > 0) {
        log.warn("closing with {} action(s) still in flight; they are recovered at the next start", inFlight.get());
      }
    }
    if (prev == Lifecycle.RUNNING) {
      emit(new EngineEvent.Stopped(clock.instant()));
    }
    for (PolicyHandle h : handles) {
      if (h.policy instanceof AutoCloseable c) {
        try {
          c.close();
        } catch (Exception e) {
          log.warn("policy {} failed to close: {}", h.id, e.toString());
        }
      }
    }
    if (ownsScheduler) {
      scheduler.shutdownNow();
    }
    log.info("stopped");
  }

  private boolean closed() {
    return lifecycle.get() == Lifecycle.CLOSED;
  }

  /** Hands work to the engine thread; dropped once the scheduler is gone. */
  private void hop(Runnable r) {
    try {
      scheduler.execute(() -> run(r));
    } catch (RejectedExecutionException e) {
      log.debug("engine scheduler gone; dropping a completion");
    }
  }

  /** Runs one engine task under the lock; the tick boundary is the only place that catches all. */
  private void run(Runnable r) {
    synchronized (lock) {
      try {
        r.run();
      } catch (RuntimeException e) {
        count("engine.errors");
        log.error("unexpected engine error; the engine carries on", e);
      }
    }
  }

  // ---------------------------------------------------------------- leadership and initialisation

  private void onLeadership(boolean isLeader) {
    if (closed() || isLeader == leader) {
      return;
    }
    leader = isLeader;
    log.info("leadership {}", isLeader ? "acquired" : "lost");
    emit(new EngineEvent.LeadershipChanged(clock.instant(), isLeader));
    if (isLeader) {
      initialize();
    } else {
      ready = false;
    }
  }

  private void initialize() {
    if (closed() || !leader || initializing) {
      return;
    }
    initializing = true;
    StoredState stored;
    try {
      stored = store.load();
      if (stored.status() == EngineStatus.NONE) {
        store.saveStatus(EngineStatus.INITIALIZING);
      } else {
        store.saveStatus(EngineStatus.RECOVERING);
      }
    } catch (RuntimeException e) {
      initFailed("state-store", e);
      return;
    }
    final StoredState state = stored;
    CompletionStage<List<UnitStatus>> listing;
    try {
      listing = target.list();
    } catch (RuntimeException e) {
      initFailed("target", e);
      return;
    }
    listing.whenComplete((units, err) -> hop(() -> {
      if (err != null) {
        initFailed("target", unwrap(err));
      } else {
        finishInit(state, units);
      }
    }));
  }

  private void initFailed(String plugin, Throwable e) {
    initializing = false;
    initFailures++;
    Duration delay = backoff(initFailures);
    pluginFailed(plugin, null, "initialisation failed, retrying in " + delay + ": " + describe(e));
    try {
      scheduler.schedule(() -> run(this::initialize), delay.toNanos(), TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException ignored) {
      // closing
    }
  }

  private void finishInit(StoredState state, List<UnitStatus> units) {
    initializing = false;
    if (closed() || !leader) {
      return;
    }
    Instant now = clock.instant();
    Map<String, UnitStatus> byName = index(units);
    for (ServiceRuntime rt : services.values()) {
      rt.clear();
      rt.failures = 0;
      rt.backoffUntil = null;
    }
    List<String> summary = new ArrayList<>();
    summary.add("stored status " + (state.status() == EngineStatus.NONE ? "none" : state.status().storedValue()));
    int adopted = 0;
    int dropped = 0;
    Set<String> intentUnits = new HashSet<>();
    for (ActionIntent intent : state.intents()) {
      intentUnits.add(intent.plan().id().unitName());
    }
    for (InstanceRecord r : state.instances()) {
      ServiceRuntime rt = services.get(r.id().service());
      if (intentUnits.contains(r.id().unitName())) {
        continue; // its intent decides below
      }
      if (rt == null) {
        summary.add("instance " + r.id() + " belongs to no configured service; left untouched");
        continue;
      }
      if (!byName.containsKey(r.id().unitName())) {
        drift(r.id().unitName(), EngineEvent.DriftDetected.Drift.GONE, "recorded instance has no unit on the target");
        safeStore(rt, () -> store.deleteInstance(r.id()));
        dropped++;
        continue;
      }
      if (!rt.claim(r.number())) {
        summary.add("instance " + r.id() + " does not fit the number table (configuration changed?); counted anyway");
      }
      Instance inst = new Instance(rt.plan(r.number()), Instance.Phase.RUNNING, now);
      rt.add(inst);
      adopted++;
    }
    int finished = 0;
    int rolledBack = 0;
    for (ActionIntent intent : state.intents()) {
      ServiceRuntime rt = services.get(intent.plan().id().service());
      InstancePlan plan = intent.plan();
      boolean allPresent = true;
      for (String u : plan.unitNames()) {
        UnitStatus st = byName.get(u);
        if (st == null || !(st.health() == UnitHealth.RUNNING || st.health() == UnitHealth.STARTING)) {
          allPresent = false;
        }
      }
      if (intent.kind() == ActionIntent.Kind.START && allPresent && rt != null && rt.claim(plan.number())) {
        Instance inst = new Instance(plan, Instance.Phase.RUNNING, now);
        rt.add(inst);
        safeStore(rt, () -> {
          store.saveInstance(ServiceRuntime.record(inst));
          store.deleteIntent(intent.id());
        });
        finished++;
        continue;
      }
      // A start that did not complete, or a stop: make sure every unit of the plan is gone.
      if (rt != null) {
        rt.claim(plan.number());
        Instance inst = new Instance(plan,
            intent.kind() == ActionIntent.Kind.START ? Instance.Phase.ROLLING_BACK : Instance.Phase.STOPPING, now);
        inst.intentId = intent.id();
        inst.reason = "recovering an interrupted " + intent.kind().name().toLowerCase(java.util.Locale.ROOT);
        rt.add(inst);
        stopUnits(rt, inst, true);
      } else {
        recoverOrphanIntent(intent);
      }
      rolledBack++;
    }
    summary.add(adopted + " instance(s) adopted, " + dropped + " gone, " + finished
        + " interrupted start(s) completed, " + rolledBack + " interrupted action(s) being undone");
    Map<String, Object> storedDoc = state.configuration();
    if (storedDoc != null && !storedDoc.equals(config.document())) {
      summary.add("configuration differs from the stored one: " + ConfigDiff.describe(storedDoc, config.document()));
    }
    try {
      store.saveConfiguration(config.document());
      for (ServiceRuntime rt : services.values()) {
        store.saveService(rt.record());
      }
      store.saveStatus(EngineStatus.RUNNING);
    } catch (RuntimeException e) {
      initFailed("state-store", e);
      return;
    }
    initFailures = 0;
    ready = true;
    String text = String.join("; ", summary);
    log.info("state ready: {}", text);
    emit(new EngineEvent.Recovered(now, text));
    reconcileWith(byName);
    topUp();
  }

  private void recoverOrphanIntent(ActionIntent intent) {
    // The service is no longer configured, but the units are ours (we wrote the intent): remove them.
    InstancePlan plan = intent.plan();
    inFlight.incrementAndGet();
    call(() -> target.stop(plan)).whenComplete((v, err) -> hop(() -> {
      try {
        if (err == null) {
          try {
            store.deleteIntent(intent.id());
          } catch (RuntimeException e) {
            pluginFailed("state-store", plan.id().service(), describe(e));
          }
        } else {
          pluginFailed("target", plan.id().service(), "could not undo " + plan.id() + ": " + describe(unwrap(err)));
        }
      } finally {
        done(); // after the intent's removal, as for starts
      }
    }));
  }

  // ---------------------------------------------------------------- the tick

  /**
   * Runs one evaluation tick now, on the calling thread: polls metrics, evaluates policies, applies
   * decisions and tops up services. The scheduler calls this every interval; call it directly
   * only from the engine's scheduler thread (benchmarks, tests with a manual scheduler).
   */
  public void tickNow() {
    run(this::tick);
  }

  private void tick() {
    if (closed() || !leader || !ready) {
      return;
    }
    Instant now = clock.instant();
    for (MetricSource source : sources) {
      MetricPoll poll;
      try {
        poll = source.poll(queries);
        if (sourceFailing) {
          sourceFailing = false;
          log.info("metric source recovered");
        }
      } catch (RuntimeException e) {
        count("plugin.failures");
        if (!sourceFailing) {
          sourceFailing = true;
          log.warn("metric source failed; retrying every tick: {}", describe(e));
        } else {
          log.debug("metric source still failing: {}", describe(e));
        }
        emit(new EngineEvent.PluginFailed(now, "metric-source", null, describe(e)));
        continue;
      }
      for (RejectedSample r : poll.rejected()) {
        onRejected(now, r);
      }
      route(poll.samples());
    }
    count("evaluations", handles.size());
    for (PolicyHandle h : handles) {
      evaluate(h, now);
    }
    retryFailedUps(now);
    topUp();
  }

  private void route(List<MetricSample> samples) {
    count("samples", samples.size());
    long unrouted = 0;
    // Sources deliver each stream's samples together. Each run of consecutive samples of one
    // stream is looked up once and handed to its policies as one shared immutable list, which
    // saves a hash lookup and a buffer append per sample (the tick is memory-bound).
    int n = samples.size();
    int i = 0;
    while (i < n) {
      MetricQuery q = samples.get(i).query();
      int j = i + 1;
      while (j < n && samples.get(j).query() == q) {
        j++;
      }
      PolicyHandle[] targets = legacyRouting ? legacyRoutes.get(q.metric()) : routes.get(q);
      if (targets == null) {
        unrouted += j - i;
      } else {
        List<MetricSample> run = List.copyOf(samples.subList(i, j));
        for (PolicyHandle h : targets) {
          h.add(run);
        }
      }
      i = j;
    }
    if (unrouted > 0) {
      count("samples.unrouted", unrouted);
    }
  }

  private void onRejected(Instant now, RejectedSample r) {
    count("metrics.rejected");
    boolean first = rejectedKeys.add(r.key());
    if (first) {
      log.warn("skipping unusable metric value key={} reason={}", r.key(), r.reason());
    } else {
      log.debug("skipping unusable metric value key={} reason={}", r.key(), r.reason());
    }
    emit(new EngineEvent.MetricRejected(now, r.key(), r.reason(), first));
  }

  private void evaluate(PolicyHandle h, Instant now) {
    ServiceView view = h.service.view();
    PolicyInput input = new PolicyInput(view, h.take(), now); // an immutable list is not copied again
    List<MetricSample> samples = input.samples();
    ScalingDecision decision;
    try {
      decision = h.policy.evaluate(input);
      Objects.requireNonNull(decision, "policy returned null");
    } catch (RuntimeException e) {
      count("policy.errors");
      log.warn("policy {} failed: {}", h.id, describe(e));
      emit(new EngineEvent.PluginFailed(now, h.id, h.service.id(), describe(e)));
      record(h, now, view, samples, DecisionRecord.Outcome.ERROR, "policy failed: " + describe(e));
      return;
    }
    if (decision instanceof ScalingDecision.Scale scale) {
      applyScale(h, now, view, samples, scale);
    } else if (!samples.isEmpty() && !listeners.isEmpty()) {
      record(h, now, view, samples, DecisionRecord.Outcome.HOLD, decision.reason());
    }
  }

  private void applyScale(PolicyHandle h, Instant now, ServiceView before, List<MetricSample> samples,
      ScalingDecision.Scale scale) {
    ServiceRuntime rt = h.service;
    List<String> outcomes = new ArrayList<>();
    boolean any = false;
    for (int step = 0; step < scale.steps(); step++) {
      String trigger = scale.triggers().get(step);
      String refused = scale.direction() == Direction.UP
          ? scaleUp(rt, scale.reason(), 1)
          : scaleDown(rt, scale.reason(), h.query, trigger);
      if (refused == null) {
        any = true;
        outcomes.add(scale.direction() == Direction.UP ? "started an instance" : "stopping an instance");
      } else {
        outcomes.add("not scaled because " + refused);
      }
    }
    String reason = scale.reason() + " -> " + String.join("; ", outcomes);
    log.info("decision policy={} outcome={} reason={}", h.id, any ? "scaled" : "refused", reason);
    record(h, now, before, samples, any ? DecisionRecord.Outcome.SCALED : DecisionRecord.Outcome.REFUSED, reason);
  }

  private void record(PolicyHandle h, Instant now, ServiceView view, List<MetricSample> samples,
      DecisionRecord.Outcome outcome, String reason) {
    Double last = samples.isEmpty() ? null : samples.get(samples.size() - 1).value();
    String state;
    try {
      state = h.policy.describeState();
    } catch (RuntimeException e) {
      state = "unavailable: " + describe(e);
    }
    DecisionRecord r = new DecisionRecord(now, h.id, h.direction, view, samples.size(), last, state, outcome, reason);
    if (outcome != DecisionRecord.Outcome.HOLD) {
      recent.addLast(r);
      while (recent.size() > RECENT_DECISIONS) {
        recent.removeFirst();
      }
    }
    emit(new EngineEvent.DecisionMade(r));
  }

  // ---------------------------------------------------------------- actions

  /** Tries to add one instance; returns null when started, else why not. */
  private @Nullable String scaleUp(ServiceRuntime rt, String reason, int attempt) {
    int max = rt.config.effectiveMax();
    int projected = rt.projected();
    if (projected >= max) {
      return "max_instance " + max + " reached (" + describeCounts(rt) + ")";
    }
    Instant now = clock.instant();
    if (rt.backoffUntil != null && now.isBefore(rt.backoffUntil)) {
      return "the previous action failed; next attempt at " + rt.backoffUntil;
    }
    if (dryRun) {
      return "dry run: would start an instance (" + describeCounts(rt) + ")";
    }
    if (closed()) {
      return "the engine is closing";
    }
    InstancePlan plan = rt.planNew();
    if (plan == null) {
      return "no free instance number (" + describeCounts(rt) + ")";
    }
    Instance inst = new Instance(plan, Instance.Phase.STARTING, now);
    inst.attempt = attempt;
    inst.reason = reason;
    inst.intentId = newIntentId();
    try {
      store.saveIntent(new ActionIntent(inst.intentId, ActionIntent.Kind.START, plan, now));
    } catch (RuntimeException e) {
      rt.release(plan.number());
      actionFailed(rt, Direction.UP, plan.id(), attempt, "could not record intent: " + describe(e));
      return "the state store failed: " + describe(e);
    }
    rt.add(inst);
    count("actions.started");
    log.info("starting instance={} attempt={} reason={}", plan.id(), attempt, reason);
    emit(new EngineEvent.ActionStarted(now, Direction.UP, plan.id(), attempt, reason));
    inFlight.incrementAndGet();
    call(() -> target.start(plan)).whenComplete((v, err) -> hop(() -> {
      // done() only after the outcome is recorded: close() waits for inFlight to reach zero and the
      // daemon then closes the state store, so the instance and the intent's removal must be written first
      try {
        onStarted(rt, inst, err == null ? null : unwrap(err));
      } finally {
        done();
      }
    }));
    return null;
  }

  private void onStarted(ServiceRuntime rt, Instance inst, @Nullable Throwable err) {
    Instant now = clock.instant();
    if (err == null) {
      rt.setPhase(inst, Instance.Phase.RUNNING, now);
      rt.failures = 0;
      rt.backoffUntil = null;
      safeStore(rt, () -> {
        store.saveInstance(ServiceRuntime.record(inst));
        store.saveService(rt.record());
        store.deleteIntent(inst.intentId);
      });
      inst.intentId = null;
      log.info("started instance={}", inst.plan.id());
      emit(new EngineEvent.ActionSucceeded(now, Direction.UP, inst.plan.id()));
      return;
    }
    boolean retry = inst.attempt < maxAttempts && !(err instanceof TargetException te && !te.retryable());
    Instant retryAt = failed(rt, now);
    if (retry) {
      rt.pendingUpRetries++;
      rt.nextUpAttempt = inst.attempt + 1;
    }
    actionFailed(rt, Direction.UP, inst.plan.id(), inst.attempt, describe(err), retry ? retryAt : null);
    // Undo whatever part of the instance exists so that its number can be reused safely (B10).
    rt.setPhase(inst, Instance.Phase.ROLLING_BACK, now);
    stopUnits(rt, inst, true);
  }

  /** Tries to remove one instance; returns null when a stop began, else why not. */
  private @Nullable String scaleDown(ServiceRuntime rt, String reason, @Nullable MetricQuery query, String trigger) {
    int min = rt.config.minInstance();
    if (rt.projected() <= min) {
      return "min_instance " + min + " reached (" + describeCounts(rt) + ")";
    }
    Instant now = clock.instant();
    if (rt.backoffUntil != null && now.isBefore(rt.backoffUntil)) {
      return "the previous action failed; next attempt at " + rt.backoffUntil;
    }
    List<InstanceInfo> candidates = new ArrayList<>();
    for (Instance i : rt.all()) {
      if (i.phase() == Instance.Phase.RUNNING) {
        candidates.add(new InstanceInfo(i.plan.id(), i.number(), i.since()));
      }
    }
    if (candidates.isEmpty()) {
      return "no running instance to stop (" + describeCounts(rt) + ")";
    }
    InstanceId breaching = null;
    if (query != null && !trigger.isEmpty()) {
      Optional<String> unit = resolve(query.serviceType(), trigger);
      if (unit.isPresent()) {
        InstanceId candidate = new InstanceId(rt.id(), unit.get());
        if (rt.get(unit.get()) != null) {
          breaching = candidate;
        }
      }
    }
    Optional<InstanceId> victim;
    try {
      victim = victimSelector.select(new VictimSelector.Request(rt.id(), candidates, trigger, breaching));
    } catch (RuntimeException e) {
      pluginFailed("victim-selector", rt.id(), describe(e));
      return "the victim selector failed: " + describe(e);
    }
    if (victim.isEmpty()) {
      return "the victim selector chose no instance";
    }
    Instance inst = rt.get(victim.get().unitName());
    if (inst == null || inst.phase() != Instance.Phase.RUNNING) {
      return "the victim selector chose " + victim.get() + ", which is not a running instance";
    }
    if (dryRun) {
      return "dry run: would stop " + inst.plan.id();
    }
    if (closed()) {
      return "the engine is closing";
    }
    rt.setPhase(inst, Instance.Phase.STOPPING, now);
    inst.attempt = 1;
    inst.reason = reason;
    inst.intentId = newIntentId();
    try {
      store.saveIntent(new ActionIntent(inst.intentId, ActionIntent.Kind.STOP, inst.plan, now));
    } catch (RuntimeException e) {
      rt.setPhase(inst, Instance.Phase.RUNNING, now);
      inst.intentId = null;
      actionFailed(rt, Direction.DOWN, inst.plan.id(), 1, "could not record intent: " + describe(e));
      return "the state store failed: " + describe(e);
    }
    count("actions.started");
    log.info("stopping instance={} reason={}", inst.plan.id(), reason);
    emit(new EngineEvent.ActionStarted(now, Direction.DOWN, inst.plan.id(), 1, reason));
    stopUnits(rt, inst, false);
    return null;
  }

  /**
   * Stops every unit of an instance. Used for scale-downs, for undoing failed starts and for
   * finishing interrupted actions at recovery; retried with backoff until the units are gone.
   */
  private void stopUnits(ServiceRuntime rt, Instance inst, boolean undo) {
    inFlight.incrementAndGet();
    call(() -> target.stop(inst.plan)).whenComplete((v, err) -> hop(() -> {
      try {
        onStopped(rt, inst, undo, err == null ? null : unwrap(err));
      } finally {
        done(); // after the outcome is recorded, as for starts
      }
    }));
  }

  private void onStopped(ServiceRuntime rt, Instance inst, boolean undo, @Nullable Throwable err) {
    Instant now = clock.instant();
    if (err == null) {
      rt.remove(inst);
      rt.release(inst.number());
      String intent = inst.intentId;
      safeStore(rt, () -> {
        store.deleteInstance(inst.plan.id());
        store.saveService(rt.record());
        if (intent != null) {
          store.deleteIntent(intent);
        }
      });
      if (!undo) {
        rt.failures = 0;
        rt.backoffUntil = null;
        log.info("stopped instance={}", inst.plan.id());
        emit(new EngineEvent.ActionSucceeded(now, Direction.DOWN, inst.plan.id()));
      } else {
        log.info("removed the units of instance={} ({})", inst.plan.id(), inst.reason.isEmpty() ? "undo" : inst.reason);
      }
      return;
    }
    inst.attempt++;
    Instant retryAt = failed(rt, now);
    boolean giveUp = !undo && inst.attempt > maxAttempts;
    actionFailed(rt, Direction.DOWN, inst.plan.id(), inst.attempt - 1, describe(err), giveUp ? null : retryAt);
    if (giveUp) {
      // Leave the instance counted; reconciliation notices if its units did disappear.
      rt.setPhase(inst, Instance.Phase.RUNNING, now);
      return;
    }
    try {
      scheduler.schedule(() -> run(() -> {
        if (!closed() && rt.get(inst.plan.id().unitName()) == inst) {
          stopUnits(rt, inst, undo);
        }
      }), Duration.between(now, retryAt).toNanos(), TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException ignored) {
      // closing: the intent stays stored and the next start finishes the job
    }
  }

  private void retryFailedUps(Instant now) {
    for (ServiceRuntime rt : services.values()) {
      while (rt.pendingUpRetries > 0 && (rt.backoffUntil == null || !now.isBefore(rt.backoffUntil))) {
        rt.pendingUpRetries--;
        String refused = scaleUp(rt, "retry of a failed scale-up", rt.nextUpAttempt);
        if (refused != null) {
          log.info("dropping a failed scale-up of service={}: not scaled because {}", rt.id(), refused);
          rt.pendingUpRetries = 0;
        }
      }
    }
  }

  /** In a dry run the top-up is only reported, once per service and shortfall (topUp runs at every reconciliation). */
  private void reportDryRunTopUp() {
    for (ServiceRuntime rt : services.values()) {
      int missing = rt.config.minInstance() - rt.projected();
      Integer before = dryRunShortfall.put(rt.id().toString(), missing);
      if (missing > 0 && (before == null || before != missing)) {
        log.info("dry run: would start {} instance(s) of service={} to reach min_instance {} ({})",
            missing, rt.id(), rt.config.minInstance(), describeCounts(rt));
      }
    }
  }

  private void topUp() {
    if (!ready || !leader || closed()) {
      return;
    }
    if (dryRun) {
      reportDryRunTopUp();
      return;
    }
    for (ServiceRuntime rt : services.values()) {
      int min = rt.config.minInstance();
      while (rt.projected() < min) {
        String refused = scaleUp(rt, "below min_instance " + min + " (" + describeCounts(rt) + ")", 1);
        if (refused != null) {
          break;
        }
      }
    }
  }

  // ---------------------------------------------------------------- reconciliation

  private void reconcile() {
    if (closed() || !leader || !ready) {
      return;
    }
    CompletionStage<List<UnitStatus>> listing;
    try {
      listing = target.list();
    } catch (RuntimeException e) {
      pluginFailed("target", null, "listing units failed: " + describe(e));
      return;
    }
    listing.whenComplete((units, err) -> hop(() -> {
      if (err != null) {
        pluginFailed("target", null, "listing units failed: " + describe(unwrap(err)));
      } else if (ready && leader && !closed()) {
        reconcileWith(index(units));
        topUp();
      }
    }));
  }

  private void reconcileWith(Map<String, UnitStatus> units) {
    Set<String> known = new HashSet<>();
    for (ServiceRuntime rt : services.values()) {
      for (Instance inst : List.copyOf(rt.all())) {
        known.addAll(inst.plan.unitNames());
        if (inst.phase() != Instance.Phase.RUNNING) {
          continue;
        }
        UnitStatus st = units.get(inst.plan.id().unitName());
        if (st == null) {
          drift(inst.plan.id().unitName(), EngineEvent.DriftDetected.Drift.GONE, "unit vanished from the target");
          rt.remove(inst);
          rt.release(inst.number());
          safeStore(rt, () -> {
            store.deleteInstance(inst.plan.id());
            store.saveService(rt.record());
          });
        } else if (st.health() == UnitHealth.FAILED) {
          drift(inst.plan.id().unitName(), EngineEvent.DriftDetected.Drift.FAILED, "unit failed on the target: " + st.detail());
          rt.setPhase(inst, Instance.Phase.STOPPING, clock.instant());
          inst.reason = "unit failed on the target; replacing it";
          inst.intentId = newIntentId();
          String id = inst.intentId;
          safeStore(rt, () -> store.saveIntent(new ActionIntent(id, ActionIntent.Kind.STOP, inst.plan, clock.instant())));
          emit(new EngineEvent.ActionStarted(clock.instant(), Direction.DOWN, inst.plan.id(), 1, inst.reason));
          stopUnits(rt, inst, false);
        }
      }
    }
    for (UnitStatus st : units.values()) {
      if (!known.contains(st.unitName()) && looksManaged(st.unitName()) && reportedUnknownUnits.add(st.unitName())) {
        drift(st.unitName(), EngineEvent.DriftDetected.Drift.UNKNOWN,
            "unit is named like a Dynamite instance but is not known to the engine; left untouched");
      }
    }
  }

  private boolean looksManaged(String unit) {
    for (ServiceConfig sc : config.services().values()) {
      if (sc.isTemplate()) {
        String prefix = sc.id().name() + "@";
        if (unit.startsWith(prefix) && unit.endsWith(".service")) {
          String num = unit.substring(prefix.length(), unit.length() - ".service".length());
          if (!num.isEmpty() && num.chars().allMatch(Character::isDigit)) {
            return true;
          }
        }
      } else if (!sc.isAttached() && unit.equals(sc.unitFileName())) {
        return true;
      }
    }
    return false;
  }

  private void drift(String unit, EngineEvent.DriftDetected.Drift kind, String detail) {
    count("drift");
    log.warn("drift unit={} kind={} detail={}", unit, kind, detail);
    emit(new EngineEvent.DriftDetected(clock.instant(), unit, kind, detail));
  }

  // ---------------------------------------------------------------- helpers

  private Optional<String> resolve(String serviceType, String uuid) {
    for (MetricSource s : sources) {
      try {
        Optional<String> r = s.resolveInstance(serviceType, uuid);
        if (r.isPresent()) {
          return r;
        }
      } catch (RuntimeException e) {
        pluginFailed("metric-source", null, "resolving uuid " + uuid + " failed: " + describe(e));
      }
    }
    return Optional.empty();
  }

  private Instant failed(ServiceRuntime rt, Instant now) {
    rt.failures++;
    Instant until = now.plus(backoff(rt.failures));
    rt.backoffUntil = until;
    return until;
  }

  private Duration backoff(int failures) {
    Duration d = backoffInitial;
    for (int i = 1; i < failures && d.compareTo(backoffMax) < 0; i++) {
      d = d.multipliedBy(2);
    }
    return d.compareTo(backoffMax) > 0 ? backoffMax : d;
  }

  private void actionFailed(ServiceRuntime rt, Direction d, InstanceId id, int attempt, String error) {
    actionFailed(rt, d, id, attempt, error, null);
  }

  private void actionFailed(ServiceRuntime rt, Direction d, InstanceId id, int attempt, String error, @Nullable Instant retryAt) {
    count("actions.failed");
    log.warn("action failed direction={} instance={} attempt={} retryAt={} error={}", d, id, attempt, retryAt, error);
    emit(new EngineEvent.ActionFailed(clock.instant(), d, id, attempt, error, retryAt));
  }

  private void pluginFailed(String plugin, @Nullable ServiceId service, String error) {
    count("plugin.failures");
    log.warn("plugin failed plugin={} service={} error={}", plugin, service, error);
    emit(new EngineEvent.PluginFailed(clock.instant(), plugin, service, error));
  }

  /** Runs state-store writes that follow a completed action; a failure is reported, not fatal. */
  private void safeStore(ServiceRuntime rt, Runnable writes) {
    try {
      writes.run();
    } catch (RuntimeException e) {
      pluginFailed("state-store", rt.id(), describe(e));
    }
  }

  private static CompletionStage<Void> call(java.util.function.Supplier<CompletionStage<Void>> action) {
    try {
      return Objects.requireNonNull(action.get(), "target returned null");
    } catch (RuntimeException e) {
      return java.util.concurrent.CompletableFuture.failedFuture(e);
    }
  }

  private void done() {
    inFlight.decrementAndGet();
    synchronized (inFlight) {
      inFlight.notifyAll();
    }
  }

  private String newIntentId() {
    return Long.toString(clock.millis(), 36) + "-" + (++intentSeq);
  }

  private static Map<String, UnitStatus> index(List<UnitStatus> units) {
    Map<String, UnitStatus> byName = new HashMap<>();
    for (UnitStatus u : units) {
      byName.put(u.unitName(), u);
    }
    return byName;
  }

  private static String describeCounts(ServiceRuntime rt) {
    ServiceView v = rt.view();
    return v.running() + " running, " + v.starting() + " starting, " + v.stopping() + " stopping";
  }

  private static Throwable unwrap(Throwable t) {
    while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  private static String describe(Throwable t) {
    String m = t.getMessage();
    return m == null || m.isBlank() ? t.getClass().getSimpleName() : m;
  }

  private void count(String name) {
    count(name, 1);
  }

  private void count(String name, long n) {
    counters.merge(name, n, Long::sum);
  }

  private void emit(EngineEvent e) {
    for (EngineListener l : listeners) {
      try {
        l.onEvent(e);
      } catch (RuntimeException ex) {
        log.warn("listener {} failed on {}: {}", l, e.kind(), ex.toString());
      }
    }
  }

  /**
   * Returns a consistent picture of the engine. Thread-safe; waits for a running engine task to
   * finish.
   *
   * @return the snapshot
   */
  public EngineSnapshot snapshot() {
    synchronized (lock) {
      List<EngineSnapshot.ServiceSnapshot> out = new ArrayList<>();
      for (ServiceRuntime rt : services.values()) {
        List<EngineSnapshot.InstanceSnapshot> inst = new ArrayList<>();
        for (Instance i : rt.all()) {
          inst.add(new EngineSnapshot.InstanceSnapshot(i.plan.id(), i.number(), i.phase().name(), i.since()));
        }
        out.add(new EngineSnapshot.ServiceSnapshot(rt.view(), inst, rt.backoffUntil));
      }
      return new EngineSnapshot(clock.instant(), leader, ready, out, List.copyOf(recent), new HashMap<>(counters));
    }
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
   * Composes a {@link ScalingEngine}. Not thread-safe; configure on one thread, then {@link
   * #build()}.
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
    private boolean discover;
    private VictimSelector victimSelector = VictimSelector.BREACHING_ELSE_HIGHEST;
    private Duration interval = Duration.ofSeconds(1);
    private Duration reconcileInterval = Duration.ofSeconds(30);
    private Duration backoffInitial = Duration.ofSeconds(1);
    private Duration backoffMax = Duration.ofMinutes(1);
    private int maxAttempts = 5;
    private boolean dryRun;
    private boolean legacyRouting;
    private Duration shutdownTimeout = Duration.ofSeconds(30);

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
     * Adds a metric source. The engine polls every source each tick and never closes them.
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
     * Adds a listener.
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
     * Discovers {@link ScalingPolicyProvider}s with {@link ServiceLoader} on a class loader.
     *
     * @param loader where to look
     * @return this builder
     */
    public Builder discoverPlugins(ClassLoader loader) {
      this.discoveryLoader = Objects.requireNonNull(loader, "loader");
      this.discover = true;
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
     * Sets the tick interval; default 1 s.
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

    private Map<String, ScalingPolicyProvider> providers() {
      Map<String, ScalingPolicyProvider> all = new LinkedHashMap<>();
      ScalingPolicyProvider threshold = new ThresholdPolicyProvider();
      all.put(threshold.type(), threshold);
      if (discover) {
        Map<String, String> seen = new HashMap<>();
        List<ConfigProblem> dups = new ArrayList<>();
        for (ScalingPolicyProvider p : ServiceLoader.load(ScalingPolicyProvider.class, discoveryLoader)) {
          String prev = seen.put(p.type(), p.getClass().getName());
          if (prev != null && !prev.equals(p.getClass().getName())) {
            dups.add(new ConfigProblem("plugins", "policy type '" + p.type() + "' is provided twice: by "
                + prev + " and " + p.getClass().getName()));
          }
          all.put(p.type(), p);
        }
        if (!dups.isEmpty()) {
          throw new ConfigException(dups);
        }
      }
      all.putAll(extraProviders);
      return all;
    }

    /**
     * Builds the engine and creates every policy instance.
     *
     * @return the engine, not yet started
     * @throws ConfigException if a policy's type is unknown or a provider rejects its settings
     *     (every problem at once)
     * @throws NullPointerException if the configuration or target is missing
     */
    public ScalingEngine build() {
      if (config == null) {
        throw new IllegalStateException("config is required");
      }
      if (target == null) {
        throw new IllegalStateException("target is required");
      }
      return new ScalingEngine(this);
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
