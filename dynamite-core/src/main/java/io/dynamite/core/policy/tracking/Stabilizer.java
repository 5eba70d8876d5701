package io.dynamite.core.policy.tracking;

import io.dynamite.core.policy.tracking.ScalingHistory.TimedRecommendation;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Stabilization over the recommendation history: the behavior form (two windows, HPA {@code
 * stabilizeRecommendationWithBehaviors}) and the legacy form used without a behavior (HPA {@code
 * stabilizeRecommendation}). Both also store the new recommendation, overwriting the last entry
 * too old to matter so the history stays bounded. Stateless; a target-tracking policy's own slots
 * ({@link RecommendationSlots}) are changed in place, every other history is copied.
 */
final class Stabilizer {
  private Stabilizer() {}

  /** The stabilized count, the AbleToScale-style reason and the updated recommendations. */
  record Result(int replicas, String reason, List<TimedRecommendation> recommendations) {}

  /**
   * {@code min(max(current, lowest recommendation within the up window), highest within the down
   * window)}, each window including the new recommendation; entries count only if strictly newer
   * than {@code now - window}.
   */
  static Result withBehavior(
      List<TimedRecommendation> history, int current, int desired, Duration upWindow, Duration downWindow, Instant now) {
    Instant upCutoff = now.minus(upWindow);
    Instant downCutoff = now.minus(downWindow);
    Instant reuseCutoff = now.minus(upWindow.compareTo(downWindow) >= 0 ? upWindow : downWindow);
    int low = desired;
    int high = desired;
    int reuse = -1;
    long up = RecommendationSlots.nanos(upCutoff);
    long down = RecommendationSlots.nanos(downCutoff);
    long old = RecommendationSlots.nanos(reuseCutoff);
    if (history instanceof RecommendationSlots slots && up != RecommendationSlots.UNREPRESENTABLE
        && down != RecommendationSlots.UNREPRESENTABLE && old != RecommendationSlots.UNREPRESENTABLE) {
      // the same loop on the policy's primitive copies of the times and counts
      for (int i = 0, n = slots.size(); i < n; i++) {
        long t = slots.at(i);
        if (t > up) {
          low = Math.min(low, slots.replicas(i));
        }
        if (t > down) {
          high = Math.max(high, slots.replicas(i));
        }
        if (t < old) {
          reuse = i;
        }
      }
    } else {
      for (int i = 0; i < history.size(); i++) {
        TimedRecommendation r = history.get(i);
        if (r.at().isAfter(upCutoff)) {
          low = Math.min(low, r.replicas());
        }
        if (r.at().isAfter(downCutoff)) {
          high = Math.max(high, r.replicas());
        }
        if (r.at().isBefore(reuseCutoff)) {
          reuse = i;
        }
      }
    }
    int result = Math.min(Math.max(current, low), high);
    String reason;
    if (result == desired) {
      reason = Reasons.READY_FOR_NEW_SCALE;
    } else {
      reason = desired >= current ? Reasons.SCALE_UP_STABILIZED : Reasons.SCALE_DOWN_STABILIZED;
    }
    return new Result(result, reason, store(history, reuse, new TimedRecommendation(desired, now)));
  }

  /**
   * {@code max(desired, every recommendation not older than now - window)}: only scale-downs are
   * stabilized.
   */
  static Result legacy(List<TimedRecommendation> history, int desired, Duration downWindow, Instant now) {
    Instant cutoff = now.minus(downWindow);
    int max = desired;
    int reuse = -1;
    for (int i = 0; i < history.size(); i++) {
      TimedRecommendation r = history.get(i);
      if (r.at().isBefore(cutoff)) {
        reuse = i;
      } else if (r.replicas() > max) {
        max = r.replicas();
      }
    }
    String reason = max != desired ? Reasons.SCALE_DOWN_STABILIZED : Reasons.READY_FOR_NEW_SCALE;
    return new Result(max, reason, store(history, reuse, new TimedRecommendation(desired, now)));
  }

  /**
   * The history with the entry stored: in place in a policy's own {@link RecommendationSlots},
   * which it then is; otherwise in a new immutable list.
   */
  private static List<TimedRecommendation> store(
      List<TimedRecommendation> history, int reuse, TimedRecommendation entry) {
    if (history instanceof RecommendationSlots slots && slots.store(reuse, entry)) {
      return slots;
    }
    return FrozenList.withSlot(history, reuse, entry);
  }
}
