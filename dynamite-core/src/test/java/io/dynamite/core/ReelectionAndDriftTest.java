package io.dynamite.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.dynamite.api.UnitHealth;
import io.dynamite.api.event.EngineEvent;
import io.dynamite.api.state.ActionIntent;
import io.dynamite.core.LeadershipAndVictimTest.SwitchableLeadership;
import io.dynamite.testkit.InMemoryStateStore;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Re-election in the same process and units that vanish under a running engine. */
class ReelectionAndDriftTest {

  @Test
  void aReelectedEngineAdoptsAStartThatCompletedWhileTheStoreWasDownAndLeaksNoNumber() {
    // a start completes while the store refuses writes (etcd away): its intent stays stored and
    // no instance record is written; then leadership is lost and won again in the same process
    SwitchableLeadership lead = new SwitchableLeadership();
    InMemoryStateStore store = new InMemoryStateStore();
    OneService c = new OneService();
    EngineHarness h = new EngineHarness(c.config, store, b -> b.leadership(lead));
    h.target.delay(Duration.ofSeconds(5), h.scheduler);
    try (h) {
      h.start();
      lead.set(true);
      h.scheduler.runPending();
      assertThat(store.intents()).singleElement().extracting(ActionIntent::kind).isEqualTo(ActionIntent.Kind.START);
      store.failWrites(true);
      h.scheduler.advance(Duration.ofSeconds(6)); // the start completes; its records cannot be written
      assertThat(h.target.units()).containsOnlyKeys("a@12021.service", "a_logger@12021.service");
      assertThat(store.intents()).hasSize(1);
      lead.set(false);
      h.scheduler.runPending();
      store.failWrites(false);
      lead.set(true);
      h.scheduler.advance(Duration.ofSeconds(10));

      // the completed start is adopted, not undone, and its number is not handed out twice
      assertThat(h.target.stopped()).isEmpty();
      assertThat(h.target.units()).containsOnlyKeys("a@12021.service", "a_logger@12021.service");
      assertThat(h.engine.snapshot().services().get(0).view().running()).isEqualTo(1);
      assertThat(store.intents()).isEmpty();
      assertThat(store.instances()).extracting(r -> r.id().unitName()).containsExactly("a@12021.service");
      assertThat(h.events.events(EngineEvent.Recovered.class)).last()
          .satisfies(r -> assertThat(r.summary()).contains("1 interrupted start(s) completed").doesNotContain("number table"));
    }
  }

  @Test
  void aMainUnitThatVanishesTakesItsAttachedUnitsWithItAndKeepsItsNumberUntilThen() {
    OneService c = new OneService();
    try (EngineHarness h = new EngineHarness(c.config, new InMemoryStateStore(), b -> b.reconcileInterval(Duration.ofSeconds(5))).start()) {
      assertThat(h.target.units()).containsOnlyKeys("a@12021.service", "a_logger@12021.service");
      // the main unit disappears (a late DELETE landed on it); its logger still runs
      h.target.removeUnit("a@12021.service");
      h.scheduler.advance(Duration.ofSeconds(5));
      assertThat(h.events.events(EngineEvent.DriftDetected.class))
          .anyMatch(d -> d.unitName().equals("a@12021.service") && d.drift() == EngineEvent.DriftDetected.Drift.GONE);
      // the leftovers are removed, and the number stays reserved until they are: the replacement
      // that tops the service up meanwhile takes the next number
      assertThat(h.target.actions()).extracting(a -> a.kind() + " " + a.plan().id())
          .containsExactly("START a@12021.service", "STOP a@12021.service", "START a@12022.service");
      assertThat(ScalingEngineTest.ops(h.target.unitOperations())).contains("DESTROY a_logger@12021.service");
      assertThat(h.target.units()).containsOnlyKeys("a@12022.service", "a_logger@12022.service");
      assertThat(h.engine.snapshot().services().get(0).instances()).extracting(i -> i.id().unitName())
          .containsExactly("a@12022.service");
      assertThat(h.target.units().values()).containsOnly(UnitHealth.RUNNING);
    }
  }

  /** One template service with an attached logger, min 1. */
  private static final class OneService {
    final io.dynamite.core.config.DynamiteConfig config = TestConfigs.create()
        .template("a", 1, 5, 12021, 1, null, null, "a_logger")
        .attached("a_logger")
        .build();
  }
}
