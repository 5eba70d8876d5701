package io.dynamite.core.policy.tracking;

import io.dynamite.core.policy.tracking.ScalingHistory.ScaleEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Recording of applied changes (HPA {@code storeScaleEvent}): events older than the direction's
 * longest policy period are marked outdated and the last outdated slot is reused, so the log
 * stays bounded without reordering. Stateless.
 */
final class ScaleEventLog {
  private ScaleEventLog() {}

  static List<ScaleEvent> store(List<ScaleEvent> events, ScalingRules rules, int change, Instant now) {
    Instant cutoff = now.minus(rules.longestPeriod());
    List<ScaleEvent> out = new ArrayList<>(events.size() + 1);
    int reuse = -1;
    for (ScaleEvent e : events) {
      boolean outdated = e.outdated() || e.at().isBefore(cutoff);
      if (outdated) {
        reuse = out.size();
      }
      out.add(outdated == e.outdated() ? e : new ScaleEvent(e.change(), e.at(), true));
    }
    ScaleEvent entry = new ScaleEvent(change, now, false);
    if (reuse >= 0) {
      out.set(reuse, entry);
    } else {
      out.add(entry);
    }
    return out;
  }
}
