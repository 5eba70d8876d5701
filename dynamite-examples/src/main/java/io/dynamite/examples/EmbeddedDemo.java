package io.dynamite.examples;

import io.dynamite.api.Direction;
import io.dynamite.api.MetricQuery;
import io.dynamite.api.ServiceView;
import io.dynamite.api.event.DecisionRecord;
import io.dynamite.api.event.EngineEvent;
import io.dynamite.core.EngineSnapshot;
import io.dynamite.core.ScalingEngine;
import io.dynamite.core.config.ConfigLoader;
import io.dynamite.core.config.DynamiteConfig;
import io.dynamite.testkit.FakeMetricSource;
import io.dynamite.testkit.FakeScalingTarget;
import io.dynamite.testkit.ManualClock;
import io.dynamite.testkit.ManualScheduler;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Random;

/**
 * The embedded demo: the real {@link ScalingEngine}, configured by an original-format YAML file,
 * scaling a web server service on the testkit's in-memory cluster while a synthetic day of load
 * (quiet morning, a lunchtime spike, a quiet evening) plays on an accelerated clock. It prints a
 * timeline of instances and load, every decision with its reason, and a summary.
 *
 * <p>Each instance reports {@code cpu_user} = total load / running instances (plus noise), so
 * adding instances brings the per-instance value down, as in a real web tier.
 */
public final class EmbeddedDemo {
  private static final DateTimeFormatter HHMM = DateTimeFormatter.ofPattern("HH:mm").withZone(ZoneOffset.UTC);
  private static final MetricQuery CPU = new MetricQuery("webserver", "cpu_user", false);

  private final PrintStream out;
  private final Duration length;

  /**
   * Creates the demo.
   *
   * @param out where to print
   * @param length how much simulated time to play
   */
  public EmbeddedDemo(PrintStream out, Duration length) {
    this.out = out;
    this.length = length;
  }

  /**
   * Runs the demo with 6 simulated hours.
   *
   * @param args ignored
   */
  public static void main(String[] args) {
    Summary s = new EmbeddedDemo(System.out, Duration.ofHours(6)).run();
    System.exit(s.errors() == 0 ? 0 : 1);
  }

  /**
   * What the run did.
   *
   * @param scaleUps instances started (including the start-up top-up)
   * @param scaleDowns instances stopped
   * @param peak most instances running at once
   * @param errors failed actions and plugin failures
   */
  public record Summary(int scaleUps, int scaleDowns, int peak, int errors) {}

  /**
   * Plays the scenario.
   *
   * @return the summary
   */
  public Summary run() {
    Path dir = extractConfig();
    DynamiteConfig config = ConfigLoader.builder().build().load(dir.resolve("dynamite.yaml"));
    ManualClock clock = new ManualClock(Instant.parse("2026-11-22T08:00:00Z"));
    ManualScheduler scheduler = new ManualScheduler(clock);
    FakeMetricSource metrics = new FakeMetricSource();
    FakeScalingTarget cluster = new FakeScalingTarget().delay(Duration.ofSeconds(4), scheduler);
    int[] errors = {0};
    ScalingEngine engine = ScalingEngine.builder()
        .config(config)
        .metricSource(metrics)
        .target(cluster)
        .clock(clock)
        .scheduler(scheduler)
        .listener(e -> print(e, errors))
        .build();
    out.println("Dynamite embedded demo: service 'webserver' (min 2, max 8) on an in-memory cluster");
    out.println("policies: cpu_user > 70 for 30 s scales up (cooldown 1 min); < 25 for 2 min scales down (cooldown 2 min)");
    out.println();
    engine.start();
    scheduler.runPending();
    Random noise = new Random(42);
    int peak = 0;
    Instant start = clock.instant();
    for (long second = 0; second < length.toSeconds(); second++) {
      EngineSnapshot snap = engine.snapshot();
      EngineSnapshot.ServiceSnapshot web = snap.services().get(0);
      double load = load(second);
      int running = web.view().running();
      for (EngineSnapshot.InstanceSnapshot i : web.instances()) {
        if (!i.phase().equals("RUNNING")) {
          continue;
        }
        String uuid = "uuid-" + i.number();
        metrics.register("webserver", uuid, i.id().unitName());
        double cpu = Math.min(100, load / Math.max(1, running) + noise.nextGaussian() * 4);
        metrics.push(CPU, uuid, clock.instant(), Math.max(0, cpu));
      }
      if (second % 900 == 0) {
        timeline(clock.instant(), web.view(), load);
      }
      peak = Math.max(peak, running);
      scheduler.advance(Duration.ofSeconds(1));
    }
    EngineSnapshot end = engine.snapshot();
    engine.close();
    long ups = cluster.started().size();
    long downs = cluster.stopped().size();
    out.println();
    out.printf("summary: %s of simulated time, %d instance(s) started, %d stopped, peak %d running, %d now; %d error(s)%n",
        Duration.between(start, clock.instant()), ups, downs, peak, end.services().get(0).view().running(), errors[0]);
    out.println("counters: " + end.counters());
    return new Summary((int) ups, (int) downs, peak, errors[0]);
  }

  /** Total load in "cpu percent of one instance": quiet, ramp to a lunchtime spike, quiet. */
  static double load(long second) {
    double hours = second / 3600.0;
    double base = 70;
    double spike = 420 * Math.exp(-Math.pow((hours - 2.5) / 0.6, 2));
    return base + spike;
  }

  private void timeline(Instant now, ServiceView v, double load) {
    int perInstance = (int) Math.round(load / Math.max(1, v.running()));
    out.printf("%s  instances %d running %d starting  load %3.0f  cpu/instance ~%3d%%  %s%n",
        HHMM.format(now), v.running(), v.starting(), load, perInstance, "#".repeat(v.running()));
  }

  private void print(EngineEvent e, int[] errors) {
    switch (e.kind()) {
      case DECISION_MADE -> {
        DecisionRecord r = ((EngineEvent.DecisionMade) e).record();
        if (r.outcome() != DecisionRecord.Outcome.HOLD) {
          out.printf("%s  %-7s %s: %s%n", HHMM.format(r.at()), r.outcome(),
              r.direction() == Direction.UP ? "up  " : "down", r.reason());
        }
      }
      case ACTION_SUCCEEDED -> {
        EngineEvent.ActionSucceeded a = (EngineEvent.ActionSucceeded) e;
        out.printf("%s          %s %s%n", HHMM.format(a.at()),
            a.direction() == Direction.UP ? "started" : "stopped", a.instance());
      }
      case ACTION_FAILED, PLUGIN_FAILED -> {
        errors[0]++;
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
        try (InputStream in = EmbeddedDemo.class.getResourceAsStream("/demo/" + name)) {
          if (in == null) {
            throw new IllegalStateException("missing demo resource " + name);
          }
          Files.copy(in, dir.resolve(name));
        }
      }
      dir.toFile().deleteOnExit();
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
