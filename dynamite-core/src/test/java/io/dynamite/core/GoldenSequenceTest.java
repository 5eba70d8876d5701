package io.dynamite.core;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dynamite.api.MetricQuery;
import io.dynamite.api.UnitOption;
import io.dynamite.core.config.ConfigLoader;
import io.dynamite.core.config.DynamiteConfig;
import io.dynamite.testkit.FakeScalingTarget.UnitOperation;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Reproduces, on the in-memory target, the fleet call sequence the original Dynamite produced for
 * its own test configuration ({@code derived/etcd-fleet-golden-test-config.json}): start-up, the
 * two scale-ups of service {@code a} that its {@code min_instance: 2} requires, and the scale-down
 * of {@code a@12021.service}.
 *
 * <p>Fleet calls map to the fake target's unit operations: {@code PUT {"desiredState":"inactive",
 * "options":...}} is SUBMIT, {@code PUT {"desiredState":"launched"}} is LAUNCH, {@code DELETE} is
 * DESTROY. The original's GETs (polling until a unit exists, is launched or is gone) are the
 * target's business and have no counterpart here; the fleet adapter's own test compares them.
 */
class GoldenSequenceTest {
  private static final String ROOT = "/original/";
  private static final String CONFIG = "icclab-dynamite/dynamite/tests/TEST_CONFIG_FOLDER/config.yaml";
  private static final String UNITS = "icclab-dynamite/dynamite/tests/TEST_CONFIG_FOLDER/service-files";
  private static final String WINDOWS_FOLDER = "C:\\Projects\\CNA\\dynamite\\dynamite\\tests\\TEST_CONFIG_FOLDER\\service-files";

  static Path resource(String relative) throws Exception {
    return Paths.get(GoldenSequenceTest.class.getResource(ROOT + relative).toURI());
  }

  static List<List<String>> goldenSteps(JsonNode golden) {
    List<List<String>> steps = new ArrayList<>();
    for (JsonNode step : golden.get("steps")) {
      List<String> ops = new ArrayList<>();
      for (JsonNode call : step.get("fleet_calls")) {
        String method = call.get(0).asText();
        String unit = call.get(1).asText().replaceFirst("^units/", "");
        JsonNode body = call.get(2);
        if (method.equals("PUT") && body.has("options")) {
          ops.add("SUBMIT " + unit + " " + body.get("options").asText());
        } else if (method.equals("PUT") && body.get("desiredState").asText().equals("launched")) {
          ops.add("LAUNCH " + unit);
        } else if (method.equals("DELETE")) {
          ops.add("DESTROY " + unit);
        }
      }
      steps.add(ops);
    }
    return steps;
  }

  static String describe(UnitOperation op) {
    return op.op() == io.dynamite.testkit.FakeScalingTarget.UnitOp.SUBMIT
        ? "SUBMIT " + op.unit() + " <" + op.options().size() + " options>"
        : op.op() + " " + op.unit();
  }

  @Test
  void reproducesTheOriginalSequenceForInitTwoScaleUpsAndOneScaleDown() throws Exception {
    JsonNode golden = new ObjectMapper().readTree(resource("derived/etcd-fleet-golden-test-config.json").toFile());
    List<List<String>> expected = goldenSteps(golden);
    assertThat(expected).hasSize(4);
    assertThat(expected.get(0)).as("init creates no unit").isEmpty();

    DynamiteConfig config = ConfigLoader.builder()
        .placeholder(WINDOWS_FOLDER, resource(UNITS).toString())
        .build()
        .load(resource(CONFIG));
    try (EngineHarness h = new EngineHarness(config).start()) {
      List<String> aOps = new ArrayList<>();
      for (UnitOperation op : h.target.unitOperations()) {
        if (op.unit().startsWith("a")) {
          aOps.add(describe(op));
        }
      }
      List<String> twoScaleUps = new ArrayList<>(expected.get(1));
      twoScaleUps.addAll(expected.get(2));
      assertThat(aOps).as("the two start-up scale-ups of a").isEqualTo(twoScaleUps);
      // the single-instance service of the same file starts too (min_instance defaults to 1)
      assertThat(h.target.started()).containsExactly("example.service", "a@12021.service", "a@12022.service");

      // Options sent are the template files' options, as the original parsed them (after trimming).
      JsonNode unit2dict = new ObjectMapper().readTree(resource("derived/unit2dict-golden.json").toFile()).get("units");
      UnitOperation submitA = h.target.unitOperations().stream()
          .filter(o -> o.unit().equals("a@12021.service")).findFirst().orElseThrow();
      List<UnitOption> originalOptions = new ArrayList<>();
      for (JsonNode o : unit2dict.get("icclab-dynamite/dynamite/tests/TEST_CONFIG_FOLDER/service-files/a@.service").get("options")) {
        originalOptions.add(UnitOption.of(o.get("section").asText().trim(), o.get("name").asText().trim(), o.get("value").asText().trim()));
      }
      assertThat(submitA.options()).isEqualTo(originalOptions);

      // min_instance is 2, so a scale-down needs a third instance first: the aggregated
      // loadbalancer response time above 250 for 15 s scales a up to a@12023.
      MetricQuery rt = new MetricQuery("loadbalancer", "response_time.time_backend_response.p95", true);
      h.feed(rt, "", 400, 17);
      assertThat(h.target.started()).last().isEqualTo("a@12023.service");

      // The webserver instance registered as a@12021 reports cpu_user below 30 for 30 s.
      h.metrics.register("webserver", "uuid-of-12021", "a@12021.service");
      int before = h.target.unitOperations().size();
      h.feed(new MetricQuery("webserver", "cpu_user", false), "uuid-of-12021", 5, 32);
      List<String> scaleDown = h.target.unitOperations().subList(before, h.target.unitOperations().size())
          .stream().map(GoldenSequenceTest::describe).toList();
      assertThat(scaleDown).isEqualTo(expected.get(3));
      assertThat(h.target.stopped()).containsExactly("a@12021.service");
    }
  }
}
