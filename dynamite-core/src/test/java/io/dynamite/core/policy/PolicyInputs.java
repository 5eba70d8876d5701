package io.dynamite.core.policy;

import io.dynamite.api.InstanceId;
import io.dynamite.api.InstanceView;
import io.dynamite.api.MetricQuery;
import io.dynamite.api.MetricSample;
import io.dynamite.api.MetricSeries;
import io.dynamite.api.PolicyInput;
import io.dynamite.api.PolicyOutcome;
import io.dynamite.api.PolicySpec;
import io.dynamite.api.ServiceId;
import io.dynamite.api.ServiceView;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/** Hand-made policy inputs for the built-in policies' unit tests. */
public final class PolicyInputs {
  /** The service every input is for. */
  public static final ServiceId WEB = ServiceId.of("web");

  private PolicyInputs() {}

  /** A series with a fixed newest value. */
  public record Series(String uuid, @Nullable InstanceId instanceId, double latestValue, Instant latestAt)
      implements MetricSeries {
    @Override
    public Optional<InstanceId> instance() {
      return Optional.ofNullable(instanceId);
    }

    @Override
    public List<MetricSample> window() {
      return List.of();
    }
  }

  /** A spec of a type with the given settings (key, value pairs); metric null for none. */
  public static PolicySpec spec(String type, @Nullable MetricQuery metric, Object... kv) {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("type", type);
    for (int i = 0; i < kv.length; i += 2) {
      s.put((String) kv[i], kv[i + 1]);
    }
    return new PolicySpec("p", type, WEB, null, metric, s);
  }

  public static InstanceId id(int n) {
    return new InstanceId(WEB, "web@" + n + ".service");
  }

  public static InstanceView running(int n, Instant since) {
    return new InstanceView(id(n), n, InstanceView.Phase.RUNNING, since, "u" + n);
  }

  public static InstanceView starting(int n, Instant since) {
    return new InstanceView(id(n), n, InstanceView.Phase.STARTING, since, null);
  }

  /** {@code n} instances running since {@code since}, numbered 0.. */
  public static List<InstanceView> running(int n, Instant since, int from) {
    List<InstanceView> out = new ArrayList<>();
    for (int i = from; i < from + n; i++) {
      out.add(running(i, since));
    }
    return out;
  }

  /** One series per value, uuid u0.., resolved to instance 0.., all taken at {@code at}. */
  public static List<MetricSeries> values(Instant at, double... v) {
    List<MetricSeries> out = new ArrayList<>();
    for (int i = 0; i < v.length; i++) {
      out.add(new Series("u" + i, id(i), v[i], at));
    }
    return out;
  }

  public static MetricSeries aggregated(double v, Instant at) {
    return new Series(MetricSample.AGGREGATED, null, v, at);
  }

  /** An input with the service's counts taken from the instances, min 1, max 100. */
  public static PolicyInput input(List<InstanceView> instances, List<MetricSeries> series, List<MetricSample> samples,
      @Nullable PolicyOutcome previous, Instant now) {
    int running = 0;
    int starting = 0;
    int stopping = 0;
    for (InstanceView i : instances) {
      switch (i.phase()) {
        case RUNNING -> running++;
        case STARTING -> starting++;
        default -> stopping++;
      }
    }
    return new PolicyInput(new ServiceView(WEB, running, starting, stopping, 1, 100), instances, samples, series,
        previous, now);
  }

  /** An input for a service of {@code count} running instances with no metric. */
  public static PolicyInput counts(int count, Instant now) {
    return input(running(count, now.minusSeconds(86400), 0), List.of(), List.of(), null, now);
  }
}
