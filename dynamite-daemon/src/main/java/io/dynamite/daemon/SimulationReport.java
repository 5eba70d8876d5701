package io.dynamite.daemon;

import io.dynamite.api.Direction;
import io.dynamite.api.event.DecisionRecord;
import io.dynamite.sim.DecisionPoint;
import io.dynamite.sim.Scores;
import io.dynamite.sim.ServiceModel;
import io.dynamite.sim.Simulation;
import io.dynamite.sim.SimulationResult;
import io.dynamite.sim.Timeline;
import io.dynamite.sim.Trace;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;

/**
 * The output of {@code dynamite simulate}: a text table of the scores, one column per run, and one
 * self-contained HTML page with the same table and interactive charts (inline SVG drawn by an
 * inline script from data embedded in the page; nothing is fetched).
 */
final class SimulationReport {
  /** A score row: how to show it and whether lower is better (null: neither). */
  record Row(String name, Function<Scores, String> text, ToDoubleFunction<Scores> value, Boolean lowerIsBetter) {}

  static final String[] COLORS = {"#2563eb", "#ea580c", "#9333ea", "#0d9488", "#db2777", "#a16207", "#475569", "#65a30d"};
  /** The most points of the demand series embedded in the page; longer traces are reduced (max per bucket). */
  private static final int MAX_DEMAND_POINTS = 200_000;
  /** The most decisions per run embedded in the page. */
  private static final int MAX_DECISIONS = 5_000;

  private final List<SimulateCommand.Run> runs;
  private final Trace trace;
  private final String sourceDescription;
  private final double demandScale;
  private final double speedup;
  private final String capacityNote;

  SimulationReport(List<SimulateCommand.Run> runs, Trace trace, String sourceDescription, double demandScale, double speedup,
      String capacityNote) {
    this.runs = List.copyOf(runs);
    this.trace = trace;
    this.sourceDescription = sourceDescription;
    this.demandScale = demandScale;
    this.speedup = speedup;
    this.capacityNote = capacityNote;
  }

  List<SimulateCommand.Run> runs() {
    return runs;
  }

  Trace trace() {
    return trace;
  }

  String sourceDescription() {
    return sourceDescription;
  }

  double demandScale() {
    return demandScale;
  }

  double speedup() {
    return speedup;
  }

  String capacityNote() {
    return capacityNote;
  }

  static List<Row> rows() {
    List<Row> r = new ArrayList<>();
    r.add(new Row("SLO violation (s)", s -> num(s.sloViolationSeconds()), Scores::sloViolationSeconds, true));
    r.add(new Row("  share of the trace", s -> pct(s.sloViolationSeconds() / s.scoredSeconds()), s -> s.sloViolationSeconds() / s.scoredSeconds(), true));
    r.add(new Row("longest violation (s)", s -> num(s.longestViolationSeconds()), Scores::longestViolationSeconds, true));
    r.add(new Row("recovery after largest jump (s)", s -> num(s.recoverySeconds()) + (s.recovered() ? "" : " (never)"), Scores::recoverySeconds, true));
    r.add(new Row("instance-seconds (cost)", s -> num(s.instanceSeconds()), Scores::instanceSeconds, true));
    r.add(new Row("  instance-hours", s -> String.format(Locale.ROOT, "%.1f", s.instanceSeconds() / 3600), Scores::instanceSeconds, true));
    r.add(new Row("over-provisioned instance-s", s -> num(s.overProvisionedSeconds()), Scores::overProvisionedSeconds, true));
    r.add(new Row("under-provisioned instance-s", s -> num(s.underProvisionedSeconds()), Scores::underProvisionedSeconds, true));
    r.add(new Row("mean utilization", s -> pct(s.meanUtilization()), Scores::meanUtilization, null));
    r.add(new Row("scaling actions", s -> s.scalingActions() + " (" + s.starts() + " up, " + s.stops() + " down)", Scores::scalingActions, true));
    r.add(new Row("direction changes", s -> Integer.toString(s.directionChanges()), Scores::directionChanges, true));
    r.add(new Row("max instances", s -> Integer.toString(s.maxInstances()), Scores::maxInstances, null));
    r.add(new Row("failed starts / retries", s -> s.failedStarts() + " / " + s.retries(), Scores::failedStarts, null));
    return r;
  }

  static String num(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e15 ? String.format(Locale.ROOT, "%,d", (long) v) : String.format(Locale.ROOT, "%,.1f", v);
  }

  static String pct(double f) {
    return String.format(Locale.ROOT, "%.1f %%", f * 100);
  }

  /** A number with up to four significant digits and no trailing zeros. */
  static String fmt(double v) {
    if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      return Long.toString((long) v);
    }
    String s = String.format(Locale.ROOT, "%.4g", v);
    if (s.indexOf('e') >= 0 || s.indexOf('.') < 0) {
      return s;
    }
    int end = s.length();
    while (s.charAt(end - 1) == '0') {
      end--;
    }
    return s.substring(0, s.charAt(end - 1) == '.' ? end - 1 : end);
  }

  static String seconds(Duration d) {
    return fmt(d.toNanos() / 1e9) + " s";
  }

  private SimulationResult first() {
    return runs.get(0).result();
  }

  /** The objective, in words. */
  String objective() {
    Simulation.Settings s = first().settings();
    return "offered utilization <= " + pct(s.sloUtilization())
        + (s.latencyTarget() == null ? "" : " and modelled latency <= " + fmt(s.latencyTarget().toNanos() / 1e6) + " ms");
  }

  /** Lines describing the trace, the model, the settings and the runs. */
  List<String> setup() {
    SimulationResult r = first();
    ServiceModel m = r.model();
    Simulation.Settings s = r.settings();
    List<String> out = new ArrayList<>();
    out.add(String.format(Locale.ROOT, "%s: %,d rows, %s%s%s; mean demand %s, peak %s",
        sourceDescription, trace.rows(), hours(trace.durationSeconds()),
        demandScale == 1 ? "" : ", demand x" + fmt(demandScale),
        speedup == 1 ? "" : String.format(Locale.ROOT, ", played %sx %s", speedup >= 1 ? fmt(speedup) : fmt(1 / speedup), speedup >= 1 ? "faster" : "slower"),
        fmt(trace.mean()), fmt(trace.peak())));
    out.add(String.format(Locale.ROOT, "service '%s': capacity %s per instance (%s), start-up %s, stop %s, start failures %s, noise %s",
        r.service(), fmt(m.capacity()), capacityNote, seconds(m.startupDelay()), seconds(m.stopDelay()),
        pct(m.startFailureRate()), pct(m.noise())));
    out.add(String.format(Locale.ROOT, "sampling every %s, seed %d, warm-up %s; objective: %s",
        seconds(s.sampleInterval()), s.seed(), seconds(s.warmup()), objective()));
    for (SimulateCommand.Run run : runs) {
      out.add(String.format(Locale.ROOT, "%s: %s; metrics %s", run.label(),
          run.kind().equals("config") ? "configuration " + run.source() : run.source(),
          run.result().settings().metricKinds().isEmpty() ? "none"
              : run.result().settings().metricKinds().toString().replace("{", "").replace("}", "").toLowerCase(Locale.ROOT)));
    }
    return out;
  }

  private static String hours(double seconds) {
    if (seconds >= 3 * 86400) {
      return String.format(Locale.ROOT, "%.1f days", seconds / 86400);
    }
    if (seconds < 120) {
      return fmt(seconds) + " s";
    }
    return seconds >= 7200 ? String.format(Locale.ROOT, "%.1f h", seconds / 3600) : String.format(Locale.ROOT, "%.0f min", seconds / 60);
  }

  /** {@code h:mm} (or {@code d3 h:mm} for traces over three days) of a trace time. */
  static String clock(double t, double duration) {
    long s = Math.round(t);
    if (duration > 3 * 86400) {
      return String.format(Locale.ROOT, "d%d %02d:%02d", s / 86400, s % 86400 / 3600, s % 3600 / 60);
    }
    return String.format(Locale.ROOT, "%d:%02d", s / 3600, s % 3600 / 60);
  }

  /** The text summary: setup lines, then the score table. */
  String text() {
    StringBuilder b = new StringBuilder();
    b.append("dynamite simulate\n");
    for (String line : setup()) {
      b.append("  ").append(line).append('\n');
    }
    b.append('\n');
    b.append("scores (objective: ").append(objective()).append("; lower is better but for mean utilization)\n");
    int w0 = 34;
    List<Integer> widths = new ArrayList<>();
    for (SimulateCommand.Run run : runs) {
      int w = Math.max(16, run.label().length() + 2);
      for (Row row : rows()) {
        w = Math.max(w, row.text().apply(run.result().scores()).length() + 2);
      }
      widths.add(w);
    }
    b.append(pad("score", w0));
    for (int i = 0; i < runs.size(); i++) {
      b.append(pad(runs.get(i).label(), widths.get(i)));
    }
    b.append('\n');
    for (Row row : rows()) {
      b.append(pad(row.name(), w0));
      for (int i = 0; i < runs.size(); i++) {
        b.append(pad(row.text().apply(runs.get(i).result().scores()), widths.get(i)));
      }
      b.append('\n');
    }
    b.append('\n');
    return b.toString();
  }

  private static String pad(String s, int w) {
    return s.length() >= w ? s + " " : s + " ".repeat(w - s.length());
  }

  /** Indexes of the runs with the best value of a row, or none when all are equal or the row has no better. */
  private List<Integer> best(Row row) {
    List<Integer> out = new ArrayList<>();
    if (runs.size() < 2 || row.lowerIsBetter() == null) {
      return out;
    }
    double bestValue = Double.NaN;
    boolean allEqual = true;
    double firstValue = row.value().applyAsDouble(runs.get(0).result().scores());
    for (SimulateCommand.Run run : runs) {
      double v = row.value().applyAsDouble(run.result().scores());
      allEqual &= v == firstValue;
      if (Double.isNaN(bestValue) || (row.lowerIsBetter() ? v < bestValue : v > bestValue)) {
        bestValue = v;
      }
    }
    if (allEqual) {
      return out;
    }
    for (int i = 0; i < runs.size(); i++) {
      if (row.value().applyAsDouble(runs.get(i).result().scores()) == bestValue) {
        out.add(i);
      }
    }
    return out;
  }

  // ------------------------------------------------------------------ HTML

  /** The HTML page. */
  String html() {
    SimulationResult r0 = first();
    StringBuilder h = new StringBuilder(1 << 20);
    h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
        .append("<link rel=\"icon\" href=\"data:,\">\n<title>Dynamite simulation: ")
        .append(esc(r0.service())).append(" on ").append(esc(trace.name())).append("</title>\n<style>\n").append(CSS)
        .append("</style>\n</head>\n<body>\n<main>\n");
    h.append("<header><h1>Dynamite simulation</h1><p class=\"sub\">service <b>").append(esc(r0.service()))
        .append("</b> replayed on <b>").append(esc(trace.name())).append("</b> through the real scaling engine, ")
        .append(runs.size()).append(runs.size() == 1 ? " run" : " runs").append(" side by side</p></header>\n");
    h.append("<section class=\"setup\"><ul>");
    for (String line : setup()) {
      h.append("<li>").append(esc(line)).append("</li>");
    }
    h.append("</ul></section>\n");
    h.append("<section><h2>Scores</h2>\n<p class=\"note\">Objective: ").append(esc(objective()))
        .append(". Lower is better for every score but mean utilization, max instances and failed starts");
    if (runs.size() > 1) {
      h.append("; the best value of a row is highlighted");
    }
    h.append(". Definitions: docs/simulation.md.</p>\n<table class=\"scores\" id=\"scores\"><thead><tr><th>score</th>");
    for (int i = 0; i < runs.size(); i++) {
      h.append("<th><span class=\"swatch\" style=\"background:").append(color(i)).append("\"></span>")
          .append(esc(runs.get(i).label())).append("</th>");
    }
    h.append("</tr></thead><tbody>\n");
    for (Row row : rows()) {
      boolean sub = row.name().startsWith("  ");
      h.append("<tr").append(sub ? " class=\"sub\"" : "").append("><td>").append(esc(row.name().strip())).append("</td>");
      List<Integer> best = best(row);
      for (int i = 0; i < runs.size(); i++) {
        h.append("<td").append(best.contains(i) ? " class=\"best\"" : "").append('>')
            .append(esc(row.text().apply(runs.get(i).result().scores()))).append("</td>");
      }
      h.append("</tr>\n");
    }
    h.append("</tbody></table></section>\n");
    h.append(BODY);
    h.append("<script id=\"sim-data\" type=\"application/json\">").append(data().replace("</", "<\\/")).append("</script>\n");
    h.append("<script>\n").append(SCRIPT).append("</script>\n");
    h.append("</main>\n</body>\n</html>\n");
    return h.toString();
  }

  static String color(int i) {
    return COLORS[i % COLORS.length];
  }

  /** The data the page's script draws, as JSON. */
  private String data() {
    SimulationResult r0 = first();
    Timeline t0 = r0.timeline();
    double duration = r0.scores().scoredSeconds();
    Simulation.Settings s = r0.settings();
    StringBuilder j = new StringBuilder(1 << 20);
    j.append("{\"duration\":").append(n(duration))
        .append(",\"slo\":").append(n(s.sloUtilization()))
        .append(",\"capacity\":").append(n(r0.model().capacity()))
        .append(",\"latencyTarget\":").append(s.latencyTarget() == null ? "null" : n(s.latencyTarget().toNanos() / 1e6))
        .append(",\"step\":").append(n(s.sampleInterval().toNanos() / 1e9));
    // demand: the trace's own rows (demand is linear between them), plus the end of the last row
    double[] ts = trace.seconds();
    double[] ds = trace.demands();
    int n = ts.length;
    int bucket = Math.max(1, (n + MAX_DEMAND_POINTS - 1) / MAX_DEMAND_POINTS);
    j.append(",\"demandBucket\":").append(bucket).append(",\"demand\":{\"t\":[");
    StringBuilder vs = new StringBuilder(n * 6);
    boolean firstPoint = true;
    for (int i = 0; i < n; i += bucket) {
      double v = 0;
      for (int k = i; k < Math.min(n, i + bucket); k++) {
        v = Math.max(v, ds[k]);
      }
      if (!firstPoint) {
        j.append(',');
        vs.append(',');
      }
      firstPoint = false;
      j.append(n(ts[i]));
      vs.append(n(v));
    }
    if (ts[n - 1] < duration) {
      j.append(',').append(n(duration));
      vs.append(',').append(n(ds[n - 1]));
    }
    j.append("],\"v\":[").append(vs).append("]}");
    double[] secs = t0.seconds();
    j.append(",\"needed\":");
    rle(j, secs, t0.needed());
    j.append(",\"runs\":[");
    for (int i = 0; i < runs.size(); i++) {
      SimulateCommand.Run run = runs.get(i);
      SimulationResult r = run.result();
      Timeline tl = r.timeline();
      if (i > 0) {
        j.append(',');
      }
      j.append("{\"label\":").append(str(run.label())).append(",\"color\":").append(str(color(i)))
          .append(",\"kind\":").append(str(run.kind()))
          .append(",\"violation\":").append(n(r.scores().sloViolationSeconds()));
      j.append(",\"provisioned\":");
      rle(j, secs, tl.provisioned());
      j.append(",\"serving\":");
      rle(j, secs, tl.serving());
      j.append(",\"violations\":[");
      violations(j, r);
      j.append(']');
      if (s.latencyTarget() != null) {
        j.append(",\"latency\":");
        reduced(j, secs, tl.latencyMillis(), 20_000);
      }
      j.append(",\"decisions\":[");
      int count = 0;
      for (DecisionPoint d : r.decisionPoints()) {
        if (d.atSeconds() < 0) {
          continue;
        }
        if (count == MAX_DECISIONS) {
          break;
        }
        if (count++ > 0) {
          j.append(',');
        }
        int dir = d.direction() == Direction.UP ? 1 : d.direction() == Direction.DOWN ? -1 : 0;
        j.append('[').append(n(d.atSeconds())).append(',').append(dir).append(',')
            .append(d.outcome() == DecisionRecord.Outcome.SCALED ? "\"S\"" : "\"R\"").append(',').append(d.from()).append(',')
            .append(d.desired() == null ? "null" : d.desired().toString()).append(',').append(str(d.policy())).append(',')
            .append(str(d.reason())).append(',').append(d.repeats()).append(']');
      }
      j.append("],\"decisionsOmitted\":").append(Math.max(0, r.decisionPoints().stream().filter(d -> d.atSeconds() >= 0).count() - count));
      j.append('}');
    }
    j.append("]}");
    return j.toString();
  }

  /** A step series as {@code [t0, v0, t1, v1, ...]}: the first tick and every tick whose value changed. */
  private static void rle(StringBuilder j, double[] secs, int[] values) {
    j.append('[');
    for (int k = 0; k < values.length; k++) {
      if (k == 0 || values[k] != values[k - 1]) {
        if (k > 0) {
          j.append(',');
        }
        j.append(n(secs[k])).append(',').append(values[k]);
      }
    }
    j.append(']');
  }

  /** A tick series reduced to at most {@code max} points, the maximum of each bucket, as {@code {t:[], v:[]}}. */
  private static void reduced(StringBuilder j, double[] secs, double[] values, int max) {
    int bucket = Math.max(1, (values.length + max - 1) / max);
    StringBuilder t = new StringBuilder();
    StringBuilder v = new StringBuilder();
    for (int i = 0; i < values.length; i += bucket) {
      double m = Double.NEGATIVE_INFINITY;
      for (int k = i; k < Math.min(values.length, i + bucket); k++) {
        m = Math.max(m, values[k]);
      }
      if (i > 0) {
        t.append(',');
        v.append(',');
      }
      t.append(n(secs[i]));
      v.append(Double.isFinite(m) ? n(m) : "null");
    }
    j.append("{\"t\":[").append(t).append("],\"v\":[").append(v).append("]}");
  }

  /** The intervals during which a run missed the objective, as {@code [from,to]} pairs, as the scores count them. */
  private static void violations(StringBuilder j, SimulationResult r) {
    Timeline tl = r.timeline();
    double[] secs = tl.seconds();
    double[] w = tl.weights();
    double[] u = tl.utilization();
    double[] lat = tl.latencyMillis();
    int[] serving = tl.serving();
    double[] demand = tl.demand();
    double slo = r.settings().sloUtilization();
    double goal = r.settings().latencyTarget() == null ? Double.POSITIVE_INFINITY : r.settings().latencyTarget().toNanos() / 1e6;
    int k = 0;
    boolean firstInterval = true;
    while (k < secs.length) {
      if (!violates(serving[k], demand[k], u[k], lat[k], slo, goal)) {
        k++;
        continue;
      }
      double from = secs[k];
      double to = from;
      while (k < secs.length && violates(serving[k], demand[k], u[k], lat[k], slo, goal)) {
        to = secs[k] + w[k];
        k++;
      }
      if (!firstInterval) {
        j.append(',');
      }
      firstInterval = false;
      j.append('[').append(n(from)).append(',').append(n(to)).append(']');
    }
  }

  private static boolean violates(int serving, double demand, double u, double lat, double slo, double goal) {
    return serving == 0 ? demand > 0 : u > slo || lat > goal;
  }

  /** A compact JSON number: integers without a fraction, others with six significant digits. */
  private static String n(double v) {
    if (!Double.isFinite(v)) {
      return "null";
    }
    if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      return Long.toString((long) v);
    }
    String s = String.format(Locale.ROOT, "%.6g", v);
    if (s.indexOf('e') < 0 && s.indexOf('.') >= 0) {
      int end = s.length();
      while (s.charAt(end - 1) == '0') {
        end--;
      }
      if (s.charAt(end - 1) == '.') {
        end--;
      }
      s = s.substring(0, end);
    }
    return s;
  }

  /** A JSON string. */
  static String str(String s) {
    StringBuilder b = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          if (c < 0x20 || c == 0x2028 || c == 0x2029) {
            b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.append('"').toString();
  }

  static String esc(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '&' -> b.append("&amp;");
        case '"' -> b.append("&quot;");
        case '\'' -> b.append("&#39;");
        default -> b.append(c);
      }
    }
    return b.toString();
  }

  /**
   * The fixed parts of the page, kept as files beside this class (the chart section, its style and
   * the script that draws the charts and handles zooming) so that they can be read and edited as
   * HTML, CSS and JavaScript; loaded once.
   */
  private static final String BODY = resource("simulation-report-body.html");
  private static final String CSS = resource("simulation-report.css");
  private static final String SCRIPT = resource("simulation-report.js");

  private static String resource(String name) {
    try (InputStream in = SimulationReport.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException(name + " is missing from the jar");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + name + " from the jar", e);
    }
  }
}
