package io.dynamite.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dynamite.testkit.etcd.EtcdProcess;
import io.dynamite.sandbox.fleet.FakeFleetServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The status page as an operator sees it: the daemon (a separate process, real etcd, {@link
 * FakeFleetServer}) serves it on its loopback status port, and a real headless Chromium (Debian's
 * {@code chromium}, which {@code .ci/run} installs) loads it, runs its script and renders the
 * services, the chart and the decisions, without console errors.
 */
class StatusPageInChromiumIT {
  private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");

  @TempDir Path dir;

  @Test
  void thePageShowsServicesAChartAndADecisionWithoutConsoleErrors() throws Exception {
    Path chromium = Path.of(System.getProperty("chromium", "/usr/bin/chromium"));
    assertThat(chromium).as("headless Chromium is required (Debian package chromium; .ci/run installs it)").exists();
    System.setProperty("sun.net.httpserver.nodelay", "true");
    Path config = OriginalFixture.prepare(dir);
    try (EtcdProcess etcd = EtcdProcess.start("--enable-v2=true"); FakeFleetServer fleet = FakeFleetServer.start()) {
      int port = DaemonEndToEndIT.freePort();
      DaemonProcess d = DaemonProcess.start(dir.resolve("daemon.log"), Map.of(), "-c", config.toString(),
          "--etcd", etcd.endpoint(), "--fleet", fleet.endpoint(), "--status-port", String.valueOf(port));
      try (d) {
        await("the start-up top-up").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
            .until(() -> fleet.unitNames().size() >= 7);
        OriginalFixture.writeResponseTimesV2(etcd.endpoint(), T0, 400); // a breach: scale-up decision
        await("the scale-up decision").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
            .until(() -> OriginalFixture.get("http://127.0.0.1:" + port + "/status").contains("SCALED"));

        Path profile = Files.createDirectories(dir.resolve("chromium-profile"));
        Path stderr = dir.resolve("chromium.err");
        Process browser = new ProcessBuilder(List.of(chromium.toString(), "--headless", "--no-sandbox", "--disable-gpu",
            "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--user-data-dir=" + profile, "--enable-logging=stderr", "--v=0",
            "--virtual-time-budget=8000", "--dump-dom", "http://127.0.0.1:" + port + "/"))
            .redirectError(stderr.toFile()).start();
        String dom = new String(browser.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(browser.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String console = Files.readString(stderr);

        // the script ran and filled every part of the page from /status and /history
        assertThat(dom).as(dom).contains("<td>a</td>").contains("<td>example</td>")
            .contains("a@12021.service").contains("RUNNING")
            .contains("data-service=\"a\"").containsPattern("<polyline points=\"[0-9.]+,[0-9.]+")
            .contains("a/up/scale_up").contains("started an instance");
        // the summary line is written by the script once both requests answered
        assertThat(dom).containsPattern("<div id=\"summary\" class=\"muted\">leader, ready — 20");
        // Chromium logs the page's console messages and uncaught errors to stderr
        assertThat(console.lines().filter(l -> l.contains("CONSOLE") || l.contains("Uncaught")).toList())
            .as(console).isEmpty();
      }
    }
  }
}
