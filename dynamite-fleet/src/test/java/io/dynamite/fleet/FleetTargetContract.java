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
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every fleet the target talks to must show, run against {@code FakeFleetServer}
 * and, when {@code -Dfleet.endpoint} is set, against a real fleetd. Every unit it creates carries
 * a random prefix and is destroyed afterwards, so a real fleet is left as it was found.
 */
abstract class FleetTargetContract {
  protected FleetClient client;
  protected FleetTarget target;
  protected final String prefix = "dyntest" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000, 0xfffff));

  /** The endpoint under test. */
  protected abstract String endpoint();

  /** How long a start may take against this fleet. */
  protected Duration startTimeout() {
    return Duration.ofSeconds(60);
  }

  @BeforeEach
  void createTarget() {
    client = FleetClient.builder(endpoint())
        .retryPolicy(RetryPolicy.builder().initialBackoff(Duration.ofMillis(20)).maxBackoff(Duration.ofMillis(200)).build())
        .build();
    target = FleetTarget.builder(client)
        .pollInterval(Duration.ofMillis(50))
        .startTimeout(startTimeout())
        .stopTimeout(Duration.ofSeconds(20))
        .build();
  }

  @AfterEach
  void removeTestUnits() throws Exception {
    for (FleetUnit u : get(client.listUnits())) {
      if (u.name().startsWith(prefix)) {
        get(client.deleteUnit(u.name()));
      }
    }
    target.close();
    client.close();
  }

  protected InstancePlan plan(int n) {
    String main = prefix + "@" + n + ".service";
    UnitSpec mainSpec = new UnitSpec(main, List.of(
        UnitOption.of("Unit", "Description", "Dynamite contract test %i"),
        UnitOption.of("Service", "ExecStart", "/bin/sleep 3000")));
    UnitSpec side = new UnitSpec(prefix + "_side@" + n + ".service", List.of(
        UnitOption.of("Unit", "Description", "side of %i"),
        UnitOption.of("Service", "ExecStart", "/bin/sleep 3000"),
        UnitOption.of("X-Fleet", "MachineOf", prefix + "@%i.service")));
    return new InstancePlan(new InstanceId(ServiceId.of(prefix), main), n, mainSpec, List.of(side));
  }

  protected static <T> T get(CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(90, TimeUnit.SECONDS);
  }

  protected List<UnitStatus> ours() throws Exception {
    return get(target.list()).stream().filter(s -> s.unitName().startsWith(prefix)).toList();
  }

  @Test
  void startedInstanceIsListedAsRunning() throws Exception {
    InstancePlan p = plan(7);
    get(target.start(p));
    assertThat(ours())
        .extracting(UnitStatus::unitName, UnitStatus::health)
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple(p.main().name(), UnitHealth.RUNNING),
            org.assertj.core.groups.Tuple.tuple(p.attached().get(0).name(), UnitHealth.RUNNING));
  }

  @Test
  void repeatedStartCreatesNoSecondInstance() throws Exception {
    InstancePlan p = plan(8);
    get(target.start(p));
    get(target.start(p));
    assertThat(ours()).hasSize(2);
  }

  @Test
  void stopRemovesEveryUnitAndIsIdempotent() throws Exception {
    InstancePlan p = plan(9);
    get(target.start(p));
    get(target.stop(p));
    assertThat(ours()).isEmpty();
    get(target.stop(p));
    assertThat(get(client.getUnit(p.main().name()))).isEmpty();
  }

  @Test
  void startRefusesAUnitThatExistsWithOtherOptions() throws Exception {
    InstancePlan p = plan(10);
    List<UnitOption> foreign = List.of(UnitOption.of("Service", "ExecStart", "/bin/sleep 1234"));
    get(client.createUnit(p.main().name(), DesiredState.INACTIVE, foreign));
    assertThatThrownBy(() -> get(target.start(p)))
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOfSatisfying(TargetException.class, e -> {
          assertThat(e.retryable()).isFalse();
          assertThat(e.getMessage()).contains(p.main().name());
        });
    FleetUnit untouched = get(client.getUnit(p.main().name())).orElseThrow();
    assertThat(untouched.options()).isEqualTo(foreign);
    assertThat(untouched.desiredState()).isEqualTo("inactive");
  }

  @Test
  void listFollowsUnitsRemovedBehindItsBack() throws Exception {
    InstancePlan p = plan(11);
    get(target.start(p));
    get(client.deleteUnit(p.attached().get(0).name()));
    assertThat(ours()).extracting(UnitStatus::unitName).containsExactly(p.main().name());
  }

  @Test
  void unchangedUnitIsNotReplacedWhenOptionsHaveExtraWhitespace() throws Exception {
    String name = prefix + "-ws.service";
    List<UnitOption> options = List.of(
        UnitOption.of("Service", "ExecStart", "  /bin/sleep 3000  "),
        UnitOption.of("Unit", "Description", "ws"));
    assertThat(get(client.createUnit(name, DesiredState.INACTIVE, options))).isTrue();
    // fleet would count raw whitespace or another section order as a change (201, restart)
    assertThat(get(client.createUnit(name, DesiredState.INACTIVE, options))).isFalse();
  }

  @Test
  void stateOfAnUnknownUnitIsEmpty() throws Exception {
    assertThat(get(client.listStates(null, prefix + "-none.service"))).isEmpty();
    assertThat(get(client.getUnit(prefix + "-none.service"))).isEmpty();
    assertThat(get(client.deleteUnit(prefix + "-none.service"))).isFalse();
  }

  @Test
  void machinesAreListed() throws Exception {
    assertThat(get(client.listMachines())).isNotEmpty().allSatisfy(m -> assertThat(m.id()).isNotEmpty());
  }
}
