package io.dynamite.daemon;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dynamite.sim.ActionRecord;
import io.dynamite.sim.DecisionPoint;
import io.dynamite.sim.Scores;
import io.dynamite.sim.ServiceModel;
import io.dynamite.sim.Simulation;
import io.dynamite.sim.SimulationResult;
import io.dynamite.sim.Timeline;
import io.dynamite.sim.Trace;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The {@code --json} output of {@code dynamite simulate}: the setup, and per run its scores, every
 * action and every decision that was not a hold, optionally the per-tick timeline. Only what the
 * simulation computed goes in, never wall-clock time, so the same inputs and seed give the same
 * bytes. Keys keep a fixed order; the format is described in docs/simulation.md.
 */
final class SimulationJson {
  /** The version of the format, raised when a key changes meaning or disappears. */
  static final int FORMAT = 1;

  private SimulationJson() {}

  static String of(SimulationReport report, boolean timeline) {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("format", FORMAT);
    root.put("tool", "dynamite simulate");
    Trace trace = report.trace();
    SimulationResult first = report.runs().get(0).result();
    Map<String, Object> t = new LinkedHashMap<>();
    t.put("name", trace.name());
    t.put("source", report.sourceDescription());
    t.put("rows", trace.rows());
    t.put("durationSeconds", trace.durationSeconds());
    t.put("meanDemand", trace.mean());
    t.put("peakDemand", trace.peak());
    t.put("demandScale", report.demandScale());
    t.put("speedup", report.speedup());
    root.put("trace", t);
    ServiceModel m = first.model();
    Map<String, Object> model = new LinkedHashMap<>();
    model.put("service", first.service());
    model.put("capacity", m.capacity());
    model.put("capacitySource", report.capacityNote());
    model.put("startupDelaySeconds", m.startupDelay().toNanos() / 1e9);
    model.put("stopDelaySeconds", m.stopDelay().toNanos() / 1e9);
    model.put("startFailureRate", m.startFailureRate());
    model.put("noise", m.noise());
    model.put("utilizationCapPercent", m.utilizationCap());
    root.put("model", model);
    Simulation.Settings s = first.settings();
    Map<String, Object> settings = new LinkedHashMap<>();
    settings.put("sampleIntervalSeconds", s.sampleInterval().toNanos() / 1e9);
    settings.put("seed", s.seed());
    settings.put("warmupSeconds", s.warmup().toNanos() / 1e9);
    settings.put("sloUtilizationPercent", s.sloUtilization() * 100);
    settings.put("latencyTargetMillis", s.latencyTarget() == null ? null : s.latencyTarget().toNanos() / 1e6);
    settings.put("jumpWindowSeconds", s.jumpWindow().toNanos() / 1e9);
    settings.put("objective", report.objective());
    root.put("settings", settings);
    List<Object> runs = new ArrayList<>();
    for (SimulateCommand.Run run : report.runs()) {
      runs.add(run(run, timeline));
    }
    root.put("runs", runs);
    ObjectMapper mapper = new ObjectMapper();
    DefaultPrettyPrinter pp = new DefaultPrettyPrinter().withObjectIndenter(new DefaultIndenter("  ", "\n"))
        .withArrayIndenter(new DefaultIndenter("  ", "\n"));
    try {
      return mapper.writer(pp).writeValueAsString(root) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write the JSON output: " + e.getMessage(), e);
    }
  }

  private static Map<String, Object> run(SimulateCommand.Run run, boolean withTimeline) {
    SimulationResult r = run.result();
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("label", run.label());
    o.put("kind", run.kind());
    o.put("source", run.source());
    o.put("service", r.service());
    Map<String, String> kinds = new LinkedHashMap<>();
    r.settings().metricKinds().forEach((k, v) -> kinds.put(k, v.name().toLowerCase(Locale.ROOT)));
    o.put("metrics", kinds);
    o.put("samples", r.samples());
    o.put("scores", scores(r.scores()));
    List<Object> actions = new ArrayList<>();
    for (ActionRecord a : r.actions()) {
      Map<String, Object> x = new LinkedHashMap<>();
      x.put("atSeconds", a.atSeconds());
      x.put("direction", a.direction().name().toLowerCase(Locale.ROOT));
      x.put("unit", a.unit());
      x.put("attempt", a.attempt());
      x.put("reason", a.reason());
      actions.add(x);
    }
    o.put("actions", actions);
    o.put("decisionCount", r.decisions());
    List<Object> decisions = new ArrayList<>();
    for (DecisionPoint d : r.decisionPoints()) {
      Map<String, Object> x = new LinkedHashMap<>();
      x.put("atSeconds", d.atSeconds());
      x.put("policy", d.policy());
      x.put("outcome", d.outcome().name().toLowerCase(Locale.ROOT));
      x.put("direction", d.direction() == null ? null : d.direction().name().toLowerCase(Locale.ROOT));
      x.put("from", d.from());
      x.put("desired", d.desired());
      x.put("repeats", d.repeats());
      x.put("reason", d.reason());
      decisions.add(x);
    }
    o.put("decisions", decisions);
    o.put("engineErrors", r.engineErrors());
    if (withTimeline) {
      Timeline tl = r.timeline();
      Map<String, Object> x = new LinkedHashMap<>();
      x.put("seconds", tl.seconds());
      x.put("demand", tl.demand());
      x.put("provisioned", tl.provisioned());
      x.put("serving", tl.serving());
      x.put("needed", tl.needed());
      x.put("utilization", finite(tl.utilization()));
      x.put("latencyMillis", finite(tl.latencyMillis()));
      o.put("timeline", x);
    }
    return o;
  }

  /** Infinite values (demand without a serving instance) as null: JSON has no infinity. */
  private static List<@Nullable Double> finite(double[] v) {
    List<@Nullable Double> out = new ArrayList<>(v.length);
    for (double d : v) {
      out.add(Double.isFinite(d) ? d : null);
    }
    return out;
  }

  private static Map<String, Object> scores(Scores s) {
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("scoredSeconds", s.scoredSeconds());
    o.put("sloViolationSeconds", s.sloViolationSeconds());
    o.put("sloViolationShare", s.scoredSeconds() == 0 ? 0 : s.sloViolationSeconds() / s.scoredSeconds());
    o.put("longestViolationSeconds", s.longestViolationSeconds());
    o.put("instanceSeconds", s.instanceSeconds());
    o.put("overProvisionedSeconds", s.overProvisionedSeconds());
    o.put("underProvisionedSeconds", s.underProvisionedSeconds());
    o.put("meanUtilization", s.meanUtilization());
    o.put("scalingActions", s.scalingActions());
    o.put("starts", s.starts());
    o.put("stops", s.stops());
    o.put("retries", s.retries());
    o.put("failedStarts", s.failedStarts());
    o.put("directionChanges", s.directionChanges());
    o.put("maxInstances", s.maxInstances());
    o.put("largestJumpAtSeconds", s.largestJumpAtSeconds());
    o.put("largestJumpRise", s.largestJumpRise());
    o.put("recoverySeconds", s.recoverySeconds());
    o.put("recovered", s.recovered());
    return o;
  }
}
