package io.dynamite.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code dynamite simulate} in-process on a 25-minute excerpt of a real trace with a jump. */
class SimulateCommandTest {
  @TempDir Path dir;
  private Path trace;

  private static final String YAML = """
      Dynamite:
        ServiceFiles:
          PathList: [units]
        ETCD:
          application_base_path: /services
          metrics_base_path: /metrics
        Service:
          web:
            name_of_unit_file: web@.service
            type: webserver
            min_instance: 2
            max_instance: %d
            base_instance_prefix_number: 8080
            ports_per_instance: 1
            policies:
              - cpu
      %s
        ScalingPolicy:
          cpu:
            type: target-tracking
            service_type: webserver
            metric: cpu_user
            target: 60
      """;

  @BeforeEach
  void files() throws Exception {
    Files.createDirectories(dir.resolve("units"));
    Files.writeString(dir.resolve("units/web@.service"), "[Unit]\nDescription=web %i\n[Service]\nExecStart=/bin/true\n");
    trace = dir.resolve("jump.csv");
    try (InputStream in = getClass().getResourceAsStream("/sim/twitter-jump-25min.csv")) {
      Files.copy(in, trace);
    }
  }

  private Path config(String name, int max, String extraService) throws Exception {
    return Files.writeString(dir.resolve(name), YAML.formatted(max, extraService));
  }

  record Result(int code, String out, String err) {}

  private static Result run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = DynamiteDaemon.run(args, Map.of(), new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  /** The numbers of one score row, one per column. */
  private static double[] row(String out, String name) {
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + " +([\\d,.]+)(?: +([\\d,.]+))?").matcher(out);
    assertThat(m.find()).as("row '%s' in:%n%s", name, out).isTrue();
    double a = Double.parseDouble(m.group(1).replace(",", ""));
    return m.group(2) == null ? new double[] {a} : new double[] {a, Double.parseDouble(m.group(2).replace(",", ""))};
  }

  @Test
  void aMaximumTooLowScoresWorseOnTheObjectiveAndIdenticalRunsScoreTheSame() throws Exception {
    Path low = config("low.yaml", 4, "");
    Path high = config("high.yaml", 30, "");
    Path report = dir.resolve("report.html");
    String[] args = {"simulate", "--config", low.toString(), "--compare", high.toString(), "--trace", trace.toString(),
        "--capacity", "20", "--seed", "5", "--report", report.toString()};
    Result r = run(args);
    assertThat(r.code()).as(r.out() + r.err()).isZero();
    assertThat(r.out()).contains("low.yaml").contains("high.yaml").contains("capacity 20 per instance");
    double[] violation = row(r.out(), "SLO violation (s)");
    assertThat(violation[0]).isGreaterThan(violation[1] + 300);
    double[] max = row(r.out(), "max instances");
    assertThat(max[0]).isEqualTo(4);
    assertThat(max[1]).isGreaterThan(4);
    double[] cost = row(r.out(), "instance-seconds (cost)");
    assertThat(cost[0]).isLessThan(cost[1]);

    // the report: self-contained, with charts and the scores table
    String html = Files.readString(report);
    assertThat(html).startsWith("<!DOCTYPE html>").contains("<svg").contains("Demand and serving capacity")
        .contains("Instances").contains("Utilization").contains("SLO violation (s)").contains("low.yaml");
    // self-contained: nothing is loaded (the only URL is the SVG namespace name, which is never fetched)
    assertThat(html.replace("\"http://www.w3.org/2000/svg\"", "")).doesNotContain("http://").doesNotContain("https://")
        .doesNotContain("src=").doesNotContain("fetch(").doesNotContain("XMLHttpRequest").doesNotContain("@import");

    // the same run again, and a run of the same configuration against itself
    Result again = run(args);
    assertThat(scoresOnly(again.out())).isEqualTo(scoresOnly(r.out()));
    Result self = run("simulate", "-c", high.toString(), "--compare", high.toString(), "--trace", trace.toString(),
        "--capacity", "20", "--seed", "5");
    double[] selfViolation = row(self.out(), "SLO violation (s)");
    assertThat(selfViolation[0]).isEqualTo(selfViolation[1]).isEqualTo(violation[1]);
  }

  private static String scoresOnly(String out) {
    return out.lines().filter(l -> !l.startsWith("wall time:") && !l.startsWith("report:")).reduce("", (a, b) -> a + b + "\n");
  }

  @Test
  void modelFlagsReachTheSimulation() throws Exception {
    Path c = config("c.yaml", 30, "");
    Result slow = run("simulate", "-c", c.toString(), "--trace", trace.toString(), "--capacity", "20",
        "--startup-delay", "120", "--scale-demand", "2", "--sample-interval", "2", "--stretch", "2");
    assertThat(slow.code()).as(slow.out() + slow.err()).isZero();
    assertThat(slow.out()).contains("start-up 120 s").contains("demand x2").contains("played 2x slower").contains("sampling every 2 s");
    Result fast = run("simulate", "-c", c.toString(), "--trace", trace.toString(), "--capacity", "20",
        "--scale-demand", "2", "--sample-interval", "2", "--stretch", "2");
    assertThat(row(slow.out(), "SLO violation (s)")[0]).isGreaterThan(row(fast.out(), "SLO violation (s)")[0]);
  }

  @Test
  void badInputsAreUsageErrors() throws Exception {
    Path c = config("c.yaml", 30, "");
    Result badCapacity = run("simulate", "-c", c.toString(), "--trace", trace.toString(), "--capacity", "0");
    assertThat(badCapacity.code()).isEqualTo(2);
    assertThat(badCapacity.err()).contains("--capacity");
    Result badDuration = run("simulate", "-c", c.toString(), "--trace", trace.toString(), "--startup", "7 parsecs");
    assertThat(badDuration.code()).isEqualTo(2);
    assertThat(badDuration.err()).contains("--startup").contains("500ms, 7s, 2m, 1h");
    Result noTrace = run("simulate", "-c", c.toString());
    assertThat(noTrace.code()).isEqualTo(2);
    assertThat(noTrace.err()).contains("--trace FILE.csv or --replay FILE");
    Result badBaseline = run("simulate", "-c", c.toString(), "--trace", trace.toString(), "--baseline", "keda");
    assertThat(badBaseline.code()).isEqualTo(2);
    assertThat(badBaseline.err()).contains("expected hpa or original");
    Result noThreshold = run("simulate", "-c", c.toString(), "--trace", trace.toString(), "--baseline", "original");
    assertThat(noThreshold.code()).isEqualTo(2);
    assertThat(noThreshold.err()).contains("no --config has a threshold policy");
    Result both = run("simulate", "-c", c.toString(), "--trace", trace.toString(), "--capacity", "1", "--speedup", "2", "--stretch", "2");
    assertThat(both.code()).isEqualTo(2);
    assertThat(both.err()).contains("--speedup and --stretch");
    Result badMetric = run("simulate", "-c", c.toString(), "--trace", trace.toString(), "--capacity", "1", "--metric", "cpu_user=watts");
    assertThat(badMetric.code()).isEqualTo(2);
    assertThat(badMetric.err()).contains("unknown metric kind 'watts'");
    Path two = config("two.yaml", 30, "    api:\n"
        + "      name_of_unit_file: web@.service\n"
        + "      min_instance: 1\n"
        + "      max_instance: 2\n"
        + "      base_instance_prefix_number: 9000\n"
        + "      ports_per_instance: 1\n");
    Result ambiguous = run("simulate", "-c", two.toString(), "--trace", trace.toString(), "--capacity", "20");
    assertThat(ambiguous.code()).as(ambiguous.err()).isEqualTo(2);
    assertThat(ambiguous.err()).contains("choose one of: web, api");
    Result chosen = run("simulate", "-c", two.toString(), "--service", "api", "--trace", trace.toString(), "--capacity", "20");
    assertThat(chosen.code()).as(chosen.err()).isZero();
    assertThat(chosen.out()).contains("service 'api'");
    Path broken = dir.resolve("broken.csv");
    Files.writeString(broken, "t_seconds,demand\n0,1\n0,2\n");
    Result badTrace = run("simulate", "-c", c.toString(), "--trace", broken.toString(), "--capacity", "1");
    assertThat(badTrace.code()).isEqualTo(1);
    assertThat(badTrace.err()).contains("line 3");
  }

  private static final String THRESHOLD = """
      Dynamite:
        ServiceFiles:
          PathList: [units]
        ETCD:
          application_base_path: /services
          metrics_base_path: /metrics
        Service:
          web:
            name_of_unit_file: web@.service
            type: webserver
            min_instance: 2
            max_instance: 30
            base_instance_prefix_number: 8080
            ports_per_instance: 1
            scale_up_policy:
              ScalingPolicy: cpu_high
            scale_down_policy:
              ScalingPolicy: cpu_low
        ScalingPolicy:
          cpu_high:
            service_type: webserver
            metric: cpu_user
            comparative_operator: gt
            threshold: 70
            period: 30
            cooldown_period: 1
            cooldown_period_unit: minute
          cpu_low:
            service_type: webserver
            metric: cpu_user
            comparative_operator: lt
            threshold: 25
            period: 2
            period_unit: minute
            cooldown_period: 2
            cooldown_period_unit: minute
      """;

  /** Every number of a score row, one per column. */
  private static double[] cells(String out, String name) {
    String line = out.lines().filter(l -> l.startsWith(name + " ")).findFirst().orElseThrow(() -> new AssertionError("no row " + name + " in " + out));
    return Pattern.compile(" {2,}").splitAsStream(line.substring(name.length()).strip())
        .mapToDouble(c -> Double.parseDouble(c.split(" ")[0].replace(",", ""))).toArray();
  }

  @Test
  void configsAndBaselinesRunSideBySide() throws Exception {
    Path threshold = Files.writeString(dir.resolve("threshold.yaml"), THRESHOLD);
    Path tracking = config("tracking.yaml", 30, "");
    Result r = run("simulate", "--config", threshold.toString(), "--config", tracking.toString(), "--baseline", "hpa",
        "--baseline", "original", "--trace", trace.toString(), "--capacity", "20");
    assertThat(r.code()).as(r.out() + r.err()).isZero();
    String header = r.out().lines().filter(l -> l.startsWith("score ")).findFirst().orElseThrow();
    assertThat(header).containsSubsequence("threshold.yaml", "tracking.yaml", "HPA defaults 60%", "original rule");
    assertThat(r.out()).contains("HPA defaults 60%: --baseline hpa: target-tracking, every setting at the HPA default, per-instance "
            + "cpu_utilization at 60 %, bounds of " + threshold)
        .contains("original rule: --baseline original: the threshold policies of " + threshold + " in legacy mode")
        .contains("scores (objective: offered utilization <= 80.0 %");
    double[] violation = cells(r.out(), "SLO violation (s)");
    assertThat(violation).hasSize(4);
    // the HPA baseline at 60 % is target tracking at 60 % with every default, as tracking.yaml: the same run
    double[] cost = cells(r.out(), "instance-seconds (cost)");
    assertThat(violation[2]).isEqualTo(violation[1]);
    assertThat(cost[2]).isEqualTo(cost[1]);
    // the original rule in legacy mode differs from the threshold rule in default mode only by defect B7
    assertThat(cells(r.out(), "max instances")[3]).isBetween(2.0, 30.0);
    assertThat(r.out().lines().filter(l -> l.startsWith("wall time: ")).count()).isEqualTo(4);

    Result hpa70 = run("simulate", "-c", tracking.toString(), "--baseline", "hpa", "--hpa-target", "90", "--trace", trace.toString(),
        "--capacity", "20");
    assertThat(hpa70.out()).contains("HPA defaults 90%");
    double[] v90 = cells(hpa70.out(), "instance-seconds (cost)");
    assertThat(v90[1]).isLessThan(v90[0]); // a higher target runs fewer instances
  }

  @Test
  void theJsonIsTheSameBytesForTheSameInputsAndSeed() throws Exception {
    Path c = config("c.yaml", 30, "");
    Path a = dir.resolve("a.json");
    Path b = dir.resolve("b.json");
    Path other = dir.resolve("other.json");
    String[] args = {"simulate", "-c", c.toString(), "--baseline", "hpa", "--trace", trace.toString(), "--capacity", "20",
        "--seed", "3", "--start-failure-rate", "0.1", "--json", a.toString()};
    Result first = run(args);
    assertThat(first.code()).as(first.out() + first.err()).isZero();
    assertThat(first.out()).contains("json: " + a.toAbsolutePath());
    args[args.length - 1] = b.toString();
    assertThat(run(args).code()).isZero();
    byte[] bytesA = Files.readAllBytes(a);
    assertThat(bytesA).isEqualTo(Files.readAllBytes(b));
    args[args.length - 1] = other.toString();
    args[Arrays.asList(args).indexOf("3")] = "4";
    assertThat(run(args).code()).isZero();
    assertThat(Files.readAllBytes(other)).isNotEqualTo(bytesA);

    JsonNode j = new ObjectMapper().readTree(bytesA);
    assertThat(j.path("format").asInt()).isEqualTo(1);
    assertThat(j.path("settings").path("seed").asLong()).isEqualTo(3);
    assertThat(j.path("model").path("capacity").asDouble()).isEqualTo(20.0);
    assertThat(j.path("model").path("capacitySource").asText()).isEqualTo("--capacity");
    assertThat(j.path("runs")).hasSize(2);
    JsonNode run = j.path("runs").get(0);
    assertThat(run.path("label").asText()).isEqualTo("c.yaml");
    assertThat(run.path("kind").asText()).isEqualTo("config");
    assertThat(j.path("runs").get(1).path("kind").asText()).isEqualTo("baseline");
    // the scores are the table's
    assertThat(run.path("scores").path("sloViolationSeconds").asDouble()).isEqualTo(cells(first.out(), "SLO violation (s)")[0]);
    assertThat(run.path("scores").path("scalingActions").asInt()).isEqualTo((int) cells(first.out(), "scaling actions")[0]);
    assertThat(run.path("actions").size()).isGreaterThanOrEqualTo(run.path("scores").path("scalingActions").asInt());
    assertThat(run.path("decisions").size()).isPositive();
    assertThat(run.path("decisions").get(0).path("reason").asText()).isNotBlank();
    assertThat(run.has("timeline")).isFalse();
    // no wall-clock time anywhere
    assertThat(new String(bytesA, StandardCharsets.UTF_8)).doesNotContainIgnoringCase("wall");

    Path withTimeline = dir.resolve("t.json");
    assertThat(run("simulate", "-c", c.toString(), "--trace", trace.toString(), "--capacity", "20", "--json", withTimeline.toString(),
        "--json-timeline").code()).isZero();
    JsonNode tl = new ObjectMapper().readTree(withTimeline.toFile()).path("runs").get(0).path("timeline");
    assertThat(tl.path("seconds")).hasSize(1500);
    assertThat(tl.path("provisioned")).hasSize(1500);
  }

  @Test
  void theCapacityDefaultsToThePeakNeedingEightyPercentOfTheMaximum() throws Exception {
    Path c = config("c.yaml", 30, "");
    Result r = run("simulate", "-c", c.toString(), "--trace", trace.toString());
    assertThat(r.code()).as(r.out() + r.err()).isZero();
    double peak = io.dynamite.sim.Trace.readCsv(trace).peak();
    double expected = io.dynamite.sim.ServiceModel.defaultCapacity(peak, 30, 0.8);
    assertThat(r.out()).contains("capacity " + SimulationReport.fmt(expected) + " per instance (default: the peak "
        + SimulationReport.fmt(peak) + " needs ").contains("% of max_instance 30, at the 80 % objective; --capacity to change)");
    // the peak needs about 80 % of the maximum at that capacity
    assertThat(Math.ceil(peak / (expected * 0.8))).isBetween(23.0, 25.0);
    assertThat(r.out()).contains("start-up 7 s").contains("sampling every 1 s");
  }

  @Test
  void theProgressBarGoesToStderrWhenAskedForOnly() throws Exception {
    Path c = config("c.yaml", 30, "");
    Result quiet = run("simulate", "-c", c.toString(), "--trace", trace.toString(), "--capacity", "20");
    assertThat(quiet.err()).isEmpty();
    Result shown = run("simulate", "-c", c.toString(), "--baseline", "hpa", "--trace", trace.toString(), "--capacity", "20", "--progress");
    assertThat(shown.code()).isZero();
    assertThat(shown.err()).contains("\r1/2 c.yaml").contains("\r2/2 HPA defaults 60%").contains("100%  0:25 of 0:25 simulated")
        .contains("[##############################]");
    assertThat(shown.out()).doesNotContain("\r");
  }

  @Test
  void aRecordingIsReplayedAsDemand() throws Exception {
    // four instances at 60 % for 5 minutes, then at 100 %: the demand is 2.4, then 4 busy instances
    Path rec = dir.resolve("rec.csv");
    java.time.Instant t0 = java.time.Instant.parse("2030-01-01T00:00:00Z");
    io.dynamite.api.MetricQuery cpu = new io.dynamite.api.MetricQuery("webserver", "cpu_user", false);
    try (io.dynamite.sim.Recording.RecordingWriter w = new io.dynamite.sim.Recording.RecordingWriter(
        Files.newBufferedWriter(rec), java.util.List.of("hand-made"))) {
      for (int s = 0; s < 900; s += 5) {
        for (String u : new String[] {"a", "b", "c", "d"}) {
          w.write(new io.dynamite.sim.Recording.Sample(t0.plusSeconds(s), cpu, u, "web@" + u + ".service", s < 300 ? 60 : 100));
        }
      }
    }
    Path c = config("c.yaml", 30, "");
    Result r = run("simulate", "-c", c.toString(), "--replay", rec.toString(), "--replay-step", "10s");
    assertThat(r.code()).as(r.out() + r.err()).isZero();
    assertThat(r.out()).contains("recording rec.csv: 720 samples; demand = sum of per-instance values / 100 (busy instances) of "
        + "webserver/cpu_user per 10 s step: 90 rows, 15 min; mean demand 3.467, peak 4")
        .contains("capacity 1 per instance (default for a replayed utilization: demand is in busy instances)");
    // target tracking at 60 % needs ceil(4 / 0.6) = 7 instances for 4 busy ones
    assertThat(cells(r.out(), "max instances")[0]).isBetween(7.0, 8.0);
    // a recording given as --trace is recognised by its header
    Result detected = run("simulate", "-c", c.toString(), "--trace", rec.toString(), "--replay-step", "10s");
    assertThat(detected.code()).isZero();
    assertThat(cells(detected.out(), "SLO violation (s)")).isEqualTo(cells(r.out(), "SLO violation (s)"));
    Result missing = run("simulate", "-c", c.toString(), "--replay", rec.toString(), "--replay-metric", "memory");
    assertThat(missing.code()).isEqualTo(2);
    assertThat(missing.err()).contains("--replay-metric memory: not recorded; the recording holds webserver/cpu_user");
  }
}
