package io.dynamite.sandbox.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** {@code FakeFleetServer.main}: its command line, and a run as its own process stopped by SIGTERM. */
class FakeFleetStandaloneTest {
  @Test
  void defaultsAndOptions() {
    Standalone.Options d = Standalone.parse(new String[0]);
    assertThat(d).isEqualTo(new Standalone.Options(49153, "127.0.0.1", FakeFleetProfile.realistic(), 1, 100, false));
    Standalone.Options o = Standalone.parse(
        new String[] {"--port", "0", "--host", "::1", "--profile", "INSTANT", "--seed", "-5", "--page-size", "2"});
    assertThat(o).isEqualTo(new Standalone.Options(0, "::1", FakeFleetProfile.instant(), -5, 2, false));
  }

  @Test
  void badCommandLinesAreRefusedWithTheUsage() {
    assertThatThrownBy(() -> Standalone.parse(new String[] {"--port", "65536"})).hasMessage(
        "--port: expected a whole number from 0 to 65535, got \"65536\"");
    assertThatThrownBy(() -> Standalone.parse(new String[] {"--profile", "slow"})).hasMessageContaining("unknown profile \"slow\"");
    assertThatThrownBy(() -> Standalone.parse(new String[] {"--seed"})).hasMessage("--seed needs a value");
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    assertThat(Standalone.run(new String[] {"--bogus"}, out, new PrintStream(err, true, StandardCharsets.UTF_8))).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("unknown option \"--bogus\"").contains("usage:");
    ByteArrayOutputStream help = new ByteArrayOutputStream();
    assertThat(Standalone.run(new String[] {"--help"}, new PrintStream(help, true, StandardCharsets.UTF_8), out)).isZero();
    assertThat(help.toString(StandardCharsets.UTF_8)).contains("--profile NAME");
  }

  @Test
  void runsAsAProcessPrintsItsUrlServesAndStopsCleanlyOnSigterm() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        FakeFleetServer.class.getName(), "--port", "0", "--profile", "instant")
        .redirectErrorStream(true).start();
    BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    Thread reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        for (String l; (l = r.readLine()) != null; ) {
          lines.add(l);
        }
      } catch (java.io.IOException e) {
        lines.add("read failed: " + e);
      }
    });
    reader.setDaemon(true);
    reader.start();
    try {
      String first = lines.poll(60, TimeUnit.SECONDS);
      assertThat(first).as("first line of the server").isNotNull();
      Matcher m = Pattern.compile("^fake fleet \\(instant profile\\) listening on (http://127\\.0\\.0\\.1:\\d+)$").matcher(first);
      assertThat(m.matches()).as(first).isTrue();
      String endpoint = m.group(1);
      HttpClient http = HttpClient.newHttpClient();
      HttpResponse<String> machines = http.send(HttpRequest.newBuilder(URI.create(endpoint + "/fleet/v1/machines")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(machines.statusCode()).isEqualTo(200);
      assertThat(machines.body()).contains(FakeFleetServer.DEFAULT_MACHINE_ID);

      // SIGTERM through the handle: Process.destroy() would also close our end of its output
      assertThat(p.toHandle().destroy()).isTrue();
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("exits after SIGTERM").isTrue();
      reader.join(5000);
      assertThat(List.copyOf(lines)).contains("fake fleet stopped");
      assertThat(p.exitValue()).as("the JVM's exit status after SIGTERM").isEqualTo(143);
      assertThatThrownBy(() -> http.send(HttpRequest.newBuilder(URI.create(endpoint + "/fleet/v1/machines")).build(),
          HttpResponse.BodyHandlers.ofString())).isInstanceOf(ConnectException.class);
    } finally {
      p.destroyForcibly();
    }
  }
}
