package io.dynamite.daemon;

import io.dynamite.sim.ServiceModel;
import io.dynamite.sim.Scores;
import io.dynamite.sim.Simulation;
import io.dynamite.sim.SimulationResult;
import io.dynamite.sim.Timeline;
import io.dynamite.sim.Trace;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;

/**
 * The output of {@code dynamite simulate}: a text table of the scores, one column per run, and a
 * self-contained HTML page (inline CSS and SVG, no script, nothing fetched) with the same table and
 * charts of demand, capacity, instances and utilization over time.
 */
final class SimulationReport {
  /** One configuration's run, with its column label. */
  record Run(String label, SimulationResult result) {}

  /** A score row: how to show it and whether lower is better (null: neither). */
  private record Row(String name, Function<Scores, String> text, ToDoubleFunction<Scores> value, Boolean lowerIsBetter) {}

  private static final String[] COLORS = {"#2563eb", "#ea580c"};
  private static final int WIDTH = 960;
  private static final int BUCKETS = 720;

  private final List<Run> runs;
  private final Trace trace;
  private final double demandScale;
  private final double speedup;

  SimulationReport(List<Run> runs, Trace trace, double demandScale, double speedup) {
    this.runs = List.copyOf(runs);
    this.trace = trace;
    this.demandScale = demandScale;
    this.speedup = speedup;
  }

  private static List<Row> rows() {
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

  private static String num(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e15 ? String.format(Locale.ROOT, "%,d", (long) v) : String.format(Locale.ROOT, "%,.1f", v);
  }

  private static String pct(double f) {
    return String.format(Locale.ROOT, "%.1f %%", f * 100);
  }

  private SimulationResult first() {
    return runs.get(0).result();
  }

  /** One line describing the trace, the model and the objective. */
  private List<String> setup() {
    SimulationResult r = first();
    ServiceModel m = r.model();
    Simulation.Settings s = r.settings();
    List<String> out = new ArrayList<>();
    out.add(String.format(Locale.ROOT, "trace %s: %,d rows, %s%s%s; mean demand %.4g, peak %.4g",
        trace.name(), trace.rows(), hours(trace.durationSeconds()),
        demandScale == 1 ? "" : ", demand x" + fmt(demandScale),
        speedup == 1 ? "" : String.format(Locale.ROOT, ", played %sx %s", speedup >= 1 ? fmt(speedup) : fmt(1 / speedup), speedup >= 1 ? "faster" : "slower"),
        trace.mean(), trace.peak()));
    out.add(String.format(Locale.ROOT, "service '%s': capacity %s per instance, start-up %s s, stop %s s, start failures %s, noise %s",
        r.service(), fmt(m.capacity()), fmt(m.startupDelay().toMillis() / 1000.0), fmt(m.stopDelay().toMillis() / 1000.0),
        pct(m.startFailureRate()), pct(m.noise())));
    out.add(String.format(Locale.ROOT, "sampling every %s s, seed %d, warm-up %s s; objective: utilization <= %s%s; metrics: %s",
        fmt(s.sampleInterval().toMillis() / 1000.0), s.seed(), fmt(s.warmup().toMillis() / 1000.0), pct(s.sloUtilization()),
        s.latencyTarget() == null ? "" : ", latency <= " + fmt(s.latencyTarget().toNanos() / 1e6) + " ms",
        s.metricKinds().isEmpty() ? "none" : s.metricKinds().toString().replace("{", "").replace("}", "").toLowerCase(Locale.ROOT)));
    return out;
  }

  private static String fmt(double v) {
    return v == Math.rint(v) ? Long.toString((long) v) : String.format(Locale.ROOT, "%.4g", v);
  }

  private static String hours(double seconds) {
    return seconds >= 7200 ? String.format(Locale.ROOT, "%.1f h", seconds / 3600) : String.format(Locale.ROOT, "%.0f min", seconds / 60);
  }

  /** The text summary. */
  String text() {
    StringBuilder b = new StringBuilder();
    b.append("dynamite simulate\n");
    for (String line : setup()) {
      b.append("  ").append(line).append('\n');
    }
    b.append('\n');
    int w0 = 34;
    int w = 22;
    for (Run run : runs) {
      w = Math.max(w, run.label().length() + 2);
    }
    b.append(pad("score", w0));
    for (Run run : runs) {
      b.append(pad(run.label(), w));
    }
    b.append('\n');
    for (Row row : rows()) {
      b.append(pad(row.name(), w0));
      for (Run run : runs) {
        b.append(pad(row.text().apply(run.result().scores()), w));
      }
      b.append('\n');
    }
    b.append('\n');
    return b.toString();
  }

  private static String pad(String s, int w) {
    return s.length() >= w ? s + " " : s + " ".repeat(w - s.length());
  }

  // ------------------------------------------------------------------ HTML

  /** The HTML page. */
  String html() {
    StringBuilder h = new StringBuilder(256 * 1024);
    SimulationResult r0 = first();
    h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>Dynamite simulation: ")
        .append(esc(r0.service())).append(" on ").append(esc(trace.name())).append("</title>\n<style>\n").append(CSS).append("</style>\n</head>\n<body>\n<main>\n");
    h.append("<header><h1>Dynamite simulation</h1><p class=\"sub\">service <b>").append(esc(r0.service()))
        .append("</b> replayed on <b>").append(esc(trace.name())).append("</b> through the real scaling engine</p></header>\n");
    h.append("<section class=\"setup\"><ul>");
    for (String line : setup()) {
      h.append("<li>").append(esc(line)).append("</li>");
    }
    h.append("</ul></section>\n");
    h.append("<section><h2>Scores</h2>\n<table class=\"scores\"><thead><tr><th>score</th>");
    for (int i = 0; i < runs.size(); i++) {
      h.append("<th><span class=\"swatch\" style=\"background:").append(COLORS[i]).append("\"></span>").append(esc(runs.get(i).label())).append("</th>");
    }
    h.append("</tr></thead><tbody>\n");
    for (Row row : rows()) {
      boolean sub = row.name().startsWith("  ");
      h.append("<tr").append(sub ? " class=\"sub\"" : "").append("><td>").append(esc(row.name().strip())).append("</td>");
      int best = best(row);
      for (int i = 0; i < runs.size(); i++) {
        h.append("<td").append(i == best ? " class=\"best\"" : "").append('>').append(esc(row.text().apply(runs.get(i).result().scores()))).append("</td>");
      }
      h.append("</tr>\n");
    }
    h.append("</tbody></table>\n<p class=\"note\">Lower is better for every score but mean utilization, max instances and failed starts");
    if (runs.size() > 1) {
      h.append("; the better value of a pair is highlighted");
    }
    h.append(". Definitions: docs/simulation.md.</p></section>\n");

    Timeline t0 = r0.timeline();
    double[] secs = t0.seconds();
    double duration = r0.scores().scoredSeconds();
    double cap = r0.model().capacity();
    double slo = r0.settings().sloUtilization();

    // 1. demand and the capacity each run provided at the objective
    List<Series> s1 = new ArrayList<>();
    s1.add(new Series("demand", t0.demand(), "#94a3b8", Kind.AREA, Agg.MEAN));
    for (int i = 0; i < runs.size(); i++) {
      int[] serving = runs.get(i).result().timeline().serving();
      double[] c = new double[serving.length];
      for (int k = 0; k < c.length; k++) {
        c[k] = serving[k] * cap * slo;
      }
      s1.add(new Series(runs.get(i).label() + ": serving capacity at " + pct(slo), c, COLORS[i], Kind.STEP, Agg.MIN));
    }
    h.append(chart("Demand and serving capacity", "demand (trace unit)", secs, duration, s1, null, Double.NaN));

    // 2. instances
    List<Series> s2 = new ArrayList<>();
    s2.add(new Series("needed at the objective", ints(t0.needed()), "#16a34a", Kind.DASHED, Agg.MAX));
    for (int i = 0; i < runs.size(); i++) {
      s2.add(new Series(runs.get(i).label() + ": provisioned", ints(runs.get(i).result().timeline().provisioned()), COLORS[i], Kind.STEP, Agg.MAX));
    }
    h.append(chart("Instances", "instances", secs, duration, s2, null, Double.NaN));

    // 3. utilization, clamped to 200 % for display
    List<Series> s3 = new ArrayList<>();
    for (int i = 0; i < runs.size(); i++) {
      double[] u = runs.get(i).result().timeline().utilization();
      for (int k = 0; k < u.length; k++) {
        u[k] = Math.min(2.0, u[k]) * 100;
      }
      s3.add(new Series(runs.get(i).label() + ": offered utilization", u, COLORS[i], Kind.LINE, Agg.MEAN));
    }
    h.append(chart("Utilization (offered load, shown up to 200 %)", "%", secs, duration, s3, "objective " + pct(slo), slo * 100));

    if (r0.settings().latencyTarget() != null) {
      List<Series> s4 = new ArrayList<>();
      for (int i = 0; i < runs.size(); i++) {
        s4.add(new Series(runs.get(i).label() + ": latency (M/M/c)", runs.get(i).result().timeline().latencyMillis(), COLORS[i], Kind.LINE, Agg.MEAN));
      }
      double target = r0.settings().latencyTarget().toNanos() / 1e6;
      h.append(chart("Modelled latency", "ms", secs, duration, s4, "target " + fmt(target) + " ms", target));
    }

    // 4. violation strips
    h.append("<section class=\"chart\"><h2>When the objective was missed</h2>\n");
    for (int i = 0; i < runs.size(); i++) {
      h.append(strip(runs.get(i), duration));
    }
    h.append("</section>\n");
    h.append("<footer>Generated by <code>dynamite simulate</code>. Everything on this page is computed by the simulator; "
        + "the page loads nothing from the network.</footer>\n</main>\n</body>\n</html>\n");
    return h.toString();
  }

  private int best(Row row) {
    if (runs.size() < 2 || row.lowerIsBetter() == null) {
      return -1;
    }
    double a = row.value().applyAsDouble(runs.get(0).result().scores());
    double b = row.value().applyAsDouble(runs.get(1).result().scores());
    if (a == b) {
      return -1;
    }
    return (a < b) == row.lowerIsBetter() ? 0 : 1;
  }

  private static double[] ints(int[] v) {
    double[] d = new double[v.length];
    for (int i = 0; i < v.length; i++) {
      d[i] = v[i];
    }
    return d;
  }

  private enum Kind { AREA, LINE, STEP, DASHED }

  private enum Agg { MEAN, MAX, MIN }

  private record Series(String name, double[] values, String color, Kind kind, Agg agg) {}

  private static final int H = 230;
  private static final int ML = 64;
  private static final int MR = 16;
  private static final int MT = 14;
  private static final int MB = 30;

  private String chart(String title, String unit, double[] secs, double duration, List<Series> series,
      String refLabel, double ref) {
    int n = secs.length;
    int buckets = Math.max(1, Math.min(BUCKETS, n));
    double max = Double.isNaN(ref) ? 0 : ref;
    List<double[]> reduced = new ArrayList<>();
    for (Series s : series) {
      double[] r = new double[buckets];
      for (int b = 0; b < buckets; b++) {
        int from = (int) ((long) b * n / buckets);
        int to = Math.max(from + 1, (int) ((long) (b + 1) * n / buckets));
        double acc = s.agg == Agg.MIN ? Double.POSITIVE_INFINITY : s.agg == Agg.MAX ? Double.NEGATIVE_INFINITY : 0;
        for (int k = from; k < to; k++) {
          double v = s.values[k];
          acc = switch (s.agg) {
            case MEAN -> acc + v;
            case MAX -> Math.max(acc, v);
            case MIN -> Math.min(acc, v);
          };
        }
        r[b] = s.agg == Agg.MEAN ? acc / (to - from) : acc;
        if (Double.isFinite(r[b])) {
          max = Math.max(max, r[b]);
        }
      }
      reduced.add(r);
    }
    double yStep = niceStep((max <= 0 ? 1 : max * 1.05) / 4);
    int yTicks = (int) Math.ceil((max <= 0 ? 1 : max * 1.05) / yStep);
    double yMax = yStep * yTicks;
    int pw = WIDTH - ML - MR;
    int ph = H - MT - MB;
    StringBuilder h = new StringBuilder();
    h.append("<section class=\"chart\"><h2>").append(esc(title)).append("</h2>\n<div class=\"legend\">");
    for (Series s : series) {
      h.append("<span><i style=\"background:").append(s.color).append(s.kind == Kind.DASHED ? ";opacity:.7" : "")
          .append("\"></i>").append(esc(s.name)).append("</span>");
    }
    if (refLabel != null) {
      h.append("<span><i style=\"background:#dc2626\"></i>").append(esc(refLabel)).append("</span>");
    }
    h.append("</div>\n<svg viewBox=\"0 0 ").append(WIDTH).append(' ').append(H)
        .append("\" role=\"img\" aria-label=\"").append(esc(title)).append("\">\n");
    // grid and y axis
    for (int i = 0; i <= yTicks; i++) {
      double v = yStep * i;
      double y = MT + ph - ph * (v / yMax);
      h.append(String.format(Locale.ROOT, "<line class=\"grid\" x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\"/>", ML, ML + pw, y, y));
      h.append(String.format(Locale.ROOT, "<text class=\"ax\" x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>", ML - 6, y + 4, esc(axis(v))));
    }
    h.append(String.format(Locale.ROOT, "<text class=\"ax\" x=\"12\" y=\"%d\" transform=\"rotate(-90 12 %d)\" text-anchor=\"middle\">%s</text>",
        MT + ph / 2, MT + ph / 2, esc(unit)));
    // x axis ticks
    double step = timeStep(duration);
    for (double t = 0; t <= duration + 1e-9; t += step) {
      double x = ML + pw * (t / duration);
      h.append(String.format(Locale.ROOT, "<line class=\"tick\" x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%d\"/>", x, x, MT + ph, MT + ph + 4));
      h.append(String.format(Locale.ROOT, "<text class=\"ax\" x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>", x, MT + ph + 18, clock(t, duration)));
    }
    for (int si = 0; si < series.size(); si++) {
      Series s = series.get(si);
      double[] r = reduced.get(si);
      StringBuilder pts = new StringBuilder();
      double prevY = Double.NaN;
      for (int b = 0; b < buckets; b++) {
        double x0 = ML + pw * ((double) b / buckets);
        double x1 = ML + pw * ((double) (b + 1) / buckets);
        double v = Double.isFinite(r[b]) ? r[b] : yMax;
        double y = MT + ph - ph * Math.min(1, Math.max(0, v / yMax));
        if (s.kind == Kind.STEP || s.kind == Kind.DASHED) {
          if (!Double.isNaN(prevY) && prevY != y) {
            pts.append(String.format(Locale.ROOT, "%.1f,%.1f ", x0, prevY));
          }
          pts.append(String.format(Locale.ROOT, "%.1f,%.1f %.1f,%.1f ", x0, y, x1, y));
        } else {
          pts.append(String.format(Locale.ROOT, "%.1f,%.1f ", (x0 + x1) / 2, y));
        }
        prevY = y;
      }
      String p = pts.toString().strip();
      if (s.kind == Kind.AREA) {
        h.append(String.format(Locale.ROOT, "<polygon fill=\"%s\" fill-opacity=\"0.35\" stroke=\"none\" points=\"%d,%d %s %d,%d\"/>",
            s.color, ML, MT + ph, p, ML + pw, MT + ph));
        h.append("<polyline fill=\"none\" stroke=\"").append(s.color).append("\" stroke-width=\"1\" points=\"").append(p).append("\"/>\n");
      } else {
        h.append("<polyline fill=\"none\" stroke=\"").append(s.color).append("\" stroke-width=\"").append(s.kind == Kind.LINE ? "1.2" : "1.6")
            .append(s.kind == Kind.DASHED ? "\" stroke-dasharray=\"5 3" : "").append("\" points=\"").append(p).append("\"/>\n");
      }
    }
    if (refLabel != null) {
      double y = MT + ph - ph * Math.min(1, ref / yMax);
      h.append(String.format(Locale.ROOT, "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#dc2626\" stroke-width=\"1.2\" stroke-dasharray=\"6 4\"/>",
          ML, ML + pw, y, y));
    }
    h.append(String.format(Locale.ROOT, "<rect class=\"frame\" x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\"/>", ML, MT, pw, ph));
    h.append("</svg></section>\n");
    return h.toString();
  }

  private String strip(Run run, double duration) {
    SimulationResult r = run.result();
    Timeline tl = r.timeline();
    double[] secs = tl.seconds();
    double[] w = tl.weights();
    double[] u = tl.utilization();
    double[] lat = tl.latencyMillis();
    int[] serving = tl.serving();
    double[] demand = tl.demand();
    double slo = r.settings().sloUtilization();
    double goal = r.settings().latencyTarget() == null ? Double.POSITIVE_INFINITY : r.settings().latencyTarget().toNanos() / 1e6;
    int pw = WIDTH - ML - MR;
    StringBuilder h = new StringBuilder();
    h.append("<div class=\"strip\"><span class=\"label\">").append(esc(run.label())).append(": ")
        .append(esc(num(r.scores().sloViolationSeconds()))).append(" s</span>\n<svg viewBox=\"0 0 ").append(WIDTH).append(" 22\">");
    h.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"2\" width=\"%d\" height=\"18\" fill=\"#f1f5f9\"/>", ML, pw));
    int k = 0;
    while (k < secs.length) {
      boolean v = serving[k] == 0 ? demand[k] > 0 : u[k] > slo || lat[k] > goal;
      if (!v) {
        k++;
        continue;
      }
      double from = secs[k];
      double to = from;
      while (k < secs.length && (serving[k] == 0 ? demand[k] > 0 : u[k] > slo || lat[k] > goal)) {
        to = secs[k] + w[k];
        k++;
      }
      double x = ML + pw * (from / duration);
      double wd = Math.max(0.8, pw * ((to - from) / duration));
      h.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"2\" width=\"%.1f\" height=\"18\" fill=\"#dc2626\"><title>%s to %s</title></rect>",
          x, wd, clock(from, duration), clock(to, duration)));
    }
    h.append("</svg></div>\n");
    return h.toString();
  }

  private static double timeStep(double duration) {
    double[] steps = {60, 300, 600, 1800, 3600, 7200, 10800, 21600, 43200, 86400, 172800, 604800};
    for (double s : steps) {
      if (duration / s <= 12) {
        return s;
      }
    }
    return 604800 * Math.ceil(duration / 604800 / 12);
  }

  private static String clock(double t, double duration) {
    long s = Math.round(t);
    if (duration > 3 * 86400) {
      return String.format(Locale.ROOT, "d%d %02d:%02d", s / 86400, s % 86400 / 3600, s % 3600 / 60);
    }
    return String.format(Locale.ROOT, "%d:%02d", s / 3600, s % 3600 / 60);
  }

  private static String axis(double v) {
    if (v == 0) {
      return "0";
    }
    if (Math.abs(v) >= 1000) {
      return String.format(Locale.ROOT, "%,.0f", v);
    }
    return v == Math.rint(v) ? Long.toString((long) v) : String.format(Locale.ROOT, "%.3g", v);
  }

  /** The smallest of 1, 2, 2.5, 5 times a power of ten that is at least {@code v}. */
  private static double niceStep(double v) {
    double p = Math.pow(10, Math.floor(Math.log10(v)));
    for (double m : new double[] {1, 2, 2.5, 5, 10}) {
      if (m * p >= v) {
        return m * p;
      }
    }
    return 10 * p;
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

  private static final String CSS = """
      :root { color-scheme: light; }
      body { margin: 0; background: #f8fafc; color: #0f172a; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
      main { max-width: 1000px; margin: 0 auto; padding: 24px 20px 40px; }
      header h1 { margin: 0; font-size: 26px; letter-spacing: -0.01em; }
      .sub { margin: 4px 0 0; color: #475569; }
      h2 { font-size: 16px; margin: 0 0 8px; }
      section { background: #fff; border: 1px solid #e2e8f0; border-radius: 10px; padding: 14px 16px; margin-top: 16px; box-shadow: 0 1px 2px rgba(15,23,42,.04); }
      .setup ul { margin: 0; padding-left: 18px; color: #334155; }
      table.scores { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
      table.scores th, table.scores td { text-align: right; padding: 6px 10px; border-bottom: 1px solid #f1f5f9; }
      table.scores th:first-child, table.scores td:first-child { text-align: left; }
      table.scores thead th { color: #334155; border-bottom: 2px solid #e2e8f0; }
      table.scores tr.sub td { color: #64748b; font-size: 13px; }
      table.scores tr.sub td:first-child { padding-left: 24px; }
      td.best { background: #ecfdf5; color: #047857; font-weight: 600; }
      .swatch, .legend i { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 6px; vertical-align: baseline; }
      .legend { display: flex; flex-wrap: wrap; gap: 14px; color: #334155; font-size: 13px; margin-bottom: 4px; }
      svg { width: 100%; height: auto; display: block; }
      .grid { stroke: #e2e8f0; stroke-width: 1; }
      .tick { stroke: #94a3b8; }
      .frame { fill: none; stroke: #cbd5e1; }
      .ax { fill: #64748b; font-size: 11px; }
      .strip .label { font-size: 13px; color: #334155; }
      .note { color: #64748b; font-size: 12px; margin: 8px 0 0; }
      footer { color: #94a3b8; font-size: 12px; margin-top: 18px; text-align: center; }
      """;
}
