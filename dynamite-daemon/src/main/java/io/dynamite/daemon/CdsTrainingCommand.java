package io.dynamite.daemon;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;

/**
 * {@code dynamite cds-training} (hidden): loads the classes a daemon run uses, then exits. The build
 * runs it once with {@code -XX:ArchiveClassesAtExit} to make the class-data archive that the
 * {@code dynamite} launcher script hands to the JVM, so that a daemon starts without parsing and
 * verifying those classes again. It needs no cluster: a short demo covers the configuration, the
 * engine, the fleet client and the HTTP server; one etcd call to a closed loopback port covers the
 * jetcd, gRPC and netty stack; a Prometheus registry covers the status port's {@code /metrics}.
 */
@Command(name = "cds-training", hidden = true,
    description = "Load the classes a daemon run uses and exit (used by the build to make the launcher's class-data archive).")
final class CdsTrainingCommand implements Callable<Integer> {
  private final DynamiteDaemon.Context context;

  CdsTrainingCommand(DynamiteDaemon.Context context) {
    this.context = context;
  }

  @Override
  public Integer call() throws Exception {
    PrintStream quiet = new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8);
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "error");
    new Demo(quiet, Duration.ofMinutes(30), 3000, null).run();
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    registry.counter("dynamite.training").increment();
    registry.scrape();
    registry.close();
    touchEtcdClient();
    context.out().println("cds-training: done");
    return 0;
  }

  /** One call that fails fast: a port that was free a moment ago refuses the connection. */
  private static void touchEtcdClient() throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    try (Client client = Client.builder().endpoints("http://127.0.0.1:" + port).build()) {
      client.getKVClient().get(ByteSequence.from("/_dynamite", StandardCharsets.UTF_8)).get(2, TimeUnit.SECONDS);
    } catch (Exception expected) {
      // the failure is the point: the client, gRPC and netty classes are loaded by now
      if (expected instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
