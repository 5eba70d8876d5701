package io.dynamite.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.dynamite.api.ConfigException;
import io.dynamite.api.ConfigProblem;
import io.dynamite.api.InstanceId;
import io.dynamite.api.InstancePlan;
import io.dynamite.api.ServiceId;
import io.dynamite.api.TargetException;
import io.dynamite.api.UnitHealth;
import io.dynamite.api.UnitOption;
import io.dynamite.api.UnitSpec;
import io.dynamite.api.UnitStatus;
import io.dynamite.api.spi.PluginContext;
import io.dynamite.api.spi.ScalingTarget;
import io.dynamite.api.spi.ScalingTargetProvider;
import io.dynamite.sandbox.fleet.FakeFleetServer;
import java.math.BigInteger;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** {@link FleetTargetProvider}: every key of docs/fleet.md, the defaults, and bad settings. */
class FleetTargetProviderTest {
  private static final PluginContext CONTEXT = PluginContext.of(Clock.systemUTC(), "svc/target", "fleet");

  private final FleetTargetProvider provider = new FleetTargetProvider();
  private final FakeFleetServer fleet = FakeFleetServer.start();

  @AfterEach
  void stopFleet() {
    fleet.close();
  }

  private FleetTarget create(Map<String, Object> settings) {
    ScalingTarget t = provider.create(settings, CONTEXT);
    assertThat(t).isInstanceOf(FleetTarget.class);
    return (FleetTarget) t;
  }

  private static List<ConfigProblem> problems(Map<String, Object> settings) {
    ConfigException e = catchThrowableOfType(ConfigException.class,
        () -> new FleetTargetProvider().create(settings, CONTEXT));
    assertThat(e).as("ConfigException for %s", settings).isNotNull();
    return e.problems();
  }

  private static <T> T get(CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  private static InstancePlan plan(String prefix, int n) {
    String main = prefix + "@" + n + ".service";
    UnitSpec mainSpec = new UnitSpec(main, List.of(
        UnitOption.of("Unit", "Description", "provider test %i"),
        UnitOption.of("Service", "ExecStart", "/bin/sleep 3000")));
    UnitSpec side = new UnitSpec(prefix + "_side@" + n + ".service", List.of(
        UnitOption.of("Service", "ExecStart", "/bin/sleep 3000"),
        UnitOption.of("X-Fleet", "MachineOf", main)));
    return new InstancePlan(new InstanceId(ServiceId.of(prefix), main), n, mainSpec, List.of(side));
  }

  @Test
  void isFoundByServiceLoaderUnderTypeFleet() {
    assertThat(ServiceLoader.load(ScalingTargetProvider.class).stream().map(ServiceLoader.Provider::get))
        .filteredOn(p -> p.type().equals("fleet"))
        .singleElement()
        .isInstanceOf(FleetTargetProvider.class);
  }

  @Test
  void everyDocumentedKeyReachesTheTarget() throws Exception {
    Map<String, Object> settings = new HashMap<>();
    settings.put("endpoint", "  " + fleet.endpoint() + "  ");
    settings.put("connect_timeout_ms", 1234);
    settings.put("read_timeout_ms", "2345");
    settings.put("call_timeout_ms", 3456L);
    settings.put("max_in_flight", " 3 ");
    settings.put("max_attempts", 4);
    settings.put("initial_backoff_ms", 7);
    settings.put("max_backoff_ms", "70");
    settings.put("poll_interval_ms", 20);
    settings.put("start_timeout_ms", BigInteger.valueOf(9000));
    settings.put("stop_timeout_ms", 8000);
    settings.put("unit_name_pattern", "web@\\d+\\.service");
    try (FleetTarget target = create(settings)) {
      FleetClient client = target.client();
      assertThat(client.endpoint()).isEqualTo(fleet.endpoint());
      assertThat(client.http().connectTimeoutMillis()).isEqualTo(1234);
      assertThat(client.http().readTimeoutMillis()).isEqualTo(2345);
      assertThat(client.http().callTimeoutMillis()).isEqualTo(3456);
      assertThat(client.maxInFlight()).isEqualTo(3);
      assertThat(client.retryPolicy().maxAttempts()).isEqualTo(4);
      assertThat(client.retryPolicy().initialBackoff()).isEqualTo(Duration.ofMillis(7));
      assertThat(client.retryPolicy().maxBackoff()).isEqualTo(Duration.ofMillis(70));
      assertThat(target.pollInterval()).isEqualTo(Duration.ofMillis(20));
      assertThat(target.startTimeout()).isEqualTo(Duration.ofMillis(9000));
      assertThat(target.stopTimeout()).isEqualTo(Duration.ofMillis(8000));

      // the target works: start, list through the pattern, stop
      InstancePlan web = plan("web", 1);
      get(target.start(web));
      fleet.putUnit("other.service", List.of(UnitOption.of("Service", "ExecStart", "/bin/true")), "launched");
      assertThat(fleet.unitNames()).containsExactlyInAnyOrder("web@1.service", "web_side@1.service", "other.service");
      assertThat(get(target.list()))
          .extracting(UnitStatus::unitName, UnitStatus::health)
          .containsExactly(org.assertj.core.groups.Tuple.tuple("web@1.service", UnitHealth.RUNNING));
      get(target.stop(web));
      assertThat(fleet.unitNames()).containsExactly("other.service");
    }
  }

  @Test
  void defaultsMatchTheDocumentation() throws Exception {
    try (FleetTarget target = create(Map.of("endpoint", fleet.endpoint()))) {
      FleetClient client = target.client();
      assertThat(client.http().connectTimeoutMillis()).isEqualTo(5000);
      assertThat(client.http().readTimeoutMillis()).isEqualTo(15000);
      assertThat(client.http().callTimeoutMillis()).isEqualTo(30000);
      assertThat(client.maxInFlight()).isEqualTo(16);
      assertThat(client.retryPolicy().maxAttempts()).isEqualTo(6);
      assertThat(client.retryPolicy().initialBackoff()).isEqualTo(Duration.ofMillis(200));
      assertThat(client.retryPolicy().maxBackoff()).isEqualTo(Duration.ofMillis(5000));
      assertThat(target.pollInterval()).isEqualTo(Duration.ofMillis(1000));
      assertThat(target.startTimeout()).isEqualTo(Duration.ofMillis(90000));
      assertThat(target.stopTimeout()).isEqualTo(Duration.ofMillis(30000));
      // no unit_name_pattern: list() reports every unit
      fleet.putUnit("a.service", List.of(UnitOption.of("Service", "ExecStart", "/bin/true")), "inactive");
      fleet.putUnit("b.service", List.of(UnitOption.of("Service", "ExecStart", "/bin/true")), "loaded");
      assertThat(get(target.list())).extracting(UnitStatus::unitName).containsExactly("a.service", "b.service");
    }
  }

  @Test
  void closingTheTargetClosesTheClientItCreated() {
    FleetTarget target = create(Map.of("endpoint", fleet.endpoint()));
    target.close();
    assertThatThrownBy(() -> get(target.client().listUnits()))
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOfSatisfying(FleetException.class, e -> assertThat(e.retryable()).isFalse())
        .hasMessageContaining("closed");
  }

  @Test
  void startTimeoutAndPollIntervalGovernAStart() {
    fleet.setStartDelay(Duration.ofSeconds(60));
    try (FleetTarget target = create(Map.of(
        "endpoint", fleet.endpoint(), "start_timeout_ms", 300, "poll_interval_ms", 20))) {
      assertThatThrownBy(() -> get(target.start(plan("slow", 1))))
          .cause()
          .isInstanceOfSatisfying(TargetException.class, e -> assertThat(e.retryable()).isTrue())
          .hasMessageContaining("not running after");
    }
    assertThat(fleet.unitNames()).isEmpty();
    // at 20 ms a 300 ms start polls /state several times, not once per second
    assertThat(fleet.requests()).filteredOn(r -> r.path().equals("/fleet/v1/state")).hasSizeGreaterThan(2);
  }

  @Test
  void maxAttemptsGovernsRetries() throws Exception {
    try (FleetTarget once = create(Map.of("endpoint", fleet.endpoint(), "max_attempts", 1));
        FleetTarget thrice = create(Map.of("endpoint", fleet.endpoint(), "max_attempts", 3, "initial_backoff_ms", 1))) {
      fleet.etcdOutage(1, 0);
      assertThatThrownBy(() -> get(once.client().listMachines()))
          .cause()
          .isInstanceOfSatisfying(FleetException.class, e -> assertThat(e.httpCode()).isEqualTo(500));
      assertThat(fleet.requests()).hasSize(1);
      fleet.clearRequests();
      fleet.etcdOutage(1, 1);
      assertThat(get(thrice.client().listMachines())).isNotEmpty();
      assertThat(fleet.requests()).hasSize(3);
    }
  }

  @Test
  void unixEndpointIsAccepted() {
    try (FleetTarget target = create(Map.of("endpoint", "unix:///var/run/fleet.sock"))) {
      assertThat(target.client().endpoint()).isEqualTo("unix:///var/run/fleet.sock");
    }
  }

  static Stream<Arguments> badValues() {
    return Stream.of(
        Arguments.of("connect_timeout_ms", -5, "between 1 and"),
        Arguments.of("read_timeout_ms", 0, "between 1 and"),
        Arguments.of("call_timeout_ms", "-1", "between 1 and"),
        Arguments.of("stop_timeout_ms", 2_147_483_648L, "between 1 and"),
        Arguments.of("start_timeout_ms", new BigInteger("99999999999999999999"), "between 1 and"),
        Arguments.of("poll_interval_ms", "soon", "not a whole number"),
        Arguments.of("max_in_flight", 1.5, "not a whole number"),
        Arguments.of("max_attempts", true, "not a whole number"),
        Arguments.of("initial_backoff_ms", "", "not a whole number"),
        Arguments.of("max_backoff_ms", List.of(1), "not a whole number"),
        Arguments.of("unit_name_pattern", "web@(", "not a regular expression"),
        Arguments.of("unit_name_pattern", 42, "must be a regular expression"),
        Arguments.of("endpoint", 8080, "must be http://host:port"),
        Arguments.of("endpoint", "  ", "must be http://host:port"),
        Arguments.of("endpoint", "127.0.0.1:49153", "endpoint must be http(s)://host:port"),
        Arguments.of("endpoint", "ftp://127.0.0.1/", "endpoint must be http(s)://host:port"),
        Arguments.of("endpoint", "unix://var/run/fleet.sock", "absolute path"),
        Arguments.of("endpoints", "http://127.0.0.1:1", "unknown setting"));
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("badValues")
  void badValueIsReportedUnderItsKey(String key, Object value, String message) {
    Map<String, Object> settings = new HashMap<>();
    settings.put("endpoint", "http://127.0.0.1:1");
    settings.put(key, value);
    assertThat(problems(settings)).singleElement().satisfies(p -> {
      assertThat(p.path()).isEqualTo(key);
      assertThat(p.message()).contains(message);
    });
  }

  @Test
  void missingEndpointIsReported() {
    assertThat(problems(Map.of())).singleElement().satisfies(p -> {
      assertThat(p.path()).isEqualTo("endpoint");
      assertThat(p.message()).startsWith("required");
    });
  }

  @Test
  void unknownKeyNamesTheKnownOnes() {
    assertThat(problems(Map.of("endpoint", "http://127.0.0.1:1", "pollInterval", 5)))
        .singleElement()
        .satisfies(p -> {
          assertThat(p.path()).isEqualTo("pollInterval");
          assertThat(p.message()).contains("poll_interval_ms", "unit_name_pattern");
        });
  }

  @Test
  void everyProblemIsReportedAtOnce() {
    Map<String, Object> settings = new HashMap<>();
    settings.put("endpoint", "unix://relative/fleet.sock");
    settings.put("connect_timeout_ms", -1);
    settings.put("read_timeout_ms", "fast");
    settings.put("max_attempts", 0);
    settings.put("unit_name_pattern", "[");
    settings.put("retries", 3);
    ConfigException e = catchThrowableOfType(ConfigException.class, () -> provider.create(settings, CONTEXT));
    assertThat(e.problems())
        .extracting(ConfigProblem::path)
        .containsExactlyInAnyOrder(
            "endpoint", "connect_timeout_ms", "read_timeout_ms", "max_attempts", "unit_name_pattern", "retries");
    assertThat(e.getMessage()).startsWith("6 configuration problems:");
  }

  @Test
  void missingEndpointIsReportedTogetherWithBadValues() {
    assertThat(problems(Map.of("max_in_flight", 0, "stop_timeout_ms", "later")))
        .extracting(ConfigProblem::path)
        .containsExactlyInAnyOrder("endpoint", "max_in_flight", "stop_timeout_ms");
  }
}
