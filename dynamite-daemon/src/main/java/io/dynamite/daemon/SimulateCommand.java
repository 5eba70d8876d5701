package io.dynamite.daemon;

import io.dynamite.api.ConfigException;
import io.dynamite.api.ConfigProblem;
import io.dynamite.api.MetricQuery;
import io.dynamite.core.PluginRegistry;
import io.dynamite.core.config.ConfigLoader;
import io.dynamite.core.config.DynamiteConfig;
import io.dynamite.core.config.ServiceConfig;
import io.dynamite.sim.Baselines;
import io.dynamite.sim.MetricKind;
import io.dynamite.sim.Recording;
import io.dynamite.sim.ServiceModel;
import io.dynamite.sim.Simulation;
import io.dynamite.sim.SimulationResult;
import io.dynamite.sim.Trace;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code dynamite simulate}: replays a demand trace through the real engine and scores the configurations' policies side by side. */
@Command(name = "simulate", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Replay a demand trace (CSV t_seconds,demand) or a metric recording through",
        "the real engine on a virtual clock, against a modelled service, and print the",
        "scores of every --config and --baseline side by side on the same trace and",
        "seed; --report writes a self-contained HTML page, --json the results.",
        "Durations take a unit (500ms, 7s, 2m, 1h) or are seconds. See docs/simulation.md."})
final class SimulateCommand implements Callable<Integer> {
  private final DynamiteDaemon.Context context;

  @Option(names = {"-c", "--config", "--config_file", "--config-file"}, paramLabel = "FILE", required = true,
      description = "A YAML configuration whose policies run. Repeatable: each runs on the same trace, model and seed.")
  List<Path> configFiles = new ArrayList<>();

  @Option(names = "--compare", paramLabel = "FILE", hidden = true,
      description = "The same as another --config (kept for compatibility).")
  List<Path> compare = new ArrayList<>();

  @Option(names = "--baseline", paramLabel = "hpa|original",
      description = "Add a built-in comparison run: hpa = target tracking with the Kubernetes HPA defaults at --hpa-target; "
          + "original = the service's own threshold policies in legacy mode (the original rule). Repeatable.")
  List<String> baselines = new ArrayList<>();

  @Option(names = "--hpa-target", paramLabel = "PERCENT", defaultValue = "" + Baselines.DEFAULT_HPA_TARGET,
      description = "Utilization target of --baseline hpa (default: ${DEFAULT-VALUE}).")
  int hpaTarget = Baselines.DEFAULT_HPA_TARGET;

  @Option(names = {"-s", "--service_folder", "--service-folder"}, paramLabel = "DIR",
      description = "A folder of unit files (added after the YAML's PathList). Repeatable.")
  List<Path> serviceFolders = new ArrayList<>();

  @Option(names = "--service", paramLabel = "NAME", description = "The service to simulate; required when the configuration scales several.")
  @Nullable String service;

  @Option(names = "--trace", paramLabel = "FILE.csv", description = "The demand trace: CSV rows t_seconds,demand (a recording is detected by its header).")
  @Nullable Path traceFile;

  @Option(names = "--replay", paramLabel = "FILE", description = "A recording written by 'dynamite record': its samples become the demand.")
  @Nullable Path replayFile;

  @Option(names = "--replay-metric", paramLabel = "[TYPE/]NAME",
      description = "The recorded stream to replay (default: the only one recorded).")
  @Nullable String replayMetric;

  @Option(names = "--replay-step", paramLabel = "DURATION", defaultValue = "10s",
      description = "Time step of the demand built from a recording (default: ${DEFAULT-VALUE}).")
  String replayStep = "10s";

  @Option(names = "--capacity", paramLabel = "X",
      description = "Demand one instance serves at 100 % utilization, in the trace's unit. Default: the trace's peak needs "
          + "80 % of max_instance at the objective (printed); 1 for a replayed utilization (demand in busy instances).")
  @Nullable Double capacity;

  @Option(names = {"--startup", "--startup-delay"}, paramLabel = "DURATION", defaultValue = "7s",
      description = "From start request to serving (default: ${DEFAULT-VALUE}; fleetd shows 6-8 s).")
  String startupDelay = "7s";

  @Option(names = "--stop-delay", paramLabel = "DURATION", defaultValue = "1s",
      description = "From stop request to gone (default: ${DEFAULT-VALUE}).")
  String stopDelay = "1s";

  @Option(names = "--start-failure-rate", paramLabel = "P", defaultValue = "0",
      description = "Probability that a start fails, 0..1 (default: ${DEFAULT-VALUE}).")
  double startFailureRate;

  @Option(names = "--noise", paramLabel = "X", defaultValue = "0.05",
      description = "Relative standard deviation of the noise on reported metrics (default: ${DEFAULT-VALUE}).")
  double noise = 0.05;

  @Option(names = "--scale-demand", paramLabel = "F", defaultValue = "1",
      description = "Multiply every demand value by F (default: ${DEFAULT-VALUE}).")
  double scaleDemand = 1;

  @Option(names = "--speedup", paramLabel = "K", description = "Play the trace K times faster (divide its times by K).")
  @Nullable Double speedup;

  @Option(names = {"--stretch", "--time-scale"}, paramLabel = "K",
      description = "Play the trace K times slower (multiply its times by K; below 1 compresses).")
  @Nullable Double stretch;

  @Option(names = "--seed", paramLabel = "N", defaultValue = "1", description = "Seed of the noise and start failures (default: ${DEFAULT-VALUE}).")
  long seed = 1;

  @Option(names = "--sample-interval", paramLabel = "DURATION", defaultValue = "1s",
      description = "How often instances report metrics; also the scoring resolution (default: ${DEFAULT-VALUE}).")
  String sampleInterval = "1s";

  @Option(names = "--warmup", paramLabel = "DURATION", defaultValue = "300s",
      description = "Unscored time before the trace, demand held at its first value (default: ${DEFAULT-VALUE}).")
  String warmup = "300s";

  @Option(names = "--slo-utilization", paramLabel = "PERCENT", defaultValue = "80",
      description = "Offered utilization above which a second violates the objective (default: ${DEFAULT-VALUE}).")
  double sloUtilization = 80;

  @Option(names = "--latency-target", paramLabel = "MS",
      description = "Also violate when the modelled (M/M/c) latency is above MS milliseconds.")
  @Nullable Double latencyTarget;

  @Option(names = "--metric", paramLabel = "NAME=KIND",
      description = "What a metric reports: utilization (percent), latency (ms) or demand. Repeatable. "
          + "Default: latency for names containing 'latency' or 'response_time', else utilization.")
  List<String> metrics = new ArrayList<>();

  @Option(names = "--report", paramLabel = "OUT.html", description = "Write a self-contained HTML report (inline SVG and script, nothing fetched).")
  @Nullable Path report;

  @Option(names = "--json", paramLabel = "OUT.json", description = "Write the setup, scores, actions and decisions as JSON (same inputs and seed: same bytes).")
  @Nullable Path json;

  @Option(names = "--json-timeline", description = "Add the per-tick timeline of every run to --json (large).")
  boolean jsonTimeline;

  @Option(names = "--progress", negatable = true,
      description = "Show a progress bar on stderr (default: only when stderr is a terminal).")
  @Nullable Boolean progress;

  @Option(names = "--plugins", paramLabel = "DIR", description = "Load policy plugins from every jar in DIR.")
  @Nullable Path pluginsDir;

  @Option(names = "--log-level", paramLabel = "LEVEL", defaultValue = "error",
      description = "Log level of the engine's own log lines (default: ${DEFAULT-VALUE}).")
  String logLevel = "error";

  SimulateCommand(DynamiteDaemon.Context context) {
    this.context = context;
  }

  /** One column of the comparison: what ran, and how to describe it. */
  record Run(String label, String kind, String source, SimulationResult result) {}

  /** A configuration to run, before it ran. */
  private record Plan(String label, String kind, String source, DynamiteConfig config, boolean legacyRouting) {}

  @Override
  public Integer call() {
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", logLevel);
    for (Path p : serviceFolders) {
      if (!Files.isDirectory(p)) {
        throw new UsageException("--service_folder: " + p.toAbsolutePath() + " is not a directory");
      }
    }
    if (pluginsDir != null && !Files.isDirectory(pluginsDir)) {
      throw new UsageException("--plugins: " + pluginsDir.toAbsolutePath() + " is not a directory");
    }
    List<Path> files = new ArrayList<>(configFiles);
    files.addAll(compare);
    PluginRegistry plugins = Plugins.registry(Plugins.loader(pluginsDir));
    List<DynamiteConfig> configs = new ArrayList<>();
    for (Path f : files) {
      DynamiteConfig c = load(f, plugins);
      try {
        Simulation.scalableService(c, service);
      } catch (IllegalArgumentException e) {
        throw new UsageException("--config " + f + ": " + e.getMessage());
      }
      configs.add(c);
    }
    ServiceConfig primary = Simulation.scalableService(configs.get(0), service);
    List<Plan> plans = plans(files, configs);

    Simulation.Builder base = Simulation.builder().service(service).seed(seed)
        .sampleInterval(duration("--sample-interval", sampleInterval, true))
        .warmup(duration("--warmup", warmup, false));
    if (!(sloUtilization > 0) || !Double.isFinite(sloUtilization)) {
      throw new UsageException("--slo-utilization: expected a positive percentage, got " + sloUtilization);
    }
    base.sloUtilization(sloUtilization / 100);
    if (latencyTarget != null) {
      if (!(latencyTarget > 0) || !Double.isFinite(latencyTarget)) {
        throw new UsageException("--latency-target: expected positive milliseconds, got " + latencyTarget);
      }
      base.latencyTarget(Duration.ofNanos(Math.round(latencyTarget * 1e6)));
    }
    Map<String, MetricKind> kinds = new LinkedHashMap<>();
    for (String m : metrics) {
      int eq = m.indexOf('=');
      if (eq <= 0 || eq == m.length() - 1) {
        throw new UsageException("--metric: expected NAME=KIND, got '" + m + "'");
      }
      try {
        kinds.put(m.substring(0, eq).strip(), MetricKind.parse(m.substring(eq + 1)));
      } catch (IllegalArgumentException e) {
        throw new UsageException("--metric: " + e.getMessage());
      }
    }
    kinds.forEach(base::metricKind);
    base.plugins(plugins);

    Source source = source(kinds);
    Trace trace = source.trace();
    String capacityNote;
    double cap;
    if (capacity != null) {
      if (!(capacity > 0) || !Double.isFinite(capacity)) {
        throw new UsageException("--capacity: expected a positive number, got " + capacity);
      }
      cap = capacity;
      capacityNote = "--capacity";
    } else if (source.busyInstances()) {
      cap = 1;
      capacityNote = "default for a replayed utilization: demand is in busy instances";
    } else {
      int max = primary.effectiveMax();
      try {
        cap = ServiceModel.defaultCapacity(trace.peak(), max, sloUtilization / 100);
      } catch (IllegalArgumentException e) {
        throw new UsageException("--capacity is needed: " + e.getMessage());
      }
      capacityNote = String.format(Locale.ROOT, "default: the peak %s needs %s instances, %.0f %% of max_instance %d, at the "
          + "%s %% objective; --capacity to change", SimulationReport.fmt(trace.peak()),
          SimulationReport.fmt(Math.round(trace.peak() / (cap * sloUtilization / 100) * 10) / 10.0),
          100 * trace.peak() / (cap * sloUtilization / 100) / max, max, SimulationReport.fmt(sloUtilization));
    }
    ServiceModel model = model(cap);
    base.trace(trace).model(model);

    ProgressBar bar = new ProgressBar(context.err(), progress != null ? progress : System.console() != null, progress != null);
    List<Run> runs = new ArrayList<>();
    for (int i = 0; i < plans.size(); i++) {
      Plan p = plans.get(i);
      Simulation sim;
      try {
        sim = base.config(p.config()).legacyRouting(p.legacyRouting())
            .progress(bar.forRun(p.label(), i + 1, plans.size())).build();
      } catch (IllegalArgumentException e) {
        throw new UsageException(p.source() + ": " + e.getMessage());
      }
      SimulationResult r;
      try {
        r = sim.run();
      } catch (ConfigException e) {
        throw configFailure(p.source(), e);
      }
      bar.done();
      runs.add(new Run(p.label(), p.kind(), p.source(), r));
    }
    SimulationReport r = new SimulationReport(runs, trace, source.description(), scaleDemand, speedFactor(), capacityNote);
    context.out().print(r.text());
    for (Run run : runs) {
      SimulationResult res = run.result();
      context.out().printf(Locale.ROOT, "wall time: %s simulated in %.2f s (%,d samples)%n",
          run.label(), res.wallTime().toNanos() / 1e9, res.samples());
      for (String e : res.engineErrors()) {
        context.err().println("dynamite: engine error during " + run.label() + ": " + e);
      }
    }
    if (json != null) {
      write("--json", json, SimulationJson.of(r, jsonTimeline));
      context.out().println("json: " + json.toAbsolutePath());
    }
    if (report != null) {
      write("--report", report, r.html());
      context.out().println("report: " + report.toAbsolutePath());
    }
    return runs.stream().allMatch(run -> run.result().engineErrors().isEmpty()) ? 0 : 1;
  }

  private List<Plan> plans(List<Path> files, List<DynamiteConfig> configs) {
    List<Plan> plans = new ArrayList<>();
    List<String> labels = labels(files);
    for (int i = 0; i < files.size(); i++) {
      plans.add(new Plan(labels.get(i), "config", files.get(i).toString(), configs.get(i), false));
    }
    Set<String> seen = new java.util.HashSet<>();
    for (String b : baselines) {
      String kind = b.strip().toLowerCase(Locale.ROOT);
      if (!seen.add(kind)) {
        throw new UsageException("--baseline " + b + ": given twice");
      }
      switch (kind) {
        case "hpa" -> {
          DynamiteConfig c;
          try {
            c = Baselines.hpa(configs.get(0), service, hpaTarget);
          } catch (IllegalArgumentException e) {
            throw new UsageException("--hpa-target: " + e.getMessage());
          }
          plans.add(new Plan("HPA defaults " + hpaTarget + "%", "baseline", "--baseline hpa: target-tracking, every setting "
              + "at the HPA default, per-instance " + Baselines.HPA_METRIC + " at " + hpaTarget + " %, bounds of " + files.get(0), c, false));
        }
        case "original" -> {
          int from = -1;
          for (int i = 0; i < configs.size() && from < 0; i++) {
            if (Baselines.hasThresholdPolicy(configs.get(i), service)) {
              from = i;
            }
          }
          if (from < 0) {
            throw new UsageException("--baseline original: no --config has a threshold policy (scale_up_policy, "
                + "scale_down_policy or a threshold entry under policies:) to rebuild the original rule from");
          }
          plans.add(new Plan("original rule", "baseline", "--baseline original: the threshold policies of " + files.get(from)
              + " in legacy mode (legacy_rule: true, legacy routing)", Baselines.original(configs.get(from), service), true));
        }
        default -> throw new UsageException("--baseline: expected hpa or original, got '" + b + "'");
      }
    }
    return plans;
  }

  /** Where the demand comes from. */
  private record Source(Trace trace, String description, boolean busyInstances) {}

  private Source source(Map<String, MetricKind> kinds) {
    if ((traceFile == null) == (replayFile == null)) {
      throw new UsageException(traceFile == null ? "give --trace FILE.csv or --replay FILE" : "--trace and --replay: give one of them");
    }
    if (!(scaleDemand > 0) || !Double.isFinite(scaleDemand)) {
      throw new UsageException("--scale-demand: expected a positive number, got " + scaleDemand);
    }
    double f = speedFactor();
    Path file = traceFile != null ? traceFile : Objects.requireNonNull(replayFile);
    String flag = traceFile != null ? "--trace" : "--replay";
    if (!Files.isRegularFile(file)) {
      throw new UsageException(flag + ": " + file.toAbsolutePath() + " is not a file");
    }
    try {
      Trace t;
      String description;
      boolean busy = false;
      if (replayFile != null || Recording.isRecording(file)) {
        Recording rec = Recording.read(file);
        MetricQuery stream = stream(rec);
        MetricKind kind = kinds.getOrDefault(stream.metric(), MetricKind.guess(stream.metric()));
        Duration step = duration("--replay-step", replayStep, true);
        t = rec.demand(stream, kind, step, Recording.DEFAULT_MAX_AGE);
        busy = kind == MetricKind.UTILIZATION;
        description = String.format(Locale.ROOT, "recording %s: %,d samples; demand = %s of %s/%s%s per %s step",
            rec.name(), rec.samples().size(), busy ? "sum of per-instance values / 100 (busy instances)" : "sum of values",
            stream.serviceType(), stream.metric(), stream.aggregated() ? " (aggregated)" : "", SimulationReport.seconds(step));
      } else {
        t = Trace.readCsv(file);
        description = "trace " + t.name();
      }
      t = scaleDemand == 1 ? t : t.scaleDemand(scaleDemand);
      return new Source(f == 1 ? t : t.speedup(f), description, busy);
    } catch (IllegalArgumentException e) {
      throw new FatalException(flag + " " + file.toAbsolutePath() + ": " + e.getMessage(), List.of());
    } catch (UncheckedIOException e) {
      throw new FatalException(e.getMessage(), List.of());
    }
  }

  private MetricQuery stream(Recording rec) {
    List<MetricQuery> streams = new ArrayList<>(rec.streams());
    if (streams.isEmpty()) {
      throw new IllegalArgumentException("the recording holds no sample");
    }
    List<String> names = new ArrayList<>();
    streams.forEach(q -> names.add(q.serviceType() + "/" + q.metric() + (q.aggregated() ? " (aggregated)" : "")));
    if (replayMetric == null) {
      if (streams.size() > 1) {
        throw new UsageException("--replay-metric is needed: the recording holds " + String.join(", ", names));
      }
      return streams.get(0);
    }
    String want = replayMetric.strip();
    List<MetricQuery> match = new ArrayList<>();
    for (MetricQuery q : streams) {
      if (want.equals(q.metric()) || want.equals(q.serviceType() + "/" + q.metric())) {
        match.add(q);
      }
    }
    // per-instance streams first: they are the ones that turn into demand in instances
    match.sort((a, b) -> Boolean.compare(a.aggregated(), b.aggregated()));
    if (match.isEmpty()) {
      throw new UsageException("--replay-metric " + want + ": not recorded; the recording holds " + String.join(", ", names));
    }
    return match.get(0);
  }

  private ServiceModel model(double cap) {
    if (!(startFailureRate >= 0 && startFailureRate < 1)) {
      throw new UsageException("--start-failure-rate: expected 0 <= P < 1, got " + startFailureRate);
    }
    if (!(noise >= 0) || !Double.isFinite(noise)) {
      throw new UsageException("--noise: expected a number >= 0, got " + noise);
    }
    return ServiceModel.of(cap)
        .withStartupDelay(duration("--startup", startupDelay, false))
        .withStopDelay(duration("--stop-delay", stopDelay, false))
        .withStartFailureRate(startFailureRate)
        .withNoise(noise);
  }

  private double speedFactor() {
    if (speedup != null && stretch != null) {
      throw new UsageException("--speedup and --stretch: give one of them");
    }
    Double f = speedup != null ? speedup : stretch != null ? Double.valueOf(1 / stretch) : Double.valueOf(1);
    String flag = speedup != null ? "--speedup" : "--stretch";
    if (!(f > 0) || !Double.isFinite(f)) {
      throw new UsageException(flag + ": expected a positive number, got " + (speedup != null ? speedup : stretch));
    }
    return f;
  }

  private DynamiteConfig load(Path file, PluginRegistry plugins) {
    ConfigLoader loader = ConfigLoader.builder().serviceFolders(serviceFolders).plugins(plugins).build();
    try {
      return loader.load(file);
    } catch (ConfigException e) {
      throw configFailure(file.toAbsolutePath().toString(), e);
    }
  }

  private static FatalException configFailure(String what, ConfigException e) {
    List<String> lines = new ArrayList<>();
    for (ConfigProblem p : e.problems()) {
      lines.add("  " + p.path() + ": " + p.message());
    }
    return new FatalException("configuration " + what + " has " + lines.size() + " problem(s):", lines);
  }

  private void write(String flag, Path file, String text) {
    try {
      Files.writeString(file, text, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new FatalException("cannot write " + flag + " " + file.toAbsolutePath() + ": " + e.getMessage(), List.of());
    }
  }

  private static final Pattern DURATION = Pattern.compile("([0-9]*\\.?[0-9]+(?:[eE][-+]?[0-9]+)?)\\s*(ms|s|m|min|h)?");

  /** Parses {@code 500ms}, {@code 7s}, {@code 2m}, {@code 1h} or plain seconds. */
  static Duration duration(String flag, String text, boolean positive) {
    Matcher m = DURATION.matcher(text.strip());
    if (!m.matches()) {
      throw new UsageException(flag + ": expected a duration such as 500ms, 7s, 2m, 1h or seconds, got '" + text + "'");
    }
    double v = Double.parseDouble(m.group(1));
    String unit = m.group(2) == null ? "s" : m.group(2);
    double s = switch (unit) {
      case "ms" -> v / 1000;
      case "m", "min" -> v * 60;
      case "h" -> v * 3600;
      default -> v;
    };
    if (!Double.isFinite(s) || (positive && s < 0.001) || s > 365 * 86400.0) {
      throw new UsageException(flag + ": expected " + (positive ? "at least 1ms" : "0 or more") + " and at most a year, got '" + text + "'");
    }
    return Duration.ofNanos(Math.round(s * 1e9));
  }

  /** Column labels: the file names, or the paths as given when names repeat. */
  static List<String> labels(List<Path> files) {
    List<String> out = new ArrayList<>();
    for (Path p : files) {
      out.add(String.valueOf(p.getFileName()));
    }
    for (int i = 0; i < out.size(); i++) {
      String name = out.get(i);
      if (out.stream().filter(name::equals).count() > 1) {
        for (int j = 0; j < out.size(); j++) {
          if (out.get(j).equals(name)) {
            out.set(j, files.get(j).toString());
          }
        }
      }
    }
    // the same path twice: number them
    for (int i = 0; i < out.size(); i++) {
      int n = 1;
      for (int j = i + 1; j < out.size(); j++) {
        if (out.get(j).equals(out.get(i))) {
          out.set(j, out.get(j) + " #" + (++n));
        }
      }
    }
    return out;
  }
}
