package io.dynamite.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
        .contains("Instances").contains("Utilization").contains("SLO violation (s)").contains("low.yaml")
        .doesNotContain("<script").doesNotContain("http://").doesNotContain("https://").doesNotContain("src=");

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
    Result noCapacity = run("simulate", "-c", c.toString(), "--trace", trace.toString());
    assertThat(noCapacity.code()).isEqualTo(2);
    assertThat(noCapacity.err()).contains("--capacity");
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
}
