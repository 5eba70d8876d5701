package io.dynamite.core.policy.tracking;

import io.dynamite.core.policy.tracking.ScalingHistory.TimedRecommendation;
import java.time.Instant;
import java.util.AbstractList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.RandomAccess;
import org.jspecify.annotations.Nullable;

/**
 * The recommendation slots of one {@link TargetTrackingPolicy}, which the stabilizer changes in
 * place instead of copying. At 1-s evaluations a 300-s window keeps 300 to 600 recommendations,
 * and copying them at every evaluation was most of an evaluation's cost. Only the policy creates
 * such slots, and it never hands them out: {@link TargetTrackingPolicy#history()} returns an
 * immutable copy, so every {@link ScalingHistory} anyone else holds stays immutable. Besides the
 * records, the times are kept as epoch nanoseconds and the counts as ints, for the loops of every
 * evaluation; a time outside what a long of nanoseconds holds (before 1678 or after 2262) is not
 * taken ({@link #store} says so and the caller copies instead).
 *
 * <p>Not thread-safe; the policy's thread only. The slot order is HPA's, exactly as the copying
 * path keeps it.
 */
final class RecommendationSlots extends AbstractList<TimedRecommendation> implements RandomAccess {
  /** What {@link #nanos(Instant)} answers for a time that does not fit. */
  static final long UNREPRESENTABLE = Long.MIN_VALUE;

  private TimedRecommendation[] recs;
  private long[] at;
  private int[] replicas;
  private int size;

  private RecommendationSlots(int capacity) {
    recs = new TimedRecommendation[capacity];
    at = new long[capacity];
    replicas = new int[capacity];
  }

  /**
   * Slots holding a copy of the list, or null if a time in it does not fit.
   *
   * @param list the recommendations in slot order
   * @return the slots, or null
   */
  static @Nullable RecommendationSlots copyOf(List<TimedRecommendation> list) {
    RecommendationSlots s = new RecommendationSlots(Math.max(16, list.size() + list.size() / 4));
    for (int i = 0, n = list.size(); i < n; i++) {
      if (!s.store(-1, list.get(i))) {
        return null;
      }
    }
    return s;
  }

  /**
   * The time in epoch nanoseconds, or {@link #UNREPRESENTABLE} if it does not fit in a long.
   *
   * @param t the time
   * @return its nanoseconds since the epoch
   */
  static long nanos(Instant t) {
    long s = t.getEpochSecond();
    // Long.MIN_VALUE / 1e9 = -9223372036.85...; stay strictly inside so UNREPRESENTABLE never collides
    if (s <= -9_223_372_036L || s >= 9_223_372_035L) {
      return UNREPRESENTABLE;
    }
    return s * 1_000_000_000L + t.getNano();
  }

  /**
   * Stores a recommendation in a slot in place, or appends it.
   *
   * @param index the slot to overwrite, or -1 to append
   * @param r the recommendation
   * @return false, with nothing changed, if its time does not fit
   */
  boolean store(int index, TimedRecommendation r) {
    Objects.requireNonNull(r, "recommendation");
    long t = nanos(r.at());
    if (t == UNREPRESENTABLE) {
      return false;
    }
    int i = index;
    if (i < 0) {
      if (size == recs.length) {
        int capacity = size * 2;
        recs = Arrays.copyOf(recs, capacity);
        at = Arrays.copyOf(at, capacity);
        replicas = Arrays.copyOf(replicas, capacity);
      }
      i = size++;
    } else {
      Objects.checkIndex(i, size);
    }
    recs[i] = r;
    at[i] = t;
    replicas[i] = r.replicas();
    modCount++;
    return true;
  }

  /** The time of slot {@code i} in epoch nanoseconds. */
  long at(int i) {
    return at[i];
  }

  /** The count of slot {@code i}. */
  int replicas(int i) {
    return replicas[i];
  }

  /**
   * The slot of the earliest recommendation after {@code cutoff} whose count is below (or above)
   * {@code raw}, or -1 if none.
   */
  int earliestAfter(long cutoff, int raw, boolean below) {
    int best = -1;
    long bestAt = 0;
    for (int i = 0; i < size; i++) {
      long t = at[i];
      if (t > cutoff && (below ? replicas[i] < raw : replicas[i] > raw) && (best < 0 || t < bestAt)) {
        best = i;
        bestAt = t;
      }
    }
    return best;
  }

  @Override
  public TimedRecommendation get(int index) {
    Objects.checkIndex(index, size);
    return recs[index];
  }

  @Override
  public int size() {
    return size;
  }
}
