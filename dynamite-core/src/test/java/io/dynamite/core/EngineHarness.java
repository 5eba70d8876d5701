package io.dynamite.core;

import io.dynamite.api.MetricQuery;
import io.dynamite.core.config.DynamiteConfig;
import io.dynamite.testkit.FakeMetricSource;
import io.dynamite.testkit.FakeScalingTarget;
import io.dynamite.testkit.InMemoryStateStore;
import io.dynamite.testkit.ManualClock;
import io.dynamite.testkit.ManualScheduler;
import io.dynamite.testkit.RecordingListener;
import java.time.Duration;
import java.util.function.Consumer;

/** An engine on testkit fakes, driven by a manual clock; fails the test at close on an internal engine error. */
final class EngineHarness implements AutoCloseable {
  final ManualClock clock;
  final ManualScheduler scheduler;
  final FakeMetricSource metrics = new FakeMetricSource();
  final FakeScalingTarget target;
  final InMemoryStateStore store;
  final RecordingListener events = new RecordingListener();
  final ScalingEngine engine;

  EngineHarness(DynamiteConfig config) {
    this(config, new InMemoryStateStore(), b -> {});
  }

  EngineHarness(DynamiteConfig config, InMemoryStateStore store, Consumer<ScalingEngineBuilder> customize) {
    this(config, store, ManualClock.atDefaultStart(), new FakeScalingTarget(), customize);
  }

  /**
   * An engine on a clock and a target that another harness used before: a restart of that engine
   * (with the same store), with a scheduler of its own.
   */
  EngineHarness(DynamiteConfig config, InMemoryStateStore store, ManualClock clock, FakeScalingTarget target,
      Consumer<ScalingEngineBuilder> customize) {
    this(config, store, clock, target, customize, true);
  }

  /**
   * As above; {@code recordEvents} false leaves {@link #events} unregistered, so the engine has only
   * the listeners {@code customize} adds.
   */
  EngineHarness(DynamiteConfig config, InMemoryStateStore store, ManualClock clock, FakeScalingTarget target,
      Consumer<ScalingEngineBuilder> customize, boolean recordEvents) {
    this.clock = clock;
    this.scheduler = new ManualScheduler(clock);
    this.target = target;
    this.store = store;
    ScalingEngineBuilder b = ScalingEngine.builder()
        .config(config)
        .metricSource(metrics)
        .target(target)
        .stateStore(store)
        .clock(clock)
        .scheduler(scheduler)
        // decision history and policy states are written when the test moves the clock
        .historyExecutor(scheduler);
    if (recordEvents) {
      b.listener(events);
    }
    customize.accept(b);
    this.engine = b.build();
  }

  EngineHarness start() {
    engine.start();
    scheduler.runPending();
    return this;
  }

  /** Pushes one sample stamped now for each second, advancing one second after each. */
  void feed(MetricQuery q, String uuid, double value, int seconds) {
    for (int i = 0; i < seconds; i++) {
      metrics.push(q, uuid, clock.instant(), value);
      scheduler.advance(Duration.ofSeconds(1));
    }
  }

  @Override
  public void close() {
    engine.close();
    events.assertNoInternalErrors(); // an engine bug fails the test even when its assertions pass
  }
}
