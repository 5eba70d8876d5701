package io.dynamite.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.dynamite.api.InstancePlan;
import io.dynamite.api.UnitStatus;
import io.dynamite.api.event.EngineEvent;
import io.dynamite.api.spi.ScalingTarget;
import io.dynamite.core.LeadershipAndVictimTest.SwitchableLeadership;
import io.dynamite.core.config.DynamiteConfig;
import io.dynamite.testkit.FakeScalingTarget;
import io.dynamite.testkit.FakeScalingTarget.UnitOp;
import io.dynamite.testkit.InMemoryStateStore;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * A leader deposed in the middle of a start sends nothing more to the target: the target asks the
 * engine's term before every unit operation.
 */
class FencingTest {
  private static DynamiteConfig config() {
    return TestConfigs.create()
        .template("a", 1, 5, 12021, 1, null, null, "a_logger")
        .attached("a_logger")
        .build();
  }

  @Test
  void aLeaderDeposedInTheMiddleOfAStartCreatesNoFurtherUnitAfterTheNewLeaderTookOver() {
    DynamiteConfig c = config();
    InMemoryStateStore store = new InMemoryStateStore();
    FakeScalingTarget cluster = new FakeScalingTarget();
    SwitchableLeadership oldLead = new SwitchableLeadership();
    // the old leader's start stops after submitting the logger, before the main unit (a long GC
    // pause, a SIGSTOP, a slow network)
    cluster.pauseNextStartBefore(1);
    EngineHarness old = new EngineHarness(c, store, b -> b.target(cluster).leadership(oldLead));
    old.start();
    oldLead.set(true);
    old.scheduler.runPending();
    assertThat(cluster.startPaused()).isTrue();
    assertThat(cluster.units()).containsOnlyKeys("a_logger@12021.service");

    // its lease runs out: it is no longer leader, and another engine wins and recovers
    oldLead.leader = false; // isLeader() is false at once; the engine hears of it only later
    EngineHarness next = new EngineHarness(c, store, b -> b.target(cluster)).start();
    assertThat(next.events.events(EngineEvent.Recovered.class)).singleElement()
        .satisfies(r -> assertThat(r.summary()).contains("1 interrupted action(s) being undone"));
    List<String> unitsOfTheNewLeader = List.copyOf(cluster.units().keySet());
    assertThat(unitsOfTheNewLeader).containsExactlyInAnyOrder("a@12022.service", "a_logger@12022.service");
    int opsBefore = cluster.unitOperations().size();

    // the old leader wakes up in the middle of its start
    cluster.resumePausedStart();
    old.scheduler.runPending();
    assertThat(cluster.unitOperations()).hasSize(opsBefore); // not one more submit or launch
    assertThat(cluster.unitOperations()).filteredOn(op -> op.op() != UnitOp.DESTROY)
        .extracting(op -> op.unit()).doesNotContain("a@12021.service");
    assertThat(cluster.units().keySet()).containsExactlyInAnyOrderElementsOf(unitsOfTheNewLeader);
    assertThat(cluster.fencedRefusals()).isEqualTo(1);
    assertThat(old.events.events(EngineEvent.ActionFailed.class)).last()
        .satisfies(f -> assertThat(f.error()).contains("leadership was lost"));
    // and the new leader's books match the cluster
    assertThat(store.instances()).extracting(r -> r.id().unitName()).containsExactly("a@12022.service");
    assertThat(store.intents()).isEmpty();
    old.close();
    next.close();
  }

  @Test
  void aTargetWithoutItsOwnFencedFormIsAskedOnceBeforeTheCall() {
    FakeScalingTarget inner = new FakeScalingTarget();
    // implements only the plain forms, as targets written before the fenced forms existed
    ScalingTarget plain = new ScalingTarget() {
      @Override
      public CompletionStage<Void> start(InstancePlan plan) {
        return inner.start(plan);
      }

      @Override
      public CompletionStage<Void> stop(InstancePlan plan) {
        return inner.stop(plan);
      }

      @Override
      public CompletionStage<List<UnitStatus>> list() {
        return inner.list();
      }
    };
    try (EngineHarness h = new EngineHarness(config(), new InMemoryStateStore(), b -> b.target(plain)).start()) {
      assertThat(inner.started()).containsExactly("a@12021.service");
      BooleanSupplier deposed = () -> false;
      InstancePlan p = new ServiceState(h.engine.config().service(io.dynamite.api.ServiceId.of("a")),
          List.of(h.engine.config().service(io.dynamite.api.ServiceId.of("a_logger"))), 0).plan(12023);
      assertThat(plain.start(p, deposed).toCompletableFuture()).isCompletedExceptionally();
      assertThat(plain.stop(p, deposed).toCompletableFuture()).isCompletedExceptionally();
      assertThat(inner.actions()).hasSize(1);
    }
  }
}
