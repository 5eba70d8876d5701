package io.dynamite.daemon;

import java.time.Duration;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code dynamite demo}: the embedded demo; no cluster and no etcd needed. */
@Command(name = "demo", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Play a simulated day of load against the real engine and a fake fleet over HTTP.",
        "Prints a timeline of instances and load, every decision with its reason, and a summary."})
final class DemoCommand implements Callable<Integer> {
  private final DynamiteDaemon.Context context;

  @Option(names = "--etcd", paramLabel = "URL",
      description = "Write and read the metrics through this etcd (e.g. http://127.0.0.1:2379), in the original layout under /dynamite-demo.")
  @Nullable String etcd;

  @Option(names = "--hours", paramLabel = "N", description = "Simulated hours (default: 6, or 2 with --short).")
  @Nullable Double hours;

  @Option(names = "--speed", paramLabel = "N",
      description = "Simulated seconds per real second (default: 720, 480 with --etcd, 2000 with --short, 600 with --short --etcd).")
  @Nullable Double speed;

  @Option(names = "--short", description = "A short run (2 simulated hours in a few seconds), for tests.")
  boolean shortRun;

  @Option(names = "--log-level", paramLabel = "LEVEL", defaultValue = "warn",
      description = "Log level of the library's own log lines (default: ${DEFAULT-VALUE}).")
  String logLevel = "warn";

  DemoCommand(DynamiteDaemon.Context context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    double h = hours != null ? hours : shortRun ? 2 : 6;
    // through etcd, every sample is a key the source reads and deletes: at 2000x the writer outruns
    // a consuming reader on a busy 2-core machine, so the short etcd run plays a little slower
    double s = speed != null ? speed : shortRun ? (etcd != null ? 600 : 2000) : etcd != null ? 480 : 720;
    if (!(h > 0) || h > 24 * 7) {
      throw new UsageException("--hours: expected more than 0 and at most 168, got " + h);
    }
    if (!(s >= 1) || s > 100_000) {
      throw new UsageException("--speed: expected 1..100000, got " + s);
    }
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", logLevel);
    Demo.Summary summary = new Demo(context.out(), Duration.ofSeconds((long) (h * 3600)), s, etcd).run();
    return summary.errors() == 0 ? 0 : 1;
  }
}
