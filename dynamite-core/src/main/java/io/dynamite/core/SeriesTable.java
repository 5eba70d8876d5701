package io.dynamite.core;

import io.dynamite.api.InstanceId;
import io.dynamite.api.MetricQuery;
import io.dynamite.api.MetricSample;
import io.dynamite.api.MetricSeries;
import java.time.Instant;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;
import org.jspecify.annotations.Nullable;

/**
 * The engine-kept history of one metric stream for one service: per uuid the newest value and,
 * when the engine keeps a window, a ring of recent values. The newest values sit in parallel
 * primitive arrays indexed by series, so that the per-sample update of a large fleet touches
 * little memory; the rings (16 bytes a sample) exist only when a window is kept. Engine thread
 * only.
 */
final class SeriesTable {
  /** A series never keeps more samples than this, whatever the window; a power of two. */
  static final int MAX_SAMPLES = 32;
  private static final long NONE = Long.MIN_VALUE;

  private final ServiceState service;
  private final MetricQuery query;
  private final long windowNanos;
  /** Resolves (service type, uuid) to a unit name through the metric sources' registrations. */
  private final BiFunction<String, String, Optional<String>> resolver;
  private final Map<String, Integer> indexOf = new HashMap<>();
  private final ArrayList<List<MetricSample>> pending = new ArrayList<>(1);
  private String[] uuids = new String[4];
  private long[] latestTs = new long[4];
  private double[] latestValue = new double[4];
  /** Per series its ring, or null when no window is kept. */
  private @Nullable Ring[] rings;
  private @Nullable Series[] views = new Series[4];
  private int count;
  /** Where the next sample's series probably is. */
  private int cursor;
  private final List<MetricSeries> view = new AbstractList<>() {
    @Override
    public MetricSeries get(int i) {
      if (i < 0 || i >= count) {
        throw new IndexOutOfBoundsException(i);
      }
      Series s = views[i];
      if (s == null) {
        s = new Series(i);
        views[i] = s;
      }
      return s;
    }

    @Override
    public int size() {
      return count;
    }
  };

  SeriesTable(ServiceState service, MetricQuery query, long windowNanos,
      BiFunction<String, String, Optional<String>> resolver) {
    this.service = service;
    this.query = query;
    this.windowNanos = windowNanos;
    this.resolver = resolver;
    this.rings = windowNanos > 0 ? new Ring[4] : null;
  }

  MetricQuery query() {
    return query;
  }

  /**
   * Takes a run of samples to fold in when the service is evaluated: by then the policies read the
   * same samples, so they are touched while they are in the CPU cache instead of twice.
   */
  void offer(List<MetricSample> run) {
    pending.add(run);
  }

  /** Folds what was offered since the last call into the series. */
  void fold() {
    if (pending.isEmpty()) {
      return;
    }
    for (int r = 0; r < pending.size(); r++) {
      List<MetricSample> run = pending.get(r);
      for (int k = 0, n = run.size(); k < n; k++) {
        add(run.get(k));
      }
    }
    pending.clear();
  }

  void add(MetricSample s) {
    // Sources deliver a stream's uuids in the same order pass after pass, usually as the same
    // String objects: try the series after the last one first and hash only on a miss.
    String uuid = s.uuid();
    int i = cursor < count ? cursor : 0;
    if (count == 0 || !(uuids[i] == uuid || uuids[i].equals(uuid))) {
      Integer known = indexOf.get(uuid);
      i = known != null ? known : append(uuid);
    }
    cursor = i + 1;
    long t = nanos(s.timestamp());
    if (latestTs[i] != NONE && t < latestTs[i]) {
      return; // late and out of order: the newest value stays the newest
    }
    latestTs[i] = t;
    latestValue[i] = s.value();
    if (rings != null) {
      rings[i].add(t, s.value(), windowNanos);
    }
  }

  private int append(String uuid) {
    if (count == uuids.length) {
      int n = count * 2;
      uuids = Arrays.copyOf(uuids, n);
      latestTs = Arrays.copyOf(latestTs, n);
      latestValue = Arrays.copyOf(latestValue, n);
      views = Arrays.copyOf(views, n);
      if (rings != null) {
        rings = Arrays.copyOf(rings, n);
      }
    }
    int i = count++;
    uuids[i] = uuid;
    latestTs[i] = NONE;
    views[i] = null;
    if (rings != null) {
      rings[i] = new Ring();
    }
    indexOf.put(uuid, i);
    return i;
  }

  /** Every series, in order of first arrival; a live view for the duration of one evaluation. */
  List<MetricSeries> view() {
    return view;
  }

  int size() {
    return count;
  }

  /** Drops the series of uuids that sent nothing since {@code cutoff} (instances long gone). */
  void prune(Instant cutoff) {
    long c = nanos(cutoff);
    int kept = 0;
    for (int i = 0; i < count; i++) {
      if (latestTs[i] >= c) {
        uuids[kept] = uuids[i];
        latestTs[kept] = latestTs[i];
        latestValue[kept] = latestValue[i];
        if (rings != null) {
          rings[kept] = rings[i];
        }
        kept++;
      }
    }
    if (kept == count) {
      return;
    }
    for (int i = kept; i < count; i++) {
      uuids[i] = null;
      if (rings != null) {
        rings[i] = null;
      }
    }
    Arrays.fill(views, null); // views point at positions, which moved
    count = kept;
    cursor = 0;
    indexOf.clear();
    for (int i = 0; i < count; i++) {
      indexOf.put(uuids[i], i);
    }
  }

  static long nanos(Instant t) {
    return t.getEpochSecond() * 1_000_000_000L + t.getNano();
  }

  static Instant instant(long nanos) {
    return Instant.ofEpochSecond(Math.floorDiv(nanos, 1_000_000_000L), Math.floorMod(nanos, 1_000_000_000L));
  }

  /** Recent (timestamp, value) pairs of one uuid, oldest at {@code head}. */
  private static final class Ring {
    private long[] ts = new long[2];
    private double[] values = new double[2];
    private int head;
    private int size;

    void add(long t, double v, long windowNanos) {
      // evict what fell out of the window; the newest sample always stays
      // capacities are powers of two, so positions wrap with a mask instead of a division
      int mask = ts.length - 1;
      long oldest = t - windowNanos;
      while (size > 0 && ts[head] < oldest) {
        head = (head + 1) & mask;
        size--;
      }
      if (size == ts.length) {
        if (ts.length < MAX_SAMPLES) {
          grow();
          mask = ts.length - 1;
        } else {
          head = (head + 1) & mask;
          size--;
        }
      }
      int at = (head + size) & mask;
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
  }

  /** A policy's view of the series at one position. */
  private final class Series implements MetricSeries {
    private final int i;
    /** The uuid and unit of the last resolution, and its answer, reused while both are the same. */
    private @Nullable String resolvedUuid;
    private @Nullable String resolvedUnit;
    private Optional<InstanceId> resolved = Optional.empty();

    Series(int i) {
      this.i = i;
    }

    @Override
    public String uuid() {
      return uuids[i];
    }

    @Override
    public Optional<InstanceId> instance() {
      String uuid = uuids[i];
      if (uuid.isEmpty()) {
        return Optional.empty();
      }
      Optional<String> unit = resolver.apply(query.serviceType(), uuid);
      if (unit.isEmpty() || service.get(unit.get()) == null) {
        return Optional.empty();
      }
      String u = unit.get();
      service.noteUuid(u, uuid);
      // a policy asks for every series at every evaluation: the same answer, not a new one each time
      if (uuid != resolvedUuid || !u.equals(resolvedUnit)) {
        resolved = Optional.of(new InstanceId(service.id(), u));
        resolvedUuid = uuid;
        resolvedUnit = u;
      }
      return resolved;
    }

    @Override
    public double latestValue() {
      return latestValue[i];
    }

    @Override
    public Instant latestAt() {
      return instant(latestTs[i]);
    }

    @Override
    public List<MetricSample> window() {
      Ring r = rings == null ? null : rings[i];
      if (r == null) {
        return List.of(new MetricSample(query, uuids[i], latestAt(), latestValue[i]));
      }
      List<MetricSample> out = new ArrayList<>(r.size);
      for (int k = 0; k < r.size; k++) {
        int at = (r.head + k) % r.ts.length;
        out.add(new MetricSample(query, uuids[i], instant(r.ts[at]), r.values[at]));
      }
      return List.copyOf(out);
    }

    @Override
    public String toString() {
      return "MetricSeries[" + query.metric() + " " + (uuids[i].isEmpty() ? "aggregated" : uuids[i]) + " = "
          + latestValue[i] + " at " + latestAt() + "]";
    }
  }
}
