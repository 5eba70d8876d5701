package io.dynamite.daemon;

import io.dynamite.api.event.DecisionRecord;
import io.dynamite.core.EngineSnapshot;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The last hours of each service's instance counts, desired count and policy metric, sampled from
 * engine snapshots at a fixed interval, for the status page's chart. Bounded; thread-safe.
 */
final class StatusHistory {
  private final int capacity;
  private final ArrayDeque<Map<String, Object>> points = new ArrayDeque<>();
  /** Per service, the desired count and metric of its latest decision, kept after it leaves the snapshot. */
  private final Map<String, DecisionRecord> latest = new HashMap<>();

  StatusHistory(int capacity) {
    this.capacity = capacity;
  }

  /** Records a point unless the newest one is younger than {@code minSpacing}. */
  synchronized void recordIfDue(EngineSnapshot s, java.time.Duration minSpacing) {
    if (!points.isEmpty()) {
      java.time.Instant last = java.time.Instant.parse((String) points.peekLast().get("at"));
      if (s.at().isBefore(last.plus(minSpacing))) {
        return;
      }
    }
    record(s);
  }

  synchronized void record(EngineSnapshot s) {
    for (DecisionRecord r : s.recentDecisions()) {
      String service = r.service().service().toString();
      DecisionRecord known = latest.get(service);
      if (known == null || !r.at().isBefore(known.at())) {
        latest.put(service, r);
      }
    }
    Map<String, Object> services = new LinkedHashMap<>();
    for (EngineSnapshot.ServiceSnapshot svc : s.services()) {
      String name = svc.view().service().toString();
      DecisionRecord last = latest.get(name);
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("running", svc.view().running());
      m.put("starting", svc.view().starting());
      m.put("desired", last != null && last.desired() != null ? last.desired() : svc.view().projected());
      m.put("metric", last == null ? null : last.lastValue());
      services.put(name, m);
    }
    Map<String, Object> point = new LinkedHashMap<>();
    point.put("at", s.at().toString());
    point.put("services", services);
    points.addLast(point);
    while (points.size() > capacity) {
      points.removeFirst();
    }
  }

  synchronized Map<String, Object> toJson() {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("points", new ArrayList<>(points));
    return out;
  }

  synchronized List<Map<String, Object>> points() {
    return new ArrayList<>(points);
  }
}
