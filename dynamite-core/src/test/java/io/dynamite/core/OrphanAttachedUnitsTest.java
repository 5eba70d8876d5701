package io.dynamite.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.dynamite.api.UnitHealth;
import io.dynamite.api.event.EngineEvent;
import io.dynamite.api.event.EngineEvent.DriftDetected.Drift;
import io.dynamite.api.state.InstanceRecord;
import io.dynamite.core.LeadershipAndVictimTest.SwitchableLeadership;
import io.dynamite.core.config.DynamiteConfig;
import io.dynamite.testkit.FakeScalingTarget;
import io.dynamite.testkit.FakeScalingTarget.UnitOp;
import io.dynamite.testkit.InMemoryStateStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Attached units whose main unit is absent and that nothing accounts for (a store wiped between a
 * start's attached units and its main unit, a record whose main unit vanished) are removed, so that
 * attached units always match their main unit; the number is freed only once they are gone.
 */
class OrphanAttachedUnitsTest {
  private static final Pattern UNIT = Pattern.compile("^(a|a_logger)@(\\d+)\\.service$");

  /** Template a (numbers 12021, 12023, ... up to 5 instances) with an attached logger. */
  private static DynamiteConfig config(int min, UnaryOperator<TestConfigs> more) {
    return more.apply(TestConfigs.create()
        .template("a", min, 5, 12021, 2, null, null, "a_logger")
        .attached("a_logger")).build();
  }

  private static List<String> drift(EngineHarness h, Drift kind) {
    return h.events.events(EngineEvent.DriftDetected.class).stream()
        .filter(d -> d.drift() == kind).map(EngineEvent.DriftDetected::unitName).toList();
  }

  /** The invariant: every a_logger@n has its a@n, and every a@n its a_logger@n. */
  private static List<String> mismatched(Map<String, UnitHealth> units) {
    List<String> out = new ArrayList<>();
    for (String u : units.keySet()) {
      Matcher m = UNIT.matcher(u);
      if (m.matches()) {
        String other = (m.group(1).equals("a") ? "a_logger@" : "a@") + m.group(2) + ".service";
        if (!units.containsKey(other)) {
          out.add(u + " without " + other);
        }
      }
    }
    return out;
  }

  @Test
  void aStoreWipedBetweenAStartsAttachedUnitAndItsMainUnitLeavesNoAttachedUnitBehind() {
    DynamiteConfig c = config(1, x -> x);
    FakeScalingTarget cluster = new FakeScalingTarget();
    SwitchableLeadership oldLead = new SwitchableLeadership();
    // the leader's start stops after submitting the logger, before the main unit
    cluster.pauseNextStartBefore(1);
    EngineHarness old = new EngineHarness(c, new InMemoryStateStore(), b -> b.target(cluster).leadership(oldLead));
    old.start();
    oldLead.set(true);
    old.scheduler.runPending();
    assertThat(cluster.units()).containsOnlyKeys("a_logger@12021.service");

    // etcd is wiped (the intent of that start is lost) and another engine wins on the empty store
    oldLead.leader = false;
    InMemoryStateStore wiped = new InMemoryStateStore();
    EngineHarness next = new EngineHarness(c, wiped, b -> b.target(cluster)).start();
    assertThat(next.events.events(EngineEvent.Recovered.class)).singleElement()
        .satisfies(r -> assertThat(r.summary())
            .contains("1 instance remnant(s) of attached units without main unit being removed"));
    assertThat(cluster.unitOperations()).filteredOn(op -> op.op() == UnitOp.DESTROY).extracting(op -> op.unit())
        .containsExactly("a_logger@12021.service");
    // the number was held while its units were removed, then freed: min_instance 1 is met by a
    // new instance and nothing of 12021 remains
    assertThat(cluster.units()).containsOnlyKeys("a@12023.service", "a_logger@12023.service");
    assertThat(mismatched(cluster.units())).isEmpty();
    assertThat(wiped.instances()).extracting(r -> r.id().unitName()).containsExactly("a@12023.service");
    assertThat(wiped.load().services()).singleElement()
        .satisfies(r -> assertThat(r.usedNumbers()).contains(12023).doesNotContain(12021));
    assertThat(drift(next, Drift.UNKNOWN)).containsExactly("a_logger@12021.service");

    // the deposed leader wakes up: fenced, it sends nothing more
    int ops = cluster.unitOperations().size();
    cluster.resumePausedStart();
    old.scheduler.runPending();
    assertThat(cluster.unitOperations()).hasSize(ops);
    assertThat(mismatched(cluster.units())).isEmpty();
    old.close();
    next.close();
  }

  @Test
  void underARunningEngineAnAttachedUnitWithoutMainUnitIsRemovedAtTheSecondReconciliationThatListsIt() {
    EngineHarness h = new EngineHarness(config(1, x -> x), new InMemoryStateStore(), b -> b.reconcileInterval(Duration.ofSeconds(10)));
    try (h) {
      h.start();
      h.target.setUnit("a_logger@12025.service", UnitHealth.RUNNING);
      h.scheduler.advance(Duration.ofSeconds(10));
      // first sighting: it could be a listing taken in the middle of one of the engine's own actions
      assertThat(h.target.units()).containsKey("a_logger@12025.service");
      assertThat(drift(h, Drift.UNKNOWN)).isEmpty();
      h.scheduler.advance(Duration.ofSeconds(10));
      assertThat(h.target.units()).containsOnlyKeys("a@12021.service", "a_logger@12021.service");
      assertThat(h.target.stopped()).containsExactly("a@12025.service");
      assertThat(h.events.events(EngineEvent.DriftDetected.class)).filteredOn(d -> d.drift() == Drift.UNKNOWN)
          .singleElement().satisfies(d -> assertThat(d.unitName() + ": " + d.detail()).isEqualTo(
              "a_logger@12025.service: attached unit of service a without its main unit a@12025.service,"
                  + " listed so by two reconciliations; removing it"));
      // nothing was recorded for it and its number is free again
      assertThat(h.store.instances()).extracting(r -> r.id().unitName()).containsExactly("a@12021.service");
      assertThat(h.store.load().services()).singleElement()
          .satisfies(r -> assertThat(r.usedNumbers()).contains(12021).doesNotContain(12025));
      assertThat(h.engine.snapshot().services().get(0).view().running()).isEqualTo(1);
    }
  }

  @Test
  void anAttachedUnitWhoseMainUnitAppearsBeforeTheSecondSightingIsAdoptedWithIt() {
    EngineHarness h = new EngineHarness(config(1, x -> x), new InMemoryStateStore(), b -> b.reconcileInterval(Duration.ofSeconds(10)));
    try (h) {
      h.start();
      h.target.setUnit("a_logger@12025.service", UnitHealth.RUNNING);
      h.scheduler.advance(Duration.ofSeconds(10));
      h.target.setUnit("a@12025.service", UnitHealth.RUNNING); // e.g. a late PUT of the start
      h.scheduler.advance(Duration.ofSeconds(20)); // two sightings of the whole instance
      assertThat(drift(h, Drift.ADOPTED)).containsExactly("a@12025.service");
      assertThat(h.target.unitOperations()).noneMatch(op -> op.unit().endsWith("@12025.service"));
      assertThat(h.target.units()).containsKeys("a@12025.service", "a_logger@12025.service");
      assertThat(h.engine.snapshot().services().get(0).view().running()).isEqualTo(2);
    }
  }

  @Test
  void aRecordWhoseMainUnitVanishedHasItsAttachedUnitRemovedAtRecoveryBeforeItsNumberIsFreed() {
    // the main unit vanished while no leader was there (a late DELETE landed on it)
    InMemoryStateStore store = new InMemoryStateStore();
    DynamiteConfig c = config(1, x -> x);
    try (EngineHarness first = new EngineHarness(c, store, b -> {}).start()) {
      assertThat(first.target.units()).containsOnlyKeys("a@12021.service", "a_logger@12021.service");
    }
    FakeScalingTarget cluster = new FakeScalingTarget();
    cluster.setUnit("a_logger@12021.service", UnitHealth.RUNNING);
    try (EngineHarness h = new EngineHarness(c, store, b -> b.target(cluster)).start()) {
      assertThat(drift(h, Drift.GONE)).containsExactly("a@12021.service");
      assertThat(cluster.unitOperations()).filteredOn(op -> op.op() == UnitOp.DESTROY).extracting(op -> op.unit())
          .containsExactly("a_logger@12021.service");
      assertThat(mismatched(cluster.units())).isEmpty();
      // the gone instance's record is deleted, and a new instance is started on a number that
      // was free while 12021's logger was still being removed
      assertThat(store.instances()).extracting(InstanceRecord::number).containsExactly(12023);
      assertThat(cluster.units()).containsOnlyKeys("a@12023.service", "a_logger@12023.service");
      assertThat(store.load().services()).singleElement()
          .satisfies(r -> assertThat(r.usedNumbers()).contains(12023).doesNotContain(12021));
    }
  }

  @Test
  void withAdoptUnknownFalseAnAttachedUnitWithoutMainUnitIsLeftUntouchedAndReported() {
    EngineHarness h = new EngineHarness(config(1, x -> x.adoptUnknown("a", false)), new InMemoryStateStore(),
        b -> b.reconcileInterval(Duration.ofSeconds(10)));
    h.target.setUnit("a_logger@12025.service", UnitHealth.RUNNING);
    try (h) {
      h.start();
      h.scheduler.advance(Duration.ofSeconds(30));
      assertThat(h.target.units()).containsKey("a_logger@12025.service");
      assertThat(h.target.unitOperations()).noneMatch(op -> op.unit().endsWith("@12025.service"));
      assertThat(drift(h, Drift.UNKNOWN)).containsExactly("a_logger@12025.service");
    }
  }

  @Test
  void attachedUnitsOutsideTheNumberingAreNotTouched() {
    EngineHarness h = new EngineHarness(config(1, x -> x), new InMemoryStateStore(), b -> b.reconcileInterval(Duration.ofSeconds(10)));
    h.target.setUnit("a_logger@12022.service", UnitHealth.RUNNING);   // not a number of a (ppi 2)
    h.target.setUnit("a_logger@12031.service", UnitHealth.RUNNING);   // beyond max_instance 5
    h.target.setUnit("a_logger@012025.service", UnitHealth.RUNNING);  // not plain decimal
    h.target.setUnit("other_logger@12025.service", UnitHealth.RUNNING); // no service's attached unit
    List<String> foreign = List.copyOf(h.target.units().keySet());
    try (h) {
      h.start();
      h.scheduler.advance(Duration.ofSeconds(40));
      assertThat(h.target.unitOperations()).noneMatch(op -> foreign.contains(op.unit()));
      assertThat(h.target.units()).containsKeys(foreign.toArray(new String[0]));
      assertThat(drift(h, Drift.UNKNOWN)).contains("a_logger@12022.service", "a_logger@12031.service",
          "a_logger@012025.service");
    }
  }

  @Test
  void theEnginesOwnStartBetweenItsAttachedUnitAndItsMainUnitIsNotTakenForARemnant() {
    EngineHarness h = new EngineHarness(config(1, x -> x), new InMemoryStateStore(), b -> b.reconcileInterval(Duration.ofSeconds(10)));
    h.target.pauseNextStartBefore(1);
    try (h) {
      h.start();
      assertThat(h.target.units()).containsOnlyKeys("a_logger@12021.service");
      h.scheduler.advance(Duration.ofSeconds(30)); // three reconciliations list the logger alone
      assertThat(h.target.unitOperations()).noneMatch(op -> op.op() == UnitOp.DESTROY);
      assertThat(drift(h, Drift.UNKNOWN)).isEmpty();
      h.target.resumePausedStart();
      h.scheduler.runPending();
      assertThat(h.target.units()).containsOnlyKeys("a@12021.service", "a_logger@12021.service");
      assertThat(h.store.instances()).extracting(r -> r.id().unitName()).containsExactly("a@12021.service");
    }
  }
}
