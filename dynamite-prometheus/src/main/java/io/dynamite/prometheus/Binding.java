package io.dynamite.prometheus;

import io.dynamite.api.MetricQuery;
import io.dynamite.api.MetricSample;
import io.dynamite.api.RejectedSample;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;

/**
 * One stream the engine reads, bound to the configured query that answers it, and the rules that
 * turn the query's points into samples: an aggregated stream needs exactly one series; a
 * per-instance stream needs the instance label on every series, each value once. Values that are
 * not finite numbers, and series that break these rules, are rejected with a reason; they never
 * become a sample, and in particular never a zero. Used by the source's query thread only.
 */
final class Binding {
  final MetricQuery query;
  /** The configured key that answers the stream: {@code metric} or {@code service_type/metric}. */
  final String key;
  final PrometheusQuery spec;
  final QueryHealth health;
  /** Why the stream cannot be queried at all, or null. */
  final @Nullable String unusable;

  Binding(MetricQuery query, String key, PrometheusQuery spec, Logger log) {
    this.query = query;
    this.key = key;
    this.spec = spec;
    this.health = new QueryHealth("'" + key + "' (service_type " + query.serviceType() + ")", log);
    this.unusable = !query.aggregated() && spec.instanceLabel() == null
        ? "a policy reads " + query.metric() + " of service_type " + query.serviceType()
            + " per instance, but query '" + key + "' has no instance_label to tell the instances apart"
            + " (set instance_label, or metric_aggregated: true in the policy)"
        : null;
  }

  /** The key a rejected value of this stream is reported under. */
  String rejectKey(@Nullable String series) {
    return "prometheus:" + key + (series == null ? "" : series);
  }

  /**
   * Turns the points of one answer into samples and rejected values.
   *
   * @return the number of series the answer had (0: no data)
   */
  int convert(List<ResultReader.Point> points, List<MetricSample> out, List<RejectedSample> rejected) {
    if (points.isEmpty()) {
      return 0;
    }
    if (query.aggregated()) {
      if (points.size() > 1) {
        rejected.add(new RejectedSample(rejectKey(null), points.size() + " series, but an aggregated metric needs one:"
            + " aggregate the query (sum, avg, max ...)"));
      } else {
        ResultReader.Point p = points.get(0);
        sample(p, MetricSample.AGGREGATED, rejectKey(null), out, rejected);
      }
      return points.size();
    }
    String label = java.util.Objects.requireNonNull(spec.instanceLabel());
    Map<String, Integer> seen = new HashMap<>();
    for (ResultReader.Point p : points) {
      String v = p.label(label);
      if (v != null && !v.isEmpty()) {
        seen.merge(v, 1, Integer::sum);
      }
    }
    for (ResultReader.Point p : points) {
      String v = p.label(label);
      String key = rejectKey(p.describeLabels());
      if (v == null || v.isEmpty()) {
        rejected.add(new RejectedSample(key, "series lacks the instance label " + label));
      } else if (seen.get(v) > 1) {
        rejected.add(new RejectedSample(key, seen.get(v) + " series have " + label + "=\"" + v
            + "\": aggregate the query by " + label));
      } else {
        sample(p, v, key, out, rejected);
      }
    }
    return points.size();
  }

  private void sample(ResultReader.Point p, String uuid, String key, List<MetricSample> out, List<RejectedSample> rejected) {
    Double v = p.number();
    Instant at = p.at();
    if (v == null) {
      rejected.add(new RejectedSample(key, "value is not a number: " + p.value()));
    } else if (!Double.isFinite(v)) {
      rejected.add(new RejectedSample(key, "value is " + p.value() + " (not a finite number)"));
    } else if (at == null || !MetricSample.inRange(at)) {
      rejected.add(new RejectedSample(key, "unusable timestamp"));
    } else {
      out.add(new MetricSample(query, uuid, at, v));
    }
  }
}
