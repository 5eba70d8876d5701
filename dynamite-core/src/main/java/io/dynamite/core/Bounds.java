package io.dynamite.core;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The bounds stage: turns the combined recommendation into the count the service may have now.
 * Clamps it to min/max (counting starts in flight, so concurrent actions never overshoot max or
 * undershoot min: B8, B20), tops a service below min_instance up even without a recommendation,
 * and holds every change while the service backs off after failures. Every clamp is explained.
 */
final class Bounds {
  /**
   * The count a service may have now.
   *
   * @param current running plus starting instances
   * @param desired the count to move to
   * @param clamps every limit that changed the recommendation, for humans
   * @param limit for a clamp that left nothing to do, the old-style explanation ("max_instance 5
   *     reached (...)"); null otherwise
   * @param refusal why nothing may change now (backoff), or null
   * @param topUp true when the change only tops the service up to min_instance
   */
  record Decision(int current, int desired, List<String> clamps, @Nullable String limit,
      @Nullable String refusal, boolean topUp) {
    int delta() {
      return refusal != null ? 0 : desired - current;
    }
  }

  Decision apply(ServiceState s, @Nullable Integer wanted, Instant now) {
    int current = s.projected();
    int min = s.config.minInstance();
    int max = s.config.effectiveMax();
    int desired;
    boolean topUp = false;
    List<String> clamps = new ArrayList<>(1);
    String limit = null;
    if (wanted == null) {
      desired = current;
      if (current < min) {
        desired = min;
        topUp = true;
      }
    } else {
      desired = wanted;
      if (desired > max) {
        clamps.add("max_instance " + max);
        desired = max;
        if (desired <= current) {
          limit = "max_instance " + max + " reached (" + s.describeCounts() + ")";
        }
      }
      if (desired < min) {
        clamps.add("min_instance " + min);
        desired = min;
        if (desired >= current) {
          limit = "min_instance " + min + " reached (" + s.describeCounts() + ")";
        }
      }
    }
    if (wanted != null && wanted > current && desired < current) {
      desired = current; // a scale-up is never turned into a scale-down by a lowered max
    }
    String refusal = null;
    if (desired != current && s.backoffUntil != null && now.isBefore(s.backoffUntil)) {
      refusal = "the previous action failed; next attempt at " + s.backoffUntil;
    }
    return new Decision(current, desired, clamps, limit, refusal, topUp && clamps.isEmpty());
  }
}
