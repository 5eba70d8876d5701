package io.dynamite.core;

import io.dynamite.api.UnitStatus;
import io.dynamite.api.state.StoredState;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * Brings a newly elected engine to a ready state: reads the store, reads back the decision history
 * and the policies' states ({@link PolicyMemory}), lists the target's units, lets {@link Recovery}
 * rebuild every service from both, and retries the whole of it with backoff when the store or the
 * target fails. Engine thread only.
 */
final class Initialization {
  /** Told once the state is rebuilt: the units by name, the time, and a summary for humans. */
  @FunctionalInterface
  interface Ready {
    void ready(Map<String, UnitStatus> units, Instant now, String summary);
  }

  private final Recovery recovery;
  /** Reads back the decision history and the policies' states; reports its own failures. */
  private final Runnable remember;
  private final Actuator actuator;
  private final EngineLoop loop;
  private final Recorder recorder;
  private final Backoff backoff;
  private final Clock clock;
  /** True while this engine leads and is open; an initialisation that outlives it is dropped. */
  private final BooleanSupplier wanted;
  private final Ready ready;
  private boolean running;
  private int failures;

  Initialization(Recovery recovery, Runnable remember, Actuator actuator, EngineLoop loop, Recorder recorder,
      Backoff backoff, Clock clock, BooleanSupplier wanted, Ready ready) {
    this.recovery = recovery;
    this.remember = remember;
    this.actuator = actuator;
    this.loop = loop;
    this.recorder = recorder;
    this.backoff = backoff;
    this.clock = clock;
    this.wanted = wanted;
    this.ready = ready;
  }

  /** Starts an initialisation unless one is under way. */
  void begin() {
    if (!wanted.getAsBoolean() || running) {
      return;
    }
    running = true;
    StoredState stored;
    try {
      stored = recovery.begin();
    } catch (RuntimeException e) {
      failed("state-store", e);
      return;
    }
    // before the first evaluation of the term, so the policies decide with their restored memory
    remember.run();
    actuator.list().whenComplete((units, err) -> loop.hop("initialisation", () -> {
      if (err != null) {
        failed("target", ScalingEngine.unwrap(err));
      } else {
        finish(stored, units);
      }
    }));
  }

  private void failed(String plugin, Throwable e) {
    running = false;
    failures++;
    Duration delay = backoff.delay(failures);
    recorder.pluginFailed(plugin, null, "initialisation failed, retrying in " + delay + ": " + ScalingEngine.describe(e));
    loop.schedule("initialisation retry", delay, this::begin);
  }

  private void finish(StoredState state, List<UnitStatus> units) {
    running = false;
    if (!wanted.getAsBoolean()) {
      return;
    }
    Instant now = clock.instant();
    Map<String, UnitStatus> byName = ScalingEngine.index(units);
    String summary;
    try {
      summary = recovery.finish(state, byName, now);
    } catch (RuntimeException e) {
      failed("state-store", e);
      return;
    }
    failures = 0;
    ready.ready(byName, now, summary);
  }
}
