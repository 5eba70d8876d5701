package io.dynamite.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.dynamite.api.MetricQuery;
import io.dynamite.api.event.EngineEvent;
import io.dynamite.api.spi.InstanceInfo;
import io.dynamite.api.spi.Leadership;
import io.dynamite.testkit.InMemoryStateStore;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;

class LeadershipAndVictimTest {
  static final MetricQuery CPU = new MetricQuery("webserver", "cpu", false);

  /** A leadership the test switches by hand. */
  static final class SwitchableLeadership implements Leadership {
    Listener listener;
    volatile boolean leader;

    @Override
    public void start(Listener l) {
      this.listener = l;
    }

    @Override
    public boolean isLeader() {
      return leader;
    }

    void set(boolean lead) {
      leader = lead;
      listener.leadershipChanged(lead);
    }
  }

  private static TestConfigs config() {
    return TestConfigs.create()
        .template("web", 2, 6, 8080, 1, "up", "down")
        .threshold("up", "webserver", "cpu", false, "gt", 80, 0, 0)
        .threshold("down", "webserver", "cpu", false, "lt", 10, 0, 0);
  }

  @Test
  void aStandbyNeverActsAndALeaderThatLosesLeadershipStops() {
    SwitchableLeadership lead = new SwitchableLeadership();
    try (EngineHarness h = new EngineHarness(config().build(), new InMemoryStateStore(), b -> b.leadership(lead)).start()) {
      h.scheduler.advance(Duration.ofSeconds(5));
      assertThat(h.target.actions()).as("standby: no top-up, no scaling").isEmpty();
      assertThat(h.metrics.polls()).as("a standby does not consume metrics").isZero();

      lead.set(true);
      h.scheduler.runPending();
      assertThat(h.target.started()).containsExactly("web@8080.service", "web@8081.service");
      h.feed(CPU, "u", 99, 2);
      assertThat(h.target.started()).hasSize(3);

      lead.set(false);
      h.scheduler.runPending();
      int polls = h.metrics.polls();
      h.scheduler.advance(Duration.ofSeconds(5));
      assertThat(h.metrics.polls()).isEqualTo(polls);
      assertThat(h.target.started()).hasSize(3);
      assertThat(h.events.events(EngineEvent.LeadershipChanged.class))
          .extracting(EngineEvent.LeadershipChanged::leader).containsExactly(true, false);

      // leadership regained: state is reloaded from the store, nothing is duplicated
      lead.set(true);
      h.scheduler.runPending();
      assertThat(h.engine.snapshot().services().get(0).view().running()).isEqualTo(3);
      assertThat(h.target.started()).hasSize(3);
    }
  }

  @Test
  void aCustomVictimSelectorChoosesTheInstanceToStop() {
    try (EngineHarness h = new EngineHarness(config().build(), new InMemoryStateStore(),
        b -> b.victimSelector(r -> r.candidates().stream().min(Comparator.comparingInt(InstanceInfo::number)).map(InstanceInfo::id)))
        .start()) {
      h.feed(CPU, "u", 99, 4); // period 0: every second sample fires
      assertThat(h.target.started()).containsExactly("web@8080.service", "web@8081.service", "web@8082.service", "web@8083.service");
      h.feed(CPU, "u", 5, 2);
      assertThat(h.target.stopped()).containsExactly("web@8080.service");
      assertThat(h.target.units().keySet()).containsExactlyInAnyOrder("web@8081.service", "web@8082.service", "web@8083.service");
    }
  }

  @Test
  void closingIsIdempotentAndStartAfterCloseFails() {
    EngineHarness h = new EngineHarness(config().build()).start();
    h.engine.close();
    h.engine.close();
    org.assertj.core.api.Assertions.assertThatThrownBy(h.engine::start).isInstanceOf(IllegalStateException.class);
    h.scheduler.advance(Duration.ofSeconds(5));
    assertThat(h.events.events(EngineEvent.Stopped.class)).hasSize(1);
    assertThat(List.copyOf(h.target.started())).hasSize(2);
  }
}
