package io.dynamite.core.policy.tracking;

import io.dynamite.core.policy.StateJson;
import io.dynamite.core.policy.tracking.ScalingHistory.ScaleEvent;
import io.dynamite.core.policy.tracking.ScalingHistory.TimedRecommendation;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A {@link ScalingHistory} as the text the {@code target-tracking} policy keeps in the state store,
 * and back:
 *
 * <pre>
 * {"version":1,"started":true,"scaled_to_zero":false,
 *  "recommendations":[[5,"2015-06-18T08:00:01Z"],...],
 *  "scale_ups":[[3,"2015-06-18T08:00:01Z"],...],"scale_downs":[...]}
 * </pre>
 *
 * <p>Only what can still change a future result is written, so the text stays small however often
 * the policy is evaluated: recommendations that left both stabilization windows, scale events
 * outdated for every rate policy, and every recommendation dominated by a later one in both
 * directions (a later one at least as high keeps the scale-down window's maximum, a later one at
 * most as high the scale-up window's minimum, for as long as the earlier one could). Entries come
 * back in time order; the slot order HPA reuses does not change any result. Stateless.
 */
final class HistoryText {
  static final int VERSION = 1;

  private HistoryText() {}

  /**
   * The text of a history as of {@code now}.
   *
   * @param keepFor the longest stabilization window: older recommendations are left out
   */
  static String write(ScalingHistory h, Instant now, @Nullable Duration keepFor) {
    StringBuilder b = new StringBuilder(256);
    b.append("{\"version\":").append(VERSION)
        .append(",\"started\":").append(h.started())
        .append(",\"scaled_to_zero\":").append(h.scaledToZero())
        .append(",\"recommendations\":[");
    List<TimedRecommendation> recs = relevant(h.recommendations(), keepFor == null ? null : now.minus(keepFor));
    for (int i = 0; i < recs.size(); i++) {
      TimedRecommendation r = recs.get(i);
      b.append(i == 0 ? "" : ",").append('[').append(r.replicas()).append(",\"").append(r.at()).append("\"]");
    }
    b.append("],\"scale_ups\":");
    events(b, h.scaleUpEvents());
    b.append(",\"scale_downs\":");
    events(b, h.scaleDownEvents());
    return b.append('}').toString();
  }

  private static void events(StringBuilder b, List<ScaleEvent> events) {
    b.append('[');
    boolean first = true;
    for (ScaleEvent e : events) {
      if (!e.outdated()) {
        b.append(first ? "" : ",").append('[').append(e.change()).append(",\"").append(e.at()).append("\"]");
        first = false;
      }
    }
    b.append(']');
  }

  /**
   * The recommendations that can still matter, oldest first: newer than {@code cutoff}, and not
   * dominated in both directions by a later (or equally old, already kept) one.
   */
  static List<TimedRecommendation> relevant(List<TimedRecommendation> recs, @Nullable Instant cutoff) {
    // Of the recommendations with one count only the latest can be kept: any earlier one has a
    // later one as high and as low. So one per count is taken before sorting (a handful, where the
    // window holds hundreds), and the others change no later-than maximum or minimum, because the
    // one taken for their count is later still. Those older than the cutoff are left out too: in
    // time order they all come before the first one kept. In time order means by time and, for
    // equal times, by slot, as a stable sort gives.
    int n = recs.size();
    // a policy's own slots have the times as nanoseconds and the counts as ints: no records read
    RecommendationSlots slots = recs instanceof RecommendationSlots rs ? rs : null;
    long cut = slots == null || cutoff == null ? Long.MIN_VALUE : RecommendationSlots.nanos(cutoff);
    if (cut == RecommendationSlots.UNREPRESENTABLE && cutoff != null) {
      slots = null;
    }
    int size = Math.min(n, 16);
    int[] count = new int[size];
    long[] nanos = new long[size];
    int[] slot = new int[size];
    int m = 0;
    for (int i = 0; i < n; i++) {
      int c;
      long t = 0;
      if (slots != null) {
        t = slots.at(i);
        if (t < cut) {
          continue;
        }
        c = slots.replicas(i);
      } else {
        TimedRecommendation r = recs.get(i);
        if (cutoff != null && r.at().isBefore(cutoff)) {
          continue;
        }
        c = r.replicas();
      }
      int j = 0;
      while (j < m && count[j] != c) {
        j++;
      }
      if (j == m) {
        if (m == count.length) {
          count = Arrays.copyOf(count, m * 2);
          nanos = Arrays.copyOf(nanos, m * 2);
          slot = Arrays.copyOf(slot, m * 2);
        }
        m++;
      } else if (slots != null ? t < nanos[j] : recs.get(i).at().isBefore(recs.get(slot[j]).at())) {
        continue; // a later one of this count is taken (for equal times, the later slot: this one)
      }
      count[j] = c;
      nanos[j] = t;
      slot[j] = i;
    }
    TimedRecommendation[] latest = new TimedRecommendation[m];
    for (int j = 0; j < m; j++) {
      latest[j] = recs.get(slot[j]);
    }
    // insertion sort by (time, slot): m is the number of distinct counts, small
    for (int i = 1; i < m; i++) {
      TimedRecommendation r = latest[i];
      int si = slot[i];
      int j = i - 1;
      while (j >= 0 && (latest[j].at().compareTo(r.at()) > 0 || (latest[j].at().equals(r.at()) && slot[j] > si))) {
        latest[j + 1] = latest[j];
        slot[j + 1] = slot[j];
        j--;
      }
      latest[j + 1] = r;
      slot[j + 1] = si;
    }
    List<TimedRecommendation> kept = new ArrayList<>();
    int maxLater = Integer.MIN_VALUE;
    int minLater = Integer.MAX_VALUE;
    for (int i = m - 1; i >= 0; i--) {
      TimedRecommendation r = latest[i];
      if (r.replicas() > maxLater || r.replicas() < minLater) {
        kept.add(r);
      }
      maxLater = Math.max(maxLater, r.replicas());
      minLater = Math.min(minLater, r.replicas());
    }
    java.util.Collections.reverse(kept);
    return kept;
  }

  /**
   * Reads a text written by {@link #write}.
   *
   * @throws IllegalArgumentException if it is not one, with what is wrong
   */
  static ScalingHistory read(String text) {
    Map<String, Object> m = StateJson.parseObject(text);
    long version = StateJson.whole(StateJson.required(m, "version"), "version");
    if (version != VERSION) {
      throw new IllegalArgumentException("unknown state version " + version + " (this version reads " + VERSION + ")");
    }
    List<TimedRecommendation> recs = new ArrayList<>();
    for (Object o : StateJson.list(StateJson.required(m, "recommendations"), "recommendations")) {
      List<?> pair = pair(o, "recommendation");
      recs.add(new TimedRecommendation(StateJson.integer(pair.get(0), "recommendation count"),
          StateJson.instant(pair.get(1), "recommendation time")));
    }
    return new ScalingHistory(StateJson.bool(StateJson.required(m, "started"), "started"), recs,
        events(m, "scale_ups"), events(m, "scale_downs"),
        StateJson.bool(StateJson.required(m, "scaled_to_zero"), "scaled_to_zero"));
  }

  private static List<ScaleEvent> events(Map<String, Object> m, String key) {
    List<ScaleEvent> out = new ArrayList<>();
    for (Object o : StateJson.list(StateJson.required(m, key), key)) {
      List<?> pair = pair(o, key);
      int change = StateJson.integer(pair.get(0), key + " change");
      if (change <= 0) {
        throw new IllegalArgumentException(key + " change must be positive: " + change);
      }
      out.add(new ScaleEvent(change, StateJson.instant(pair.get(1), key + " time"), false));
    }
    return out;
  }

  private static List<?> pair(Object o, String what) {
    List<?> l = StateJson.list(o, what);
    if (l.size() != 2) {
      throw new IllegalArgumentException(what + " must be [count, time]: " + l);
    }
    return l;
  }
}
