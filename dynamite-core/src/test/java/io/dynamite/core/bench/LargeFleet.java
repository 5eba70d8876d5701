package io.dynamite.core.bench;

import io.dynamite.api.MetricPoll;
import io.dynamite.api.MetricQuery;
import io.dynamite.api.MetricSample;
import io.dynamite.api.ServiceId;
import io.dynamite.api.UnitOption;
import io.dynamite.api.spi.MetricSource;
import io.dynamite.api.state.UnitDefinition;
import io.dynamite.core.ScalingEngine;
import io.dynamite.core.ScalingEngineBuilder;
import io.dynamite.core.policy.ThresholdPolicyProvider;
import io.dynamite.core.config.DynamiteConfig;
import io.dynamite.core.config.PolicyConfig;
import io.dynamite.core.config.ServiceConfig;
import io.dynamite.testkit.FakeScalingTarget;
import io.dynamite.testkit.ManualClock;
import io.dynamite.testkit.ManualScheduler;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A large synthetic deployment for benchmarks: {@code services} template services of {@code
 * instances} instances each, every service with a per-instance scale-up and scale-down threshold
 * policy on its own service type. Each tick the source produces one new sample per instance.
 * Public so that other modules' benchmarks (telemetry) measure the very same tick; core's test jar
 * carries it.
 */
public final class LargeFleet {
  final ManualClock clock = ManualClock.atDefaultStart();
  final ManualScheduler scheduler = new ManualScheduler(clock);
  final SyntheticSource source;
  /** The engine, started; every instance is running. */
  public final ScalingEngine engine;

  /**
   * Creates the fleet with a target that keeps nothing.
   *
   * @param services the number of services
   * @param instances the instances per service
   */
  public LargeFleet(int services, int instances) {
    this(services, instances, false);
  }

  /**
   * Creates the fleet with extra listeners on the engine (telemetry), a target that keeps nothing.
   *
   * @param services the number of services
   * @param instances the instances per service
   * @param listeners added to the engine's builder
   */
  public LargeFleet(int services, int instances, List<io.dynamite.api.event.EngineListener> listeners) {
    this(services, instances, false, listeners);
  }

  LargeFleet(int services, int instances, boolean bookkeepingTarget) {
    this(services, instances, bookkeepingTarget, List.of());
  }

  /**
   * Creates the fleet.
   *
   * @param bookkeepingTarget true for the testkit's recording target (which keeps every action and
   *     unit operation), false for a target that keeps nothing, so that only the engine is measured
   * @param listeners added to the engine's builder
   */
  LargeFleet(int services, int instances, boolean bookkeepingTarget, List<io.dynamite.api.event.EngineListener> listeners) {
    Map<ServiceId, ServiceConfig> svc = new LinkedHashMap<>();
    Map<String, PolicyConfig> pol = new LinkedHashMap<>();
    List<UnitOption> options = List.of(UnitOption.of("Unit", "Description", "bench"),
        UnitOption.of("Service", "ExecStart", "/bin/true %i"));
    for (int s = 0; s < services; s++) {
      String name = "svc" + s;
      String type = "type" + s;
      svc.put(ServiceId.of(name), new ServiceConfig(ServiceId.of(name), name + "@.service", "bench",
          instances, instances * 2, 10_000 + s * instances * 2, 1, List.of(), List.of(),
          name + "-up", name + "-down", new UnitDefinition(name, name + "@.service", "/bench", options), Map.of()));
      pol.put(name + "-up", threshold(name + "-up", type, "gt", 80));
      pol.put(name + "-down", threshold(name + "-down", type, "lt", 10));
    }
    DynamiteConfig config = new DynamiteConfig(Map.of(), List.of(), null, "/services", "/metrics", svc, pol);
    source = new SyntheticSource(clock, services, instances);
    ScalingEngineBuilder builder = ScalingEngine.builder();
    listeners.forEach(builder::listener);
    engine = builder
        .config(config)
        .metricSource(source)
        .target(bookkeepingTarget ? new FakeScalingTarget() : new NullTarget())
        .clock(clock)
        .scheduler(scheduler)
        .reconcileInterval(Duration.ofDays(1))
        .metricWindow(Duration.ofSeconds(Long.getLong("bench.window", 30)))
        // -Dbench.history=true: the same rule, but as a policy that reads the engine-kept history,
        // so that the engine keeps a series (and its window) for every instance
        .policyProvider(Boolean.getBoolean("bench.history") ? new HistoryReadingThreshold() : new ThresholdPolicyProvider())
        .build();
    engine.start();
    scheduler.runPending();
  }

  private static PolicyConfig threshold(String name, String type, String op, double threshold) {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("comparative_operator", op);
    s.put("threshold", threshold);
    s.put("period", 30);
    s.put("cooldown_period", 60);
    return new PolicyConfig(name, "threshold", new MetricQuery(type, "cpu", false), s);
  }

  /** One tick: new samples for every instance, evaluated by every policy. */
  public void tick() {
    clock.advance(Duration.ofSeconds(1));
    engine.tickNow();
  }

  /** The threshold rule, declared as reading the metric history. */
  static final class HistoryReadingThreshold implements io.dynamite.api.spi.ScalingPolicyProvider {
    private final ThresholdPolicyProvider delegate = new ThresholdPolicyProvider();

    @Override
    public String type() {
      return delegate.type();
    }

    @Override
    public io.dynamite.api.spi.ScalingPolicy create(io.dynamite.api.PolicySpec spec, io.dynamite.api.spi.PluginContext context) {
      io.dynamite.api.spi.ScalingPolicy p = delegate.create(spec, context);
      return new io.dynamite.api.spi.ScalingPolicy() {
        @Override
        public io.dynamite.api.ScalingDecision evaluate(io.dynamite.api.PolicyInput input) {
          return p.evaluate(input);
        }

        @Override
        public boolean readsMetricHistory() {
          return true;
        }
      };
    }
  }

  /** Completes every action at once and remembers nothing. */
  static final class NullTarget implements io.dynamite.api.spi.ScalingTarget {
    @Override
    public java.util.concurrent.CompletionStage<Void> start(io.dynamite.api.InstancePlan plan) {
      return java.util.concurrent.CompletableFuture.completedFuture(null);
    }

    @Override
    public java.util.concurrent.CompletionStage<Void> stop(io.dynamite.api.InstancePlan plan) {
      return java.util.concurrent.CompletableFuture.completedFuture(null);
    }

    @Override
    public java.util.concurrent.CompletionStage<List<io.dynamite.api.UnitStatus>> list() {
      return java.util.concurrent.CompletableFuture.completedFuture(List.of());
    }
  }

  /**
   * Produces one sample per instance per poll. Values cycle through 5..95 so that windows open and
   * close on both policies, but never stay breached long enough to fire.
   */
  static final class SyntheticSource implements MetricSource {
    private final ManualClock clock;
    private final int services;
    private final int instances;
    private final String[][] uuids;
    private final MetricQuery[] queries;
    private int round;
    private List<MetricQuery> lastPolled = List.of();

    SyntheticSource(ManualClock clock, int services, int instances) {
      this.clock = clock;
      this.services = services;
      this.instances = instances;
      this.uuids = new String[services][instances];
      this.queries = new MetricQuery[services];
      for (int s = 0; s < services; s++) {
        queries[s] = new MetricQuery("type" + s, "cpu", false);
        for (int i = 0; i < instances; i++) {
          uuids[s][i] = "uuid-" + s + "-" + i;
        }
      }
    }

    @Override
    public MetricPoll poll(List<MetricQuery> polled) {
      // Like a real source, hand back the query objects the engine polled with (looked up once,
      // when the engine's query list changes, as a watch-based source would).
      if (polled != lastPolled) {
        lastPolled = polled;
        java.util.Map<MetricQuery, MetricQuery> canonical = new java.util.HashMap<>();
        for (MetricQuery q : polled) {
          canonical.put(q, q);
        }
        for (int s = 0; s < services; s++) {
          queries[s] = canonical.getOrDefault(queries[s], queries[s]);
        }
      }
      Instant now = clock.instant();
      round++;
      List<MetricSample> out = new ArrayList<>(services * instances);
      for (int s = 0; s < services; s++) {
        for (int i = 0; i < instances; i++) {
          double v = 5 + ((round * 7 + s * 3 + i * 11) % 19) * 5;
          out.add(new MetricSample(queries[s], uuids[s][i], now, v));
        }
      }
      return MetricPoll.of(out);
    }
  }
}
