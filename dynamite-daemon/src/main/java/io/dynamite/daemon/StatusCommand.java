package io.dynamite.daemon;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code dynamite status}: fetches a running daemon's status endpoint and prints it as tables; with
 * {@code --history SERVICE}, the service's durable decision history, every record in full.
 */
@Command(name = "status", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Show a running daemon's services, instances and recent decisions with their reasons, "
        + "or with --history a service's decision history as kept in etcd.")
final class StatusCommand implements Callable<Integer> {
  private final DynamiteDaemon.Context context;

  @Option(names = "--status-port", paramLabel = "PORT", defaultValue = "" + DaemonSettings.DEFAULT_STATUS_PORT,
      description = "The daemon's --status-port (default: ${DEFAULT-VALUE}).")
  int port = DaemonSettings.DEFAULT_STATUS_PORT;

  @Option(names = "--json", description = "Print the raw JSON.")
  boolean json;

  @Option(names = "--decisions", paramLabel = "N", defaultValue = "10",
      description = "How many recent decisions to show (default: ${DEFAULT-VALUE}).")
  int decisions = 10;

  @Option(names = "--history", paramLabel = "SERVICE",
      description = "Print SERVICE's decision history (the last records etcd keeps, oldest first): when, "
          + "which policy, the outcome, the desired count, every clamp, the reason and the counts it saw.")
  @Nullable String history;

  StatusCommand(DynamiteDaemon.Context context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    if (port < 1 || port > 65535) {
      throw new UsageException("--status-port: expected 1..65535, got " + port);
    }
    String url = "http://127.0.0.1:" + port + (history == null ? "/status"
        : "/decisions?service=" + URLEncoder.encode(history, StandardCharsets.UTF_8));
    String body = fetch(url);
    PrintStream out = context.out();
    if (json) {
      out.println(body);
      return 0;
    }
    JsonNode s;
    try {
      s = new ObjectMapper().readTree(body);
    } catch (IOException e) {
      throw new FatalException(url + " returned no JSON: " + e.getMessage(), List.of());
    }
    if (history != null) {
      printHistory(s, out);
    } else {
      print(s, out, decisions);
    }
    return 0;
  }

  private static String fetch(String url) {
    try {
      HttpResponse<String> r = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build()
          .send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200) {
        String detail = "";
        try {
          detail = ": " + new ObjectMapper().readTree(r.body()).path("error").asText();
        } catch (IOException e) {
          // no JSON error: the status code says it all
        }
        throw new FatalException(url + " answered HTTP " + r.statusCode() + detail, List.of());
      }
      return r.body();
    } catch (IOException e) {
      throw new FatalException("no daemon status at " + url + ": " + Waiter.reason(e)
          + " (is the daemon running with this --status-port?)", List.of());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new FatalException("interrupted", List.of());
    }
  }

  /** A service's decision history, oldest first, each record in full. */
  static void printHistory(JsonNode h, PrintStream out) {
    for (JsonNode svc : h.path("services")) {
      JsonNode records = svc.path("decisions");
      out.printf("DECISION HISTORY of %s: %d record(s), at most %d kept %s; %s at %s%n", svc.path("service").asText(),
          records.size(), h.path("capacity").asInt(), h.path("durable").asBoolean() ? "in etcd" : "in memory only",
          h.path("leader").asBoolean() ? "leader" : "standby (read from etcd)", h.path("at").asText());
      for (JsonNode r : records) {
        JsonNode b = r.path("before");
        String clamps = r.path("clamps").isEmpty() ? "" : "  clamps " + join(r.path("clamps"));
        out.printf("%n%s  %s  %s  %s  desired %s%s%n", r.path("at").asText(), r.path("policy").asText(),
            r.path("direction").asText(), r.path("outcome").asText(),
            r.path("desired").isNull() ? "-" : r.path("desired").asText(), clamps);
        out.printf("    %s%n", r.path("reason").asText());
        out.printf("    before: running %d, starting %d, stopping %d (min %d, max %s); %d new sample(s)%s%n",
            b.path("running").asInt(), b.path("starting").asInt(), b.path("stopping").asInt(), b.path("min").asInt(),
            b.path("max").isNull() ? "unbounded" : b.path("max").asText(), r.path("samples").asInt(),
            r.path("lastValue").isNull() ? "" : ", last " + r.path("lastValue").asText());
        if (!r.path("policyState").asText().isEmpty()) {
          out.printf("    policy state: %s%n", r.path("policyState").asText());
        }
      }
      if (records.isEmpty()) {
        out.printf("  no decision recorded yet%n");
      }
    }
  }

  private static String join(JsonNode array) {
    List<String> parts = new java.util.ArrayList<>();
    array.forEach(n -> parts.add(n.asText()));
    return String.join(", ", parts);
  }

  static void print(JsonNode s, PrintStream out, int decisions) {
    JsonNode d = s.path("daemon");
    out.printf("dynamite pid %s  leader %s  ready %s  at %s%s%n", d.path("pid").asText("?"),
        s.path("leader").asBoolean() ? "yes" : "no", s.path("ready").asBoolean() ? "yes" : "no", s.path("at").asText(),
        d.path("dryRun").asBoolean() ? "  DRY RUN" : "");
    out.printf("etcd %s  fleet %s  metrics %s%n%n", d.path("etcd"), d.path("fleet").asText(), d.path("metricsApi"));
    out.printf("%-24s %7s %8s %8s %4s %4s%n", "SERVICE", "RUNNING", "STARTING", "STOPPING", "MIN", "MAX");
    for (JsonNode svc : s.path("services")) {
      out.printf("%-24s %7d %8d %8d %4d %4s%n", svc.path("service").asText(), svc.path("running").asInt(),
          svc.path("starting").asInt(), svc.path("stopping").asInt(), svc.path("min").asInt(),
          svc.path("max").isNull() ? "-" : svc.path("max").asText());
      for (JsonNode i : svc.path("instances")) {
        out.printf("    %-36s %-12s since %s%n", i.path("unit").asText(), i.path("phase").asText(), i.path("since").asText());
      }
      if (!svc.path("backoffUntil").isNull()) {
        out.printf("    backing off after failures until %s%n", svc.path("backoffUntil").asText());
      }
    }
    JsonNode recent = s.path("recentDecisions");
    out.printf("%nRECENT DECISIONS (%d of %d)%n", Math.min(decisions, recent.size()), recent.size());
    for (int k = Math.max(0, recent.size() - decisions); k < recent.size(); k++) {
      JsonNode r = recent.get(k);
      out.printf("  %s  %-28s %-8s %s%n", r.path("at").asText(), r.path("policy").asText(), r.path("outcome").asText(), r.path("reason").asText());
    }
    out.printf("%ncounters %s%n", s.path("counters"));
  }
}
