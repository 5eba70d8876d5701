package io.dynamite.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import io.dynamite.testkit.etcd.EtcdProcess;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** {@code demo --etcd URL --short} against a real etcd: the metrics are written to etcd and the engine reads them back from there. */
class DemoWithEtcdIT {
  private static final Pattern THROUGH_ETCD =
      Pattern.compile("metrics through etcd at (\\S+): (\\d+) key\\(s\\) written under /dynamite-demo/metrics, (\\d+) consumed");

  @Test
  void shortDemoThroughARealEtcdScalesBothWays() {
    System.setProperty("sun.net.httpserver.nodelay", "true");
    try (EtcdProcess etcd = EtcdProcess.start()) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      int code = DynamiteDaemon.run(new String[] {"demo", "--short", "--etcd", etcd.endpoint()}, Map.of(),
          new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
      String text = out.toString(StandardCharsets.UTF_8);
      assertThat(code).as(text + err).isZero();
      assertThat(text).contains("metrics through etcd at " + etcd.endpoint())
          .contains("SCALED  up:").contains("SCALED  down:")
          .contains("summary: PT2H simulated").contains("0 error(s)");
      Matcher m = THROUGH_ETCD.matcher(text);
      assertThat(m.find()).as(text).isTrue();
      long written = Long.parseLong(m.group(2));
      long consumed = Long.parseLong(m.group(3));
      assertThat(written).isGreaterThan(100);
      // every sample the engine saw came out of etcd: the source deletes what it hands over
      assertThat(consumed).isGreaterThan(written / 2);
    }
  }
}
