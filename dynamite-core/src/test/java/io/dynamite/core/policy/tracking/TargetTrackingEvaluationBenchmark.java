package io.dynamite.core.policy.tracking;

import io.dynamite.api.InstanceId;
import io.dynamite.api.InstanceView;
import io.dynamite.api.MetricQuery;
import io.dynamite.api.MetricSample;
import io.dynamite.api.MetricSeries;
import io.dynamite.api.PolicyInput;
import io.dynamite.api.PolicySpec;
import io.dynamite.api.ScalingDecision;
import io.dynamite.api.ServiceId;
import io.dynamite.api.ServiceView;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cost of one {@code target-tracking} evaluation for a service of 100 running instances, each
 * reporting a per-instance utilization, with the default behavior (a 300 s scale-down window, so
 * the policy's recommendation history is full after the warm-up). Every invocation is one second
 * later than the previous one, as at a sample a second; the load wanders around the target, so
 * evaluations hold within the tolerance most of the time and sometimes recommend.
 *
 * <p>Run: see docs/benchmarks.md.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class TargetTrackingEvaluationBenchmark {
  private static final ServiceId WEB = ServiceId.of("web");

  @Param({"100"})
  int instances;

  private TargetTrackingPolicy policy;
  private List<InstanceView> views;
  private MutableSeries[] series;
  private List<MetricSeries> seriesList;
  private Instant now;
  private long step;

  /** A series the benchmark moves forward. */
  static final class MutableSeries implements MetricSeries {
    final String uuid;
    final InstanceId id;
    double value;
    Instant at;

    MutableSeries(String uuid, InstanceId id) {
      this.uuid = uuid;
      this.id = id;
    }

    @Override
    public String uuid() {
      return uuid;
    }

    @Override
    public Optional<InstanceId> instance() {
      return Optional.of(id);
    }

    @Override
    public double latestValue() {
      return value;
    }

    @Override
    public Instant latestAt() {
      return at;
    }

    @Override
    public List<MetricSample> window() {
      return List.of();
    }
  }

  /** Builds the policy and 100 instances with their series. */
  @Setup
  public void setUp() {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("type", "target-tracking");
    s.put("target", 60);
    PolicySpec spec = new PolicySpec("cpu", "target-tracking", WEB, null, new MetricQuery("web", "cpu", false), s);
    policy = new TargetTrackingPolicy(TargetTrackingSettings.parse(spec), null);
    now = Instant.parse("2030-01-01T00:00:00Z");
    List<InstanceView> v = new ArrayList<>();
    series = new MutableSeries[instances];
    List<MetricSeries> l = new ArrayList<>();
    for (int i = 0; i < instances; i++) {
      InstanceId id = new InstanceId(WEB, "web@" + i + ".service");
      v.add(new InstanceView(id, i, InstanceView.Phase.RUNNING, now.minusSeconds(3600), "u" + i));
      series[i] = new MutableSeries("u" + i, id);
      l.add(series[i]);
    }
    views = List.copyOf(v);
    seriesList = List.copyOf(l);
  }

  /** One evaluation, one second after the previous one. */
  @Benchmark
  public ScalingDecision evaluate() {
    step++;
    now = now.plusSeconds(1);
    // the fleet's load wanders slowly around the target of 60 %
    double base = 60 + 8 * Math.sin(step / 120.0);
    for (int i = 0; i < series.length; i++) {
      series[i].value = base + (i % 7) - 3;
      series[i].at = now;
    }
    ServiceView view = new ServiceView(WEB, instances, 0, 0, 1, 1000);
    return policy.evaluate(new PolicyInput(view, views, List.of(), seriesList, null, now));
  }
}
