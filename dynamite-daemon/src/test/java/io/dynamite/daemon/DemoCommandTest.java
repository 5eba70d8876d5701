package io.dynamite.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The README's first command, in short mode: it finishes by itself, scales up for the spike and back down. */
class DemoCommandTest {
  @Test
  void shortDemoRunsToCompletionAndScalesBothWays() {
    System.setProperty("sun.net.httpserver.nodelay", "true");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    long t0 = System.nanoTime();
    int code = DynamiteDaemon.run(new String[] {"demo", "--short"}, Map.of(),
        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    long seconds = (System.nanoTime() - t0) / 1_000_000_000L;
    String text = out.toString(StandardCharsets.UTF_8);
    assertThat(code).as(text + err).isZero();
    assertThat(seconds).isLessThan(60);
    assertThat(text).contains("SCALED  up:").contains("SCALED  down:").contains("started webserver@8082.service")
        .contains("summary: PT2H simulated").contains("0 error(s)");
  }
}
