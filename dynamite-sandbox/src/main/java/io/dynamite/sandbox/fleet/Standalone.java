package io.dynamite.sandbox.fleet;

import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.concurrent.CountDownLatch;

/**
 * {@link FakeFleetServer#main}: parses the command line, runs the server until the JVM is stopped,
 * and closes it from a shutdown hook (SIGTERM and SIGINT run those), so the port is released and
 * the last line says so.
 */
final class Standalone {
  static final String USAGE = String.join("\n",
      "usage: java -cp <classpath> io.dynamite.sandbox.fleet.FakeFleetServer [options]",
      "  --port N          TCP port (default 49153; 0 picks a free one)",
      "  --host ADDRESS    address to listen on (default 127.0.0.1; the API has no authentication)",
      "  --profile NAME    realistic (default: timings of a real fleetd, a launch takes 6-8 s) or instant",
      "  --seed N          seed of the realistic profile's random durations (default 1)",
      "  --page-size N     fleetd's token_limit (default 100)",
      "  --help            this text",
      "Runs until SIGTERM or Ctrl-C.");

  private Standalone() {}

  /** The options of one run. */
  record Options(int port, String host, FakeFleetProfile profile, long seed, int pageSize, boolean help) {}

  /**
   * Runs the server; returns only for {@code --help} (0), a bad command line (2) or a server that
   * cannot start (1). Otherwise it blocks until the JVM exits.
   */
  static int run(String[] args, PrintStream out, PrintStream err) {
    Options o;
    try {
      o = parse(args);
    } catch (IllegalArgumentException e) {
      err.println("error: " + e.getMessage());
      err.println(USAGE);
      return 2;
    }
    if (o.help()) {
      out.println(USAGE);
      return 0;
    }
    FakeFleetServer server;
    try {
      server = FakeFleetServer.builder().port(o.port()).host(o.host()).profile(o.profile()).seed(o.seed())
          .pageSize(o.pageSize()).start();
    } catch (UncheckedIOException e) {
      err.println("error: " + e.getMessage());
      return 1;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      server.close();
      out.println("fake fleet stopped");
      out.flush();
    }, "fake-fleet-shutdown"));
    out.println("fake fleet (" + o.profile().name() + " profile) listening on " + server.endpoint());
    out.println("machine " + FakeFleetServer.DEFAULT_MACHINE_ID + " (127.0.0.1); stop with SIGTERM or Ctrl-C");
    out.flush();
    try {
      new CountDownLatch(1).await(); // the HTTP threads are daemons: this thread keeps the JVM up
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return 0;
  }

  static Options parse(String[] args) {
    int port = 49153;
    String host = "127.0.0.1";
    FakeFleetProfile profile = FakeFleetProfile.realistic();
    long seed = 1;
    int pageSize = 100;
    boolean help = false;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      switch (a) {
        case "--help":
        case "-h":
          help = true;
          break;
        case "--port":
          port = number(a, value(args, ++i, a), 0, 0xffff);
          break;
        case "--host":
          host = value(args, ++i, a);
          break;
        case "--profile":
          profile = FakeFleetProfile.named(value(args, ++i, a));
          break;
        case "--seed":
          try {
            seed = Long.parseLong(value(args, ++i, a));
          } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--seed: expected a whole number, got \"" + args[i] + "\"");
          }
          break;
        case "--page-size":
          pageSize = number(a, value(args, ++i, a), 1, 0xffff);
          break;
        default:
          throw new IllegalArgumentException("unknown option \"" + a + "\"");
      }
    }
    return new Options(port, host, profile, seed, pageSize, help);
  }

  private static String value(String[] args, int i, String option) {
    if (i >= args.length) {
      throw new IllegalArgumentException(option + " needs a value");
    }
    return args[i];
  }

  private static int number(String option, String text, int min, int max) {
    try {
      int n = Integer.parseInt(text);
      if (n >= min && n <= max) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(option + ": expected a whole number from " + min + " to " + max + ", got \"" + text + "\"");
  }
}
