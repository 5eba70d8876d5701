package io.dynamite.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.dynamite.api.UnitHealth;
import io.dynamite.api.event.EngineEvent;
import io.dynamite.api.event.EngineEvent.DriftDetected.Drift;
import io.dynamite.api.state.InstanceRecord;
import io.dynamite.core.config.DynamiteConfig;
import io.dynamite.testkit.FakeScalingTarget;
import io.dynamite.testkit.InMemoryStateStore;
import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * Units without a record (a wiped or foreign state store, or units created behind the engine's
 * back) that match a service's template exactly are adopted with their attached units, at
 * recovery and at reconciliation; everything else stays untouched.
 */
class AdoptionTest {
  /** Template a (numbers 12021, 12023, ... up to 5 instances) with an attached logger. */
  private static DynamiteConfig config(int min, UnaryOperator<TestConfigs> more) {
    return more.apply(TestConfigs.create()
        .template("a", min, 5, 12021, 2, null, null, "a_logger")
        .attached("a_logger")).build();
  }

  private static void instance(FakeScalingTarget cluster, int number, UnitHealth health) {
    cluster.setUnit("a_logger@" + number + ".service", health);
    cluster.setUnit("a@" + number + ".service", health);
  }

  private static List<String> drift(EngineHarness h, Drift kind) {
    return h.events.events(EngineEvent.DriftDetected.class).stream()
        .filter(d -> d.drift() == kind).map(EngineEvent.DriftDetected::unitName).toList();
  }

  @Test
  void aWipedStoreAdoptsTheUnitsThatMatchTheTemplateWithTheirAttachedUnitsAndRecordsThem() {
    EngineHarness h = new EngineHarness(config(2, c -> c));
    instance(h.target, 12021, UnitHealth.RUNNING);
    instance(h.target, 12025, UnitHealth.STARTING);
    try (h) {
      h.start();
      // nothing started: both are adopted, and min_instance 2 is met by them
      assertThat(h.target.actions()).isEmpty();
      assertThat(h.engine.snapshot().services().get(0).instances()).extracting(i -> i.id().unitName() + " " + i.phase())
          .containsExactly("a@12021.service RUNNING", "a@12025.service RUNNING");
      assertThat(h.store.instances()).extracting(InstanceRecord::id).extracting(id -> id.unitName())
          .containsExactlyInAnyOrder("a@12021.service", "a@12025.service");
      assertThat(h.store.instances()).filteredOn(r -> r.number() == 12025).singleElement()
          .satisfies(r -> assertThat(r.attachedUnits()).containsExactly("a_logger@12025.service"));
      // the number table holds them: the next instance takes the lowest free number, 12023
      assertThat(h.store.load().services()).singleElement().satisfies(s -> assertThat(s.usedNumbers()).contains(12021, 12025));
      assertThat(drift(h, Drift.ADOPTED)).containsExactly("a@12021.service", "a@12025.service");
      assertThat(h.events.events(EngineEvent.Recovered.class)).singleElement()
          .satisfies(r -> assertThat(r.summary()).contains("2 unrecorded instance(s) adopted from the target"));
      assertThat(drift(h, Drift.UNKNOWN)).isEmpty();
    }
  }

  @Test
  void adoptedInstancesAreCountedSoTheEngineStartsOnlyTheShortfallOnFreeNumbers() {
    EngineHarness h = new EngineHarness(config(3, c -> c));
    instance(h.target, 12023, UnitHealth.RUNNING);
    try (h) {
      h.start();
      assertThat(h.target.started()).containsExactly("a@12021.service", "a@12025.service");
      assertThat(h.target.units().keySet()).filteredOn(u -> u.startsWith("a@")).hasSize(3);
      assertThat(h.engine.snapshot().services().get(0).view().running()).isEqualTo(3);
    }
  }

  @Test
  void unitsThatDoNotMatchExactlyAreLeftUntouchedAndReported() {
    EngineHarness h = new EngineHarness(config(1, c -> c));
    h.target.setUnit("a@12023.service", UnitHealth.RUNNING);          // its logger is missing
    instance(h.target, 12025, UnitHealth.FAILED);                      // not running
    instance(h.target, 12022, UnitHealth.RUNNING);                     // not a number of the numbering (ppi 2)
    instance(h.target, 12031, UnitHealth.RUNNING);                     // beyond max_instance 5
    h.target.setUnit("a@012027.service", UnitHealth.RUNNING);         // not plain decimal
    h.target.setUnit("a_logger@012027.service", UnitHealth.RUNNING);
    h.target.setUnit("nginx.service", UnitHealth.RUNNING);            // somebody else's
    List<String> foreign = List.copyOf(h.target.units().keySet());
    try (h) {
      h.start();
      h.scheduler.advance(Duration.ofSeconds(95)); // three more reconciliations
      assertThat(drift(h, Drift.ADOPTED)).isEmpty();
      assertThat(h.store.instances()).extracting(r -> r.id().unitName()).containsExactly("a@12021.service");
      assertThat(h.target.started()).containsExactly("a@12021.service");
      // every foreign unit is still there, with its health, and none was ever touched
      assertThat(h.target.units()).containsKeys(foreign.toArray(new String[0]));
      assertThat(h.target.unitOperations()).noneMatch(op -> foreign.contains(op.unit()));
      assertThat(h.target.units().get("a@12025.service")).isEqualTo(UnitHealth.FAILED);
      // the main-unit look-alikes are reported once each, with the reason (their attached units too)
      assertThat(drift(h, Drift.UNKNOWN)).doesNotHaveDuplicates();
      assertThat(h.events.events(EngineEvent.DriftDetected.class))
          .filteredOn(d -> d.drift() == Drift.UNKNOWN && d.unitName().startsWith("a@"))
          .extracting(d -> d.unitName() + ": " + d.detail())
          .containsExactlyInAnyOrder(
              "a@12023.service: unit is named like a Dynamite instance but is not known to the engine; left untouched"
                  + " (not adopted: its unit a_logger@12023.service is missing)",
              "a@12025.service: unit is named like a Dynamite instance but is not known to the engine; left untouched"
                  + " (not adopted: its unit a_logger@12025.service is failed)",
              "a@12022.service: unit is named like a Dynamite instance but is not known to the engine; left untouched",
              "a@12031.service: unit is named like a Dynamite instance but is not known to the engine; left untouched",
              "a@012027.service: unit is named like a Dynamite instance but is not known to the engine; left untouched");
    }
  }

  @Test
  void withAdoptUnknownFalseNothingIsAdoptedAndTheLookAlikesStayUntouched() {
    EngineHarness h = new EngineHarness(config(1, c -> c.adoptUnknown("a", false)));
    instance(h.target, 12023, UnitHealth.RUNNING);
    try (h) {
      h.start();
      h.scheduler.advance(Duration.ofSeconds(65));
      assertThat(drift(h, Drift.ADOPTED)).isEmpty();
      assertThat(drift(h, Drift.UNKNOWN)).containsExactlyInAnyOrder("a@12023.service", "a_logger@12023.service");
      assertThat(h.events.events(EngineEvent.DriftDetected.class))
          .filteredOn(d -> d.drift() == Drift.UNKNOWN && d.unitName().startsWith("a@")).singleElement().satisfies(d -> assertThat(d.detail()).contains("adopt_unknown is false for service a"));
      assertThat(h.target.started()).containsExactly("a@12021.service");
      assertThat(h.target.units()).containsKeys("a@12023.service", "a_logger@12023.service");
      assertThat(h.store.instances()).extracting(r -> r.id().unitName()).containsExactly("a@12021.service");
    }
  }

  @Test
  void aLookAlikeThatAppearsUnderARunningEngineIsAdoptedAtTheSecondReconciliationThatListsIt() {
    EngineHarness h = new EngineHarness(config(1, c -> c), new InMemoryStateStore(), b -> b.reconcileInterval(Duration.ofSeconds(10)));
    try (h) {
      h.start();
      assertThat(h.target.started()).containsExactly("a@12021.service");
      instance(h.target, 12025, UnitHealth.RUNNING); // e.g. created by a deposed leader, or a restored cluster
      h.scheduler.advance(Duration.ofSeconds(10));
      assertThat(drift(h, Drift.ADOPTED)).isEmpty(); // first sighting: not yet
      assertThat(h.engine.snapshot().services().get(0).view().running()).isEqualTo(1);
      h.scheduler.advance(Duration.ofSeconds(10));
      assertThat(drift(h, Drift.ADOPTED)).containsExactly("a@12025.service");
      assertThat(drift(h, Drift.UNKNOWN)).isEmpty();
      assertThat(h.engine.snapshot().services().get(0).view().running()).isEqualTo(2);
      assertThat(h.store.instances()).extracting(r -> r.id().unitName())
          .containsExactlyInAnyOrder("a@12021.service", "a@12025.service");
      assertThat(h.target.unitOperations()).noneMatch(op -> op.unit().endsWith("@12025.service"));
      // an adopted instance is an instance like any other: when its main unit vanishes, its logger goes too
      h.target.removeUnit("a@12025.service");
      h.scheduler.advance(Duration.ofSeconds(10));
      assertThat(h.target.units()).doesNotContainKey("a_logger@12025.service");
      assertThat(h.store.instances()).extracting(r -> r.id().unitName()).containsExactly("a@12021.service");
    }
  }

  @Test
  void aLookAlikeListedOnlyOnceIsNotAdopted() {
    // what a listing taken just before one of the engine's own stops completed looks like
    EngineHarness h = new EngineHarness(config(1, c -> c), new InMemoryStateStore(), b -> b.reconcileInterval(Duration.ofSeconds(10)));
    try (h) {
      h.start();
      instance(h.target, 12023, UnitHealth.RUNNING);
      h.scheduler.advance(Duration.ofSeconds(10));
      h.target.removeUnit("a@12023.service");
      h.target.removeUnit("a_logger@12023.service");
      h.scheduler.advance(Duration.ofSeconds(10));
      instance(h.target, 12023, UnitHealth.RUNNING); // back again: the count of sightings starts over
      h.scheduler.advance(Duration.ofSeconds(10));
      assertThat(drift(h, Drift.ADOPTED)).isEmpty();
      assertThat(h.engine.snapshot().services().get(0).view().running()).isEqualTo(1);
      h.scheduler.advance(Duration.ofSeconds(10));
      assertThat(drift(h, Drift.ADOPTED)).containsExactly("a@12023.service");
    }
  }

  @Test
  void aHalfStartedLookAlikeWithoutRecordHasItsStartFinished() {
    // a leader deposed between submit and launch, and the store that held its intent wiped
    EngineHarness h = new EngineHarness(config(1, c -> c));
    h.target.setUnit("a_logger@12023.service", UnitHealth.STOPPED);
    h.target.setUnit("a@12023.service", UnitHealth.RUNNING);
    try (h) {
      h.start();
      assertThat(h.target.actions()).extracting(a -> a.kind() + " " + a.plan().id() + " " + a.succeeded())
          .containsExactly("START a@12023.service true");
      assertThat(h.target.units()).containsOnlyKeys("a_logger@12023.service", "a@12023.service");
      assertThat(h.target.units().values()).containsOnly(UnitHealth.RUNNING);
      assertThat(h.store.instances()).extracting(r -> r.id().unitName()).containsExactly("a@12023.service");
      assertThat(h.store.intents()).isEmpty();
      assertThat(h.engine.snapshot().services().get(0).view().running()).isEqualTo(1);
    }
  }
}
