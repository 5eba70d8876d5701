package io.dynamite.fleet.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dynamite.api.InstanceId;
import io.dynamite.api.InstancePlan;
import io.dynamite.api.ServiceId;
import io.dynamite.api.UnitOption;
import io.dynamite.api.UnitSpec;
import io.dynamite.fleet.FleetClient;
import io.dynamite.fleet.FleetTarget;
import io.dynamite.sandbox.fleet.FakeFleetServer;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Prints (1) HTTP calls and wall time of one scale-up of service {@code a} with its two attached
 * services against {@link FakeFleetServer} with zero start delay, and (2) the total time to launch
 * 100 such instances concurrently with a given in-flight limit.
 *
 * <p>Run: {@code mvn -q -o -pl dynamite-fleet -am test-compile} then {@code java -cp ...
 * io.dynamite.fleet.bench.FleetTargetBenchmark [maxInFlight]} (see docs/benchmarks.md).
 */
public final class FleetTargetBenchmark {
  private FleetTargetBenchmark() {}

  /**
   * Runs the benchmark.
   *
   * @param args optional in-flight limit (default 16)
   * @throws Exception on failure
   */
  public static void main(String[] args) throws Exception {
    int inFlight = args.length > 0 ? Integer.parseInt(args[0]) : 16;
    JsonNode units;
    try (InputStream in = FleetTargetBenchmark.class.getResourceAsStream("/fleet/unit2dict-a.json")) {
      units = new ObjectMapper().readTree(in).get("units");
    }
    try (FakeFleetServer fleet = FakeFleetServer.start();
        FleetClient client = FleetClient.builder(fleet.endpoint()).maxInFlight(inFlight).build();
        FleetTarget target = FleetTarget.builder(client).pollInterval(Duration.ofMillis(50)).build()) {
      // warm-up: JIT, connection pool
      for (int i = 0; i < 20; i++) {
        target.start(plan(units, 20000 + i)).toCompletableFuture().get(10, TimeUnit.SECONDS);
        target.stop(plan(units, 20000 + i)).toCompletableFuture().get(10, TimeUnit.SECONDS);
      }
      int runs = 50;
      long total = 0;
      int calls = 0;
      for (int i = 0; i < runs; i++) {
        fleet.clearRequests();
        long t0 = System.nanoTime();
        target.start(plan(units, 12021 + i)).toCompletableFuture().get(10, TimeUnit.SECONDS);
        total += System.nanoTime() - t0;
        calls = fleet.requests().size();
      }
      System.out.printf("scale-up a + 2 attached: %d HTTP calls (original: 12), mean wall time %.2f ms over %d runs%n",
          calls, total / 1e6 / runs, runs);
      fleet.clearRequests();
      long t1 = System.nanoTime();
      target.stop(plan(units, 12021)).toCompletableFuture().get(10, TimeUnit.SECONDS);
      System.out.printf("scale-down a + 2 attached: %d HTTP calls (original: 7), wall time %.2f ms%n",
          fleet.requests().size(), (System.nanoTime() - t1) / 1e6);

      fleet.clearRequests();
      List<CompletableFuture<Void>> all = new ArrayList<>();
      long t2 = System.nanoTime();
      for (int i = 0; i < 100; i++) {
        all.add(target.start(plan(units, 30000 + i)).toCompletableFuture());
      }
      CompletableFuture.allOf(all.toArray(new CompletableFuture<?>[0])).get(120, TimeUnit.SECONDS);
      System.out.printf("100 instances (300 units) launched concurrently, maxInFlight=%d: %.0f ms, %d HTTP calls%n",
          inFlight, (System.nanoTime() - t2) / 1e6, fleet.requests().size());
    }
  }

  private static InstancePlan plan(JsonNode units, int n) {
    UnitSpec main = spec(units, "a@.service", n);
    return new InstancePlan(new InstanceId(ServiceId.of("a"), main.name()), n, main,
        List.of(spec(units, "a_service_announcer@.service", n), spec(units, "a_logger@.service", n)));
  }

  private static UnitSpec spec(JsonNode units, String template, int n) {
    List<UnitOption> options = new ArrayList<>();
    for (JsonNode o : units.get(template).get("options")) {
      options.add(UnitOption.of(o.get("section").asText(), o.get("name").asText(), o.get("value").asText()));
    }
    return new UnitSpec(template.replace("@.", "@" + n + "."), options);
  }
}
