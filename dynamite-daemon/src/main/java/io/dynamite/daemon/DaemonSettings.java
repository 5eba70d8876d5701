package io.dynamite.daemon;

import io.dynamite.core.config.DynamiteConfig;
import io.dynamite.etcd.MetricMode;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The daemon's settings after applying the precedence command line &gt; environment &gt; YAML &gt;
 * the original's defaults. Every check names the flag or variable it concerns and throws {@link
 * UsageException} (exit code 2). The YAML layer is applied once the file is loaded ({@link
 * #etcd(DynamiteConfig)}, {@link #fleet(DynamiteConfig)}), because the file's location itself
 * comes from the first two layers.
 */
final class DaemonSettings {
  /** The default port of the loopback status endpoint. */
  static final int DEFAULT_STATUS_PORT = 7654;
  static final String DEFAULT_ETCD = "http://127.0.0.1:4001";
  static final String DEFAULT_FLEET = "http://127.0.0.1:49153";
  static final Path PRODUCTION_CONFIG = Path.of("/etc/dynamite/config.yaml");
  static final Path PRODUCTION_SERVICE_FOLDER = Path.of("/etc/dynamite/service-files");
  private static final Set<String> LEVELS = Set.of("trace", "debug", "info", "warn", "error");

  /** A value and where it came from, for the start-up log ("from FLEET_IP/FLEET_PORT"). */
  record Sourced<T>(T value, String source) {}

  /** Which etcd API(s) metrics are read from. */
  enum MetricsApi { AUTO, V2, V3, BOTH }

  final Path configFile;
  final String configSource;
  final List<Path> serviceFolders;
  final @Nullable Sourced<List<String>> etcdOverride;
  final @Nullable Sourced<String> fleetOverride;
  final @Nullable Path etcdCa;
  final @Nullable Path etcdCert;
  final @Nullable Path etcdKey;
  final @Nullable String etcdUser;
  final @Nullable String etcdPassword;
  final boolean dryRun;
  final @Nullable Path pluginsDir;
  /** The {@code --log-level} value, or null when not given. */
  final @Nullable String logLevel;
  final MetricsApi metricsApi;
  final MetricMode metricsMode;
  final int statusPort;
  final int shutdownTimeoutSeconds;
  final int historySize;
  final List<String> notes;

  private DaemonSettings(RunOptions o, Map<String, String> env, List<String> notes) {
    this.notes = notes;
    String environment = env.getOrDefault("DYNAMITE_ENVIRONMENT", "DEVELOPMENT");
    boolean production = environment.trim().equalsIgnoreCase("PRODUCTION");
    if (o.configFile != null) {
      configFile = o.configFile.toAbsolutePath().normalize();
      configSource = "--config_file";
    } else if (production) {
      configFile = PRODUCTION_CONFIG;
      configSource = "default for DYNAMITE_ENVIRONMENT=PRODUCTION";
    } else {
      throw new UsageException("--config_file is required (or set DYNAMITE_ENVIRONMENT=PRODUCTION to use "
          + PRODUCTION_CONFIG + "); DYNAMITE_ENVIRONMENT is " + environment);
    }
    if (!Files.isRegularFile(configFile)) {
      throw new UsageException("--config_file: " + configFile + " does not exist or is not a file"
          + (o.configFile == null ? " (" + configSource + ")" : ""));
    }
    List<Path> folders = new ArrayList<>();
    for (Path p : o.serviceFolders) {
      Path abs = p.toAbsolutePath().normalize();
      if (!Files.isDirectory(abs)) {
        throw new UsageException("--service_folder: " + abs + " is not a directory");
      }
      folders.add(abs);
    }
    if (folders.isEmpty() && production && Files.isDirectory(PRODUCTION_SERVICE_FOLDER)) {
      folders.add(PRODUCTION_SERVICE_FOLDER);
    }
    serviceFolders = List.copyOf(folders);

    // etcd: command line, then ETCD_ENDPOINT
    if (!o.etcdUrls.isEmpty() && o.etcdEndpoint != null) {
      throw new UsageException("--etcd and --etcd_endpoint: give only one of them");
    }
    if (!o.etcdUrls.isEmpty()) {
      List<String> urls = new ArrayList<>();
      for (String u : o.etcdUrls) {
        urls.add(url("--etcd", u, true));
      }
      etcdOverride = new Sourced<>(List.copyOf(urls), "--etcd");
    } else if (o.etcdEndpoint != null) {
      etcdOverride = new Sourced<>(List.of("http://" + hostPort("--etcd_endpoint", o.etcdEndpoint)), "--etcd_endpoint");
    } else if (present(env.get("ETCD_ENDPOINT"))) {
      List<String> urls = new ArrayList<>();
      for (String part : env.get("ETCD_ENDPOINT").split(",")) {
        String p = part.trim();
        urls.add(p.contains("://") ? url("ETCD_ENDPOINT", p, true) : "http://" + hostPort("ETCD_ENDPOINT", p));
      }
      etcdOverride = new Sourced<>(List.copyOf(urls), "ETCD_ENDPOINT");
    } else {
      etcdOverride = null;
    }

    // fleet: command line, then FLEET_IP/FLEET_PORT
    if (o.fleetUrl != null && o.fleetEndpoint != null) {
      throw new UsageException("--fleet and --fleet_endpoint: give only one of them");
    }
    String fleetIp = env.get("FLEET_IP");
    String fleetPort = env.get("FLEET_PORT");
    if (o.fleetUrl != null) {
      fleetOverride = new Sourced<>(fleetUrl("--fleet", o.fleetUrl), "--fleet");
    } else if (o.fleetEndpoint != null) {
      fleetOverride = new Sourced<>("http://" + hostPort("--fleet_endpoint", o.fleetEndpoint), "--fleet_endpoint");
    } else if (present(fleetIp)) {
      String port = present(fleetPort) ? fleetPort.trim() : "49153";
      fleetOverride = new Sourced<>("http://" + hostPort("FLEET_IP/FLEET_PORT", fleetIp.trim() + ":" + port),
          present(fleetPort) ? "FLEET_IP/FLEET_PORT" : "FLEET_IP (port 49153)");
    } else if (present(fleetPort)) {
      throw new UsageException("FLEET_PORT is set (" + fleetPort + ") but FLEET_IP is not; set both");
    } else {
      fleetOverride = null;
    }

    if (o.rabbitmqEndpoint != null) {
      hostPort("--rabbitmq_endpoint", o.rabbitmqEndpoint);
      notes.add("--rabbitmq_endpoint is ignored: actions run in-process and are recorded as intents in etcd");
    } else if (present(env.get("RABBITMQ_ENDPOINT"))) {
      notes.add("RABBITMQ_ENDPOINT is ignored: actions run in-process and are recorded as intents in etcd");
    }

    etcdCa = readable("--etcd-ca", o.etcdCa);
    etcdCert = readable("--etcd-cert", o.etcdCert);
    etcdKey = readable("--etcd-key", o.etcdKey);
    if ((etcdCert == null) != (etcdKey == null)) {
      throw new UsageException(etcdCert == null ? "--etcd-key needs --etcd-cert" : "--etcd-cert needs --etcd-key");
    }
    Path pwFile = readable("--etcd-password-file", o.etcdPasswordFile);
    if ((o.etcdUser == null) != (pwFile == null)) {
      throw new UsageException(o.etcdUser == null ? "--etcd-password-file needs --etcd-user" : "--etcd-user needs --etcd-password-file");
    }
    etcdUser = o.etcdUser;
    etcdPassword = pwFile == null ? null : firstLine(pwFile);

    dryRun = o.dryRun;
    if (o.pluginsDir != null && !Files.isDirectory(o.pluginsDir)) {
      throw new UsageException("--plugins: " + o.pluginsDir.toAbsolutePath() + " is not a directory");
    }
    pluginsDir = o.pluginsDir == null ? null : o.pluginsDir.toAbsolutePath().normalize();
    String level = o.logLevel == null ? null : o.logLevel.toLowerCase(Locale.ROOT);
    if (level != null && !LEVELS.contains(level)) {
      throw new UsageException("--log-level: expected trace, debug, info, warn or error, got '" + o.logLevel + "'");
    }
    logLevel = level;
    metricsApi = switch (o.metricsApi.toLowerCase(Locale.ROOT)) {
      case "auto" -> MetricsApi.AUTO;
      case "v2" -> MetricsApi.V2;
      case "v3" -> MetricsApi.V3;
      case "both" -> MetricsApi.BOTH;
      default -> throw new UsageException("--metrics-api: expected auto, v2, v3 or both, got '" + o.metricsApi + "'");
    };
    metricsMode = switch (o.metricsMode.toLowerCase(Locale.ROOT)) {
      case "consume" -> MetricMode.CONSUME;
      case "shared" -> MetricMode.SHARED;
      default -> throw new UsageException("--metrics-mode: expected consume or shared, got '" + o.metricsMode + "'");
    };
    if (o.statusPort < 0 || o.statusPort > 65535) {
      throw new UsageException("--status-port: expected 0..65535, got " + o.statusPort);
    }
    statusPort = o.statusPort;
    if (o.shutdownTimeoutSeconds < 0) {
      throw new UsageException("--shutdown-timeout: must not be negative, got " + o.shutdownTimeoutSeconds);
    }
    shutdownTimeoutSeconds = o.shutdownTimeoutSeconds;
    if (o.historySize < 1 || o.historySize > 10_000) {
      throw new UsageException("--history-size: expected 1..10000, got " + o.historySize);
    }
    historySize = o.historySize;
    if (!production && env.containsKey("DYNAMITE_ENVIRONMENT")
        && !Set.of("DEVELOPMENT", "TEST").contains(environment.trim().toUpperCase(Locale.ROOT))) {
      notes.add("DYNAMITE_ENVIRONMENT=" + environment + " is not PRODUCTION, DEVELOPMENT or TEST; no default paths apply");
    }
  }

  /**
   * Applies the command line and environment layers.
   *
   * @param options the parsed flags
   * @param env the process environment
   * @return the settings
   * @throws UsageException naming the first bad flag or variable
   */
  static DaemonSettings resolve(RunOptions options, Map<String, String> env) {
    return new DaemonSettings(options, env, new ArrayList<>());
  }

  /**
   * Returns the etcd endpoints: the command line or environment, else the YAML's commented-out
   * {@code ETCD.ip_api_endpoint}/{@code port_api_endpoint} when both are set, else the original's
   * default {@code 127.0.0.1:4001}.
   */
  Sourced<List<String>> etcd(DynamiteConfig config) {
    if (etcdOverride != null) {
      return etcdOverride;
    }
    Object etcd = section(config, "ETCD");
    if (etcd instanceof Map<?, ?> m && m.get("ip_api_endpoint") != null && m.get("port_api_endpoint") != null) {
      String hp = m.get("ip_api_endpoint") + ":" + m.get("port_api_endpoint");
      try {
        return new Sourced<>(List.of("http://" + hostPort("ETCD.ip_api_endpoint/port_api_endpoint", hp)),
            "ETCD.ip_api_endpoint/port_api_endpoint in " + configFile.getFileName());
      } catch (UsageException e) {
        throw new FatalException("configuration " + configFile + ": " + e.getMessage(), List.of());
      }
    }
    return new Sourced<>(List.of(DEFAULT_ETCD), "default");
  }

  /**
   * Returns the fleet endpoint: the command line or environment, else the YAML's {@code
   * FleetAPIEndpoint}, else the original's default {@code 127.0.0.1:49153}.
   */
  Sourced<String> fleet(DynamiteConfig config) {
    if (fleetOverride != null) {
      return fleetOverride;
    }
    return config.fleet()
        .map(f -> new Sourced<>("http://" + host(f.ip()) + ":" + f.port(), "FleetAPIEndpoint in " + configFile.getFileName()))
        .orElseGet(() -> new Sourced<>(DEFAULT_FLEET, "default"));
  }

  /** Values for the cna-seed YAML's {@code <FLEET_IP>}/{@code <FLEET_PORT>} placeholders, which the original's wrapper filled with sed. */
  Map<String, String> placeholders() {
    if (fleetOverride == null || !fleetOverride.value().startsWith("http")) {
      return Map.of();
    }
    URI u = URI.create(fleetOverride.value());
    return Map.of("<FLEET_IP>", u.getHost(), "<FLEET_PORT>", String.valueOf(u.getPort()));
  }

  private static @Nullable Object section(DynamiteConfig config, String key) {
    Object root = config.document().get("Dynamite");
    return root instanceof Map<?, ?> m ? m.get(key) : null;
  }

  private static boolean present(@Nullable String s) {
    return s != null && !s.isBlank();
  }

  private static String host(String h) {
    return h.contains(":") && !h.startsWith("[") ? "[" + h + "]" : h;
  }

  /** Parses the original's {@code ip:port} (ServiceEndpoint.from_string): non-empty host, port 1..65535. */
  static String hostPort(String what, String value) {
    String v = value.trim();
    int colon = v.lastIndexOf(':');
    if (colon <= 0 || colon == v.length() - 1 || v.contains("://")) {
      throw new UsageException(what + ": expected ip:port, got '" + value + "'");
    }
    String host = v.substring(0, colon);
    String port = v.substring(colon + 1);
    int p;
    try {
      p = Integer.parseInt(port);
    } catch (NumberFormatException e) {
      throw new UsageException(what + ": port must be a number, got '" + value + "'");
    }
    if (p < 1 || p > 65535) {
      throw new UsageException(what + ": port must be 1..65535, got '" + value + "'");
    }
    return host + ":" + p;
  }

  private static String url(String what, String value, boolean requirePort) {
    URI u;
    try {
      u = new URI(value.trim());
    } catch (URISyntaxException e) {
      throw new UsageException(what + ": not a URL: '" + value + "'");
    }
    String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw new UsageException(what + ": expected an http:// or https:// URL, got '" + value + "'");
    }
    if (u.getHost() == null || (requirePort && u.getPort() == -1)) {
      throw new UsageException(what + ": expected scheme://host:port, got '" + value + "'");
    }
    return scheme + "://" + u.getRawAuthority();
  }

  private static String fleetUrl(String what, String value) {
    String v = value.trim();
    if (v.startsWith("unix://")) {
      if (v.length() <= "unix://".length() || !v.substring("unix://".length()).startsWith("/")) {
        throw new UsageException(what + ": expected unix:///absolute/path.sock, got '" + value + "'");
      }
      return v;
    }
    return url(what, v, true);
  }

  private static @Nullable Path readable(String flag, @Nullable Path p) {
    if (p == null) {
      return null;
    }
    if (!Files.isReadable(p) || !Files.isRegularFile(p)) {
      throw new UsageException(flag + ": " + p.toAbsolutePath() + " is not a readable file");
    }
    return p.toAbsolutePath().normalize();
  }

  private static String firstLine(Path p) {
    try {
      List<String> lines = Files.readAllLines(p, StandardCharsets.UTF_8);
      return lines.isEmpty() ? "" : lines.get(0).strip();
    } catch (IOException e) {
      throw new UsageException("--etcd-password-file: cannot read " + p + ": " + e.getMessage());
    }
  }
}
