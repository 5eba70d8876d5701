package io.dynamite.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.dynamite.api.MetricQuery;
import io.dynamite.api.MetricSample;
import io.dynamite.core.config.DynamiteConfig;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The recording format and the demand a replay builds from it, on hand-computed samples. */
class RecordingTest {
  @TempDir Path dir;

  private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");
  private static final MetricQuery CPU = new MetricQuery("webserver", "cpu_user", false);
  private static final MetricQuery RPS = new MetricQuery("loadbalancer", "requests", true);

  private static Recording.Sample cpu(double seconds, String uuid, double value) {
    return new Recording.Sample(T0.plusMillis(Math.round(seconds * 1000)), CPU, uuid, "web@" + uuid + ".service", value);
  }

  @Test
  void writesAndReadsBackEverySample() throws Exception {
    List<Recording.Sample> samples = List.of(
        cpu(0, "a", 42.5),
        new Recording.Sample(T0.plusMillis(250), new MetricQuery("odd,type", "say \"hi\"", false), "u,1", null, 1e-7),
        new Recording.Sample(T0.plusSeconds(1), RPS, MetricSample.AGGREGATED, null, 1234));
    StringWriter w = new StringWriter();
    try (Recording.RecordingWriter rw = new Recording.RecordingWriter(w, List.of("from a test", "two\nlines"))) {
      for (Recording.Sample s : samples) {
        rw.write(s);
      }
      assertThat(rw.written()).isEqualTo(3);
    }
    String text = w.toString();
    assertThat(text).startsWith("# from a test\n# two lines\n" + Recording.HEADER + "\n")
        .contains("2030-01-01T00:00:00Z,webserver,cpu_user,false,a,web@a.service,42.5\n")
        .contains("\"odd,type\",\"say \"\"hi\"\"\",false,\"u,1\",,1.0E-7\n")
        .contains("2030-01-01T00:00:01Z,loadbalancer,requests,true,,,1234.0\n");
    Recording back = Recording.parse(new StringReader(text), "rec.csv");
    assertThat(back.samples()).isEqualTo(samples);
    assertThat(back.streams()).containsExactly(CPU, new MetricQuery("odd,type", "say \"hi\"", false), RPS);

    Path file = Files.writeString(dir.resolve("rec.csv"), text);
    assertThat(Recording.isRecording(file)).isTrue();
    assertThat(Recording.read(file).samples()).hasSize(3);
    Path trace = Files.writeString(dir.resolve("trace.csv"), "t_seconds,demand\n0,1\n");
    assertThat(Recording.isRecording(trace)).isFalse();
  }

  @Test
  void malformedRowsNameTheirLine() {
    String h = Recording.HEADER + "\n";
    assertThatThrownBy(() -> Recording.parse(new StringReader("t,d\n"), "r")).hasMessageContaining("line 1").hasMessageContaining("header");
    assertThatThrownBy(() -> Recording.parse(new StringReader(h + "2030-01-01T00:00:00Z,w,m,false,u,,x\n"), "r"))
        .hasMessageContaining("line 2");
    assertThatThrownBy(() -> Recording.parse(new StringReader(h + "yesterday,w,m,false,u,,1\n"), "r"))
        .hasMessageContaining("line 2").hasMessageContaining("ISO-8601");
    assertThatThrownBy(() -> Recording.parse(new StringReader(h + "2030-01-01T00:00:00Z,w,m,true,u,,1\n"), "r"))
        .hasMessageContaining("aggregated sample has no uuid");
    assertThatThrownBy(() -> Recording.parse(new StringReader(h + "2030-01-01T00:00:00Z,w,m,false,u,1\n"), "r"))
        .hasMessageContaining("7 fields");
    assertThatThrownBy(() -> Recording.parse(new StringReader("# only a comment\n"), "r")).hasMessageContaining("no header");
  }

  @Test
  void perInstanceUtilizationBecomesBusyInstances() {
    // a: 50 % at 0 s, 70 % at 12 s; b: 30 % at 1 s, then silent; c joins at 25 s with 100 %
    Recording rec = Recording.of("r", List.of(cpu(0, "a", 50), cpu(1, "b", 30), cpu(12, "a", 70), cpu(25, "c", 100)));
    Trace t = rec.demand(CPU, MetricKind.UTILIZATION, Duration.ofSeconds(10), Duration.ofSeconds(15));
    assertThat(t.rows()).isEqualTo(3);
    assertThat(t.seconds()).containsExactly(0, 10, 20);
    double[] d = t.demands();
    assertThat(d[0]).isCloseTo(0.8, within(1e-12));  // 0.5 + 0.3
    assertThat(d[1]).isCloseTo(1.0, within(1e-12));  // a's new 0.7 + b's 0.3 from 1 s, 9 s before the step
    assertThat(d[2]).isCloseTo(1.7, within(1e-12));  // a 0.7 (8 s old) + c 1.0; b, 19 s old, has dropped out
    assertThat(t.name()).isEqualTo("r webserver/cpu_user");
  }

  @Test
  void demandKindsAddUpAndAggregatedDemandIsTheValue() {
    Recording rec = Recording.of("r", List.of(
        new Recording.Sample(T0, RPS, MetricSample.AGGREGATED, null, 100),
        new Recording.Sample(T0.plusSeconds(4), RPS, MetricSample.AGGREGATED, null, 300),
        new Recording.Sample(T0.plusSeconds(5), RPS, MetricSample.AGGREGATED, null, 200),
        cpu(0, "a", 5), cpu(0.5, "b", 7)));
    Trace agg = rec.demand(RPS, MetricKind.DEMAND, Duration.ofSeconds(5), Recording.DEFAULT_MAX_AGE);
    assertThat(agg.demands()).containsExactly(300.0, 200.0); // the last value of each step
    Trace per = rec.demand(CPU, MetricKind.DEMAND, Duration.ofSeconds(1), Recording.DEFAULT_MAX_AGE);
    assertThat(per.demands()).containsExactly(12.0);
    assertThatThrownBy(() -> rec.demand(RPS, MetricKind.UTILIZATION, Duration.ofSeconds(1), Duration.ZERO))
        .hasMessageContaining("aggregated utilization");
    assertThatThrownBy(() -> rec.demand(CPU, MetricKind.LATENCY, Duration.ofSeconds(1), Duration.ZERO))
        .hasMessageContaining("latency");
    assertThatThrownBy(() -> rec.demand(new MetricQuery("x", "y", false), MetricKind.DEMAND, Duration.ofSeconds(1), Duration.ZERO))
        .hasMessageContaining("no sample of x/y");
  }

  @Test
  void aReplayedRecordingRunsThroughTheEngine() {
    // four instances busy at 60 % for two minutes, then at 150 % worth of load each: the service must grow
    List<Recording.Sample> samples = new java.util.ArrayList<>();
    for (int s = 0; s < 600; s += 5) {
      for (String u : new String[] {"a", "b", "c", "d"}) {
        samples.add(cpu(s, u, s < 120 ? 60 : 100));
      }
    }
    Recording rec = Recording.of("r", samples);
    Trace demand = rec.demand(CPU, MetricKind.UTILIZATION, Duration.ofSeconds(10), Recording.DEFAULT_MAX_AGE);
    assertThat(demand.demandAt(0)).isCloseTo(2.4, within(1e-12));
    assertThat(demand.peak()).isCloseTo(4.0, within(1e-12));
    DynamiteConfig config = SimConfigs.load(dir, SimConfigs.tracking(2, 20));
    SimulationResult r = Simulation.builder().config(config).trace(demand).model(ServiceModel.of(1)).run();
    assertThat(r.engineErrors()).isEmpty();
    // 4 busy instances at a 60 % target need 7
    int[] prov = r.timeline().provisioned();
    assertThat(prov[prov.length - 1]).isBetween(7, 8);
  }
}
