package io.dynamite.daemon;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * The {@code dynamite} command: with no subcommand (or {@code run}) the drop-in daemon; {@code
 * demo} plays the embedded demo; {@code status} prints a running daemon's status; {@code validate}
 * checks a configuration and its plugins without connecting anywhere; {@code simulate} replays a
 * demand trace through the engine and scores the configuration; {@code record} writes the metric
 * samples the configured metric source delivers to a file the simulator can replay.
 *
 * <p>Exit codes: 0 after SIGTERM/SIGINT or a successful subcommand; 1 after a fatal error, printed
 * as one line {@code dynamite: <message>} on stderr (configuration problems follow, one per line);
 * 2 for a bad flag or environment variable, with a line naming it.
 *
 * @since 0.1
 */
@Command(name = "dynamite", mixinStandardHelpOptions = true, version = "dynamite 0.1.0",
    sortOptions = false, usageHelpAutoWidth = true,
    description = {
        "Autoscaler for services on fleet/etcd clusters; drop-in replacement for the original Dynamite.",
        "Runs the daemon unless a subcommand is given.",
        "",
        "Precedence: command line > environment > YAML > defaults.",
        "Environment:",
        "  ETCD_ENDPOINT         etcd as ip:port (or URLs, comma separated)",
        "  FLEET_IP, FLEET_PORT  fleet's API (FLEET_PORT defaults to 49153)",
        "  DYNAMITE_ENVIRONMENT  PRODUCTION: default /etc/dynamite/config.yaml and",
        "                        /etc/dynamite/service-files; any other value: no defaults",
        "  RABBITMQ_ENDPOINT     ignored (actions run in-process)",
        "  DYNAMITE_LOG_CONFIG_PATH  a properties file of org.slf4j.simpleLogger.* keys",
        ""},
    footer = {"", "Exit codes: 0 stopped by SIGTERM/SIGINT, 1 fatal error, 2 bad flag or variable."})
public final class DynamiteDaemon implements Callable<Integer> {
  /** What the commands print to and read the environment from; injected so tests run in-process. */
  record Context(Map<String, String> env, PrintStream out, PrintStream err) {}

  private final Context context;

  @Mixin
  RunOptions options = new RunOptions();

  private DynamiteDaemon(Context context) {
    this.context = context;
  }

  /**
   * Runs the command line and exits the JVM with its exit code.
   *
   * @param args the arguments
   */
  public static void main(String[] args) {
    // the JDK HTTP server (status endpoint, the demo's fake fleet) delays small responses by ~15 ms otherwise
    System.setProperty("sun.net.httpserver.nodelay", "true");
    // gRPC logs through java.util.logging; keep its INFO chatter out of the daemon's output
    java.util.logging.Logger.getLogger("").setLevel(java.util.logging.Level.WARNING);
    System.exit(run(args, System.getenv(), System.out, System.err));
  }

  /**
   * Runs the command line without exiting the JVM.
   *
   * @param args the arguments
   * @param env the environment variables to honour
   * @param out standard output
   * @param err standard error
   * @return the exit code
   */
  public static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
    Context ctx = new Context(Map.copyOf(env), Objects.requireNonNull(out), Objects.requireNonNull(err));
    CommandLine cl = new CommandLine(new DynamiteDaemon(ctx));
    cl.addSubcommand("run", new RunCommand(ctx));
    cl.addSubcommand("demo", new DemoCommand(ctx));
    cl.addSubcommand("status", new StatusCommand(ctx));
    cl.addSubcommand("validate", new ValidateCommand(ctx));
    cl.addSubcommand("simulate", new SimulateCommand(ctx));
    cl.addSubcommand("record", new RecordCommand(ctx));
    cl.addSubcommand("cds-training", new CdsTrainingCommand(ctx));
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    cl.setParameterExceptionHandler((ex, a) -> {
      err.println("dynamite: " + ex.getMessage());
      err.println("Run 'dynamite --help' for usage.");
      return 2;
    });
    cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> failure(ex, err));
    return cl.execute(args);
  }

  static int failure(Exception ex, PrintStream err) {
    if (ex instanceof UsageException) {
      err.println("dynamite: " + ex.getMessage());
      err.println("Run 'dynamite --help' for usage.");
      return 2;
    }
    if (ex instanceof FatalException f) {
      err.println("dynamite: " + f.getMessage());
      f.details().forEach(err::println);
      return 1;
    }
    err.println("dynamite: unexpected error: " + Waiter.reason(ex));
    return 1;
  }

  /**
   * Runs the daemon.
   *
   * @return the exit code
   */
  @Override
  public Integer call() {
    return runDaemon(options, context);
  }

  static int runDaemon(RunOptions options, Context context) {
    DaemonSettings settings = DaemonSettings.resolve(options, context.env());
    // before the first logger exists: slf4j-simple reads its configuration once, at that moment
    LogConfig.Applied logConfig = LogConfig.apply(context.env(), settings.logLevel, System.getProperties());
    settings.notes.addAll(logConfig.notes());
    return new Daemon(settings, logConfig).run();
  }

  /** {@code dynamite run}: the same as no subcommand. */
  @Command(name = "run", mixinStandardHelpOptions = true, sortOptions = false,
      description = "Run the daemon (the default when no subcommand is given).")
  static final class RunCommand implements Callable<Integer> {
    private final Context context;

    @Mixin
    RunOptions options = new RunOptions();

    RunCommand(Context context) {
      this.context = context;
    }

    @Override
    public Integer call() {
      return runDaemon(options, context);
    }
  }
}
