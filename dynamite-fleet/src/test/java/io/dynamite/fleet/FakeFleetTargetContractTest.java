package io.dynamite.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dynamite.api.InstanceId;
import io.dynamite.api.InstancePlan;
import io.dynamite.api.ServiceId;
import io.dynamite.api.TargetException;
import io.dynamite.api.UnitHealth;
import io.dynamite.api.UnitOption;
import io.dynamite.api.UnitSpec;
import io.dynamite.api.UnitStatus;
import io.dynamite.sandbox.fleet.FakeFleetServer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The contract against {@link FakeFleetServer} in its instant profile, plus failures only a fake
 * can inject; {@link RealisticFakeFleetTargetContractTest} runs all of it again on the realistic
 * profile.
 */
class FakeFleetTargetContractTest extends FleetTargetContract {
  protected final FakeFleetServer fleet = newFleet();

  /** The fake under test; called while the test instance is constructed. */
  protected FakeFleetServer newFleet() {
    return FakeFleetServer.start();
  }

  @Override
  protected String endpoint() {
    return fleet.endpoint();
  }

  @Override
  protected Duration startTimeout() {
    return Duration.ofSeconds(5);
  }

  @AfterEach
  @Override
  void removeTestUnits() throws Exception {
    // the contract's cleanup needs the server, so the server stops after it
    try {
      super.removeTestUnits();
    } finally {
      fleet.close();
    }
  }

  private FleetTarget targetWith(Duration startTimeout) {
    return FleetTarget.builder(client).pollInterval(Duration.ofMillis(20)).startTimeout(startTimeout).build();
  }

  @Test
  void failedUnitMakesStartFailRetryablyAndDestroysTheInstance() {
    InstancePlan p = plan(1);
    fleet.failUnit(p.attached().get(0).name());
    assertThatThrownBy(() -> get(target.start(p)))
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOfSatisfying(TargetException.class, e -> {
          assertThat(e.retryable()).isTrue();
          assertThat(e.getMessage()).contains(p.attached().get(0).name()).contains("failed/failed");
        });
    assertThat(fleet.unitNames()).isEmpty();
  }

  @Test
  void startNotRunningByTheDeadlineIsRolledBack() {
    fleet.setStartDelay(Duration.ofSeconds(30));
    InstancePlan p = plan(2);
    try (FleetTarget quick = targetWith(Duration.ofMillis(300))) {
      assertThatThrownBy(() -> get(quick.start(p)))
          .cause()
          .isInstanceOfSatisfying(TargetException.class, e -> assertThat(e.retryable()).isTrue())
          .hasMessageContaining("not running after");
    }
    assertThat(fleet.unitNames()).isEmpty();
  }

  /** A fence that holds for its first {@code n} questions. */
  private static java.util.function.BooleanSupplier holdsFor(int n) {
    java.util.concurrent.atomic.AtomicInteger asked = new java.util.concurrent.atomic.AtomicInteger();
    return () -> asked.incrementAndGet() <= n;
  }

  private long mutating() {
    return fleet.requests().stream().filter(r -> !r.method().equals("GET")).count();
  }

  @Test
  void aFencedStartSendsNoPutOnceTheFenceFailsAndLeavesWhatExistsToTheNextLeader() {
    InstancePlan p = plan(3);
    // the fence holds for the first PUT (the side unit's submit) only
    assertThatThrownBy(() -> get(target.start(p, holdsFor(1))))
        .cause()
        .isInstanceOfSatisfying(TargetException.class, e -> assertThat(e.retryable()).isFalse())
        .hasMessageContaining("leadership was lost");
    assertThat(fleet.requests()).filteredOn(r -> r.method().equals("PUT")).extracting(FakeFleetServer.Request::path)
        .containsExactly("/fleet/v1/units/" + p.attached().get(0).name());
    assertThat(fleet.requests()).noneMatch(r -> r.method().equals("DELETE"));
    assertThat(fleet.unitNames()).containsExactly(p.attached().get(0).name());
  }

  @Test
  void aFencedCallIsNotRetriedOnceTheFenceFails() {
    InstancePlan p = plan(4);
    fleet.etcdOutage(0, 1); // the first attempt answers 503, which the client retries
    assertThatThrownBy(() -> get(client.createUnit(p.id().unitName(), DesiredState.INACTIVE, p.main().options(), holdsFor(1))))
        .cause()
        .isInstanceOfSatisfying(FleetException.class, e -> assertThat(e.retryable()).isFalse())
        .hasMessageContaining("leadership was lost; not sent (attempt 2)");
    assertThat(mutating()).isEqualTo(1);
    assertThat(fleet.unitNames()).isEmpty();
  }

  @Test
  void aFencedStopSendsNoDeleteOnceTheFenceFails() throws Exception {
    InstancePlan p = plan(5);
    get(target.start(p));
    fleet.clearRequests();
    assertThatThrownBy(() -> get(target.stop(p, holdsFor(1))))
        .cause().hasMessageContaining("leadership was lost");
    assertThat(fleet.requests()).filteredOn(r -> r.method().equals("DELETE")).hasSize(1);
    assertThat(fleet.unitNames()).containsExactly(p.id().unitName());
  }

  @Test
  void aStartSurvivesEveryKindOfMutationFaultOnceEach() throws Exception {
    InstancePlan p = plan(6);
    fleet.randomMutationFaults(0, 0, Duration.ofMillis(300));
    fleet.injectMutationFaults(FakeFleetServer.MutationFault.values());
    get(target.start(p));
    assertThat(fleet.injectedFaults()).hasSize(FakeFleetServer.MutationFault.values().length);
    assertThat(fleet.unitNames()).containsExactlyInAnyOrder(p.id().unitName(), p.attached().get(0).name());
    assertThat(fleet.unit(p.id().unitName())).get().extracting(FakeFleetServer.Unit::desiredState).isEqualTo("launched");
    get(target.stop(p));
    assertThat(fleet.unitNames()).isEmpty();
  }

  @Test
  void slowStarterIsAwaited() throws Exception {
    fleet.setStartDelay(Duration.ofMillis(300));
    InstancePlan p = plan(3);
    var stage = target.start(p);
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> !fleet.states(p.main().name()).isEmpty());
    assertThat(get(target.list()).stream().filter(s -> s.unitName().equals(p.main().name())).findFirst().orElseThrow().health())
        .isIn(UnitHealth.STARTING, UnitHealth.RUNNING);
    get(stage);
    assertThat(fleet.states(p.main().name())).extracting(FakeFleetServer.UnitState::activeState).containsOnly("active");
  }

  @Test
  void startRidesOutAnEtcdOutage() throws Exception {
    fleet.etcdOutage(2, 3);
    get(target.start(plan(4)));
    assertThat(fleet.unit(plan(4).main().name()).orElseThrow().currentState()).isEqualTo("launched");
  }

  @Test
  void restartAfterCrashAdoptsExistingUnitsWithoutResubmitting() throws Exception {
    InstancePlan p = plan(5);
    for (UnitSpec u : p.attached()) {
      get(client.createUnit(u.name(), DesiredState.INACTIVE, u.options()));
    }
    get(client.createUnit(p.main().name(), DesiredState.LAUNCHED, p.main().options()));
    fleet.clearRequests();
    get(target.start(p));
    assertThat(fleet.requests())
        .filteredOn(r -> r.method().equals("PUT"))
        .extracting(FakeFleetServer.Request::body)
        .containsExactly("{\"desiredState\":\"launched\"}");
    assertThat(fleet.unitNames()).hasSize(2);
  }

  @Test
  void globalUnitWithoutCurrentStateStarts() throws Exception {
    fleet.addMachine("0123456789abcdef0123456789abcdef", "127.0.0.2", Map.of());
    String name = prefix + "-global@1.service";
    UnitSpec main = new UnitSpec(name, List.of(
        UnitOption.of("Service", "ExecStart", "/bin/sleep 1000"), UnitOption.of("X-Fleet", "Global", "true")));
    InstancePlan p = new InstancePlan(new InstanceId(ServiceId.of("g"), name), 1, main, List.of());
    get(target.start(p));
    assertThat(get(client.getUnit(name)).orElseThrow().currentState()).isNull();
    assertThat(fleet.states(name)).hasSize(2);
    fleet.crashUnit(name);
    assertThat(ours()).singleElement().extracting(UnitStatus::health).isEqualTo(UnitHealth.FAILED);
  }

  @Test
  void listReportsHealthOfForeignAndDriftedUnits() throws Exception {
    InstancePlan p = plan(6);
    get(target.start(p));
    fleet.crashUnit(p.main().name());
    fleet.putUnit(prefix + "-loaded.service", List.of(UnitOption.of("Service", "ExecStart", "/bin/true")), "loaded");
    fleet.removeMachine(FakeFleetServer.DEFAULT_MACHINE_ID);
    fleet.putUnit(prefix + "-unscheduled.service", List.of(UnitOption.of("Service", "ExecStart", "/bin/true")), "launched");
    assertThat(ours())
        .extracting(UnitStatus::unitName, UnitStatus::health)
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple(p.main().name(), UnitHealth.FAILED),
            org.assertj.core.groups.Tuple.tuple(p.attached().get(0).name(), UnitHealth.RUNNING),
            org.assertj.core.groups.Tuple.tuple(prefix + "-loaded.service", UnitHealth.STOPPED),
            org.assertj.core.groups.Tuple.tuple(prefix + "-unscheduled.service", UnitHealth.STARTING));
  }

  @Test
  void listFollowsEveryPage() throws Exception {
    fleet.setPageSize(2);
    for (int i = 1; i <= 3; i++) {
      get(target.start(plan(i)));
    }
    assertThat(ours()).hasSize(6).allSatisfy(s -> assertThat(s.health()).isEqualTo(UnitHealth.RUNNING));
    assertThat(fleet.requests()).anySatisfy(r -> assertThat(r.query()).contains("nextPageToken=AgADAA"));
  }

  @Test
  void templatesAreNeverLaunched() {
    UnitSpec t = new UnitSpec(prefix + "@.service", List.of(UnitOption.of("Service", "ExecStart", "/bin/true")));
    InstancePlan p = new InstancePlan(new InstanceId(ServiceId.of("t"), t.name()), 1, t, List.of());
    assertThatThrownBy(() -> get(target.start(p))).cause().isInstanceOf(TargetException.class);
    assertThatThrownBy(() -> client.setDesiredState(t.name(), DesiredState.LAUNCHED))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(fleet.requests()).isEmpty();
  }

  @Test
  void repeatedStartAdoptsAUnitWhoseValueEndsInABackslash() throws Exception {
    // fleet's unit file continues such a value into the next option line, and reads it back as one
    String name = prefix + "-bs@1.service";
    UnitSpec main = new UnitSpec(name, List.of(
        UnitOption.of("Service", "ExecStart", "/bin/sh -c true \\"),
        UnitOption.of("Service", "ExecStartPost", "/bin/true"),
        UnitOption.of("Unit", "Description", "backslash")));
    InstancePlan p = new InstancePlan(new InstanceId(ServiceId.of("bs"), name), 1, main, List.of());
    get(target.start(p));
    fleet.clearRequests();
    get(target.start(p));
    assertThat(fleet.requests()).noneSatisfy(r -> assertThat(r.method()).isEqualTo("PUT"));
  }

  @Test
  void stateIsPolledThroughTheFilterNeverThroughStateByName() throws Exception {
    get(target.start(plan(12)));
    assertThat(fleet.requests()).noneSatisfy(r -> assertThat(r.path()).startsWith("/fleet/v1/state/"));
    assertThat(fleet.requests()).anySatisfy(r -> assertThat(r.query()).startsWith("unitName="));
  }
}
