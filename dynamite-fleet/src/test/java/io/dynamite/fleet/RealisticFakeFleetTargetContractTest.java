package io.dynamite.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dynamite.api.InstancePlan;
import io.dynamite.api.UnitHealth;
import io.dynamite.api.UnitStatus;
import io.dynamite.sandbox.fleet.FakeFleetProfile;
import io.dynamite.sandbox.fleet.FakeFleetServer;
import io.dynamite.testkit.ManualClock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * The whole contract, and every fake-only test, against {@link FakeFleetServer}'s {@linkplain
 * FakeFleetProfile#realistic() realistic profile}: units unscheduled and without state for 3-5 s
 * after a launch, running after 6-8 s, states lingering after a delete, placement honouring
 * {@code MachineOf}. The fake's clock runs {@value #SPEED} times faster than real time, so a start
 * takes 0.6-0.8 s of the test's time with every phase still seen by the target's 50 ms polls.
 */
class RealisticFakeFleetTargetContractTest extends FakeFleetTargetContractTest {
  static final int SPEED = 10;

  @Override
  protected FakeFleetServer newFleet() {
    return FakeFleetServer.builder().profile(FakeFleetProfile.realistic()).clock(new ScaledClock(SPEED)).start();
  }

  @Override
  protected Duration startTimeout() {
    return Duration.ofSeconds(30);
  }

  @Test
  void aStartCompletesOnlyOnceEveryUnitRunsAndIsListedStartingUntilThen() throws Exception {
    // a fleet whose time stands still until the test moves it: each phase is looked at for as long as needed
    ManualClock time = ManualClock.atDefaultStart();
    try (FakeFleetServer still = FakeFleetServer.builder().profile(FakeFleetProfile.realistic()).clock(time).start();
        FleetClient c = FleetClient.builder(still.endpoint()).build();
        FleetTarget t = FleetTarget.builder(c).pollInterval(Duration.ofMillis(20)).startTimeout(Duration.ofSeconds(60)).build()) {
      InstancePlan p = plan(13);
      String main = p.main().name();
      String side = p.attached().get(0).name();
      CompletableFuture<Void> stage = t.start(p).toCompletableFuture();
      await().atMost(Duration.ofSeconds(30)).until(() -> still.unit(side).map(u -> u.desiredState().equals("launched")).orElse(false));
      // fleet seconds 0-2: scheduled or not, no unit is loaded yet
      for (int second = 0; second < 3; second++) {
        for (String u : p.unitNames()) {
          assertThat(still.states(u)).as(u + " at second " + second).isEmpty();
          assertThat(still.unit(u).orElseThrow().currentState()).isEqualTo("inactive");
        }
        assertStillStarting(t, stage, main);
        time.advance(Duration.ofSeconds(1));
      }
      // second 5: every unit loaded and activating, none running yet
      time.advance(Duration.ofSeconds(2));
      for (String u : p.unitNames()) {
        assertThat(still.states(u)).extracting(FakeFleetServer.UnitState::activeState).as(u).containsOnly("activating");
      }
      assertStillStarting(t, stage, main);
      // second 8: all running, and the start completes at the target's next poll
      time.advance(Duration.ofSeconds(3));
      get(stage);
      assertThat(still.states(main)).extracting(FakeFleetServer.UnitState::activeState).containsOnly("active");
      assertThat(still.states(side)).extracting(FakeFleetServer.UnitState::activeState).containsOnly("active");
      assertThat(still.unit(side).orElseThrow().machineId()).as("the side unit follows its MachineOf peer")
          .isEqualTo(still.unit(main).orElseThrow().machineId());
    }
  }

  @Test
  void aStartRightAfterAStopIsNotConfirmedByTheRemovedUnitsLingeringState() throws Exception {
    ManualClock time = ManualClock.atDefaultStart();
    try (FakeFleetServer still = FakeFleetServer.builder().profile(FakeFleetProfile.realistic()).clock(time).start();
        FleetClient c = FleetClient.builder(still.endpoint()).build();
        FleetTarget t = FleetTarget.builder(c).pollInterval(Duration.ofMillis(20)).startTimeout(Duration.ofSeconds(60)).build()) {
      InstancePlan p = plan(14);
      String main = p.main().name();
      CompletableFuture<Void> first = t.start(p).toCompletableFuture();
      await().atMost(Duration.ofSeconds(30)).until(() -> still.unit(p.attached().get(0).name())
          .map(u -> u.desiredState().equals("launched")).orElse(false));
      time.advance(Duration.ofSeconds(9));
      get(first);
      get(t.stop(p));
      // fleet forgot the units, but their agent has not unloaded them yet: /state still says running
      assertThat(still.unitNames()).isEmpty();
      assertThat(still.states(main)).extracting(FakeFleetServer.UnitState::activeState).containsOnly("active");
      CompletableFuture<Void> again = t.start(p).toCompletableFuture();
      await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(5)).until(() -> !again.isDone());
      time.advance(Duration.ofSeconds(3)); // the old entries are gone
      await().atMost(Duration.ofSeconds(30)).until(() -> still.unit(p.attached().get(0).name())
          .map(u -> u.desiredState().equals("launched")).orElse(false));
      await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(5)).until(() -> !again.isDone());
      assertThat(still.states(main)).as("the new unit is not loaded yet").isEmpty();
      time.advance(Duration.ofSeconds(9));
      get(again);
      assertThat(still.states(main)).extracting(FakeFleetServer.UnitState::activeState).containsOnly("active");
    }
  }

  /** The target keeps polling a fleet that stands still: the start stays pending, the unit is listed starting. */
  private void assertStillStarting(FleetTarget t, CompletableFuture<Void> stage, String main) throws Exception {
    await().during(Duration.ofMillis(150)).atMost(Duration.ofSeconds(5)).until(() -> !stage.isDone());
    assertThat(get(t.list())).filteredOn(s -> s.unitName().equals(main)).extracting(UnitStatus::health)
        .containsExactly(UnitHealth.STARTING);
  }
}
