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

  /** The chart part of the page; the script fills the SVG elements. */
  private static final String BODY = """
      <section class="charts">
      <div class="toolbar" id="toolbar">
        <span class="range" id="range"></span>
        <button type="button" id="zoom-in" title="Zoom in around the middle">+</button>
        <button type="button" id="zoom-out" title="Zoom out">&minus;</button>
        <button type="button" id="pan-left" title="Move left">&#9664;</button>
        <button type="button" id="pan-right" title="Move right">&#9654;</button>
        <button type="button" id="reset" title="Show the whole trace">whole trace</button>
        <span class="days" id="days"></span>
        <span class="hint">Drag across a chart to zoom in, scroll to zoom, double-click to see it all; hover a marker for the decision's reason.</span>
      </div>
      <div class="overview"><svg id="chart-overview" aria-label="Whole trace: drag or click to choose the window"></svg></div>
      <h2>Demand and serving capacity</h2>
      <div class="legend" id="legend-demand"></div>
      <svg id="chart-demand" class="chart" aria-label="Demand and serving capacity"></svg>
      <h2>Instances and decisions</h2>
      <div class="legend" id="legend-instances"></div>
      <svg id="chart-instances" class="chart" aria-label="Instances and decisions"></svg>
      <h2>Utilization (offered load, shown up to 200 %)</h2>
      <div class="legend" id="legend-utilization"></div>
      <svg id="chart-utilization" class="chart" aria-label="Utilization"></svg>
      <div id="latency-block" hidden>
      <h2>Modelled latency</h2>
      <div class="legend" id="legend-latency"></div>
      <svg id="chart-latency" class="chart" aria-label="Modelled latency"></svg>
      </div>
      <h2>When the objective was missed</h2>
      <svg id="chart-violations" class="strips" aria-label="When the objective was missed"></svg>
      </section>
      <section><h2>Decisions in view</h2>
      <p class="note" id="decisions-note"></p>
      <table class="decisions" id="decisions"><thead><tr><th>time</th><th>run</th><th>policy</th><th>outcome</th><th>instances</th><th>reason</th></tr></thead><tbody></tbody></table>
      </section>
      <div id="tip" class="tip" hidden></div>
      <noscript><p>The charts are drawn by the page's own script; allow scripts for this file to see them.</p></noscript>
      <footer>Generated by <code>dynamite simulate</code>. Everything on this page was computed by the simulator and is drawn by the page itself; it loads nothing from the network.</footer>
      """;

  private static final String CSS = """
      :root { color-scheme: light; }
      body { margin: 0; background: #f8fafc; color: #0f172a; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
      main { max-width: 1160px; margin: 0 auto; padding: 24px 20px 40px; }
      header h1 { margin: 0; font-size: 26px; letter-spacing: -0.01em; }
      .sub { margin: 4px 0 0; color: #475569; }
      h2 { font-size: 15px; margin: 14px 0 4px; }
      section { background: #fff; border: 1px solid #e2e8f0; border-radius: 10px; padding: 14px 16px; margin-top: 16px; box-shadow: 0 1px 2px rgba(15,23,42,.04); }
      section > h2:first-child { margin-top: 0; }
      .setup ul { margin: 0; padding-left: 18px; color: #334155; }
      table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
      table.scores th, table.scores td { text-align: right; padding: 6px 10px; border-bottom: 1px solid #f1f5f9; white-space: nowrap; }
      table.scores th:first-child, table.scores td:first-child { text-align: left; }
      table.scores thead th { color: #334155; border-bottom: 2px solid #e2e8f0; }
      table.scores tr.sub td { color: #64748b; font-size: 13px; }
      table.scores tr.sub td:first-child { padding-left: 24px; }
      td.best { background: #ecfdf5; color: #047857; font-weight: 600; }
      table.decisions { font-size: 12px; }
      table.decisions th, table.decisions td { text-align: left; padding: 3px 8px; border-bottom: 1px solid #f1f5f9; vertical-align: top; }
      table.decisions td:nth-child(-n+5) { white-space: nowrap; }
      .swatch, .legend i { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 6px; vertical-align: baseline; }
      .legend { display: flex; flex-wrap: wrap; gap: 4px 14px; color: #334155; font-size: 12px; margin-bottom: 2px; }
      .toolbar { display: flex; flex-wrap: wrap; align-items: center; gap: 6px; margin-bottom: 6px; }
      .toolbar .range { font-weight: 600; margin-right: 8px; font-variant-numeric: tabular-nums; }
      .toolbar .hint { color: #64748b; font-size: 12px; flex-basis: 100%; }
      .toolbar .days { display: inline-flex; flex-wrap: wrap; gap: 3px; }
      button { font: inherit; font-size: 12px; border: 1px solid #cbd5e1; background: #f8fafc; border-radius: 6px; padding: 2px 8px; cursor: pointer; }
      button:hover { background: #e2e8f0; }
      svg { display: block; width: 100%; user-select: none; }
      svg.chart { height: 230px; cursor: crosshair; }
      .overview svg { height: 46px; cursor: pointer; }
      .grid { stroke: #e2e8f0; stroke-width: 1; }
      .tick { stroke: #94a3b8; }
      .frame { fill: none; stroke: #cbd5e1; }
      .ax { fill: #64748b; font-size: 11px; }
      .marker { cursor: help; }
      .marker:hover { stroke: #0f172a; stroke-width: 1.5; }
      .sel { fill: #2563eb; fill-opacity: .12; stroke: #2563eb; stroke-opacity: .5; }
      .tip { position: fixed; z-index: 10; max-width: 460px; background: #0f172a; color: #f8fafc; font-size: 12px; line-height: 1.35; padding: 6px 8px; border-radius: 6px; pointer-events: none; white-space: pre-wrap; box-shadow: 0 4px 12px rgba(15,23,42,.25); }
      .note { color: #64748b; font-size: 12px; margin: 0 0 8px; }
      footer { color: #94a3b8; font-size: 12px; margin-top: 18px; text-align: center; }
      """;

  /** The page's script: draws every chart for the current time window and handles zooming. */
  private static final String SCRIPT = """
      "use strict";
      (function () {
      const D = JSON.parse(document.getElementById("sim-data").textContent);
      const NS = "http://www.w3.org/2000/svg";
      const DUR = D.duration;
      const M = {l: 60, r: 14, t: 8, b: 24};
      let win = {a: 0, b: DUR};

      // ---------------------------------------------------------------- series
      function pairs(flat) {
        const n = flat.length / 2, t = new Float64Array(n), v = new Float64Array(n);
        for (let i = 0; i < n; i++) { t[i] = flat[2 * i]; v[i] = flat[2 * i + 1]; }
        return {t: t, v: v, step: true};
      }
      function line(o) { return {t: Float64Array.from(o.t), v: Float64Array.from(o.v.map(x => x === null ? NaN : x)), step: false}; }
      function scaled(s, f) { return {t: s.t, v: s.v.map(x => x * f), step: s.step}; }
      /** first index i with t[i] >= x */
      function lower(t, x) { let lo = 0, hi = t.length; while (lo < hi) { const m = (lo + hi) >> 1; if (t[m] < x) lo = m + 1; else hi = m; } return lo; }
      function valueAt(s, x) {
        const t = s.t, n = t.length;
        if (n === 0) return NaN;
        if (x <= t[0]) return s.v[0];
        if (x >= t[n - 1]) return s.v[n - 1];
        const i = lower(t, x);
        if (t[i] === x) return s.v[i];
        if (s.step) return s.v[i - 1];
        const f = (x - t[i - 1]) / (t[i] - t[i - 1]);
        return s.v[i - 1] + f * (s.v[i] - s.v[i - 1]);
      }
      /** The points of s within [a, b], with the values at a and b as end points. */
      function slice(s, a, b) {
        const i0 = lower(s.t, a), i1 = lower(s.t, b);
        const t = [a], v = [valueAt(s, a)];
        for (let i = i0; i < i1; i++) { if (s.t[i] > a) { t.push(s.t[i]); v.push(s.v[i]); } }
        t.push(b); v.push(valueAt(s, b));
        return {t: t, v: v, step: s.step};
      }

      const demand = line(D.demand);
      const needed = pairs(D.needed);
      const runs = D.runs.map(function (r) {
        const serving = pairs(r.serving);
        // utilization = demand / (serving x capacity) on the union of demand rows and serving changes
        const ut = [], uv = [];
        let j = 0;
        const dt = demand.t;
        for (let i = 0; i < serving.t.length; i++) {
          const from = serving.t[i], to = i + 1 < serving.t.length ? serving.t[i + 1] : DUR;
          const c = serving.v[i] * D.capacity;
          const u = x => { const d = valueAt(demand, x); return c > 0 ? Math.min(2, d / c) * 100 : (d > 0 ? 200 : 0); };
          ut.push(from); uv.push(u(from));
          while (j < dt.length && dt[j] <= from) j++;
          while (j < dt.length && dt[j] < to) { ut.push(dt[j]); uv.push(u(dt[j])); j++; }
          ut.push(to); uv.push(u(to));
        }
        return {
          label: r.label, color: r.color, kind: r.kind,
          provisioned: pairs(r.provisioned), serving: serving,
          capacity: scaled(serving, D.capacity * D.slo),
          utilization: {t: Float64Array.from(ut), v: Float64Array.from(uv), step: false},
          latency: r.latency ? line(r.latency) : null,
          violations: r.violations, violationSeconds: r.violation, decisions: r.decisions, omitted: r.decisionsOmitted
        };
      });

      // ---------------------------------------------------------------- drawing helpers
      function el(name, attrs, parent) {
        const e = document.createElementNS(NS, name);
        for (const k in attrs) e.setAttribute(k, attrs[k]);
        if (parent) parent.appendChild(e);
        return e;
      }
      function clear(svg) { while (svg.firstChild) svg.removeChild(svg.firstChild); }
      function size(svg) { const r = svg.getBoundingClientRect(); return {w: Math.max(320, Math.round(r.width)), h: Math.round(r.height) || 230}; }
      function pad2(x) { return (x < 10 ? "0" : "") + x; }
      function clock(t, span) {
        const s = Math.round(t), d = Math.floor(s / 86400), h = Math.floor(s % 86400 / 3600), m = Math.floor(s % 3600 / 60), sec = s % 60;
        let text = (DUR > 86400 ? "d" + d + " " + pad2(h) : String(h + d * 24)) + ":" + pad2(m);
        if (span !== undefined && span < 600) text += ":" + pad2(sec);
        return text;
      }
      const STEPS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400, 172800, 604800, 1209600];
      function timeStep(span, px) {
        const want = Math.max(2, Math.floor(px / 90));
        for (const s of STEPS) if (span / s <= want) return s;
        return 604800 * Math.ceil(span / 604800 / want);
      }
      function niceStep(v) {
        const p = Math.pow(10, Math.floor(Math.log10(v)));
        for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= v) return m * p;
        return 10 * p;
      }
      function axisText(v) { return v >= 1000 ? Math.round(v).toLocaleString("en-US") : String(+v.toPrecision(3)); }
      /** The frame of a chart: scales, grid, axes. */
      function frame(svg, yMax, unit) {
        clear(svg);
        const sz = size(svg);
        svg.setAttribute("viewBox", "0 0 " + sz.w + " " + sz.h);
        const pw = sz.w - M.l - M.r, ph = sz.h - M.t - M.b;
        const step = niceStep((yMax > 0 ? yMax * 1.05 : 1) / 4), ticks = Math.max(1, Math.ceil((yMax > 0 ? yMax * 1.05 : 1) / step));
        const top = step * ticks;
        const f = {svg: svg, w: sz.w, h: sz.h, pw: pw, ph: ph, top: top,
          x: t => M.l + pw * (t - win.a) / (win.b - win.a),
          y: v => M.t + ph - ph * Math.max(0, Math.min(1, v / top)),
          t: x => win.a + (x - M.l) / pw * (win.b - win.a)};
        const g = el("g", {"class": "axes"}, svg);
        for (let i = 0; i <= ticks; i++) {
          const y = f.y(step * i);
          el("line", {"class": "grid", x1: M.l, x2: M.l + pw, y1: y, y2: y}, g);
          el("text", {"class": "ax", x: M.l - 6, y: y + 4, "text-anchor": "end"}, g).textContent = axisText(step * i);
        }
        el("text", {"class": "ax", x: 12, y: M.t + ph / 2, transform: "rotate(-90 12 " + (M.t + ph / 2) + ")", "text-anchor": "middle"}, g).textContent = unit;
        xAxis(f, g, M.t + ph);
        const clip = "clip-" + svg.id;
        const defs = el("defs", {}, svg);
        el("rect", {x: M.l, y: M.t - 6, width: pw, height: ph + 6}, el("clipPath", {id: clip}, defs));
        f.plot = el("g", {"clip-path": "url(#" + clip + ")"}, svg);
        el("rect", {"class": "frame", x: M.l, y: M.t, width: pw, height: ph}, svg);
        return f;
      }
      function xAxis(f, g, y0) {
        const span = win.b - win.a, step = timeStep(span, f.pw);
        for (let t = Math.ceil(win.a / step) * step; t <= win.b + 1e-9; t += step) {
          const x = f.x(t);
          el("line", {"class": "tick", x1: x, x2: x, y1: y0, y2: y0 + 4}, g);
          el("text", {"class": "ax x", x: x, y: y0 + 17, "text-anchor": "middle"}, g).textContent = clock(t, span);
        }
      }
      /** The path of a series over the window: every point, or a min/max envelope per pixel when denser. */
      function pathOf(f, s) {
        const p = slice(s, win.a, win.b), n = p.t.length, cols = f.pw;
        const out = [];
        const put = (x, y) => out.push((out.length ? "L" : "M") + x.toFixed(1) + "," + y.toFixed(1));
        if (n <= 2 * cols) {
          let prevY = null;
          for (let i = 0; i < n; i++) {
            if (isNaN(p.v[i])) continue;
            const x = f.x(p.t[i]), y = f.y(p.v[i]);
            if (s.step && prevY !== null) put(x, prevY);
            put(x, y);
            prevY = y;
          }
          return out.join("");
        }
        let col = -1, lo = 0, hi = 0, last = 0;
        const flush = () => { if (col >= 0) { const x = M.l + col + 0.5; put(x, f.y(lo)); put(x, f.y(hi)); put(x, f.y(last)); } };
        for (let i = 0; i < n; i++) {
          const v = p.v[i];
          if (isNaN(v)) continue;
          const c = Math.min(cols - 1, Math.max(0, Math.floor(f.x(p.t[i]) - M.l)));
          if (c !== col) { flush(); col = c; lo = hi = v; }
          lo = Math.min(lo, v); hi = Math.max(hi, v); last = v;
        }
        flush();
        return out.join("");
      }
      function maxIn(s) { const p = slice(s, win.a, win.b); let m = 0; for (const v of p.v) if (v > m && isFinite(v)) m = v; return m; }
      function series(f, s, cls, attrs) {
        const a = Object.assign({"class": "series " + cls, fill: "none", d: pathOf(f, s) || "M0,0"}, attrs);
        return el("path", a, f.plot);
      }
      function legend(id, items) {
        const box = document.getElementById(id);
        box.innerHTML = "";
        for (const it of items) {
          const s = document.createElement("span");
          const i = document.createElement("i");
          i.style.background = it.color;
          if (it.dashed) i.style.opacity = ".6";
          s.appendChild(i);
          s.appendChild(document.createTextNode(it.text));
          box.appendChild(s);
        }
      }

      // ---------------------------------------------------------------- charts
      function drawDemand() {
        const svg = document.getElementById("chart-demand");
        let top = maxIn(demand);
        runs.forEach(r => top = Math.max(top, maxIn(r.capacity)));
        const f = frame(svg, top, "demand");
        const d = pathOf(f, demand);
        el("path", {"class": "series demand-area", d: d + "L" + f.x(win.b) + "," + f.y(0) + "L" + f.x(win.a) + "," + f.y(0) + "Z",
          fill: "#94a3b8", "fill-opacity": "0.35", stroke: "none"}, f.plot);
        series(f, demand, "demand", {stroke: "#64748b", "stroke-width": 1, "data-series": "demand"});
        runs.forEach((r, i) => series(f, r.capacity, "capacity", {stroke: r.color, "stroke-width": 1.6, "data-run": i, "data-series": "capacity"}));
        legend("legend-demand", [{color: "#94a3b8", text: "demand"}].concat(runs.map(r => ({color: r.color,
          text: r.label + ": serving capacity at " + Math.round(D.slo * 100) + " %"}))));
        return f;
      }
      const MAX_MARKERS = 3000;
      function drawInstances() {
        const svg = document.getElementById("chart-instances");
        let top = maxIn(needed);
        runs.forEach(r => { top = Math.max(top, maxIn(r.provisioned)); r.decisions.forEach(d => { if (d[0] >= win.a && d[0] <= win.b && d[4] !== null) top = Math.max(top, d[4]); }); });
        const f = frame(svg, top, "instances");
        series(f, needed, "needed", {stroke: "#334155", "stroke-width": 1.2, "stroke-dasharray": "5 3", "data-series": "needed"});
        runs.forEach((r, i) => series(f, r.provisioned, "provisioned", {stroke: r.color, "stroke-width": 1.6, "data-run": i, "data-series": "provisioned"}));
        let shown = 0, hidden = 0;
        runs.forEach((r, i) => {
          const g = el("g", {"class": "markers", "data-run": i}, f.plot);
          for (const d of r.decisions) {
            if (d[0] < win.a || d[0] > win.b) continue;
            if (shown >= MAX_MARKERS) { hidden++; continue; }
            shown++;
            const x = f.x(d[0]), y = f.y(d[4] !== null ? d[4] : d[3]);
            let m;
            if (d[2] === "R") {
              m = el("circle", {cx: x.toFixed(1), cy: y.toFixed(1), r: 3.5, fill: "#fff", stroke: r.color, "stroke-width": 1.3}, g);
            } else {
              const s = 5, up = d[1] >= 0;
              const pts = up ? [x, y - s, x - s, y + s * 0.8, x + s, y + s * 0.8] : [x, y + s, x - s, y - s * 0.8, x + s, y - s * 0.8];
              m = el("path", {d: "M" + pts[0].toFixed(1) + "," + pts[1].toFixed(1) + "L" + pts[2].toFixed(1) + "," + pts[3].toFixed(1)
                + "L" + pts[4].toFixed(1) + "," + pts[5].toFixed(1) + "Z", fill: r.color, stroke: "#fff", "stroke-width": 0.6}, g);
            }
            m.setAttribute("class", "marker " + (d[2] === "R" ? "refused" : d[1] >= 0 ? "up" : "down"));
            el("title", {}, m).textContent = describe(r, d);
          }
        });
        svg.dataset.markers = String(shown);
        svg.dataset.hiddenMarkers = String(hidden);
        legend("legend-instances", [{color: "#334155", dashed: true, text: "needed at the objective"}].concat(runs.map(r => ({color: r.color,
          text: r.label + ": provisioned; \\u25B2\\u25BC scaled, \\u25CB refused"}))).concat(hidden ? [{color: "#fff",
          text: hidden + " markers not drawn: zoom in"}] : []));
        return f;
      }
      function describe(r, d) {
        const to = d[4] === null ? "" : " \\u2192 " + d[4];
        const rep = d[7] > 0 ? " (and " + d[7] + " more refusals in a row)" : "";
        return clock(d[0], 1) + "  " + r.label + "  " + d[5] + "\\n" + (d[2] === "S" ? "SCALED" : "REFUSED") + " " + d[3] + to + rep + "\\n" + d[6];
      }
      function drawUtilization() {
        const svg = document.getElementById("chart-utilization");
        let top = D.slo * 100;
        runs.forEach(r => top = Math.max(top, maxIn(r.utilization)));
        const f = frame(svg, top, "%");
        runs.forEach((r, i) => series(f, r.utilization, "utilization", {stroke: r.color, "stroke-width": 1.1, "data-run": i, "data-series": "utilization"}));
        const y = f.y(D.slo * 100);
        el("line", {"class": "objective", x1: M.l, x2: M.l + f.pw, y1: y, y2: y, stroke: "#dc2626", "stroke-width": 1.2, "stroke-dasharray": "6 4"}, f.plot);
        legend("legend-utilization", runs.map(r => ({color: r.color, text: r.label + ": offered utilization"}))
          .concat([{color: "#dc2626", text: "objective " + Math.round(D.slo * 100) + " %"}]));
        return f;
      }
      function drawLatency() {
        if (D.latencyTarget === null) return null;
        document.getElementById("latency-block").hidden = false;
        const svg = document.getElementById("chart-latency");
        let top = D.latencyTarget;
        runs.forEach(r => top = Math.max(top, Math.min(maxIn(r.latency), D.latencyTarget * 4)));
        const f = frame(svg, top, "ms");
        runs.forEach((r, i) => series(f, r.latency, "latency", {stroke: r.color, "stroke-width": 1.1, "data-run": i, "data-series": "latency"}));
        const y = f.y(D.latencyTarget);
        el("line", {x1: M.l, x2: M.l + f.pw, y1: y, y2: y, stroke: "#dc2626", "stroke-width": 1.2, "stroke-dasharray": "6 4"}, f.plot);
        legend("legend-latency", runs.map(r => ({color: r.color, text: r.label + ": latency (M/M/c)"}))
          .concat([{color: "#dc2626", text: "target " + D.latencyTarget + " ms"}]));
        return f;
      }
      function drawViolations() {
        const svg = document.getElementById("chart-violations");
        clear(svg);
        const rowH = 34, h = M.t + runs.length * rowH + M.b;
        svg.style.height = h + "px";
        const w = size(svg).w, pw = w - M.l - M.r;
        svg.setAttribute("viewBox", "0 0 " + w + " " + h);
        const x = t => M.l + pw * (Math.max(win.a, Math.min(win.b, t)) - win.a) / (win.b - win.a);
        runs.forEach((r, i) => {
          const y = M.t + i * rowH;
          el("text", {"class": "ax", x: M.l, y: y + 11}, svg).textContent = r.label + ": " + Math.round(r.violationSeconds).toLocaleString("en-US") + " s";
          el("rect", {x: M.l, y: y + 15, width: pw, height: rowH - 19, fill: "#f1f5f9"}, svg);
          const g = el("g", {"class": "violations", "data-run": i}, svg);
          for (const v of r.violations) {
            if (v[1] < win.a || v[0] > win.b) continue;
            const x0 = x(v[0]), x1 = x(v[1]);
            const rect = el("rect", {x: x0.toFixed(1), y: y + 15, width: Math.max(0.8, x1 - x0).toFixed(1), height: rowH - 19, fill: r.color}, g);
            el("title", {}, rect).textContent = r.label + ": missed from " + clock(v[0], 1) + " to " + clock(v[1], 1);
          }
        });
        const g = el("g", {}, svg);
        const f = {pw: pw, x: t => M.l + pw * (t - win.a) / (win.b - win.a)};
        xAxis(f, g, M.t + runs.length * rowH);
      }
      function drawOverview() {
        const svg = document.getElementById("chart-overview");
        clear(svg);
        const sz = size(svg), pw = sz.w - M.l - M.r, ph = sz.h - 6;
        svg.setAttribute("viewBox", "0 0 " + sz.w + " " + sz.h);
        let top = 0;
        for (const v of demand.v) top = Math.max(top, v);
        top = top || 1;
        const cols = pw, env = new Float64Array(cols);
        for (let i = 0; i < demand.t.length; i++) { const c = Math.min(cols - 1, Math.floor(demand.t[i] / DUR * cols)); env[c] = Math.max(env[c], demand.v[i]); }
        let d = "M" + M.l + "," + (3 + ph);
        for (let c = 0; c < cols; c++) d += "L" + (M.l + c + 0.5) + "," + (3 + ph - ph * env[c] / top).toFixed(1);
        d += "L" + (M.l + pw) + "," + (3 + ph) + "Z";
        el("path", {d: d, fill: "#94a3b8", "fill-opacity": "0.5", stroke: "#64748b", "stroke-width": 0.5}, svg);
        el("rect", {"class": "window", x: (M.l + pw * win.a / DUR).toFixed(1), y: 1, width: Math.max(2, pw * (win.b - win.a) / DUR).toFixed(1),
          height: sz.h - 2, fill: "#2563eb", "fill-opacity": 0.15, stroke: "#2563eb"}, svg);
        svg.onclick = e => {
          if (svg.dataset.dragged === "1") { svg.dataset.dragged = ""; return; }
          const r = svg.getBoundingClientRect(), t = (e.clientX - r.left - M.l) / pw * DUR, half = (win.b - win.a) / 2;
          setWindow(t - half, t + half);
        };
        dragSelect(svg, x => (x - M.l) / pw * DUR);
      }
      function drawTable() {
        const body = document.querySelector("#decisions tbody");
        body.innerHTML = "";
        const rows = [];
        runs.forEach(r => r.decisions.forEach(d => { if (d[0] >= win.a && d[0] <= win.b) rows.push([r, d]); }));
        rows.sort((x, y) => x[1][0] - y[1][0]);
        const LIMIT = 200;
        for (const [r, d] of rows.slice(0, LIMIT)) {
          const tr = document.createElement("tr");
          const cells = [clock(d[0], 1), r.label, d[5], d[2] === "S" ? "scaled" : "refused" + (d[7] ? " (+" + d[7] + ")" : ""),
            d[3] + (d[4] === null ? "" : " \\u2192 " + d[4]), d[6]];
          cells.forEach((c, i) => { const td = document.createElement("td"); td.textContent = c; if (i === 1) td.style.color = r.color; tr.appendChild(td); });
          body.appendChild(tr);
        }
        const omitted = runs.reduce((s, r) => s + r.omitted, 0);
        document.getElementById("decisions-note").textContent = rows.length + " decision(s) that were not holds in this window"
          + (rows.length > LIMIT ? "; the first " + LIMIT + " are listed, zoom in for the others" : "")
          + ". A streak of refusals of one policy is shown once, with how many followed."
          + (omitted ? " " + omitted + " later decision(s) are not in this page." : "");
      }
      function drawDays() {
        const box = document.getElementById("days");
        if (DUR <= 2 * 86400 || box.childElementCount) return;
        const days = Math.ceil(DUR / 86400);
        for (let d = 0; d < days; d++) {
          const b = document.createElement("button");
          b.type = "button"; b.textContent = "d" + d; b.title = "Show day " + d;
          b.onclick = () => setWindow(d * 86400, Math.min(DUR, (d + 1) * 86400));
          box.appendChild(b);
        }
      }

      // ---------------------------------------------------------------- window and interaction
      let charts = {};
      function draw() {
        charts = {demand: drawDemand(), instances: drawInstances(), utilization: drawUtilization(), latency: drawLatency()};
        drawViolations();
        drawOverview();
        drawTable();
        drawDays();
        document.getElementById("range").textContent = clock(win.a, win.b - win.a) + " \\u2013 " + clock(win.b, win.b - win.a)
          + (win.a === 0 && win.b === DUR ? " (whole trace)" : "");
        document.body.dataset.window = Math.round(win.a) + "-" + Math.round(win.b);
      }
      function setWindow(a, b, keepHash) {
        const minSpan = Math.min(DUR, Math.max(10, D.step * 10));
        let span = Math.max(minSpan, Math.min(DUR, b - a));
        a = Math.max(0, Math.min(DUR - span, a));
        win = {a: a, b: a + span};
        if (!keepHash && history.replaceState) {
          try { history.replaceState(null, "", (win.a === 0 && win.b === DUR) ? location.pathname : "#t=" + Math.round(win.a) + "-" + Math.round(win.b)); } catch (e) { /* file: pages may refuse */ }
        }
        draw();
      }
      function zoom(factor, center) {
        const c = center === undefined ? (win.a + win.b) / 2 : center;
        setWindow(c - (c - win.a) * factor, c + (win.b - c) * factor);
      }
      function dragSelect(svg, toTime) {
        let start = null, rect = null;
        svg.onmousedown = e => {
          if (e.button !== 0) return;
          const r = svg.getBoundingClientRect();
          start = e.clientX - r.left;
          rect = el("rect", {"class": "sel", x: start, y: 0, width: 0, height: r.height}, svg);
          e.preventDefault();
        };
        svg.onmousemove = e => {
          if (start === null) return;
          const x = e.clientX - svg.getBoundingClientRect().left;
          rect.setAttribute("x", Math.min(start, x));
          rect.setAttribute("width", Math.abs(x - start));
        };
        const end = e => {
          if (start === null) return;
          const x = e.clientX - svg.getBoundingClientRect().left;
          const a = toTime(Math.min(start, x)), b = toTime(Math.max(start, x));
          const moved = Math.abs(x - start) > 4;
          start = null;
          if (rect) rect.remove();
          if (moved) { svg.dataset.dragged = "1"; setWindow(a, b); }
        };
        svg.onmouseup = end;
        svg.onmouseleave = e => { if (start !== null) end(e); };
      }
      const tip = document.getElementById("tip");
      function hover(svg, name) {
        svg.addEventListener("mousemove", e => {
          const f = charts[name];
          if (!f) return;
          const marker = e.target.closest ? e.target.closest(".marker") : null;
          let text;
          if (marker) {
            text = marker.querySelector("title").textContent;
          } else {
            const r = svg.getBoundingClientRect(), t = f.t(e.clientX - r.left);
            if (t < win.a || t > win.b) { tip.hidden = true; return; }
            const lines = [clock(t, 1) + "   demand " + axisText(valueAt(demand, t)) + ", needed " + valueAt(needed, t)];
            runs.forEach(run => {
              const s = valueAt(run.serving, t), d = valueAt(demand, t);
              lines.push(run.label + ": " + valueAt(run.provisioned, t) + " provisioned, " + s + " serving, "
                + (s > 0 ? Math.round(100 * d / (s * D.capacity)) + " %" : "no capacity"));
            });
            text = lines.join("\\n");
          }
          tip.textContent = text;
          tip.hidden = false;
          const x = Math.min(window.innerWidth - 470, e.clientX + 14);
          tip.style.left = Math.max(4, x) + "px";
          tip.style.top = (e.clientY + 16) + "px";
        });
        svg.addEventListener("mouseleave", () => { tip.hidden = true; });
        svg.addEventListener("wheel", e => {
          const f = charts[name];
          if (!f) return;
          e.preventDefault();
          const r = svg.getBoundingClientRect();
          zoom(e.deltaY > 0 ? 1.25 : 0.8, Math.max(win.a, Math.min(win.b, f.t(e.clientX - r.left))));
        }, {passive: false});
        svg.addEventListener("dblclick", () => setWindow(0, DUR));
        dragSelect(svg, x => charts[name].t(x));
      }
      for (const name of ["demand", "instances", "utilization", "latency"]) hover(document.getElementById("chart-" + name), name);
      document.getElementById("zoom-in").onclick = () => zoom(0.5);
      document.getElementById("zoom-out").onclick = () => zoom(2);
      document.getElementById("reset").onclick = () => setWindow(0, DUR);
      document.getElementById("pan-left").onclick = () => { const s = win.b - win.a; setWindow(win.a - s / 2, win.b - s / 2); };
      document.getElementById("pan-right").onclick = () => { const s = win.b - win.a; setWindow(win.a + s / 2, win.b + s / 2); };
      let resizing = null;
      window.addEventListener("resize", () => { clearTimeout(resizing); resizing = setTimeout(draw, 150); });

      // the window from the address (#t=FROM-TO, seconds), so a view can be shared
      const m = /^#t=([0-9.]+)-([0-9.]+)$/.exec(location.hash);
      if (m) setWindow(parseFloat(m[1]), parseFloat(m[2]), true); else draw();
      document.body.dataset.rendered = "1";
      })();
      """;
}
