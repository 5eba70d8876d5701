package io.dynamite.daemon;

import io.dynamite.api.ConfigException;
import io.dynamite.api.ConfigProblem;
import io.dynamite.core.PluginRegistry;
import io.dynamite.core.config.ConfigLoader;
import io.dynamite.core.config.DynamiteConfig;
import io.dynamite.sim.MetricKind;
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
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code dynamite simulate}: replays a demand trace through the real engine and scores the configuration's policies. */
@Command(name = "simulate", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Replay a demand trace (CSV t_seconds,demand) through the real engine on a virtual clock,",
        "against a modelled service, and print the scores; --compare runs a second configuration on the",
        "same trace, --report writes a self-contained HTML page with charts. See docs/simulation.md."})
final class SimulateCommand implements Callable<Integer> {
  private final DynamiteDaemon.Context context;

  @Option(names = {"-c", "--config", "--config_file", "--config-file"}, paramLabel = "FILE", required = true,
      description = "The YAML configuration whose policies run.")
  @Nullable Path configFile;

  @Option(names = {"-s", "--service_folder", "--service-folder"}, paramLabel = "DIR",
      description = "A folder of unit files (added after the YAML's PathList). Repeatable.")
  List<Path> serviceFolders = new ArrayList<>();

  @Option(names = "--service", paramLabel = "NAME", description = "The service to simulate; required when the configuration scales several.")
  @Nullable String service;

  @Option(names = "--trace", paramLabel = "FILE.csv", required = true, description = "The demand trace: CSV rows t_seconds,demand.")
  @Nullable Path traceFile;

  @Option(names = "--capacity", paramLabel = "X", required = true,
      description = "Demand one instance serves at 100 % utilization, in the trace's unit.")
  double capacity;

  @Option(names = "--startup-delay", paramLabel = "SECONDS", defaultValue = "7",
      description = "From start request to serving (default: ${DEFAULT-VALUE}).")
  double startupDelay = 7;

  @Option(names = "--stop-delay", paramLabel = "SECONDS", defaultValue = "1",
      description = "From stop request to gone (default: ${DEFAULT-VALUE}).")
  double stopDelay = 1;

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

  @Option(names = "--stretch", paramLabel = "K", description = "Play the trace K times slower (multiply its times by K).")
  @Nullable Double stretch;

  @Option(names = "--seed", paramLabel = "N", defaultValue = "1", description = "Seed of the noise and start failures (default: ${DEFAULT-VALUE}).")
  long seed = 1;

  @Option(names = "--sample-interval", paramLabel = "SECONDS", defaultValue = "1",
      description = "How often instances report metrics; also the scoring resolution (default: ${DEFAULT-VALUE}).")
  double sampleInterval = 1;

  @Option(names = "--warmup", paramLabel = "SECONDS", defaultValue = "300",
      description = "Unscored time before the trace, demand held at its first value (default: ${DEFAULT-VALUE}).")
  double warmup = 300;

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

  @Option(names = "--compare", paramLabel = "OTHER.yaml", description = "A second configuration to run on the same trace and model.")
  @Nullable Path compare;

  @Option(names = "--report", paramLabel = "OUT.html", description = "Write a self-contained HTML report (inline SVG charts, no scripts).")
  @Nullable Path report;

  @Option(names = "--plugins", paramLabel = "DIR", description = "Load policy plugins from every jar in DIR.")
  @Nullable Path pluginsDir;

  @Option(names = "--log-level", paramLabel = "LEVEL", defaultValue = "error",
      description = "Log level of the engine's own log lines (default: ${DEFAULT-VALUE}).")
  String logLevel = "error";

  SimulateCommand(DynamiteDaemon.Context context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", logLevel);
    Path main = java.util.Objects.requireNonNull(configFile);
    for (Path p : serviceFolders) {
      if (!Files.isDirectory(p)) {
        throw new UsageException("--service_folder: " + p.toAbsolutePath() + " is not a directory");
      }
    }
    if (pluginsDir != null && !Files.isDirectory(pluginsDir)) {
      throw new UsageException("--plugins: " + pluginsDir.toAbsolutePath() + " is not a directory");
    }
    ServiceModel model = model();
    Trace trace = trace();
    Simulation.Builder base = Simulation.builder().trace(trace).model(model).service(service).seed(seed)
        .sampleInterval(seconds("--sample-interval", sampleInterval, true)).warmup(seconds("--warmup", warmup, false));
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
    for (String m : metrics) {
      int eq = m.indexOf('=');
      if (eq <= 0 || eq == m.length() - 1) {
        throw new UsageException("--metric: expected NAME=KIND, got '" + m + "'");
      }
      try {
        base.metricKind(m.substring(0, eq).strip(), MetricKind.parse(m.substring(eq + 1)));
      } catch (IllegalArgumentException e) {
        throw new UsageException("--metric: " + e.getMessage());
      }
    }
    PluginRegistry plugins = Plugins.registry(Plugins.loader(pluginsDir));
    base.plugins(plugins);
    List<Path> files = new ArrayList<>();
    files.add(main);
    if (compare != null) {
      files.add(compare);
    }
    List<SimulationReport.Run> runs = new ArrayList<>();
    List<String> labels = labels(files);
    for (int i = 0; i < files.size(); i++) {
      DynamiteConfig config = load(files.get(i), plugins);
      Simulation sim;
      try {
        sim = base.config(config).build();
      } catch (IllegalArgumentException e) {
        throw new UsageException((i == 0 ? "--config " : "--compare ") + files.get(i) + ": " + e.getMessage());
      }
      runs.add(new SimulationReport.Run(labels.get(i), sim.run()));
    }
    SimulationReport r = new SimulationReport(runs, trace, scaleDemand, speedFactor());
    context.out().print(r.text());
    for (SimulationReport.Run run : runs) {
      SimulationResult res = run.result();
      context.out().printf(Locale.ROOT, "wall time: %s simulated in %.2f s (%,d samples)%n",
          run.label(), res.wallTime().toNanos() / 1e9, res.samples());
      for (String e : res.engineErrors()) {
        context.err().println("dynamite: engine error during " + run.label() + ": " + e);
      }
    }
    if (report != null) {
      try {
        Files.writeString(report, r.html(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new FatalException("cannot write --report " + report.toAbsolutePath() + ": " + e.getMessage(), List.of());
      }
      context.out().println("report: " + report.toAbsolutePath());
    }
    return runs.stream().allMatch(run -> run.result().engineErrors().isEmpty()) ? 0 : 1;
  }

  private ServiceModel model() {
    if (!(capacity > 0) || !Double.isFinite(capacity)) {
      throw new UsageException("--capacity: expected a positive number, got " + capacity);
    }
    if (!(startFailureRate >= 0 && startFailureRate < 1)) {
      throw new UsageException("--start-failure-rate: expected 0 <= P < 1, got " + startFailureRate);
    }
    if (!(noise >= 0) || !Double.isFinite(noise)) {
      throw new UsageException("--noise: expected a number >= 0, got " + noise);
    }
    return ServiceModel.of(capacity)
        .withStartupDelay(seconds("--startup-delay", startupDelay, false))
        .withStopDelay(seconds("--stop-delay", stopDelay, false))
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

  private Trace trace() {
    Path file = java.util.Objects.requireNonNull(traceFile);
    if (!Files.isRegularFile(file)) {
      throw new UsageException("--trace: " + file.toAbsolutePath() + " is not a file");
    }
    if (!(scaleDemand > 0) || !Double.isFinite(scaleDemand)) {
      throw new UsageException("--scale-demand: expected a positive number, got " + scaleDemand);
    }
    double f = speedFactor();
    try {
      Trace t = Trace.readCsv(file);
      t = scaleDemand == 1 ? t : t.scaleDemand(scaleDemand);
      return f == 1 ? t : t.speedup(f);
    } catch (IllegalArgumentException e) {
      throw new FatalException("trace " + file.toAbsolutePath() + ": " + e.getMessage(), List.of());
    } catch (UncheckedIOException e) {
      throw new FatalException(e.getMessage(), List.of());
    }
  }

  private DynamiteConfig load(Path file, PluginRegistry plugins) {
    ConfigLoader loader = ConfigLoader.builder().serviceFolders(serviceFolders).plugins(plugins).build();
    try {
      return loader.load(file);
    } catch (ConfigException e) {
      List<String> lines = new ArrayList<>();
      for (ConfigProblem p : e.problems()) {
        lines.add("  " + p.path() + ": " + p.message());
      }
      throw new FatalException("configuration " + file.toAbsolutePath() + " has " + lines.size() + " problem(s):", lines);
    }
  }

  private static Duration seconds(String flag, double s, boolean positive) {
    if (!Double.isFinite(s) || s < 0 || (positive && s < 0.001) || s > 365 * 86400.0) {
      throw new UsageException(flag + ": expected " + (positive ? "at least 0.001" : "0 or more") + " seconds, got " + s);
    }
    return Duration.ofNanos(Math.round(s * 1e9));
  }

  /** Column labels: the file names, or longer paths when the names are the same. */
  static List<String> labels(List<Path> files) {
    List<String> out = new ArrayList<>();
    for (Path p : files) {
      out.add(String.valueOf(p.getFileName()));
    }
    if (out.size() == 2 && out.get(0).equals(out.get(1))) {
      out.set(0, files.get(0).toString());
      out.set(1, files.get(1).toString());
    }
    return out;
  }
}
