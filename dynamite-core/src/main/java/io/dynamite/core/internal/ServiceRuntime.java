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
  public final TreeMap<String, Instance> instances = new TreeMap<>();
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
    int n = 0;
    for (Instance i : instances.values()) {
      if (i.phase == phase) {
        n++;
      }
    }
    return n;
  }

  /**
   * Returns running plus starting instances: what the service will have once in-flight starts
   * finish. Gates use it so that concurrent actions can never overshoot max or undershoot min.
   *
   * @return the projected count
   */
  public int projected() {
    int n = 0;
    for (Instance i : instances.values()) {
      if (i.phase == Instance.Phase.RUNNING || i.phase == Instance.Phase.STARTING) {
        n++;
      }
    }
    return n;
  }

  /**
   * Returns a view for policies and listeners.
   *
   * @return the view
   */
  public ServiceView view() {
    int running = 0;
    int starting = 0;
    int stopping = 0;
    for (Instance i : instances.values()) {
      switch (i.phase) {
        case RUNNING -> running++;
        case STARTING -> starting++;
        case STOPPING -> stopping++;
        default -> { }
      }
    }
    return new ServiceView(id(), running, starting, stopping, config.minInstance(), config.effectiveMax());
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
