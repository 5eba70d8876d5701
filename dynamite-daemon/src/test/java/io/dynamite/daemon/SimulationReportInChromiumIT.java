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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code simulate --report} page as a reader sees it: a real headless Chromium (Debian's
 * {@code chromium}, which {@code .ci/run} installs) opens the file, runs its script and draws the
 * charts; the test reads the resulting DOM ({@code --dump-dom}) and Chromium's console log. It runs
 * the shipped example configuration against the HPA baseline on a real 25-minute excerpt.
 */
class SimulationReportInChromiumIT {
  @TempDir Path dir;

  private static final Pattern SERIES = Pattern.compile("<path [^>]*class=\"series ([a-z-]+)\"[^>]*>");

  @Test
  void theReportDrawsEverySeriesAndDecisionAndZoomsWithoutConsoleErrors() throws Exception {
    Path chromium = Path.of(System.getProperty("chromium", "/usr/bin/chromium"));
    assertThat(chromium).as("headless Chromium is required (Debian package chromium; .ci/run installs it)").exists();
    Path trace = dir.resolve("jump.csv");
    try (InputStream in = getClass().getResourceAsStream("/sim/twitter-jump-25min.csv")) {
      Files.copy(in, trace);
    }
    Path example = Path.of("../dynamite-sim/examples/original-rule.yaml");
    assertThat(example).as("the shipped example, from the module's folder").exists();
    Path report = dir.resolve("report.html");
    Path json = dir.resolve("report.json");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int code = DynamiteDaemon.run(new String[] {"simulate", "-c", example.toString(), "--baseline", "hpa", "--trace", trace.toString(),
        "--report", report.toString(), "--json", json.toString()}, Map.of(), new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    assertThat(code).as(out.toString(StandardCharsets.UTF_8)).isZero();
    JsonNode runs = new ObjectMapper().readTree(json.toFile()).path("runs");

    Browser whole = open(chromium, report.toUri().toString(), "whole");
    String dom = whole.dom();
    // the script ran to its end and drew the whole trace
    assertThat(dom).contains("data-rendered=\"1\"").contains("data-window=\"0-1500\"");
    // demand, each run's capacity, provisioned instances and utilization, and the needed count: each a drawn path
    String demandChart = chart(dom, "chart-demand");
    assertThat(series(demandChart)).containsExactly("demand-area", "demand", "capacity", "capacity");
    String instances = chart(dom, "chart-instances");
    assertThat(series(instances)).containsExactly("needed", "provisioned", "provisioned");
    assertThat(series(chart(dom, "chart-utilization"))).containsExactly("utilization", "utilization");
    for (String c : List.of(demandChart, instances)) {
      for (String path : paths(c)) {
        assertThat(path.split("L").length).as("points of %s", path.substring(0, Math.min(80, path.length()))).isGreaterThan(5);
      }
    }
    assertThat(chart(dom, "chart-utilization")).contains("class=\"objective\"");
    // one marker per decision of the trace's time, each with the decision's reason on hover
    List<String> titles = titles(instances);
    assertThat(decisions(runs, 0, 1500)).isGreaterThan(20);
    assertThat(titles).hasSize(decisions(runs, 0, 1500));
    String someReason = runs.get(1).path("decisions").get(runs.get(1).path("decisions").size() - 1).path("reason").asText();
    assertThat(titles).anySatisfy(t -> assertThat(t).contains(esc(someReason)));
    assertThat(instances).contains("data-markers=\"" + titles.size() + "\"").contains("data-hidden-markers=\"0\"");
    // the scores table, the violation strips and the decisions listed below
    assertThat(dom).contains("<table class=\"scores\" id=\"scores\">").contains("HPA defaults 60%").contains("original-rule.yaml");
    assertThat(chart(dom, "chart-violations")).contains("class=\"violations\" data-run=\"0\"").contains("class=\"violations\" data-run=\"1\"");
    assertThat(dom).containsPattern("<p class=\"note\" id=\"decisions-note\">\\d+ decision\\(s\\)");
    assertThat(whole.consoleErrors()).isEmpty();

    // zoomed through the address: five minutes around the jump, axis labels with seconds
    Browser zoomed = open(chromium, report.toUri() + "#t=600-900", "zoomed");
    String z = zoomed.dom();
    assertThat(z).contains("data-rendered=\"1\"").contains("data-window=\"600-900\"");
    String zi = chart(z, "chart-instances");
    assertThat(decisions(runs, 600, 900)).isBetween(3, decisions(runs, 0, 1500) - 5);
    assertThat(titles(zi)).hasSize(decisions(runs, 600, 900));
    assertThat(zi).contains(">0:10:00<").contains(">0:15:00<").doesNotContain(">0:20:00<");
    assertThat(z).contains("<span class=\"range\" id=\"range\">0:10:00 \u2013 0:15:00</span>");
    assertThat(zoomed.consoleErrors()).isEmpty();

    // and as a picture, for a person to look at (target/simulation-report-it.png)
    Path png = Path.of("target/simulation-report-it.png").toAbsolutePath();
    Files.deleteIfExists(png);
    Process shot = new ProcessBuilder(List.of(chromium.toString(), "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
        "--user-data-dir=" + Files.createDirectories(dir.resolve("profile-shot")), "--window-size=1200,2300",
        "--virtual-time-budget=10000", "--screenshot=" + png, report.toUri().toString()))
        .redirectErrorStream(true).redirectOutput(dir.resolve("shot.log").toFile()).start();
    assertThat(shot.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(png).exists();
    assertThat(Files.size(png)).isGreaterThan(50_000);
  }

  private record Browser(String dom, List<String> consoleErrors) {}

  private Browser open(Path chromium, String url, String name) throws Exception {
    Path profile = Files.createDirectories(dir.resolve("profile-" + name));
    Path stderr = dir.resolve("chromium-" + name + ".err");
    Process browser = new ProcessBuilder(List.of(chromium.toString(), "--headless", "--no-sandbox", "--disable-gpu",
        "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--user-data-dir=" + profile, "--enable-logging=stderr", "--v=0", "--window-size=1200,2000",
        "--virtual-time-budget=10000", "--dump-dom", url))
        .redirectError(stderr.toFile()).start();
    String dom = new String(browser.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(browser.waitFor(120, TimeUnit.SECONDS)).isTrue();
    // Chromium logs the page's console messages and uncaught errors to stderr
    List<String> errors = Files.readString(stderr).lines().filter(l -> l.contains("CONSOLE") || l.contains("Uncaught")).toList();
    return new Browser(dom, errors);
  }

  /** The markup of one chart's svg element. */
  private static String chart(String dom, String id) {
    int start = dom.indexOf("<svg id=\"" + id + "\"");
    assertThat(start).as("svg #%s in the page", id).isNotNegative();
    return dom.substring(start, dom.indexOf("</svg>", start) + 6);
  }

  private static List<String> series(String chart) {
    List<String> out = new ArrayList<>();
    Matcher m = SERIES.matcher(chart);
    while (m.find()) {
      out.add(m.group(1));
    }
    return out;
  }

  private static List<String> paths(String chart) {
    List<String> out = new ArrayList<>();
    Matcher m = Pattern.compile("<path [^>]*class=\"series [a-z]+\"[^>]* d=\"([^\"]*)\"").matcher(chart);
    while (m.find()) {
      out.add(m.group(1));
    }
    Matcher m2 = Pattern.compile("<path [^>]*d=\"([^\"]*)\"[^>]*class=\"series [a-z]+\"").matcher(chart);
    while (m2.find()) {
      out.add(m2.group(1));
    }
    assertThat(out).isNotEmpty();
    return out;
  }

  private static List<String> titles(String chart) {
    List<String> out = new ArrayList<>();
    Matcher m = Pattern.compile("class=\"marker [a-z]+\"><title>([^<]*)</title>").matcher(chart);
    while (m.find()) {
      out.add(m.group(1));
    }
    return out;
  }

  /** Decisions of every run within [from, to] seconds of the trace, as the JSON lists them. */
  private static int decisions(JsonNode runs, double from, double to) {
    int n = 0;
    for (JsonNode r : runs) {
      for (JsonNode d : r.path("decisions")) {
        double t = d.path("atSeconds").asDouble();
        if (t >= from && t <= to) {
          n++;
        }
      }
    }
    return n;
  }

  private static String esc(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }
}
