package io.dynamite.core;

import io.dynamite.api.InstanceId;
import io.dynamite.api.MetricQuery;
import io.dynamite.api.MetricSample;
import io.dynamite.api.MetricSeries;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;

/**
 * The engine-kept history of one metric stream for one service: per uuid the newest value and a
 * window of recent values. Values are kept in primitive rings (16 bytes a sample) so that a window
 * costs little per instance. Engine thread only.
 */
final class SeriesTable {
  /** A series never keeps more samples than this, whatever the window. */
  static final int MAX_SAMPLES = 64;

  private final ServiceState service;
  private final MetricQuery query;
  private final long windowNanos;
  /** Resolves (service type, uuid) to a unit name through the metric sources' registrations. */
  private final BiFunction<String, String, Optional<String>> resolver;
  private final Map<String, Series> byUuid = new HashMap<>();
  private final ArrayList<MetricSeries> list = new ArrayList<>();
  private final List<MetricSeries> view = Collections.unmodifiableList(list);

  SeriesTable(ServiceState service, MetricQuery query, long windowNanos,
      BiFunction<String, String, Optional<String>> resolver) {
    this.service = service;
    this.query = query;
    this.windowNanos = windowNanos;
    this.resolver = resolver;
  }

  MetricQuery query() {
    return query;
  }

  void add(MetricSample s) {
    Series series = byUuid.get(s.uuid());
    if (series == null) {
      series = new Series(s.uuid());
      byUuid.put(s.uuid(), series);
      list.add(series);
    }
    series.add(nanos(s.timestamp()), s.value());
  }

  /** Every series, in order of first arrival; a live view for the duration of one evaluation. */
  List<MetricSeries> view() {
    return view;
  }

  int size() {
    return list.size();
  }

  /** Drops the series of uuids that sent nothing since {@code cutoff} (instances long gone). */
  void prune(Instant cutoff) {
    long c = nanos(cutoff);
    if (list.removeIf(m -> ((Series) m).latest() < c)) {
      byUuid.values().removeIf(s -> s.latest() < c);
    }
  }

  static long nanos(Instant t) {
    return t.getEpochSecond() * 1_000_000_000L + t.getNano();
  }

  static Instant instant(long nanos) {
    return Instant.ofEpochSecond(Math.floorDiv(nanos, 1_000_000_000L), Math.floorMod(nanos, 1_000_000_000L));
  }

  /** One uuid's ring of (timestamp, value), oldest at {@code head}. */
  private final class Series implements MetricSeries {
    private final String uuid;
    private long[] ts = new long[2];
    private double[] values = new double[2];
    private int head;
    private int size;

    Series(String uuid) {
      this.uuid = uuid;
    }

    long latest() {
      return ts[(head + size - 1) % ts.length];
    }

    void add(long t, double v) {
      if (size > 0 && t < latest()) {
        return; // late and out of order: the newest value stays the newest
      }
      // evict what fell out of the window; the newest sample always stays
      while (size > 0 && ts[head] < t - windowNanos) {
        head = (head + 1) % ts.length;
        size--;
      }
      if (size == ts.length) {
        if (ts.length < MAX_SAMPLES) {
          grow();
        } else {
          head = (head + 1) % ts.length;
          size--;
        }
      }
      int at = (head + size) % ts.length;
      ts[at] = t;
      values[at] = v;
      size++;
    }

    private void grow() {
      int n = Math.min(MAX_SAMPLES, ts.length * 2);
      long[] nt = new long[n];
      double[] nv = new double[n];
      for (int i = 0; i < size; i++) {
        nt[i] = ts[(head + i) % ts.length];
        nv[i] = values[(head + i) % ts.length];
      }
      ts = nt;
      values = nv;
      head = 0;
    }

    @Override
    public String uuid() {
      return uuid;
    }

    @Override
    public Optional<InstanceId> instance() {
      if (uuid.isEmpty()) {
        return Optional.empty();
      }
      Optional<String> unit = resolver.apply(query.serviceType(), uuid);
      if (unit.isEmpty() || service.get(unit.get()) == null) {
        return Optional.empty();
      }
      service.noteUuid(unit.get(), uuid);
      return Optional.of(new InstanceId(service.id(), unit.get()));
    }

    @Override
    public double latestValue() {
      return values[(head + size - 1) % ts.length];
    }

    @Override
    public Instant latestAt() {
      return instant(latest());
    }

    @Override
    public List<MetricSample> window() {
      List<MetricSample> out = new ArrayList<>(size);
      for (int i = 0; i < size; i++) {
        int at = (head + i) % ts.length;
        out.add(new MetricSample(query, uuid, instant(ts[at]), values[at]));
      }
      return List.copyOf(out);
    }

    @Override
    public String toString() {
      return "MetricSeries[" + query.metric() + " " + (uuid.isEmpty() ? "aggregated" : uuid) + " = " + latestValue() + " at " + latestAt() + "]";
    }
  }
}
