package io.dynamite.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dynamite.api.InstanceId;
import io.dynamite.api.InstancePlan;
import io.dynamite.api.ServiceId;
import io.dynamite.api.UnitOption;
import io.dynamite.api.UnitSpec;
import io.dynamite.sandbox.fleet.FakeFleetServer;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Reproduces on the wire the fleet calls the original Dynamite made for service {@code a} with
 * attached {@code a_service_announcer} and {@code a_logger} (derived/etcd-fleet-golden-test-config
 * .json): two scale-ups and one scale-down. Mutating calls (PUT/DELETE with their bodies) must match
 * exactly and in order; read calls differ by design (GET before PUT for idempotency, {@code /state}
 * polling instead of {@code currentState}), so both full sequences are printed side by side.
 */
class GoldenSequenceTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void mutatingCallsMatchTheOriginal() throws Exception {
    JsonNode golden = read("/fleet/etcd-fleet-golden-test-config.json");
    JsonNode unitFiles = read("/fleet/unit2dict-a.json").get("units");
    try (FakeFleetServer fleet = FakeFleetServer.start();
        FleetClient client = FleetClient.builder(fleet.endpoint()).build();
        FleetTarget target = FleetTarget.builder(client).pollInterval(Duration.ofMillis(20)).build()) {
      List<String[]> originalAll = new ArrayList<>();
      List<String> originalMutating = new ArrayList<>();
      for (JsonNode step : golden.get("steps")) {
        if (!step.get("step").asText().startsWith("executor")) {
          continue;
        }
        for (JsonNode call : step.get("fleet_calls")) {
          String method = call.get(0).asText();
          String path = "/fleet/v1/" + call.get(1).asText();
          String body = "";
          if (!call.get(2).isNull()) {
            ObjectNode b = (ObjectNode) call.get(2).deepCopy();
            if (b.has("options")) {
              // the golden file abbreviates options; the original sent its unit2dict output verbatim
              String template = path.substring(path.lastIndexOf('/') + 1).replaceAll("@\\d+\\.", "@.");
              b.set("options", unitFiles.get(template).get("options"));
            }
            body = JSON.writeValueAsString(b);
          }
          originalAll.add(new String[] {method, path});
          if (!method.equals("GET")) {
            originalMutating.add(method + " " + path + " " + canonical(body));
          }
        }
      }

      target.start(plan(unitFiles, 12021)).toCompletableFuture().get(10, TimeUnit.SECONDS);
      target.start(plan(unitFiles, 12022)).toCompletableFuture().get(10, TimeUnit.SECONDS);
      target.stop(plan(unitFiles, 12021)).toCompletableFuture().get(10, TimeUnit.SECONDS);

      List<String> oursMutating = new ArrayList<>();
      List<FakeFleetServer.Request> oursAll = fleet.requests();
      for (FakeFleetServer.Request r : oursAll) {
        if (!r.method().equals("GET")) {
          oursMutating.add(r.method() + " " + r.path() + " " + canonical(r.body()));
        }
      }
      System.out.println(sideBySide(originalAll, oursAll));
      assertThat(oursMutating).containsExactlyElementsOf(originalMutating);
      // scale-ups: 12 calls each in the original; scale-down: 7. Ours: 15 per scale-up (a GET and
      // a GET /state?unitName= before each PUT of a new unit, a launch, a /state poll per unit), 6
      // for the scale-down
      assertThat(originalAll).hasSize(31);
      assertThat(oursAll).hasSize(36);
    }
  }

  static InstancePlan plan(JsonNode unitFiles, int n) {
    UnitSpec main = spec(unitFiles, "a@.service", n);
    return new InstancePlan(new InstanceId(ServiceId.of("a"), main.name()), n, main,
        List.of(spec(unitFiles, "a_service_announcer@.service", n), spec(unitFiles, "a_logger@.service", n)));
  }

  private static UnitSpec spec(JsonNode unitFiles, String template, int n) {
    List<UnitOption> options = new ArrayList<>();
    for (JsonNode o : unitFiles.get(template).get("options")) {
      options.add(UnitOption.of(o.get("section").asText().strip(), o.get("name").asText().strip(), o.get("value").asText().strip()));
    }
    return new UnitSpec(template.replace("@.", "@" + n + "."), options);
  }

  private static String canonical(String body) throws Exception {
    return body.isEmpty() ? "" : JSON.writeValueAsString(JSON.readTree(body));
  }

  private static JsonNode read(String resource) throws Exception {
    try (InputStream in = GoldenSequenceTest.class.getResourceAsStream(resource)) {
      return JSON.readTree(in);
    }
  }

  private static String sideBySide(List<String[]> original, List<FakeFleetServer.Request> ours) {
    StringBuilder sb = new StringBuilder("original (" + original.size() + " calls) | Dynamite-Java (" + ours.size() + " calls)\n");
    for (int i = 0; i < Math.max(original.size(), ours.size()); i++) {
      String l = i < original.size() ? original.get(i)[0] + " " + original.get(i)[1].substring(10) : "";
      String r = "";
      if (i < ours.size()) {
        FakeFleetServer.Request q = ours.get(i);
        r = q.method() + " " + q.path().substring(10) + (q.query().isEmpty() ? "" : "?" + q.query())
            + (q.body().contains("launched") ? " launched" : q.body().contains("inactive") ? " inactive+options" : "");
      }
      sb.append(String.format("%-58s | %s%n", l, r));
    }
    return sb.toString();
  }
}
