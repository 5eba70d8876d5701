package io.dynamite.core.bench;

import io.dynamite.api.InstancePlan;
import io.dynamite.api.MetricQuery;
import io.dynamite.api.ServiceId;
import io.dynamite.api.UnitOption;
import io.dynamite.api.state.UnitDefinition;
import io.dynamite.api.UnitStatus;
import io.dynamite.api.spi.ScalingTarget;
import io.dynamite.core.ScalingEngine;
import io.dynamite.core.config.DynamiteConfig;
import io.dynamite.core.config.PolicyConfig;
import io.dynamite.core.config.ServiceConfig;
import io.dynamite.testkit.FakeMetricSource;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The engine's own reaction time, on its real thread with its real scheduler: from a metric
 * source's signal (a sample that fires a threshold policy, pushed on another thread, as a watch
 * delivers it) to the target's {@code start} call, with the intent written to the in-memory store
 * on the way. Between breaches a second policy scales the service back down, so every breach meets
 * a service of the same size. Prints p50/p99/max over many breaches; the daemon benchmark measures the whole way
 * from an etcd write to the fleet PUT.
 */
public final class ReactionBenchmark {
  private ReactionBenchmark() {}

  /**
   * Entry point.
   *
   * @param args optional: number of measured breaches (default 2,000), warm-up breaches (default 2,000)
   */
  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 2_000;
    int warmup = args.length > 1 ? Integer.parseInt(args[1]) : 2_000;
    MetricQuery q = new MetricQuery("lb", "rt", true);
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("comparative_operator", "gt");
    s.put("threshold", 100.0);
    s.put("period", 0);
    s.put("cooldown_period", 0);
    Map<String, Object> d = new LinkedHashMap<>(s);
    d.put("comparative_operator", "lt");
    d.put("threshold", 50.0);
    int max = 5;
    List<UnitOption> options = List.of(UnitOption.of("Service", "ExecStart", "/bin/true %i"));
    ServiceConfig web = new ServiceConfig(ServiceId.of("web"), "web@.service", "bench", 1, max, 10_000, 1, List.of(),
        List.of(), "up", "down", new UnitDefinition("web", "web@.service", "/bench", options), Map.of());
    DynamiteConfig config = new DynamiteConfig(Map.of(), List.of(), null, "/services", "/metrics",
        Map.of(ServiceId.of("web"), web), Map.of("up", new PolicyConfig("up", "threshold", q, s), "down", new PolicyConfig("down", "threshold", q, d)));
    FakeMetricSource source = new FakeMetricSource();
    StampingTarget target = new StampingTarget();
    try (ScalingEngine engine = ScalingEngine.builder().config(config).metricSource(source).target(target).build()) {
      engine.start();
      while (target.calls() < 1) { // the min_instance top-up
        LockSupport.parkNanos(100_000);
      }
      Instant ts = Instant.parse("2030-01-01T00:00:00Z");
      List<Long> micros = new ArrayList<>();
      for (int i = 0; i < warmup + n; i++) {
        source.push(q, "", ts, 500); // opens the window
        ts = ts.plusSeconds(1);
        int before = target.calls();
        long t0 = System.nanoTime();
        source.push(q, "", ts, 500); // period 0: fires
        ts = ts.plusSeconds(1);
        long deadline = t0 + TimeUnit.SECONDS.toNanos(5);
        while (target.calls() == before && System.nanoTime() < deadline) {
          Thread.onSpinWait();
        }
        if (i >= warmup) {
          micros.add((target.lastCall() - t0) / 1_000);
        }
        LockSupport.parkNanos(200_000); // let the completion settle
        // scale back down, so that every breach meets a service of the same size
        int stops = target.stops();
        source.push(q, "", ts, 10);
        ts = ts.plusSeconds(1);
        source.push(q, "", ts, 10);
        ts = ts.plusSeconds(1);
        while (target.stops() == stops && System.nanoTime() < deadline + TimeUnit.SECONDS.toNanos(5)) {
          Thread.onSpinWait();
        }
        LockSupport.parkNanos(200_000);
      }
      Collections.sort(micros);
      System.out.printf("engine reaction (signal -> ScalingTarget.start), n=%d: p50 %.3f ms, p99 %.3f ms, max %.3f ms%n",
          micros.size(), micros.get(micros.size() / 2) / 1000.0,
          micros.get((int) Math.ceil(micros.size() * 0.99) - 1) / 1000.0, micros.get(micros.size() - 1) / 1000.0);
    }
  }

  /** Completes at once and remembers when it was last called. */
  static final class StampingTarget implements ScalingTarget {
    private volatile int calls;
    private volatile int stops;
    private volatile long lastCall;

    @Override
    public CompletionStage<Void> start(InstancePlan plan) {
      lastCall = System.nanoTime();
      calls++;
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<Void> stop(InstancePlan plan) {
      stops++;
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<List<UnitStatus>> list() {
      return CompletableFuture.completedFuture(List.of());
    }

    int stops() {
      return stops;
    }

    int calls() {
      return calls;
    }

    long lastCall() {
      return lastCall;
    }
  }
}
