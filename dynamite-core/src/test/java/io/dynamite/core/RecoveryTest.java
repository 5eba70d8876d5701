package io.dynamite.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.dynamite.api.InstancePlan;
import io.dynamite.api.ServiceId;
import io.dynamite.api.UnitHealth;
import io.dynamite.api.event.EngineEvent;
import io.dynamite.api.state.ActionIntent;
import io.dynamite.api.state.EngineStatus;
import io.dynamite.api.state.InstanceRecord;
import io.dynamite.core.config.DynamiteConfig;
import io.dynamite.testkit.FakeScalingTarget;
import io.dynamite.testkit.InMemoryStateStore;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A crash at any point leaves neither a duplicate nor an orphan instance after the next start. */
class RecoveryTest {
  private static DynamiteConfig config(int min) {
    return TestConfigs.create()
        .template("a", min, 5, 12021, 1, null, null, "a_logger")
        .attached("a_logger")
        .build();
  }

  private static InstancePlan plan(DynamiteConfig c, int number) {
    ServiceState rt = new ServiceState(c.service(ServiceId.of("a")), List.of(c.service(ServiceId.of("a_logger"))), 0);
    return rt.plan(number);
  }

  /** A store left by an engine that crashed after recording the start of a@12021, before its outcome. */
  private static InMemoryStateStore storeWithInterruptedStart(DynamiteConfig c) {
    InMemoryStateStore store = new InMemoryStateStore();
    store.saveStatus(EngineStatus.RUNNING);
    store.saveIntent(new ActionIntent("i1", ActionIntent.Kind.START, plan(c, 12021), Instant.EPOCH));
    return store;
  }

  /** A second engine on the same store and the same cluster, as after a restart. */
  private static EngineHarness restart(DynamiteConfig c, InMemoryStateStore store, FakeScalingTarget cluster) {
    return new EngineHarness(c, store, b -> b.target(cluster));
  }

  @Test
  void aStartInterruptedBeforeAnyUnitExistedIsUndoneAndRedoneOnce() {
    DynamiteConfig c = config(1);
    InMemoryStateStore store = new InMemoryStateStore();
    FakeScalingTarget cluster = new FakeScalingTarget();
    EngineHarness first = restart(c, store, cluster);
    cluster.delay(Duration.ofSeconds(30), first.scheduler); // the start never completes: crash
    first.start();
    assertThat(store.intents()).singleElement().extracting(ActionIntent::kind).isEqualTo(ActionIntent.Kind.START);

    FakeScalingTarget after = new FakeScalingTarget();
    EngineHarness second = new EngineHarness(c, store, b -> b.target(after)).start();
    // The interrupted instance's number stays reserved until its units are confirmed gone, so the
    // replacement that tops the service up again takes the next number.
    assertThat(after.actions()).extracting(a -> a.kind() + " " + a.plan().id())
        .containsExactly("STOP a@12021.service", "START a@12022.service");
    assertThat(store.intents()).isEmpty();
    assertThat(store.instances()).extracting(r -> r.id().unitName()).containsExactly("a@12022.service");
    assertThat(after.units()).containsOnlyKeys("a@12022.service", "a_logger@12022.service");
    assertThat(second.events.events(EngineEvent.Recovered.class)).singleElement()
        .satisfies(r -> assertThat(r.summary()).contains("stored status Running").contains("1 interrupted action(s) being undone"));
  }

  @Test
  void aHalfStartedInstanceIsRemovedWithTheUnitsThatExist() {
    DynamiteConfig c = config(1);
    InMemoryStateStore store = storeWithInterruptedStart(c);
    FakeScalingTarget cluster = new FakeScalingTarget();
    cluster.setUnit("a_logger@12021.service", UnitHealth.STOPPED); // submitted, main unit never made it

    EngineHarness h = restart(c, store, cluster).start();
    assertThat(ScalingEngineTest.ops(cluster.unitOperations())).startsWith("DESTROY a_logger@12021.service");
    assertThat(cluster.units()).containsOnlyKeys("a_logger@12022.service", "a@12022.service");
    assertThat(cluster.units().values()).containsOnly(UnitHealth.RUNNING);
    assertThat(cluster.started()).containsExactly("a@12022.service");
    assertThat(store.intents()).isEmpty();
    assertThat(h.engine.snapshot().services().get(0).view().running()).isEqualTo(1);
  }

  @Test
  void aStartInterruptedAfterAllUnitsRanIsAdoptedNotRepeated() {
    DynamiteConfig c = config(1);
    InMemoryStateStore store = storeWithInterruptedStart(c);
    FakeScalingTarget cluster = new FakeScalingTarget();
    cluster.setUnit("a_logger@12021.service", UnitHealth.RUNNING);
    cluster.setUnit("a@12021.service", UnitHealth.RUNNING);

    EngineHarness h = restart(c, store, cluster).start();
    assertThat(cluster.actions()).isEmpty();
    assertThat(store.intents()).isEmpty();
    assertThat(store.instances()).extracting(r -> r.id().unitName()).containsExactly("a@12021.service");
    assertThat(h.engine.snapshot().services().get(0).view().running()).isEqualTo(1);
  }

  @Test
  void anInterruptedStopIsFinished() {
    DynamiteConfig c = config(1);
    InMemoryStateStore store = new InMemoryStateStore();
    store.saveStatus(EngineStatus.RUNNING);
    InstancePlan keep = plan(c, 12021);
    InstancePlan gone = plan(c, 12022);
    store.saveInstance(new InstanceRecord(keep.id(), 12021, List.of("a_logger@12021.service"), "launched"));
    store.saveInstance(new InstanceRecord(gone.id(), 12022, List.of("a_logger@12022.service"), "launched"));
    store.saveIntent(new ActionIntent("i2", ActionIntent.Kind.STOP, gone, Instant.EPOCH));
    FakeScalingTarget cluster = new FakeScalingTarget();
    for (String u : List.of("a@12021.service", "a_logger@12021.service", "a@12022.service")) {
      cluster.setUnit(u, UnitHealth.RUNNING); // a_logger@12022 was already destroyed
    }
    restart(c, store, cluster).start();
    assertThat(cluster.units()).containsOnlyKeys("a@12021.service", "a_logger@12021.service");
    assertThat(store.instances()).extracting(r -> r.id().unitName()).containsExactly("a@12021.service");
    assertThat(store.intents()).isEmpty();
    assertThat(cluster.started()).isEmpty();
  }

  @Test
  void aRestartAdoptsRecordedInstancesWithoutStartingDuplicates() {
    DynamiteConfig c = config(2);
    InMemoryStateStore store = new InMemoryStateStore();
    FakeScalingTarget cluster = new FakeScalingTarget();
    restart(c, store, cluster).start();
    assertThat(cluster.started()).containsExactly("a@12021.service", "a@12022.service");
    EngineHarness second = restart(c, store, cluster).start();
    assertThat(cluster.started()).hasSize(2);
    assertThat(second.engine.snapshot().services().get(0).view().running()).isEqualTo(2);
    assertThat(store.status()).isEqualTo(EngineStatus.RUNNING);
    // a recorded instance whose unit vanished while Dynamite was down is forgotten and replaced
    cluster.removeUnit("a@12022.service");
    cluster.removeUnit("a_logger@12022.service");
    restart(c, store, cluster).start();
    assertThat(cluster.started()).containsExactly("a@12021.service", "a@12022.service", "a@12022.service");
  }

  @Test
  void aStateStoreThatCannotRecordIntentsBlocksOnlyActions() {
    DynamiteConfig c = config(1);
    InMemoryStateStore store = new InMemoryStateStore();
    EngineHarness h = new EngineHarness(c, store, b -> {});
    h.start();
    assertThat(h.target.started()).hasSize(1);
    store.failWrites(true);
    h.target.removeUnit("a@12021.service");
    h.scheduler.advance(Duration.ofSeconds(31));
    assertThat(h.target.started()).hasSize(1); // no start without a recorded intent
    assertThat(h.events.events(EngineEvent.ActionFailed.class)).isNotEmpty()
        .allSatisfy(f -> assertThat(f.error()).contains("could not record intent"));
    store.failWrites(false);
    h.scheduler.advance(Duration.ofSeconds(61));
    assertThat(h.target.started()).hasSize(2);
  }
}
