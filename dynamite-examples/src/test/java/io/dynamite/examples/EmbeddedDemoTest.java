package io.dynamite.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class EmbeddedDemoTest {
  @Test
  void theDemoScalesUpForTheSpikeAndBackDownAfterIt() {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    EmbeddedDemo.Summary s = new EmbeddedDemo(new PrintStream(buf, true, StandardCharsets.UTF_8), Duration.ofHours(5)).run();
    String out = buf.toString(StandardCharsets.UTF_8);
    assertThat(s.errors()).isZero();
    assertThat(s.peak()).isGreaterThan(2).isLessThanOrEqualTo(8);
    assertThat(s.scaleDowns()).isPositive();
    assertThat(out).contains("SCALED  up  : cpu_user > 70").contains("SCALED  down: cpu_user < 25").contains("summary:");
  }
}
