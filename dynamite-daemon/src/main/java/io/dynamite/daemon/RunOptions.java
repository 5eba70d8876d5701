package io.dynamite.daemon;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;

/**
 * The flags of the daemon's run mode, shared by the top-level command and {@code run}. Fields are
 * filled by picocli; {@link DaemonSettings#resolve} turns them, the environment and the YAML file
 * into settings. Original flags keep their names and short forms (spec §2).
 */
final class RunOptions {
  @Option(names = {"-c", "--config_file", "--config-file"}, paramLabel = "FILE",
      description = "The YAML configuration (original format). Default: /etc/dynamite/config.yaml when "
          + "DYNAMITE_ENVIRONMENT=PRODUCTION, else required.")
  @Nullable Path configFile;

  @Option(names = {"-s", "--service_folder", "--service-folder"}, paramLabel = "DIR",
      description = "A folder of fleet unit files, added to the YAML's ServiceFiles.PathList. Repeatable. "
          + "Default: /etc/dynamite/service-files when DYNAMITE_ENVIRONMENT=PRODUCTION and it exists.")
  List<Path> serviceFolders = new ArrayList<>();

  @Option(names = {"-e", "--etcd_endpoint", "--etcd-endpoint"}, paramLabel = "IP:PORT",
      description = "etcd as the original took it (plain HTTP). Env: ETCD_ENDPOINT. Default: 127.0.0.1:4001.")
  @Nullable String etcdEndpoint;

  @Option(names = "--etcd", paramLabel = "URL", split = ",",
      description = "etcd endpoint URL(s), http:// or https://; repeatable or comma separated. "
          + "Alternative to --etcd_endpoint.")
  List<String> etcdUrls = new ArrayList<>();

  @Option(names = "--etcd-ca", paramLabel = "FILE", description = "PEM CA certificate to trust etcd's TLS certificate.")
  @Nullable Path etcdCa;

  @Option(names = "--etcd-cert", paramLabel = "FILE", description = "PEM client certificate for etcd (with --etcd-key).")
  @Nullable Path etcdCert;

  @Option(names = "--etcd-key", paramLabel = "FILE", description = "PEM (PKCS#8) client key for etcd (with --etcd-cert).")
  @Nullable Path etcdKey;

  @Option(names = "--etcd-user", paramLabel = "USER", description = "etcd user name (with --etcd-password-file).")
  @Nullable String etcdUser;

  @Option(names = "--etcd-password-file", paramLabel = "FILE",
      description = "File holding the etcd password (first line); never logged.")
  @Nullable Path etcdPasswordFile;

  @Option(names = {"-f", "--fleet_endpoint", "--fleet-endpoint"}, paramLabel = "IP:PORT",
      description = "fleet's API as the original took it. Env: FLEET_IP and FLEET_PORT. Default: the YAML's "
          + "FleetAPIEndpoint, else 127.0.0.1:49153. Used for every fleet call (B4).")
  @Nullable String fleetEndpoint;

  @Option(names = "--fleet", paramLabel = "URL",
      description = "fleet's API as a URL: http://host:port or unix:///var/run/fleet.sock. Alternative to --fleet_endpoint.")
  @Nullable String fleetUrl;

  @Option(names = {"-r", "--rabbitmq_endpoint", "--rabbitmq-endpoint"}, paramLabel = "IP:PORT",
      description = "Accepted for compatibility and ignored: actions run in-process with intents in etcd (B9).")
  @Nullable String rabbitmqEndpoint;

  @Option(names = "--dry-run", description = "Decide and report, never start or stop a unit.")
  boolean dryRun;

  @Option(names = "--plugins", paramLabel = "DIR", description = "Load policy plugins from every jar in DIR.")
  @Nullable Path pluginsDir;

  // no picocli default: a level from DYNAMITE_LOG_CONFIG_PATH applies only when this flag is absent
  @Option(names = "--log-level", paramLabel = "LEVEL",
      description = "trace, debug, info, warn or error (default: info, or the defaultLogLevel of DYNAMITE_LOG_CONFIG_PATH).")
  @Nullable String logLevel;

  @Option(names = "--metrics-api", paramLabel = "API", defaultValue = "auto",
      description = "Where metrics are read: v2, v3, both, or auto = v3 plus v2 when the server serves "
          + "/v2/keys (default: ${DEFAULT-VALUE}).")
  String metricsApi = "auto";

  @Option(names = "--metrics-mode", paramLabel = "MODE", defaultValue = "consume",
      description = "consume (delete read metric keys, as the original) or shared (default: ${DEFAULT-VALUE}).")
  String metricsMode = "consume";

  @Option(names = "--status-port", paramLabel = "PORT", defaultValue = "" + DaemonSettings.DEFAULT_STATUS_PORT,
      description = "Loopback port of the status endpoint (http://127.0.0.1:PORT/status); 0 disables it "
          + "(default: ${DEFAULT-VALUE}).")
  int statusPort = DaemonSettings.DEFAULT_STATUS_PORT;

  @Option(names = "--history-size", paramLabel = "N", defaultValue = "200",
      description = "How many decision records etcd keeps per service, under /_dynamite/history "
          + "(1..10000, default: ${DEFAULT-VALUE}).")
  int historySize = 200;

  @Option(names = "--shutdown-timeout", paramLabel = "SECONDS", defaultValue = "30",
      description = "On SIGTERM, how long to wait for the action in flight (default: ${DEFAULT-VALUE}).")
  int shutdownTimeoutSeconds = 30;
}
