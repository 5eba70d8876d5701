package io.dynamite.daemon;

import io.dynamite.api.ConfigException;
import io.dynamite.api.ConfigProblem;
import io.dynamite.api.MetricPoll;
import io.dynamite.api.MetricQuery;
import io.dynamite.api.MetricSample;
import io.dynamite.api.MetricSourceException;
import io.dynamite.api.spi.MetricSource;
import io.dynamite.api.spi.MetricSourceProvider;
import io.dynamite.api.spi.PluginContext;
import io.dynamite.core.PluginRegistry;
import io.dynamite.core.config.ConfigLoader;
import io.dynamite.core.config.DynamiteConfig;
import io.dynamite.core.config.PolicyConfig;
import io.dynamite.etcd.EtcdConnection;
import io.dynamite.etcd.EtcdMetricSource;
import io.dynamite.etcd.EtcdSettings;
import io.dynamite.etcd.EtcdV2MetricSource;
import io.dynamite.sim.Recording;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code dynamite record}: writes the metric samples the configured metric source delivers (etcd
 * as the daemon reads it, or the configuration's {@code MetricSource:} plugin) to a file in the
 * {@link Recording} format, for {@code simulate --replay}. It reads the streams the configuration's
 * policies read. By default it reads etcd in shared mode and keeps no checkpoint, so a running
 * daemon loses nothing and notices nothing.
 */
@Command(name = "record", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Write the metric samples the configured metric source delivers (the",
        "streams the configuration's policies read) to a CSV file that",
        "'dynamite simulate --replay FILE' replays. Reads etcd in shared mode",
        "without a checkpoint by default, so a running daemon is not disturbed.",
        "Stops after --duration, --samples, or SIGINT/SIGTERM. See docs/simulation.md."})
final class RecordCommand implements Callable<Integer> {
  private final DynamiteDaemon.Context context;

  @Option(names = {"-c", "--config", "--config_file", "--config-file"}, paramLabel = "FILE", required = true,
      description = "The YAML configuration: base paths, the streams to record, a MetricSource section if any.")
  @Nullable Path configFile;

  @Option(names = {"-s", "--service_folder", "--service-folder"}, paramLabel = "DIR",
      description = "A folder of unit files (added after the YAML's PathList). Repeatable.")
  List<Path> serviceFolders = new ArrayList<>();

  @Option(names = {"-o", "--out"}, paramLabel = "FILE", required = true, description = "The recording to write (replaced if it exists).")
  @Nullable Path out;

  @Option(names = "--duration", paramLabel = "DURATION", description = "Stop after this long (500ms, 30s, 10m, 2h or seconds).")
  @Nullable String duration;

  @Option(names = "--samples", paramLabel = "N", description = "Stop after N samples.")
  @Nullable Long samples;

  @Option(names = {"-e", "--etcd_endpoint", "--etcd-endpoint"}, paramLabel = "IP:PORT",
      description = "etcd as the original took it (plain HTTP). Env: ETCD_ENDPOINT. Default: the YAML's ETCD section, else 127.0.0.1:4001.")
  @Nullable String etcdEndpoint;

  @Option(names = "--etcd", paramLabel = "URL", split = ",", description = "etcd endpoint URL(s), http:// or https://.")
  List<String> etcdUrls = new ArrayList<>();

  @Option(names = "--etcd-ca", paramLabel = "FILE", description = "PEM CA certificate to trust etcd's TLS certificate.")
  @Nullable Path etcdCa;

  @Option(names = "--etcd-cert", paramLabel = "FILE", description = "PEM client certificate for etcd (with --etcd-key).")
  @Nullable Path etcdCert;

  @Option(names = "--etcd-key", paramLabel = "FILE", description = "PEM (PKCS#8) client key for etcd (with --etcd-cert).")
  @Nullable Path etcdKey;

  @Option(names = "--etcd-user", paramLabel = "USER", description = "etcd user name (with --etcd-password-file).")
  @Nullable String etcdUser;

  @Option(names = "--etcd-password-file", paramLabel = "FILE", description = "File holding the etcd password (first line); never logged.")
  @Nullable Path etcdPasswordFile;

  @Option(names = "--metrics-api", paramLabel = "API", defaultValue = "auto",
      description = "v2, v3, both, or auto = v3 plus v2 when the server serves /v2/keys (default: ${DEFAULT-VALUE}).")
  String metricsApi = "auto";

  @Option(names = "--metrics-mode", paramLabel = "MODE", defaultValue = "shared",
      description = "shared (leave the keys) or consume (delete what was read, as the daemon does by default; "
          + "only when no daemon runs) (default: ${DEFAULT-VALUE}).")
  String metricsMode = "shared";

  @Option(names = "--plugins", paramLabel = "DIR", description = "Load plugins (a MetricSource type) from every jar in DIR.")
  @Nullable Path pluginsDir;

  @Option(names = "--log-level", paramLabel = "LEVEL", defaultValue = "warn",
      description = "Log level of the sources' own log lines (default: ${DEFAULT-VALUE}).")
  String logLevel = "warn";

  RecordCommand(DynamiteDaemon.Context context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", logLevel);
    Duration limit = duration == null ? null : SimulateCommand.duration("--duration", duration, true);
    if (samples != null && samples < 1) {
      throw new UsageException("--samples: expected 1 or more, got " + samples);
    }
    RunOptions o = new RunOptions();
    o.configFile = configFile;
    o.serviceFolders = serviceFolders;
    o.etcdEndpoint = etcdEndpoint;
    o.etcdUrls = etcdUrls;
    o.etcdCa = etcdCa;
    o.etcdCert = etcdCert;
    o.etcdKey = etcdKey;
    o.etcdUser = etcdUser;
    o.etcdPasswordFile = etcdPasswordFile;
    o.metricsApi = metricsApi;
    o.metricsMode = metricsMode;
    o.pluginsDir = pluginsDir;
    o.statusPort = 0;
    DaemonSettings settings = DaemonSettings.resolve(o, context.env());
    PluginRegistry registry = Plugins.registry(Plugins.loader(pluginsDir));
    DynamiteConfig config = load(settings, registry);
    List<MetricQuery> queries = queries(config);
    if (queries.isEmpty()) {
      throw new FatalException("configuration " + settings.configFile + " has no policy that reads a metric: nothing to record", List.of());
    }
    Path file = Objects.requireNonNull(out);
    List<AutoCloseable> resources = new ArrayList<>();
    try {
      List<String> described = new ArrayList<>();
      List<MetricSource> sources = sources(settings, config, registry, resources, described);
      return record(file, sources, queries, described, limit);
    } finally {
      for (int i = resources.size() - 1; i >= 0; i--) {
        try {
          resources.get(i).close();
        } catch (Exception e) {
          context.err().println("dynamite: closing " + resources.get(i) + " failed: " + Waiter.reason(e));
        }
      }
    }
  }

  private int record(Path file, List<MetricSource> sources, List<MetricQuery> queries, List<String> described,
      @Nullable Duration limit) {
    Semaphore wake = new Semaphore(0);
    for (MetricSource s : sources) {
      s.subscribe(wake::release);
    }
    CompletableFuture<String> terminated = Signals.termination();
    Clock clock = Clock.systemUTC();
    long startNanos = System.nanoTime();
    long deadline = limit == null ? Long.MAX_VALUE : startNanos + limit.toNanos();
    long max = samples == null ? Long.MAX_VALUE : samples;
    Set<MetricQuery> seen = new LinkedHashSet<>();
    List<String> comments = new ArrayList<>();
    comments.add("dynamite record: metric samples as the metric source delivered them; replay with dynamite simulate --replay");
    comments.add("source: " + String.join("; ", described));
    comments.add("streams: " + String.join(", ", queries.stream().map(RecordCommand::label).toList()));
    comments.add("started: " + clock.instant());
    context.out().printf("recording %d stream(s) from %s to %s%s%n", queries.size(), String.join("; ", described), file,
        limit == null && samples == null ? " until SIGINT/SIGTERM" : "");
    try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
        Recording.RecordingWriter rec = new Recording.RecordingWriter(w, comments)) {
      rec.flush();
      boolean full = false;
      while (!full) {
        for (MetricSource s : sources) {
          MetricPoll poll;
          try {
            poll = s.poll(queries);
          } catch (MetricSourceException e) {
            context.err().println("dynamite: reading metrics failed" + (e.retryable() ? " (retrying)" : "") + ": " + e.getMessage());
            if (!e.retryable()) {
              throw new FatalException("metric source: " + e.getMessage(), List.of());
            }
            continue;
          }
          for (MetricSample m : poll.samples()) {
            String unit = m.isAggregated() ? null : s.resolveInstance(m.query().serviceType(), m.uuid()).orElse(null);
            rec.write(new Recording.Sample(m.timestamp(), m.query(), m.uuid(), unit, m.value()));
            seen.add(m.query());
            if (rec.written() >= max) {
              full = true;
              break;
            }
          }
          if (full) {
            break;
          }
        }
        rec.flush();
        long now = System.nanoTime();
        if (full || terminated.isDone() || now >= deadline) {
          break;
        }
        // a signalling source wakes us at once; the others are polled every second
        wake.tryAcquire(Math.min(TimeUnit.SECONDS.toNanos(1), deadline - now), TimeUnit.NANOSECONDS);
        wake.drainPermits();
      }
      context.out().printf(Locale.ROOT, "recorded %,d sample(s) of %d stream(s) in %.1f s to %s%n", rec.written(), seen.size(),
          (System.nanoTime() - startNanos) / 1e9, file.toAbsolutePath());
    } catch (IOException e) {
      throw new FatalException("cannot write " + file.toAbsolutePath() + ": " + e.getMessage(), List.of());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new FatalException("interrupted", List.of());
    }
    return 0;
  }

  /** Every stream a policy of the configuration reads, in file order. */
  static List<MetricQuery> queries(DynamiteConfig config) {
    Set<MetricQuery> qs = new LinkedHashSet<>();
    for (PolicyConfig p : config.policies().values()) {
      p.metricQuery().ifPresent(qs::add);
    }
    return List.copyOf(qs);
  }

  private static String label(MetricQuery q) {
    return q.serviceType() + "/" + q.metric() + (q.aggregated() ? " (aggregated)" : "");
  }

  private List<MetricSource> sources(DaemonSettings settings, DynamiteConfig config, PluginRegistry registry,
      List<AutoCloseable> resources, List<String> described) {
    List<MetricSource> sources = new ArrayList<>();
    Optional<DynamiteConfig.PluginSection> section = config.metricSource();
    if (section.isPresent()) {
      String type = section.get().type();
      MetricSourceProvider p = registry.metricSource(type)
          .orElseThrow(() -> new FatalException("metric source type '" + type + "' is not available", List.of()));
      try {
        MetricSource s = p.create(section.get().settings(), PluginContext.of(Clock.systemUTC(), "record", type));
        resources.add(s);
        sources.add(s);
      } catch (ConfigException e) {
        throw problems(settings.configFile.toString(), e, "Dynamite.MetricSource");
      }
      described.add("metric source '" + type + "' (MetricSource section)");
      return sources;
    }
    List<String> endpoints = settings.etcd(config).value();
    EtcdSettings etcd = Daemon.etcdSettings(settings, endpoints);
    EtcdConnection connection;
    try {
      connection = EtcdConnection.open(etcd);
    } catch (IllegalArgumentException e) {
      throw new FatalException("etcd: " + e.getMessage(), List.of());
    }
    resources.add(connection);
    try {
      connection.probe().get(connection.requestTimeout().toMillis() + 5000, TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      throw new FatalException("etcd at " + String.join(",", endpoints) + " is not reachable: " + Waiter.reason(e), List.of());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new FatalException("interrupted", List.of());
    }
    boolean v2 = false;
    if (settings.metricsApi != DaemonSettings.MetricsApi.V3) {
      try {
        v2 = EtcdV2MetricSource.servedBy(etcd);
      } catch (MetricSourceException e) {
        v2 = false;
      }
      if (!v2 && settings.metricsApi != DaemonSettings.MetricsApi.AUTO) {
        throw new FatalException("--metrics-api " + metricsApi + ": etcd does not serve the v2 keys API", List.of());
      }
    }
    String mode = settings.metricsMode.name().toLowerCase(Locale.ROOT);
    if (settings.metricsApi != DaemonSettings.MetricsApi.V2) {
      EtcdMetricSource s = EtcdMetricSource.builder().connection(connection).metricsBasePath(config.metricsBasePath())
          .applicationBasePath(config.applicationBasePath()).mode(settings.metricsMode).checkpointKey(null).build();
      resources.add(s);
      sources.add(s);
      described.add("etcd v3 at " + String.join(",", endpoints) + " (" + config.metricsBasePath() + ", " + mode + ")");
    }
    if (v2) {
      EtcdV2MetricSource s = EtcdV2MetricSource.builder().settings(etcd).metricsBasePath(config.metricsBasePath())
          .applicationBasePath(config.applicationBasePath()).mode(settings.metricsMode).checkpointKey(null).build();
      resources.add(s);
      sources.add(s);
      described.add("etcd v2 at " + String.join(",", endpoints) + " (" + config.metricsBasePath() + ", " + mode + ")");
    }
    return sources;
  }

  private DynamiteConfig load(DaemonSettings settings, PluginRegistry registry) {
    try {
      return ConfigLoader.builder().serviceFolders(settings.serviceFolders).plugins(registry).build().load(settings.configFile);
    } catch (ConfigException e) {
      throw problems(settings.configFile.toString(), e, null);
    }
  }

  private static FatalException problems(String file, ConfigException e, @Nullable String under) {
    List<String> lines = new ArrayList<>();
    for (ConfigProblem p : e.problems()) {
      ConfigProblem located = under == null ? p : p.under(under);
      lines.add("  " + located.path() + ": " + located.message());
    }
    return new FatalException("configuration " + file + " has " + lines.size() + " problem(s):", lines);
  }
}
