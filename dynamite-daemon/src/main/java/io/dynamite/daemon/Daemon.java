package io.dynamite.daemon;

import io.dynamite.api.ConfigException;
import io.dynamite.api.ConfigProblem;
import io.dynamite.api.MetricSourceException;
import io.dynamite.api.event.EngineEvent;
import io.dynamite.api.event.EngineListener;
import io.dynamite.api.spi.MetricSource;
import io.dynamite.core.ScalingEngine;
import io.dynamite.core.ScalingEngineBuilder;
import io.dynamite.api.spi.PluginContext;
import io.dynamite.api.spi.ScalingTarget;
import io.dynamite.core.PluginRegistry;
import io.dynamite.micrometer.DynamiteMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.dynamite.core.config.ConfigLoader;
import io.dynamite.core.config.DynamiteConfig;
import io.dynamite.etcd.EtcdConnection;
import io.dynamite.etcd.EtcdLeadership;
import io.dynamite.etcd.EtcdMetricSource;
import io.dynamite.etcd.EtcdSettings;
import io.dynamite.etcd.EtcdStateStore;
import io.dynamite.etcd.EtcdV2MetricSource;
import io.dynamite.fleet.FleetClient;
import io.dynamite.fleet.FleetTarget;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon's lifecycle (spec §6 of the original, with its defects fixed): load and validate the
 * configuration, wait for etcd and fleet with backoff, campaign for leadership, let the engine adopt
 * or initialise the state in etcd and top services up, run until SIGTERM/SIGINT, then finish the
 * action in flight, resign and exit 0.
 */
final class Daemon {
  private final DaemonSettings settings;
  private final Logger log = LoggerFactory.getLogger(Daemon.class);
  /** Closed in reverse order on the way out. */
  private final Deque<AutoCloseable> resources = new ArrayDeque<>();

  private final LogConfig.Applied logConfig;

  Daemon(DaemonSettings settings, LogConfig.Applied logConfig) {
    this.settings = settings;
    this.logConfig = logConfig;
  }

  /**
   * Runs until a termination signal.
   *
   * @return the exit code, 0 after a signal
   * @throws FatalException when the daemon cannot go on
   */
  int run() {
    CompletableFuture<String> terminated = Signals.termination();
    try {
      return runUntil(terminated);
    } finally {
      closeAll();
    }
  }

  private int runUntil(CompletableFuture<String> terminated) {
    settings.notes.forEach(n -> log.warn("{}", n));
    if (logConfig.file() != null) {
      log.info("log configuration {}={} keys={}", LogConfig.VARIABLE, logConfig.file(), logConfig.applied().keySet());
    }
    ClassLoader plugins = Plugins.loader(settings.pluginsDir);
    if (settings.pluginsDir != null) {
      log.info("plugins dir={} jars={}", settings.pluginsDir, Plugins.jarNames(settings.pluginsDir));
    }
    PluginRegistry registry = Plugins.registry(plugins);
    log.info("plugin types: policies={} metric sources={} targets={}", registry.policies().keySet(),
        registry.metricSources().keySet(), registry.targets().keySet());
    DynamiteConfig config = loadConfig(registry);
    DaemonSettings.Sourced<List<String>> etcd = settings.etcd(config);
    DaemonSettings.Sourced<String> fleet = settings.fleet(config);
    log.info("config file={} ({}) services={} folders={}", settings.configFile, settings.configSource,
        config.scalableServices().size(), config.serviceFolders());
    log.info("etcd endpoints={} (from {}) tls={} user={}", etcd.value(), etcd.source(),
        settings.etcdCa != null || etcd.value().get(0).startsWith("https"), settings.etcdUser == null ? "-" : settings.etcdUser);
    log.info("fleet endpoint={} (from {}); used for every fleet call", fleet.value(), fleet.source());

    ScheduledExecutorService waitScheduler = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "dynamite-wait");
      t.setDaemon(true);
      return t;
    });
    resources.push(waitScheduler::shutdownNow);
    Waiter waiter = new Waiter(waitScheduler);

    // fleet is probed while etcd is: the two waits (and the two clients' start-up) overlap
    ScalingTarget target;
    CompletableFuture<?> fleetReady;
    Optional<DynamiteConfig.PluginSection> targetSection = config.target();
    if (targetSection.isPresent()) {
      target = create("target", targetSection.get(), registry.target(targetSection.get().type()).map(p -> (PluginFactory<ScalingTarget>) p::create));
      resources.push(target);
      log.info("target type={} (from the Target section; fleet is not used)", targetSection.get().type());
      fleetReady = CompletableFuture.completedFuture(null);
    } else {
      FleetClient fleetClient = FleetClient.builder(fleet.value()).build();
      resources.push(fleetClient);
      fleetReady = waiter.until("fleet at " + fleet.value(), () -> fleetClient.listMachines().toCompletableFuture());
      target = FleetTarget.builder(fleetClient).build();
      resources.push(target);
    }

    EtcdSettings etcdSettings = etcdSettings(settings, etcd.value());
    EtcdConnection connection;
    try {
      connection = EtcdConnection.open(etcdSettings);
    } catch (IllegalArgumentException e) {
      fleetReady.cancel(false);
      throw new FatalException("etcd: " + e.getMessage(), List.of());
    }
    resources.push(connection);
    // the v2 question goes out with the v3 probe, not after it; if etcd was not up yet for it, it
    // is asked again once etcd answers
    CompletableFuture<Optional<Boolean>> earlyV2 = settings.metricsApi == DaemonSettings.MetricsApi.V3
        ? CompletableFuture.completedFuture(Optional.of(false))
        : CompletableFuture.supplyAsync(() -> servesV2(etcdSettings), r -> {
          // its own thread: the probe blocks, and the wait scheduler paces the other probes
          Thread t = new Thread(r, "dynamite-v2-probe");
          t.setDaemon(true);
          t.start();
        });
    if (!await(waiter.until("etcd at " + String.join(",", etcd.value()), connection::probe), terminated)) {
      fleetReady.cancel(false);
      return 0;
    }
    Optional<Boolean> early = earlyV2.join();
    boolean v2;
    if (early.isPresent()) {
      v2 = early.get();
      log.info("etcd v2 keys API {}", v2 ? "available" : "not served (GET /v2/keys/ is not 200)");
    } else {
      v2 = probeV2(etcdSettings);
    }
    List<String> apis = metricApis(v2);
    if (!await(fleetReady, terminated)) {
      return 0;
    }

    EtcdLeadership leadership = EtcdLeadership.builder().connection(connection).build();
    resources.push(leadership);
    EtcdStateStore.Builder storeBuilder = EtcdStateStore.builder().connection(connection).fencedBy(leadership)
        .historyCapacity(settings.historySize);
    if (v2 && settings.etcdUser == null) {
      // the original wrote /_dynamite through the v2 API: adopt that tree when v3 has none
      storeBuilder.adoptFromV2(etcd.value().get(0));
    }
    EtcdStateStore store = storeBuilder.build();
    resources.push(store);
    List<MetricSource> sources = new ArrayList<>();
    Optional<DynamiteConfig.PluginSection> sourceSection = config.metricSource();
    if (sourceSection.isPresent()) {
      sources.add(create("metric source", sourceSection.get(),
          registry.metricSource(sourceSection.get().type()).map(p -> (PluginFactory<MetricSource>) p::create)));
      log.info("metric source type={} (from the MetricSource section)", sourceSection.get().type());
      apis = List.of();
    }
    if (apis.contains("v3")) {
      sources.add(EtcdMetricSource.builder().connection(connection)
          .metricsBasePath(config.metricsBasePath()).applicationBasePath(config.applicationBasePath())
          .mode(settings.metricsMode).build());
    }
    if (apis.contains("v2")) {
      sources.add(EtcdV2MetricSource.builder().settings(etcdSettings)
          .metricsBasePath(config.metricsBasePath()).applicationBasePath(config.applicationBasePath())
          .mode(settings.metricsMode).build());
    }
    sources.forEach(resources::push);
    log.info("metrics api={} mode={} base={} registrations={}", apis,
        settings.metricsMode.name().toLowerCase(java.util.Locale.ROOT), config.metricsBasePath(), config.applicationBasePath());

    DynamiteMetrics telemetry = new DynamiteMetrics();
    ScalingEngineBuilder eb = ScalingEngine.builder()
        .config(config)
        .target(target)
        .stateStore(store)
        .leadership(leadership)
        .plugins(registry)
        .dryRun(settings.dryRun)
        .shutdownTimeout(Duration.ofSeconds(settings.shutdownTimeoutSeconds))
        .listener(EngineListener.withoutHolds(this::onEvent))
        .listener(telemetry);
    sources.forEach(eb::metricSource);
    ScalingEngine engine;
    try {
      engine = eb.build();
    } catch (ConfigException e) {
      throw configFailure(e);
    }
    resources.push(engine);
    log.info("campaigning for leadership election={} candidate={}{}", EtcdLeadership.DEFAULT_ELECTION,
        leadership.candidateId(), settings.dryRun ? " (dry run: decisions are reported, never applied)" : "");
    engine.start();

    if (settings.statusPort != 0) {
      Map<String, Object> info = new LinkedHashMap<>();
      info.put("pid", ProcessHandle.current().pid());
      info.put("config", settings.configFile.toString());
      info.put("etcd", etcd.value());
      info.put("fleet", fleet.value());
      info.put("metricsApi", apis);
      info.put("dryRun", settings.dryRun);
      PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      telemetry.observe(engine).bindTo(prometheus);
      // the page's chart: one point every 10 s, the last 6 hours
      StatusHistory history = new StatusHistory(6 * 360);
      history.record(engine.snapshot());
      waitScheduler.scheduleWithFixedDelay(() -> history.record(engine.snapshot()), 10, 10, java.util.concurrent.TimeUnit.SECONDS);
      StatusServer status = StatusServer.start(settings.statusPort, () -> StatusJson.of(engine.snapshot(), info),
          prometheus::scrape, () -> {
            history.recordIfDue(engine.snapshot(), java.time.Duration.ofSeconds(1)); // a fresh point for a fresh page
            return history.toJson();
          }, service -> StatusJson.history(engine, service));
      resources.push(status);
      log.info("status page http://127.0.0.1:{}/ (JSON at /status, decision history at /decisions, Prometheus metrics"
          + " at /metrics)", status.port());
    }
    String signal = terminated.join();
    log.info("{} received: finishing the action in flight (up to {}s), resigning leadership", signal, settings.shutdownTimeoutSeconds);
    return 0;
  }

  private void onEvent(EngineEvent e) {
    if (e.kind() == EngineEvent.Kind.RECOVERED) {
      log.info("ready {} ms after the JVM started", ManagementFactory.getRuntimeMXBean().getUptime());
    }
  }

  /** Creates a metric source or target from its configuration section through its provider. */
  private <T> T create(String kind, DynamiteConfig.PluginSection section, Optional<PluginFactory<T>> factory) {
    // the loader already checked the type against the same registry
    PluginFactory<T> f = factory.orElseThrow(() -> new FatalException(kind + " type '" + section.type() + "' is not available", List.of()));
    try {
      return f.create(section.settings(), PluginContext.of(java.time.Clock.systemUTC(), kind.replace(' ', '-'), section.type()));
    } catch (ConfigException e) {
      List<String> lines = new ArrayList<>();
      for (ConfigProblem p : e.problems()) {
        ConfigProblem located = p.under(kind.equals("target") ? "Dynamite.Target" : "Dynamite.MetricSource");
        lines.add("  " + located.path() + ": " + located.message());
      }
      throw new FatalException("configuration " + settings.configFile + " has " + lines.size() + " problem(s):", lines);
    } catch (RuntimeException e) {
      throw new FatalException(kind + " '" + section.type() + "' could not be created: " + Waiter.reason(e), List.of());
    }
  }

  /** A provider's create method. */
  @FunctionalInterface
  private interface PluginFactory<T> {
    T create(Map<String, Object> settings, PluginContext context);
  }

  private DynamiteConfig loadConfig(PluginRegistry registry) {
    try {
      return ConfigLoader.builder()
          .serviceFolders(settings.serviceFolders)
          .placeholders(settings.placeholders())
          .plugins(registry)
          .build()
          .load(settings.configFile);
    } catch (ConfigException e) {
      throw configFailure(e);
    }
  }

  private FatalException configFailure(ConfigException e) {
    List<String> lines = new ArrayList<>();
    for (ConfigProblem p : e.problems()) {
      lines.add("  " + p.path() + ": " + p.message());
    }
    return new FatalException("configuration " + settings.configFile + " has " + lines.size() + " problem(s):", lines);
  }

  /** The etcd client settings: endpoints, TLS material and credentials (shared with {@code record}). */
  static EtcdSettings etcdSettings(DaemonSettings settings, List<String> endpoints) {
    EtcdSettings.Builder b = EtcdSettings.builder().endpoints(endpoints);
    if (settings.etcdCa != null) {
      b.caFile(settings.etcdCa);
    }
    if (settings.etcdCert != null && settings.etcdKey != null) {
      b.clientCertificate(settings.etcdCert, settings.etcdKey);
    }
    if (settings.etcdUser != null && settings.etcdPassword != null) {
      b.credentials(settings.etcdUser, settings.etcdPassword);
    }
    try {
      return b.build();
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw new FatalException("etcd settings: " + e.getMessage(), List.of());
    }
  }

  /** Whether the v2 keys API is served, or empty if etcd could not be asked (yet); logs nothing. */
  private static Optional<Boolean> servesV2(EtcdSettings etcd) {
    try {
      return Optional.of(EtcdV2MetricSource.servedBy(etcd));
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  /** Asks once whether the server serves the v2 keys API, which the original's metric writers use. */
  private boolean probeV2(EtcdSettings etcd) {
    if (settings.metricsApi == DaemonSettings.MetricsApi.V3) {
      return false;
    }
    try {
      // same TLS material and credentials as the v2 source itself
      boolean served = EtcdV2MetricSource.servedBy(etcd);
      log.info("etcd v2 keys API {}", served ? "available" : "not served (GET /v2/keys/ is not 200)");
      return served;
    } catch (MetricSourceException e) {
      log.warn("etcd v2 probe failed, reading metrics over v3 only: {}", e.getMessage());
      return false;
    }
  }


  private List<String> metricApis(boolean v2) {
    switch (settings.metricsApi) {
      case V3:
        return List.of("v3");
      case AUTO:
        return v2 ? List.of("v3", "v2") : List.of("v3");
      default:
        if (!v2) {
          throw new FatalException("--metrics-api " + settings.metricsApi.name().toLowerCase(java.util.Locale.ROOT)
              + ": etcd does not serve the v2 keys API (start etcd with --enable-v2=true, or use --metrics-api v3)", List.of());
        }
        return settings.metricsApi == DaemonSettings.MetricsApi.V2 ? List.of("v2") : List.of("v3", "v2");
    }
  }

  /** Waits for {@code ready} unless a signal comes first; false when the signal won. */
  private static boolean await(CompletableFuture<?> ready, CompletableFuture<String> terminated) {
    CompletableFuture.anyOf(ready, terminated).join();
    if (terminated.isDone()) {
      ready.cancel(false);
      return false;
    }
    return true;
  }

  private void closeAll() {
    while (!resources.isEmpty()) {
      AutoCloseable r = resources.pop();
      try {
        r.close();
      } catch (Exception e) {
        log.warn("closing {} failed: {}", r, Waiter.reason(e));
      }
    }
    log.info("stopped");
  }

}
