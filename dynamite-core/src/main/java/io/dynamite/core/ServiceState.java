package io.dynamite.core;

import io.dynamite.api.InstanceId;
import io.dynamite.api.InstancePlan;
import io.dynamite.api.InstanceView;
import io.dynamite.api.ServiceId;
import io.dynamite.api.ServiceView;
import io.dynamite.api.UnitSpec;
import io.dynamite.api.state.InstanceRecord;
import io.dynamite.api.state.ServiceRecord;
import io.dynamite.api.state.UnitDefinition;
import io.dynamite.core.config.ServiceConfig;
import java.time.Instant;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ScheduledFuture;
import org.jspecify.annotations.Nullable;

/**
 * Everything the engine tracks for one scalable service: its instances by main unit name, its
 * number table, its failure backoff, its policies and its evaluation timer. Mutated on the engine
 * thread only; {@link #published()} is the one thing other threads read.
 */
final class ServiceState {
  final ServiceConfig config;
  /** The attached services' configurations, in configuration order. */
  final List<ServiceConfig> attached;
  /** The service's policies, in evaluation order (the original's: scale_down before scale_up). */
  final List<PolicyBinding> bindings = new ArrayList<>();
  /** The same, as an array for the evaluation loop (one pointer less per policy); set once built. */
  PolicyBinding[] policies = new PolicyBinding[0];
  /** The metric histories its policies read (one per stream). */
  final List<SeriesTable> tables = new ArrayList<>(1);
  /** Position in the engine's service order; evaluations run in this order. */
  final int index;

  /** Instances by main unit name (sorted, so iteration is deterministic). */
  private final TreeMap<String, Instance> instances = new TreeMap<>();
  /** Instances per phase, kept in step with {@link #instances} so that gates cost O(1). */
  private final int[] counts = new int[Instance.Phase.values().length];
  private final @Nullable NumberAllocator numbers;
  /** Metric uuids resolved to this service's unit names, for {@link InstanceView#uuid()}. */
  private final Map<String, String> uuidByUnit = new HashMap<>();
  private @Nullable List<InstanceView> views;

  /** Consecutive failed actions; drives the backoff. */
  int failures;
  /** No new action before this time (after failures). */
  @Nullable Instant backoffUntil;
  /** Policy-fired scale-ups that failed and wait for another attempt. */
  int pendingUpRetries;
  /** Attempt number the next retried scale-up will carry. */
  int nextUpAttempt = 1;
  /** Set when something arrived that its policies should see; cleared by the evaluation. */
  boolean dirty;
  /** The evaluation timer and when it fires. */
  @Nullable ScheduledFuture<?> timer;
  @Nullable Instant timerAt;
  /** True if one of its policies implements {@code nextEvaluation()}, so timers must be asked for. */
  boolean asksForTime;
  /** The sample observers' handles for this service; set once the routes are built. */
  SampleObserver.OfService[] sampleObservers = new SampleObserver.OfService[0];
  /** The min_instance shortfall last reported in a dry run. */
  int reportedShortfall;

  private volatile EngineSnapshot.ServiceSnapshot published;

  ServiceState(ServiceConfig config, List<ServiceConfig> attached, int index) {
    this.config = config;
    this.attached = List.copyOf(attached);
    this.index = index;
    this.numbers = config.isTemplate()
        ? new NumberAllocator(config.baseNumber(), config.portsPerInstance(), config.maxInstance())
        : null;
    this.published = new EngineSnapshot.ServiceSnapshot(view(), List.of(), null);
  }

  ServiceId id() {
    return config.id();
  }

  int count(Instance.Phase phase) {
    return counts[phase.ordinal()];
  }

  /** Adds (or replaces) an instance. */
  void add(Instance i) {
    Instance prev = instances.put(i.unitName(), i);
    if (prev != null) {
      counts[prev.phase().ordinal()]--;
    }
    counts[i.phase().ordinal()]++;
    changed();
  }

  /** Removes an instance if it is the one tracked under its name, and frees its number. */
  boolean removeAndRelease(Instance i) {
    String name = i.unitName();
    if (instances.get(name) != i) {
      return false;
    }
    instances.remove(name);
    counts[i.phase().ordinal()]--;
    release(i.number());
    changed();
    return true;
  }

  /** Forgets every instance and frees every number, before the state is rebuilt from the store. */
  void reset() {
    instances.clear();
    Arrays.fill(counts, 0);
    if (numbers != null) {
      numbers.reset();
    }
    failures = 0;
    backoffUntil = null;
    pendingUpRetries = 0;
    nextUpAttempt = 1;
    changed();
  }

  void setPhase(Instance i, Instance.Phase phase, Instant since) {
    if (instances.get(i.unitName()) == i) {
      counts[i.phase().ordinal()]--;
      counts[phase.ordinal()]++;
    }
    i.moveTo(phase, since);
    changed();
  }

  @Nullable Instance get(String unitName) {
    return instances.get(unitName);
  }

  /** The tracked instances, sorted by unit name; a live, unmodifiable view. */
  Collection<Instance> all() {
    return Collections.unmodifiableCollection(instances.values());
  }

  /**
   * Running plus starting instances: what the service will have once in-flight starts finish.
   * Gates use it so that concurrent actions can never overshoot max or undershoot min.
   */
  int projected() {
    return counts[Instance.Phase.RUNNING.ordinal()] + counts[Instance.Phase.STARTING.ordinal()];
  }

  ServiceView view() {
    return new ServiceView(id(), count(Instance.Phase.RUNNING), count(Instance.Phase.STARTING),
        count(Instance.Phase.STOPPING), config.minInstance(), config.effectiveMax());
  }

  String describeCounts() {
    ServiceView v = view();
    return v.running() + " running, " + v.starting() + " starting, " + v.stopping() + " stopping";
  }

  /** Remembers which uuid a unit reports under, for policies' instance views. */
  void noteUuid(String unitName, String uuid) {
    if (!uuid.equals(uuidByUnit.put(unitName, uuid))) {
      views = null;
    }
  }

  /** The instances as policies see them; built on first use after a change, then shared. */
  List<InstanceView> instanceViews() {
    return instanceViews;
  }

  /** Built lazily: most policies never look at the instances. */
  private final List<InstanceView> instanceViews = new AbstractList<>() {
    @Override
    public InstanceView get(int index) {
      return build().get(index);
    }

    @Override
    public int size() {
      return instances.size();
    }
  };

  private List<InstanceView> build() {
    List<InstanceView> v = views;
    if (v == null) {
      List<InstanceView> out = new ArrayList<>(instances.size());
      for (Instance i : instances.values()) {
        out.add(i.view(uuidByUnit.get(i.unitName())));
      }
      v = List.copyOf(out);
      views = v;
    }
    return v;
  }

  /** Plans a new instance on the lowest free number; null when no number (or slot) is free. */
  @Nullable InstancePlan planNew() {
    if (numbers == null) {
      String name = config.unitFileName();
      if (instances.containsKey(name)) {
        return null;
      }
      return plan(InstancePlan.NO_NUMBER);
    }
    int n = numbers.allocate();
    return n < 0 ? null : plan(n);
  }

  /** Builds the plan of the instance with a given number, reserving nothing. */
  InstancePlan plan(int number) {
    String main = number == InstancePlan.NO_NUMBER
        ? config.unitFileName()
        : config.id().name() + "@" + number + ".service";
    List<UnitSpec> att = new ArrayList<>(attached.size());
    for (ServiceConfig a : attached) {
      String name = number == InstancePlan.NO_NUMBER
          ? a.unitFileName()
          : a.id().name() + "@" + number + ".service";
      att.add(new UnitSpec(name, a.unit().options()));
    }
    return new InstancePlan(new InstanceId(id(), main), number,
        new UnitSpec(main, config.unit().options()), att);
  }

  /** Reserves the number of an adopted instance; false if it does not fit the table or is taken. */
  boolean claim(int number) {
    return numbers == null || number == InstancePlan.NO_NUMBER || numbers.claim(number);
  }

  void release(int number) {
    if (numbers != null && number != InstancePlan.NO_NUMBER) {
      numbers.release(number);
    }
  }

  /** The record the state store keeps for this service. */
  ServiceRecord record() {
    List<UnitDefinition> att = new ArrayList<>();
    for (ServiceConfig a : attached) {
      att.add(a.unit());
    }
    return new ServiceRecord(id(), config.unit(), att, config.raw(),
        numbers == null ? List.of() : numbers.table());
  }

  /** The record the state store keeps for an instance. */
  static InstanceRecord record(Instance i) {
    List<String> att = new ArrayList<>();
    for (UnitSpec u : i.plan.attached()) {
      att.add(u.name());
    }
    return new InstanceRecord(i.plan.id(), i.plan.number(), att, InstanceRecord.LAUNCHED);
  }

  /** The latest published picture, for snapshots taken on any thread without a lock. */
  EngineSnapshot.ServiceSnapshot published() {
    return published;
  }

  /** Republishes after backoff changes (instance changes republish by themselves). */
  void changed() {
    views = null;
    List<EngineSnapshot.InstanceSnapshot> out = new ArrayList<>(instances.size());
    for (Instance i : instances.values()) {
      out.add(new EngineSnapshot.InstanceSnapshot(i.plan.id(), i.number(), i.phase().name(), i.since()));
    }
    published = new EngineSnapshot.ServiceSnapshot(view(), out, backoffUntil);
  }
}
