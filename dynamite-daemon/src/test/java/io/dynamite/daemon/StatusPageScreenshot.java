package io.dynamite.daemon;

import io.dynamite.testkit.etcd.EtcdProcess;
import io.dynamite.sandbox.fleet.FakeFleetServer;
import io.dynamite.testkit.prometheus.GaugeExporter;
import io.dynamite.testkit.prometheus.PrometheusProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Produces the README's screenshot of the status page ({@code docs/img/status-page.png}): the
 * daemon jar runs against a real etcd, {@link FakeFleetServer} and a real Prometheus that scrapes
 * an exporter of one {@code load} gauge per instance; the load is a demand curve shared by the
 * running instances, a {@code target-tracking} policy keeps it near 60, and after a few minutes
 * headless Chromium takes the screenshot. Not a test: a program, run by hand (see README,
 * "Operating").
 *
 * <p>Arguments: the PNG to write (default {@code docs/img/status-page.png}) and the minutes to run
 * (default 5).
 */
public final class StatusPageScreenshot {
  private StatusPageScreenshot() {}

  /**
   * Runs the scene and writes the screenshot.
   *
   * @param args output file and minutes
   * @throws Exception if anything fails
   */
  public static void main(String[] args) throws Exception {
    Path out = Path.of(args.length > 0 ? args[0] : "docs/img/status-page.png").toAbsolutePath();
    long minutes = args.length > 1 ? Long.parseLong(args[1]) : 5;
    Path dir = Files.createTempDirectory("dynamite-screenshot-");
    Path units = Files.createDirectories(dir.resolve("units"));
    Files.writeString(units.resolve("web@.service"), "[Unit]\nDescription=web %i\n\n[Service]\nExecStart=/usr/bin/web --port %i\n");
    try (GaugeExporter exporter = GaugeExporter.start();
        PrometheusProcess prometheus = PrometheusProcess.start(
            PrometheusProcess.scrapeConfig("web", Duration.ofSeconds(1), List.of(exporter.target())));
        EtcdProcess etcd = EtcdProcess.start();
        FakeFleetServer fleet = FakeFleetServer.start()) {
      Path config = dir.resolve("dynamite.yaml");
      Files.writeString(config, """
          Dynamite:
            ServiceFiles: {PathList: ['%s']}
            ETCD: {application_base_path: /services, metrics_base_path: /metrics}
            MetricSource:
              type: prometheus
              url: %s
              interval: 2s
              queries:
                load: {query: 'load{job="web"}', instance_label: number, unit_name: 'web@{}.service'}
            Service:
              web:
                name_of_unit_file: web@.service
                min_instance: 2
                max_instance: 8
                base_instance_prefix_number: 8080
                ports_per_instance: 1
                policies: [load]
            ScalingPolicy:
              load:
                type: target-tracking
                service_type: web
                metric: load
                target: 60
                behavior:
                  scale_down: {stabilization_window: 30, policies: [{type: pods, value: 1, period: 15}]}
          """.formatted(units, prometheus.url()));
      int port = DaemonEndToEndIT.freePort();
      try (DaemonProcess d = DaemonProcess.start(dir.resolve("daemon.log"), Map.of(), "-c", config.toString(),
          "--etcd", etcd.endpoint(), "--fleet", fleet.endpoint(), "--status-port", String.valueOf(port))) {
        long start = System.nanoTime();
        long end = start + TimeUnit.MINUTES.toNanos(minutes);
        int second = 0;
        while (System.nanoTime() < end) {
          double t = (System.nanoTime() - start) / (double) (end - start);
          // a morning ramp, a spike, an evening decline: total demand in load units
          double demand = 100 + 260 * Math.sin(Math.PI * t) + (t > 0.45 && t < 0.55 ? 120 : 0);
          List<String> running = fleet.unitNames().stream().filter(u -> u.startsWith("web@")).toList();
          Map<String, Double> share = new HashMap<>();
          for (String u : running) {
            share.put(u.substring(4, u.indexOf('.')), demand / running.size());
          }
          exporter.clear();
          share.forEach((number, v) -> exporter.set("load", Map.of("number", number), Math.round(v * 10) / 10.0));
          if (++second % 10 == 0) {
            System.out.printf("t=%.2f demand=%.0f running=%d prometheus: %s%n", t, demand, running.size(),
                OriginalFixture.get(prometheus.url() + "/api/v1/query?query=sum(load)"));
          }
          Thread.sleep(1000); // a program, not a test: the scene plays in real time
        }
        Process browser = new ProcessBuilder(List.of("/usr/bin/chromium", "--headless", "--no-sandbox", "--disable-gpu",
            "--hide-scrollbars", "--user-data-dir=" + Files.createDirectories(dir.resolve("profile")),
            "--window-size=1280,1400", "--virtual-time-budget=8000", "--screenshot=" + out,
            "http://127.0.0.1:" + port + "/"))
            .redirectErrorStream(true).redirectOutput(dir.resolve("chromium.log").toFile()).start();
        if (!browser.waitFor(120, TimeUnit.SECONDS) || !Files.exists(out)) {
          throw new IllegalStateException("no screenshot; see " + dir.resolve("chromium.log"));
        }
        System.out.println("wrote " + out + "; daemon log " + dir.resolve("daemon.log"));
        System.out.println(OriginalFixture.get("http://127.0.0.1:" + port + "/status"));
        d.terminate(30);
      }
    }
  }
}
