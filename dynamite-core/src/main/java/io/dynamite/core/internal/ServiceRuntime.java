package io.dynamite.core.internal;

import io.dynamite.api.InstanceId;
import io.dynamite.api.InstancePlan;
import io.dynamite.api.ServiceId;
import io.dynamite.api.ServiceView;
import io.dynamite.api.UnitSpec;
import io.dynamite.api.state.InstanceRecord;
import io.dynamite.api.state.ServiceRecord;
import io.dynamite.api.state.UnitDefinition;
import io.dynamite.core.config.ServiceConfig;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * Everything the engine tracks for one scalable service: its instances by main unit name, its
 * number table and its failure backoff. Mutated on the engine thread only.
 */
public final class ServiceRuntime {
  /** The service's configuration. */
  public final ServiceConfig config;
  /** The attached services' configurations, in configuration order. */
  public final List<ServiceConfig> attached;
  /** Instances by main unit name (sorted, so iteration is deterministic). */
  private final TreeMap<String, Instance> instances = new TreeMap<>();
  /** Instances per phase, kept in step with {@link #instances} so that gates cost O(1). */
  private final int[] counts = new int[Instance.Phase.values().length];
  private final @Nullable NumberAllocator numbers;
  /** Consecutive failed actions; drives the backoff. */
  public int failures;
  /** No new action before this time (after failures). */
  public @Nullable Instant backoffUntil;
  /** Policy-fired scale-ups that failed and wait for another attempt. */
  public int pendingUpRetries;
  /** Attempt number the next retried scale-up will carry. */
  public int nextUpAttempt = 1;

  /**
   * Creates the runtime.
   *
   * @param config the service
   * @param attached its attached services
   */
  public ServiceRuntime(ServiceConfig config, List<ServiceConfig> attached) {
    this.config = config;
    this.attached = List.copyOf(attached);
    this.numbers = config.isTemplate()
        ? new NumberAllocator(config.baseNumber(), config.portsPerInstance(), config.maxInstance())
        : null;
  }

  /**
   * Returns the service id.
   *
   * @return the id
   */
  public ServiceId id() {
    return config.id();
  }

  /**
   * Counts instances in a phase.
   *
   * @param phase the phase
   * @return the count
   */
  public int count(Instance.Phase phase) {
    return counts[phase.ordinal()];
  }

  /**
   * Adds (or replaces) an instance.
   *
   * @param i the instance
   */
  public void add(Instance i) {
    Instance prev = instances.put(i.plan.id().unitName(), i);
    if (prev != null) {
      counts[prev.phase.ordinal()]--;
    }
    counts[i.phase.ordinal()]++;
  }

  /**
   * Removes an instance if it is the one tracked under its name.
   *
   * @param i the instance
   * @return true if it was removed
   */
  public boolean remove(Instance i) {
    String name = i.plan.id().unitName();
    if (instances.get(name) != i) {
      return false;
    }
    instances.remove(name);
    counts[i.phase.ordinal()]--;
    return true;
  }

  /** Forgets every instance. */
  public void clear() {
    instances.clear();
    java.util.Arrays.fill(counts, 0);
  }

  /**
   * Moves an instance to a phase.
   *
   * @param i a tracked instance
   * @param phase the new phase
   * @param since when it entered the phase
   */
  public void setPhase(Instance i, Instance.Phase phase, java.time.Instant since) {
    if (instances.get(i.plan.id().unitName()) == i) {
      counts[i.phase.ordinal()]--;
      counts[phase.ordinal()]++;
    }
    i.phase = phase;
    i.since = since;
  }

  /**
   * Returns the instance tracked under a main unit name.
   *
   * @param unitName the main unit's name
   * @return the instance or null
   */
  public @Nullable Instance get(String unitName) {
    return instances.get(unitName);
  }

  /**
   * Returns the tracked instances, sorted by unit name.
   *
   * @return a live, unmodifiable view
   */
  public java.util.Collection<Instance> all() {
    return java.util.Collections.unmodifiableCollection(instances.values());
  }

  /**
   * Returns running plus starting instances: what the service will have once in-flight starts
   * finish. Gates use it so that concurrent actions can never overshoot max or undershoot min.
   *
   * @return the projected count
   */
  public int projected() {
    return counts[Instance.Phase.RUNNING.ordinal()] + counts[Instance.Phase.STARTING.ordinal()];
  }

  /**
   * Returns a view for policies and listeners.
   *
   * @return the view
   */
  public ServiceView view() {
    return new ServiceView(id(), count(Instance.Phase.RUNNING), count(Instance.Phase.STARTING),
        count(Instance.Phase.STOPPING), config.minInstance(), config.effectiveMax());
  }

  /**
   * Plans a new instance on the lowest free number.
   *
   * @return the plan, or null when no number (or, for a single-instance service, no slot) is free
   */
  public @Nullable InstancePlan planNew() {
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

  /**
   * Builds the plan of the instance with a given number, reserving nothing.
   *
   * @param number the number, or {@link InstancePlan#NO_NUMBER}
   * @return the plan
   */
  public InstancePlan plan(int number) {
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

  /**
   * Reserves the number of an adopted instance.
   *
   * @param number the number
   * @return false if it does not fit the table or is taken
   */
  public boolean claim(int number) {
    return numbers == null || number == InstancePlan.NO_NUMBER || numbers.claim(number);
  }

  /**
   * Frees a number.
   *
   * @param number the number
   */
  public void release(int number) {
    if (numbers != null && number != InstancePlan.NO_NUMBER) {
      numbers.release(number);
    }
  }

  /**
   * Builds the record the state store keeps for this service.
   *
   * @return the record
   */
  public ServiceRecord record() {
    List<UnitDefinition> att = new ArrayList<>();
    for (ServiceConfig a : attached) {
      att.add(a.unit());
    }
    return new ServiceRecord(id(), config.unit(), att, config.raw(),
        numbers == null ? List.of() : numbers.table());
  }

  /**
   * Builds the record the state store keeps for an instance.
   *
   * @param i the instance
   * @return the record
   */
  public static InstanceRecord record(Instance i) {
    List<String> att = new ArrayList<>();
    for (UnitSpec u : i.plan.attached()) {
      att.add(u.name());
    }
    return new InstanceRecord(i.plan.id(), i.plan.number(), att, InstanceRecord.LAUNCHED);
  }
}
