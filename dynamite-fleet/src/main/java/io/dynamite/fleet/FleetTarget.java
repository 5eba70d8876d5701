package io.dynamite.fleet;

import io.dynamite.api.InstancePlan;
import io.dynamite.api.TargetException;
import io.dynamite.api.UnitHealth;
import io.dynamite.api.UnitOption;
import io.dynamite.api.UnitSpec;
import io.dynamite.api.UnitStatus;
import io.dynamite.api.spi.ScalingTarget;
import io.dynamite.fleet.internal.UnitOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link ScalingTarget} for fleet: an instance is a main unit plus attached units, each created
 * from its template's options (fleet never expands templates itself).
 *
 * <p><b>start</b> follows the original Dynamite's order: for each attached unit, then the main
 * unit, read it ({@code GET}) and submit it as {@code inactive} with its normalised options unless
 * an identical unit is already there (a unit it submits is submitted once fleet reports no state
 * for its name any more: a removed unit's state lingers for seconds and must not be taken for the
 * new unit's); launch the main unit, then the attached units; then poll
 * {@code /state?unitName=} until every unit is {@code active} (for a global unit: on at least one
 * machine). A unit that exists with <em>different</em> options is not Dynamite's (or stale): start
 * fails with a non-retryable {@link TargetException} naming it and never replaces it. If a unit
 * fails ({@code failed}) or is not running by the start timeout, the units this start submitted or
 * adopted are destroyed and the stage fails with a retryable exception, so the engine can free the
 * number. Repeating a start after a crash, timeout or retry finds the units by name and never
 * creates a second instance.
 *
 * <p><b>stop</b> destroys the attached units, then the main unit ({@code DELETE}, 404 counts as
 * gone) and confirms each is gone with {@code GET} (404). Only the plan's unit names are ever
 * deleted; the target never deletes by listing.
 *
 * <p><b>list</b> reports every unit fleet knows (optionally filtered by name) with its health from
 * {@code /state} and its desired state: {@link UnitHealth#RUNNING} for {@code active} (any
 * machine for global units), {@link UnitHealth#STARTING} for {@code activating} or launched
 * without state yet, {@link UnitHealth#FAILED} for {@code failed}, {@link UnitHealth#STOPPED} for
 * desired {@code inactive}/{@code loaded}, {@link UnitHealth#UNKNOWN} otherwise. The engine calls it
 * periodically and computes drift itself.
 *
 * <p>Threading: all methods return at once; the HTTP calls run on the {@link FleetClient}'s
 * workers and the polls are scheduled on its scheduler (no thread waits). Thread-safe.
 *
 * @since 0.1
 */
public final class FleetTarget implements ScalingTarget {
  private static final Logger log = LoggerFactory.getLogger(FleetTarget.class);

  private final FleetClient client;
  private final boolean closeClient;
  private final ScheduledExecutorService scheduler;
  private final Duration pollInterval;
  private final Duration startTimeout;
  private final Duration stopTimeout;
  private final Predicate<String> unitFilter;
  private final AtomicBoolean closed = new AtomicBoolean();

  private FleetTarget(Builder b) {
    this.client = Objects.requireNonNull(b.client, "client");
    this.closeClient = b.closeClient;
    this.scheduler = b.scheduler != null ? b.scheduler : client.scheduler();
    this.pollInterval = b.pollInterval;
    this.startTimeout = b.startTimeout;
    this.stopTimeout = b.stopTimeout;
    this.unitFilter = b.unitFilter;
  }

  /**
   * Returns a builder.
   *
   * @param client the fleet client to use
   * @return a new builder
   */
  public static Builder builder(FleetClient client) {
    return new Builder(client);
  }

  @Override
  public CompletionStage<Void> start(InstancePlan plan) {
    return start(plan, () -> true);
  }

  /**
   * Starts an instance, asking {@code stillLeading} before every {@code PUT} (each retry of one
   * included). Once it answers false nothing more is sent for this start, not even the destruction
   * of the units it already created (they belong to the next leader's recovery), and the stage
   * fails with a non-retryable {@link TargetException}.
   *
   * @param plan the instance
   * @param stillLeading true while the engine's leadership term holds
   * @return completes when started
   */
  @Override
  public CompletionStage<Void> start(InstancePlan plan, java.util.function.BooleanSupplier stillLeading) {
    Objects.requireNonNull(plan, "plan");
    Objects.requireNonNull(stillLeading, "stillLeading");
    List<UnitSpec> submitOrder = new ArrayList<>(plan.attached());
    submitOrder.add(plan.main());
    for (UnitSpec u : submitOrder) {
      if (FleetClient.isTemplate(u.name())) {
        return CompletableFuture.failedFuture(
            new TargetException("refusing to launch template " + u.name() + "; instances need a number", false, null));
      }
    }
    List<UnitSpec> launchOrder = new ArrayList<>();
    launchOrder.add(plan.main());
    launchOrder.addAll(plan.attached());
    // Units this start created or adopted (identical options): destroyed again if the start fails.
    List<String> owned = new CopyOnWriteArrayList<>();
    Map<String, Boolean> alreadyLaunched = new java.util.concurrent.ConcurrentHashMap<>();
    CompletableFuture<Void> chain = CompletableFuture.completedFuture(null);
    for (UnitSpec u : submitOrder) {
      chain = chain.thenCompose(v -> submit(u, owned, alreadyLaunched, stillLeading));
    }
    for (UnitSpec u : launchOrder) {
      chain = chain.thenCompose(v -> Boolean.TRUE.equals(alreadyLaunched.get(u.name()))
          ? CompletableFuture.completedFuture(null)
          : client.setDesiredState(u.name(), DesiredState.LAUNCHED, stillLeading).toCompletableFuture());
    }
    chain = chain.thenCompose(v -> awaitRunning(plan));
    return chain.handle((v, err) -> {
          if (err == null) {
            log.info("started instance={} units={}", plan.id(), plan.unitNames());
            return CompletableFuture.<Void>completedFuture(null);
          }
          if (!stillLeading.getAsBoolean()) {
            log.warn("start interrupted: leadership was lost instance={} error={}", plan.id(), unwrap(err).getMessage());
            return CompletableFuture.<Void>failedFuture(new TargetException("start of " + plan.id()
                + " stopped: leadership was lost; its units are left to the next leader", false, unwrap(err)));
          }
          return rollback(plan, owned, unwrap(err), stillLeading);
        })
        .thenCompose(f -> f);
  }

  private CompletableFuture<Void> submit(UnitSpec spec, List<String> owned, Map<String, Boolean> launched,
      java.util.function.BooleanSupplier stillLeading) {
    List<UnitOption> wanted;
    try {
      wanted = UnitOptions.normalize(spec.options());
    } catch (IllegalArgumentException e) {
      return CompletableFuture.failedFuture(
          new TargetException("unit " + spec.name() + " has options fleet cannot store: " + e.getMessage(), false, e));
    }
    if (wanted.isEmpty()) {
      return CompletableFuture.failedFuture(new TargetException("unit " + spec.name() + " has no options", false, null));
    }
    // Both reads go out together: a start's first PUT waits for one round trip instead of two.
    // The states answer only matters if the unit is absent (see below).
    CompletableFuture<Boolean> noState = client.listStates(null, spec.name()).toCompletableFuture()
        .thenApply(List::isEmpty);
    return client.getUnit(spec.name()).toCompletableFuture().thenCompose(existing -> {
      if (existing.isPresent()) {
        FleetUnit u = existing.get();
        if (!UnitOptions.normalize(u.options()).equals(wanted)) {
          return CompletableFuture.failedFuture(new TargetException(
              "unit " + spec.name() + " already exists in fleet with other options; it may not be Dynamite's,"
                  + " so it is neither replaced nor destroyed (remove it or change the service)", false, null));
        }
        // Ours from an earlier attempt (crash, timeout, retry): adopt it instead of re-submitting.
        owned.add(spec.name());
        launched.put(spec.name(), DesiredState.LAUNCHED.wireValue().equals(u.desiredState()));
        return CompletableFuture.completedFuture(null);
      }
      owned.add(spec.name());
      // Absent from fleet's registry, yet a removed unit of the same name may still be unloading:
      // fleetd keeps its /state entries for ~2 s after the DELETE, and they would answer for the
      // new unit's health (a stopped-then-restarted instance confirmed running before it is even
      // scheduled). Create it once they are gone.
      return noState.thenCompose(none -> none ? CompletableFuture.<Void>completedFuture(null) : awaitNoState(spec.name()))
          .thenCompose(v -> client.createUnit(spec.name(), DesiredState.INACTIVE, wanted, stillLeading).toCompletableFuture())
          .thenApply(c -> null);
    });
  }

  private CompletableFuture<Void> awaitNoState(String name) {
    return pollUntil(() -> client.listStates(null, name).toCompletableFuture().thenApply(List::isEmpty), startTimeout,
        () -> new TargetException("unit " + name + " does not exist, but fleet still reports a state of it after "
            + startTimeout, true, null));
  }

  /**
   * Asks {@code done} right away, then every poll interval, until it answers true; fails with
   * {@code expired} once {@code timeout} has passed, or with the error of a call.
   */
  private CompletableFuture<Void> pollUntil(java.util.function.Supplier<CompletableFuture<Boolean>> done, Duration timeout,
      java.util.function.Supplier<TargetException> expired) {
    CompletableFuture<Void> result = new CompletableFuture<>();
    AtomicBoolean late = new AtomicBoolean();
    ScheduledFuture<?> deadline;
    try {
      deadline = scheduler.schedule(() -> late.set(true), timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      return CompletableFuture.failedFuture(new TargetException("fleet target is closed", false, e));
    }
    result.whenComplete((v, e) -> deadline.cancel(false));
    poll(done, late, expired, result);
    return result;
  }

  private void poll(java.util.function.Supplier<CompletableFuture<Boolean>> done, AtomicBoolean late,
      java.util.function.Supplier<TargetException> expired, CompletableFuture<Void> result) {
    done.get().whenComplete((ok, err) -> {
      if (err != null) {
        result.completeExceptionally(unwrap(err));
      } else if (ok) {
        result.complete(null);
      } else if (late.get() || closed.get()) {
        result.completeExceptionally(expired.get());
      } else {
        try {
          scheduler.schedule(() -> poll(done, late, expired, result), pollInterval.toNanos(), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
          result.completeExceptionally(new TargetException("fleet target is closed", false, e));
        }
      }
    });
  }

  private CompletableFuture<Void> awaitRunning(InstancePlan plan) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    AtomicBoolean expired = new AtomicBoolean();
    ScheduledFuture<?> deadline;
    try {
      deadline = scheduler.schedule(() -> expired.set(true), startTimeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      return CompletableFuture.failedFuture(new TargetException("fleet target is closed", false, e));
    }
    done.whenComplete((v, e) -> deadline.cancel(false));
    pollStates(plan, expired, done);
    return done;
  }

  private void pollStates(InstancePlan plan, AtomicBoolean expired, CompletableFuture<Void> done) {
    List<String> names = plan.unitNames();
    List<CompletableFuture<List<FleetUnitState>>> calls = new ArrayList<>();
    for (String n : names) {
      calls.add(client.listStates(null, n).toCompletableFuture());
    }
    CompletableFuture.allOf(calls.toArray(new CompletableFuture<?>[0])).whenComplete((v, err) -> {
      if (err != null) {
        done.completeExceptionally(unwrap(err));
        return;
      }
      List<String> waiting = new ArrayList<>();
      for (int i = 0; i < names.size(); i++) {
        List<FleetUnitState> states = calls.get(i).join();
        UnitHealth h = launchedHealth(states);
        if (h == UnitHealth.FAILED) {
          done.completeExceptionally(
              new TargetException("unit " + names.get(i) + " failed to start (" + describe(states) + ")", true, null));
          return;
        }
        if (h != UnitHealth.RUNNING) {
          waiting.add(names.get(i) + (states.isEmpty() ? " (no state yet)" : " (" + describe(states) + ")"));
        }
      }
      if (waiting.isEmpty()) {
        done.complete(null);
      } else if (expired.get() || closed.get()) {
        done.completeExceptionally(new TargetException(
            "instance " + plan.id() + " not running after " + startTimeout + ": " + waiting, true, null));
      } else {
        try {
          scheduler.schedule(() -> pollStates(plan, expired, done), pollInterval.toNanos(), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
          done.completeExceptionally(new TargetException("fleet target is closed", false, e));
        }
      }
    });
  }

  private CompletableFuture<Void> rollback(InstancePlan plan, List<String> owned, Throwable cause,
      java.util.function.BooleanSupplier stillLeading) {
    boolean retryable = !(cause instanceof TargetException) || ((TargetException) cause).retryable();
    List<String> toDestroy = new ArrayList<>();
    for (String n : plan.unitNames()) {
      if (owned.contains(n)) {
        toDestroy.add(n);
      }
    }
    if (toDestroy.isEmpty()) {
      return CompletableFuture.failedFuture(asTargetException("start of " + plan.id() + " failed", cause));
    }
    log.warn("start failed, destroying its units instance={} units={} error={}", plan.id(), toDestroy, cause.getMessage());
    return destroyAll(toDestroy, stillLeading).handle((v, err) -> {
      TargetException e;
      if (err == null) {
        e = new TargetException("start of " + plan.id() + " failed and its units were destroyed: " + cause.getMessage(), retryable, cause);
      } else {
        e = new TargetException("start of " + plan.id() + " failed: " + cause.getMessage()
            + "; destroying its units failed too, stop() will remove them", true, cause);
        e.addSuppressed(unwrap(err));
      }
      throw new CompletionException(e);
    });
  }

  @Override
  public CompletionStage<Void> stop(InstancePlan plan) {
    return stop(plan, () -> true);
  }

  /**
   * Stops an instance, asking {@code stillLeading} before every {@code DELETE} (each retry
   * included); once it answers false nothing more is sent and the stage fails with a non-retryable
   * {@link TargetException}.
   *
   * @param plan the instance
   * @param stillLeading true while the engine's leadership term holds
   * @return completes when stopped
   */
  @Override
  public CompletionStage<Void> stop(InstancePlan plan, java.util.function.BooleanSupplier stillLeading) {
    Objects.requireNonNull(plan, "plan");
    Objects.requireNonNull(stillLeading, "stillLeading");
    return destroyAll(plan.unitNames(), stillLeading)
        .whenComplete((v, e) -> {
          if (e == null) {
            log.info("stopped instance={} units={}", plan.id(), plan.unitNames());
          }
        })
        .exceptionallyCompose(e -> CompletableFuture.failedFuture(asTargetException("stop of " + plan.id() + " failed", unwrap(e))));
  }

  private CompletableFuture<Void> destroyAll(List<String> names, java.util.function.BooleanSupplier stillLeading) {
    CompletableFuture<Void> chain = CompletableFuture.completedFuture(null);
    for (String n : names) {
      chain = chain.thenCompose(v -> client.deleteUnit(n, stillLeading).toCompletableFuture()).thenCompose(v -> awaitGone(n));
    }
    return chain;
  }

  private CompletableFuture<Void> awaitGone(String name) {
    return pollUntil(() -> client.getUnit(name).toCompletableFuture().thenApply(Optional::isEmpty), stopTimeout,
        () -> new TargetException("unit " + name + " still exists after " + stopTimeout, true, null));
  }

  @Override
  public CompletionStage<List<UnitStatus>> list() {
    CompletableFuture<List<FleetUnit>> units = client.listUnits().toCompletableFuture();
    CompletableFuture<List<FleetUnitState>> states = client.listStates(null, null).toCompletableFuture();
    return units.thenCombine(states, (us, ss) -> {
          Map<String, List<FleetUnitState>> byUnit = new HashMap<>();
          for (FleetUnitState s : ss) {
            byUnit.computeIfAbsent(s.name(), k -> new ArrayList<>()).add(s);
          }
          List<UnitStatus> out = new ArrayList<>();
          for (FleetUnit u : us) {
            if (unitFilter.test(u.name())) {
              out.add(status(u, byUnit.getOrDefault(u.name(), List.of())));
            }
          }
          return List.copyOf(out);
        })
        .exceptionallyCompose(e -> CompletableFuture.failedFuture(asTargetException("listing fleet units failed", unwrap(e))));
  }

  /**
   * Maps a unit and its {@code /state} entries to a status. Package-private for tests.
   *
   * @param u the unit
   * @param states its states, one per machine
   * @return the status
   */
  static UnitStatus status(FleetUnit u, List<FleetUnitState> states) {
    String detail = "desired=" + (u.desiredState() == null ? "?" : u.desiredState())
        + " current=" + (u.currentState() == null ? "-" : u.currentState())
        + (states.isEmpty() ? "" : " systemd=" + describe(states));
    UnitHealth h;
    DesiredState desired = DesiredState.parse(u.desiredState()).orElse(null);
    if (desired == null) {
      h = UnitHealth.UNKNOWN;
    } else if (desired != DesiredState.LAUNCHED) {
      h = UnitHealth.STOPPED;
    } else {
      h = launchedHealth(states);
    }
    return new UnitStatus(u.name(), h, detail);
  }

  /** Health of a launched unit from its states; several entries are a global unit's machines. */
  private static UnitHealth launchedHealth(List<FleetUnitState> states) {
    if (states.isEmpty()) {
      // launched but the agent has not loaded it yet (or it is unschedulable): fleet cannot tell more
      return UnitHealth.STARTING;
    }
    boolean failed = false;
    boolean starting = false;
    for (FleetUnitState s : states) {
      switch (s.activeState()) {
        case "active":
          return UnitHealth.RUNNING;
        case "failed":
          failed = true;
          break;
        case "activating":
        case "reloading":
          starting = true;
          break;
        default:
          break;
      }
    }
    if (starting) {
      return UnitHealth.STARTING;
    }
    return failed ? UnitHealth.FAILED : UnitHealth.UNKNOWN;
  }

  private static String describe(List<FleetUnitState> states) {
    StringBuilder sb = new StringBuilder();
    for (FleetUnitState s : states) {
      if (sb.length() > 0) {
        sb.append(',');
      }
      sb.append(s.activeState()).append('/').append(s.subState());
      if (states.size() > 1) {
        sb.append('@').append(s.machineId());
      }
    }
    return sb.toString();
  }

  private static TargetException asTargetException(String what, Throwable t) {
    if (t instanceof TargetException) {
      return (TargetException) t;
    }
    return new TargetException(what + ": " + t, !(t instanceof IllegalArgumentException), t);
  }

  private static Throwable unwrap(Throwable t) {
    Throwable c = t;
    while ((c instanceof CompletionException || c instanceof java.util.concurrent.ExecutionException) && c.getCause() != null) {
      c = c.getCause();
    }
    return c;
  }

  /** The client; for tests of the configuration. */
  FleetClient client() {
    return client;
  }

  /** The interval between state polls; for tests of the configuration. */
  Duration pollInterval() {
    return pollInterval;
  }

  /** How long a start may take; for tests of the configuration. */
  Duration startTimeout() {
    return startTimeout;
  }

  /** How long a stop may take; for tests of the configuration. */
  Duration stopTimeout() {
    return stopTimeout;
  }

  /** Closes the client if the target owns it. Calls in flight fail. Idempotent. */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true) && closeClient) {
      client.close();
    }
  }

  @Override
  public String toString() {
    return "FleetTarget[" + client + "]";
  }

  /**
   * Configures a {@link FleetTarget}. Not thread-safe.
   *
   * @since 0.1
   */
  public static final class Builder {
    private final FleetClient client;
    private boolean closeClient;
    private @Nullable ScheduledExecutorService scheduler;
    private Duration pollInterval = Duration.ofSeconds(1);
    private Duration startTimeout = Duration.ofSeconds(90);
    private Duration stopTimeout = Duration.ofSeconds(30);
    private Predicate<String> unitFilter = n -> true;

    private Builder(FleetClient client) {
      this.client = Objects.requireNonNull(client, "client");
    }

    /**
     * Makes the target close the client when it is closed (default false: the caller owns it).
     *
     * @param close whether to close the client with the target
     * @return this builder
     */
    public Builder closeClient(boolean close) {
      this.closeClient = close;
      return this;
    }

    /**
     * Schedules state polls on the caller's scheduler (default: the client's). Never shut down by
     * the target.
     *
     * @param scheduler the scheduler
     * @return this builder
     */
    public Builder scheduler(ScheduledExecutorService scheduler) {
      this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
      return this;
    }

    /**
     * Sets the interval between state polls while starting and stopping (default 1 s).
     *
     * @param interval positive
     * @return this builder
     */
    public Builder pollInterval(Duration interval) {
      this.pollInterval = positive(interval, "pollInterval");
      return this;
    }

    /**
     * Sets how long a start may take until every unit is active (default 90 s; a real fleet needs
     * a few seconds to schedule, plus the container's start time).
     *
     * @param timeout positive
     * @return this builder
     */
    public Builder startTimeout(Duration timeout) {
      this.startTimeout = positive(timeout, "startTimeout");
      return this;
    }

    /**
     * Sets how long a destroyed unit may remain visible before stop fails (default 30 s).
     *
     * @param timeout positive
     * @return this builder
     */
    public Builder stopTimeout(Duration timeout) {
      this.stopTimeout = positive(timeout, "stopTimeout");
      return this;
    }

    /**
     * Restricts {@link FleetTarget#list()} to unit names the predicate accepts (default: all).
     *
     * @param filter the filter
     * @return this builder
     */
    public Builder unitFilter(Predicate<String> filter) {
      this.unitFilter = Objects.requireNonNull(filter, "filter");
      return this;
    }

    /**
     * Builds the target.
     *
     * @return the target
     */
    public FleetTarget build() {
      return new FleetTarget(this);
    }

    private static Duration positive(Duration d, String what) {
      Objects.requireNonNull(d, what);
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(what + " must be positive: " + d);
      }
      return d;
    }
  }
}
