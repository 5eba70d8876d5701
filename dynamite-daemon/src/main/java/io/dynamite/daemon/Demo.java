package io.dynamite.daemon;

import io.dynamite.api.Direction;
import io.dynamite.api.MetricQuery;
import io.dynamite.api.ServiceView;
import io.dynamite.api.event.DecisionRecord;
import io.dynamite.api.event.EngineEvent;
import io.dynamite.api.event.EngineListener;
import io.dynamite.api.spi.MetricSource;
import io.dynamite.core.EngineSnapshot;
import io.dynamite.core.ScalingEngine;
import io.dynamite.core.config.ConfigLoader;
import io.dynamite.core.config.DynamiteConfig;
import io.dynamite.etcd.EtcdMetricSource;
import io.dynamite.etcd.EtcdSettings;
import io.dynamite.fleet.FleetClient;
import io.dynamite.fleet.FleetTarget;
import io.dynamite.sandbox.InMemoryMetricSource;
import io.dynamite.sandbox.fleet.FakeFleetProfile;
import io.dynamite.sandbox.fleet.FakeFleetServer;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * The one-command demo: the real {@link ScalingEngine} scales service {@code webserver} (min 2,
 * max 8) on a {@link FakeFleetServer} reached over real HTTP through {@link FleetTarget}, while a
 * synthetic day of load (a daily curve with a spike) plays on an {@link AcceleratedClock}. The fake
 * fleet runs the {@linkplain FakeFleetProfile#realistic() realistic profile} on its own clock at the
 * same speed, so a new instance needs 6-8 simulated seconds before it runs, as on a real fleet. Metrics
 * go through the sandbox's in-memory source, or with {@code --etcd} through a real etcd in the
 * original key layout, written and read back by {@link EtcdMetricSource}.
 *
 * <p>Each running instance reports {@code cpu_user} = total load / running instances (plus noise),
 * so adding instances brings the per-instance value down, as in a real web tier.
 */
final class Demo {
  private static final DateTimeFormatter HHMM = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter KEY_TS = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
  private static final MetricQuery CPU = new MetricQuery("webserver", "cpu_user", false);
  private static final Instant START = Instant.parse("2026-11-22T06:00:00Z");

  /**
   * What the run did.
   *
   * @param started instances started (including the start-up top-up)
   * @param stopped instances stopped
   * @param peak most instances running at once
   * @param decisions decisions that were not a plain hold
   * @param errors failed actions and plugin failures
   * @param fleetCalls HTTP requests the fake fleet served
   */
  record Summary(int started, int stopped, int peak, int decisions, int errors, int fleetCalls) {}

  private final PrintStream out;
  private final Duration length;
  private final double speed;
  private final @Nullable String etcd;
  private final AtomicInteger decisions = new AtomicInteger();
  private final AtomicInteger errors = new AtomicInteger();
  private final AtomicInteger started = new AtomicInteger();
  private final AtomicInteger stopped = new AtomicInteger();

  Demo(PrintStream out, Duration length, double speed, @Nullable String etcd) {
    this.out = out;
    this.length = length;
    this.speed = speed;
    this.etcd = etcd;
  }

  /** Total load in "cpu percent of one instance": a daily curve (quiet morning and evening) plus a spike at 40 % of the run. */
  static double load(double fraction) {
    double daily = 60 + 40 * Math.sin(Math.PI * fraction);
    double spike = 380 * Math.exp(-Math.pow((fraction - 0.4) / 0.08, 2));
    return daily + spike;
  }

  Summary run() {
    Path dir = extractConfig();
    DynamiteConfig config = ConfigLoader.builder().build().load(dir.resolve("dynamite.yaml"));
    AcceleratedClock clock = new AcceleratedClock(START, speed);
    Duration samplePeriod = Duration.ofSeconds(etcd == null ? 2 : 5);
    ScheduledExecutorService driver = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "dynamite-demo-driver");
      t.setDaemon(true);
      return t;
    });
    // the fleet's time runs from the beginning (the engine's clock waits for the warm-up), at the
    // day's speed, so its start times are simulated seconds like everything else
    AcceleratedClock fleetClock = new AcceleratedClock(START, speed);
    fleetClock.resume();
    try (FakeFleetServer fleet = FakeFleetServer.builder().profile(FakeFleetProfile.realistic()).clock(fleetClock).start();
        FleetClient client = FleetClient.builder(fleet.endpoint()).build();
        FleetTarget target = FleetTarget.builder(client).pollInterval(Duration.ofMillis(10)).build();
        Metrics metrics = etcd == null ? new InMemoryMetrics() : new EtcdMetrics(etcd, config)) {
      ScalingEngine engine = ScalingEngine.builder()
          .config(config)
          .metricSource(metrics.source())
          .target(target)
          .clock(clock)
          .evaluationInterval(simulated(Duration.ofSeconds(1)))
          .reconcileInterval(simulated(Duration.ofSeconds(30)))
          .retryBackoff(simulated(Duration.ofSeconds(5)), simulated(Duration.ofMinutes(1)))
          .listener(EngineListener.withoutHolds(this::print))
          .build();
      out.printf("Dynamite demo: service 'webserver' (min 2, max 8) on a fake fleet at %s (realistic timing: an instance"
          + " runs 6-8 s after its launch), metrics %s%n", fleet.endpoint(), etcd == null ? "in memory" : "through etcd at " + etcd);
      out.printf("%s of simulated time at %.0fx speed; policies: cpu_user > 70 for 30 s scales up (cooldown 1 min),"
          + " < 25 for 2 min scales down (cooldown 2 min)%n%n", length, speed);
      Instant end = START.plus(length);
      CompletableFuture<Void> done = new CompletableFuture<>();
      Random noise = new Random(42);
      int[] peak = {0};
      long[] lastLine = {-1};
      try (engine) {
        engine.start();
        // The clock stands still until the start-up top-up is done: a cold JVM's first HTTP calls
        // would otherwise cost simulated minutes before the day even begins.
        CompletableFuture<Void> warm = new CompletableFuture<>();
        driver.scheduleWithFixedDelay(() -> {
          EngineSnapshot.ServiceSnapshot web = engine.snapshot().services().get(0);
          if (web.view().running() >= web.view().min() && !warm.isDone()) {
            clock.resume();
            warm.complete(null);
            throw new IllegalStateException("warm-up finished");
          }
        }, 0, 5, TimeUnit.MILLISECONDS);
        await(warm, Duration.ofSeconds(30), "the start-up top-up");
        driver.scheduleAtFixedRate(() -> {
          try {
            Instant now = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
            if (!now.isBefore(end)) {
              done.complete(null);
              return;
            }
            double fraction = Duration.between(START, now).toMillis() / (double) length.toMillis();
            double load = load(fraction);
            EngineSnapshot.ServiceSnapshot web = engine.snapshot().services().get(0);
            int running = web.view().running();
            peak[0] = Math.max(peak[0], running);
            for (EngineSnapshot.InstanceSnapshot i : web.instances()) {
              if (i.phase().equals("RUNNING")) {
                double cpu = Math.min(100, Math.max(0, load / Math.max(1, running) + noise.nextGaussian() * 4));
                metrics.report("uuid-" + i.number(), i.id().unitName(), now, cpu);
              }
            }
            long line = Duration.between(START, now).toMinutes() / 20;
            if (line != lastLine[0]) {
              lastLine[0] = line;
              timeline(now, web.view(), load);
            }
          } catch (RuntimeException e) {
            done.completeExceptionally(e);
          }
        }, 0, simulated(samplePeriod).toNanos(), TimeUnit.NANOSECONDS);
        try {
          await(done, Duration.ofMillis(Math.max(60_000, (long) (length.toMillis() / speed) * 3)), "the simulated day");
        } finally {
          driver.shutdownNow();
        }
        EngineSnapshot last = engine.snapshot();
        int now = last.services().get(0).view().running();
        out.println();
        out.printf("summary: %s simulated in %.1f s; %d instance(s) started, %d stopped, peak %d running, %d at the end;"
            + " %d decision(s), %d error(s), %d fleet HTTP calls%n",
            length, length.toMillis() / speed / 1000.0, started.get(), stopped.get(), peak[0], now,
            decisions.get(), errors.get(), fleet.requests().size());
        out.println("engine counters: " + last.counters());
        String where = metrics.describe();
        if (!where.isEmpty()) {
          out.println(where);
        }
        return new Summary(started.get(), stopped.get(), peak[0], decisions.get(), errors.get(), fleet.requests().size());
      }
    } finally {
      driver.shutdownNow();
    }
  }

  private static void await(CompletableFuture<Void> f, Duration timeout, String what) {
    try {
      f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new FatalException("demo interrupted while waiting for " + what, List.of());
    } catch (ExecutionException | TimeoutException e) {
      throw new FatalException("demo failed while waiting for " + what + ": " + Waiter.reason(e), List.of());
    }
  }

  private Duration simulated(Duration d) {
    return Duration.ofNanos(Math.max(1, (long) (d.toNanos() / speed)));
  }

  private void timeline(Instant now, ServiceView v, double load) {
    int perInstance = (int) Math.round(load / Math.max(1, v.running()));
    out.printf("%s  instances %d (+%d starting)  load %3.0f  cpu/instance ~%3d%%  %s%n",
        HHMM.format(now), v.running(), v.starting(), load, perInstance, "#".repeat(v.running()));
  }

  private void print(EngineEvent e) {
    switch (e.kind()) {
      case DECISION_MADE -> {
        DecisionRecord r = ((EngineEvent.DecisionMade) e).record();
        if (r.outcome() != DecisionRecord.Outcome.HOLD) {
          decisions.incrementAndGet();
          out.printf("%s  %-7s %s %s%n", HHMM.format(r.at()), r.outcome(),
              r.direction() == Direction.UP ? "up:  " : "down:", r.reason());
        }
      }
      case ACTION_SUCCEEDED -> {
        EngineEvent.ActionSucceeded a = (EngineEvent.ActionSucceeded) e;
        (a.direction() == Direction.UP ? started : stopped).incrementAndGet();
        out.printf("%s          %s %s%n", HHMM.format(a.at()), a.direction() == Direction.UP ? "started" : "stopped", a.instance());
      }
      case ACTION_FAILED, PLUGIN_FAILED -> {
        errors.incrementAndGet();
        out.println(HHMM.format(e.at()) + "  ERROR   " + e);
      }
      default -> { }
    }
  }

  private static Path extractConfig() {
    try {
      Path dir = Files.createTempDirectory("dynamite-demo");
      Files.createDirectories(dir.resolve("units"));
      for (String name : List.of("dynamite.yaml", "units/webserver@.service", "units/webserver_logger@.service")) {
        try (InputStream in = Demo.class.getResourceAsStream("/demo/" + name)) {
          if (in == null) {
            throw new IllegalStateException("missing demo resource " + name);
          }
          Files.copy(in, dir.resolve(name));
          dir.resolve(name).toFile().deleteOnExit();
        }
      }
      dir.resolve("units").toFile().deleteOnExit();
      dir.toFile().deleteOnExit();
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Where the demo's instances report their load. */
  private interface Metrics extends AutoCloseable {
    MetricSource source();

    void report(String uuid, String unitName, Instant at, double cpu);

    /** A line for the summary about where the metrics went, or empty. */
    default String describe() {
      return "";
    }

    @Override
    void close();
  }

  private static final class InMemoryMetrics implements Metrics {
    private final InMemoryMetricSource source = new InMemoryMetricSource();
    private final Set<String> registered = new HashSet<>();

    @Override
    public MetricSource source() {
      return source;
    }

    @Override
    public void report(String uuid, String unitName, Instant at, double cpu) {
      if (registered.add(uuid)) {
        source.register(uuid, unitName);
      }
      source.push(CPU, uuid, at, cpu);
    }

    @Override
    public void close() {}
  }

  /** Writes the original layout ({@code <metrics>/webserver/<uuid>/cpu_user/<ts>}, registrations) into etcd; the engine reads it back. */
  private static final class EtcdMetrics implements Metrics {
    private final Client client;
    private final EtcdMetricSource source;
    private final KV kv;
    private final String endpoint;
    private final String metrics;
    private final String services;
    private final Set<String> registered = new HashSet<>();
    private final AtomicLong written = new AtomicLong();

    EtcdMetrics(String endpoint, DynamiteConfig config) {
      try {
        EtcdSettings.builder().endpoints(endpoint).build();
      } catch (IllegalArgumentException e) {
        throw new UsageException("--etcd: " + e.getMessage());
      }
      this.endpoint = endpoint;
      this.client = Client.builder().endpoints(endpoint).build();
      this.kv = client.getKVClient();
      this.metrics = config.metricsBasePath();
      this.services = config.applicationBasePath();
      clear();
      this.source = EtcdMetricSource.builder().client(client)
          .metricsBasePath(metrics).applicationBasePath(services).checkpointKey(null).build();
    }

    private void clear() {
      ByteSequence prefix = bytes("/dynamite-demo/");
      try {
        kv.delete(prefix, DeleteOption.builder().isPrefix(true).build()).get(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (ExecutionException | TimeoutException e) {
        throw new FatalException("--etcd: cannot reach etcd at " + endpoint + ": " + Waiter.reason(e), List.of());
      }
    }

    @Override
    public MetricSource source() {
      return source;
    }

    @Override
    public void report(String uuid, String unitName, Instant at, double cpu) {
      if (registered.add(uuid)) {
        kv.put(bytes(services + "/webserver/" + uuid + "/service_instance_name"), bytes(unitName));
      }
      kv.put(bytes(metrics + "/webserver/" + uuid + "/cpu_user/" + KEY_TS.format(at)), bytes(String.format(java.util.Locale.ROOT, "%.2f", cpu)))
          .thenRun(written::incrementAndGet);
    }

    /** Counts what is left under the metrics prefix: the source consumes (deletes) what it hands to the engine. */
    @Override
    public String describe() {
      try {
        long left = kv.get(bytes(metrics + "/"), GetOption.builder().isPrefix(true).withCountOnly(true).build())
            .get(10, TimeUnit.SECONDS).getCount();
        long w = written.get();
        return "metrics through etcd at " + endpoint + ": " + w + " key(s) written under " + metrics + ", "
            + Math.max(0, w - left) + " consumed (read and deleted by the engine's etcd source), " + left + " left";
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return "";
      } catch (ExecutionException | TimeoutException e) {
        return "metrics through etcd at " + endpoint + ": cannot count the keys left: " + Waiter.reason(e);
      }
    }

    @Override
    public void close() {
      source.close();
      clear();
      client.close();
    }

    private static ByteSequence bytes(String s) {
      return ByteSequence.from(s, StandardCharsets.UTF_8);
    }
  }
}
