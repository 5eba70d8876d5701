package io.dynamite.core.policy.health;

import io.dynamite.api.InstanceView;
import io.dynamite.api.MetricHealth;
import io.dynamite.api.MetricSample;
import io.dynamite.api.RejectedSample;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Remembers, per uuid of one metric stream, the newest value's time and whether it was a usable
 * number, and judges the stream's {@link MetricHealth} against the service's instances.
 *
 * <p>Per-instance streams: an instance is accounted for when its uuid (known to the engine, see
 * {@link InstanceView#uuid()}) has a fresh usable value; instances whose uuid the engine has not
 * resolved are matched by count against the fresh uuids no resolved instance claims. Only running
 * instances that have been running for at least {@code max_sample_age} are expected to report, so
 * a new instance is not "missing" before it could have sent anything.
 *
 * <p>Kept in flat arrays: every sample of the stream passes through here once per policy, so the
 * cost per sample matters on a large fleet. Sources deliver a stream's uuids in the same order
 * pass after pass, so the slot after the last one used is tried before the index map. When the
 * wrapped policy keeps the per-uuid sample times itself ({@link SampleTimes}), only values that
 * are not numbers are kept here, and the usable times are read from the policy at each judgement.
 *
 * <p>Not thread-safe; used by one {@link MetricHealthGuard}.
 */
final class SeriesHealth {
  /** How long past {@code max_sample_age} a uuid is kept, to tell a stale instance from a silent one: 10 min. */
  private static final long FORGET_AFTER_NANOS = 600_000_000_000L;

  private final boolean aggregated;
  private final long maxAgeNanos;
  /** The wrapped policy's own sample times, read at each judgement; null: this table keeps them. */
  private final @Nullable SampleTimes times;
  private String[] uuids = new String[8];
  /** Newest arrival per slot, epoch nanos. */
  private long[] at = new long[8];
  /** Whether the newest arrival per slot was not a usable number. */
  private boolean[] invalid = new boolean[8];
  /** Why the newest arrival was unusable, per slot; null when usable. */
  private @Nullable String[] why = new String[8];
  /** The evaluation in which a resolved instance claimed the slot. */
  private int[] claimedIn = new int[8];
  private int count;
  private final Map<String, Integer> slotOf = new HashMap<>();
  private int cursor;
  private int evaluation;
  /**
   * The newest timestamp of any arrival, epoch nanos, {@link Long#MIN_VALUE} before the first. A
   * primitive: a reference stored on every evaluation of every policy costs a GC write barrier.
   */
  private long newest = Long.MIN_VALUE;

  SeriesHealth(boolean aggregated, long maxAgeNanos, @Nullable SampleTimes times) {
    this.aggregated = aggregated;
    this.maxAgeNanos = maxAgeNanos;
    this.times = times;
  }

  /** Brings the usable values' times in from the wrapped policy, when it keeps them. */
  private void sync() {
    if (times != null) {
      times.forEachNewest((uuid, t) -> {
        newest = Math.max(newest, t);
        int slot = slot(uuid);
        if (t >= at[slot]) {
          at[slot] = t;
          invalid[slot] = false;
          why[slot] = null;
        }
      });
    }
  }

  /** The newest timestamp of any value (usable or not), or null before the first. */
  @Nullable Instant newestSeen() {
    return newest == Long.MIN_VALUE ? null : instant(newest);
  }

  /** Takes in the samples and rejected values of one evaluation. */
  void absorb(List<MetricSample> samples, List<RejectedSample> rejected) {
    cursor = 0; // a pass starts with the stream's first uuid
    int n = samples.size();
    if (n > 0 && times == null) { // else the wrapped policy keeps the times, read at the judgement
      long newestAt = newest;
      for (int i = 0; i < n; i++) {
        MetricSample s = samples.get(i);
        int slot = slot(s.uuid());
        long t = nanos(s.timestamp());
        if (t >= at[slot]) {
          at[slot] = t;
          if (invalid[slot]) {
            invalid[slot] = false;
            why[slot] = null;
          }
        }
        newestAt = Math.max(newestAt, t);
      }
      newest = newestAt;
    }
    for (int i = 0, m = rejected.size(); i < m; i++) {
      RejectedSample r = rejected.get(i);
      RejectedSample.Origin o = r.origin();
      if (o == null) {
        continue;
      }
      int slot = slot(o.uuid());
      long t = nanos(o.timestamp());
      if (t >= at[slot]) {
        at[slot] = t;
        invalid[slot] = true;
        why[slot] = r.reason();
      }
      newest = Math.max(newest, t);
    }
  }

  private int slot(String uuid) {
    int c = cursor;
    if (c < count && (uuids[c] == uuid || uuids[c].equals(uuid))) {
      cursor = c + 1;
      return c;
    }
    Integer known = slotOf.get(uuid);
    int slot = known != null ? known : append(uuid);
    cursor = slot + 1;
    return slot;
  }

  private int append(String uuid) {
    if (count == uuids.length) {
      int cap = count * 2;
      uuids = Arrays.copyOf(uuids, cap);
      at = Arrays.copyOf(at, cap);
      invalid = Arrays.copyOf(invalid, cap);
      why = Arrays.copyOf(why, cap);
      claimedIn = Arrays.copyOf(claimedIn, cap);
    }
    int slot = count++;
    uuids[slot] = uuid;
    at[slot] = Long.MIN_VALUE;
    invalid[slot] = false;
    why[slot] = null;
    claimedIn[slot] = 0;
    slotOf.put(uuid, slot);
    return slot;
  }

  /** What {@link #assess} found; the counts explain a PARTIAL state. */
  record Assessment(MetricHealth state, int expected, int reporting, int stale, int silent, int notANumber,
      @Nullable Instant newest, String invalidWhy) {}

  /** Judges the stream at {@code now} against the service's instances. */
  Assessment assess(List<InstanceView> instances, Instant now) {
    sync();
    long cutoff = nanos(now) - maxAgeNanos; // fresh: at or after the cutoff
    forgetOlderThan(cutoff - Math.max(maxAgeNanos, FORGET_AFTER_NANOS));
    int freshUsable = 0;
    int freshInvalid = 0;
    String invalidWhy = "";
    long newestInvalid = Long.MIN_VALUE;
    for (int i = 0; i < count; i++) {
      if (at[i] < cutoff) {
        continue;
      }
      if (invalid[i]) {
        freshInvalid++;
        if (at[i] >= newestInvalid) {
          newestInvalid = at[i];
          invalidWhy = String.valueOf(why[i]);
        }
      } else {
        freshUsable++;
      }
    }
    if (freshUsable == 0) {
      MetricHealth state = freshInvalid > 0 ? MetricHealth.NAN
          : newest != Long.MIN_VALUE ? MetricHealth.STALE : MetricHealth.MISSING;
      return new Assessment(state, 0, 0, 0, 0, freshInvalid, newestSeen(), invalidWhy);
    }
    if (aggregated) {
      return new Assessment(MetricHealth.OK, 0, 0, 0, 0, 0, newestSeen(), "");
    }
    int mark = ++evaluation;
    int expected = 0;
    int reporting = 0;
    int stale = 0;
    int silent = 0;
    int nan = 0;
    int unresolved = 0;
    for (int i = 0, n = instances.size(); i < n; i++) {
      InstanceView iv = instances.get(i);
      if (iv.phase() != InstanceView.Phase.RUNNING) {
        continue;
      }
      boolean due = nanos(iv.since()) <= cutoff; // running long enough to have reported
      String uuid = iv.uuid();
      if (uuid == null) {
        unresolved += due ? 1 : 0;
        expected += due ? 1 : 0;
        continue;
      }
      Integer slot = slotOf.get(uuid);
      if (slot != null) {
        claimedIn[slot] = mark;
      }
      if (!due) {
        continue;
      }
      expected++;
      if (slot == null) {
        silent++;
      } else if (at[slot] < cutoff) {
        stale++;
      } else if (invalid[slot]) {
        nan++;
      } else {
        reporting++;
      }
    }
    if (unresolved > 0) {
      // match the instances the engine has no uuid for against the uuids no instance claims
      int leftUsable = 0;
      int leftInvalid = 0;
      int leftStale = 0;
      for (int i = 0; i < count; i++) {
        if (claimedIn[i] == mark) {
          continue;
        }
        if (at[i] < cutoff) {
          leftStale++;
        } else if (invalid[i]) {
          leftInvalid++;
        } else {
          leftUsable++;
        }
      }
      int covered = Math.min(unresolved, leftUsable);
      reporting += covered;
      int rest = unresolved - covered;
      int n1 = Math.min(rest, leftInvalid);
      int n2 = Math.min(rest - n1, leftStale);
      nan += n1;
      stale += n2;
      silent += rest - n1 - n2;
    }
    MetricHealth state = reporting == expected ? MetricHealth.OK
        : reporting > 0 ? MetricHealth.PARTIAL
        // fresh values only from uuids of no instance: the instances themselves have nothing fresh
        : nan > 0 ? MetricHealth.NAN : newest != Long.MIN_VALUE ? MetricHealth.STALE : MetricHealth.MISSING;
    return new Assessment(state, expected, reporting, stale, silent, nan, newestSeen(), invalidWhy);
  }

  /** Drops the uuids whose newest arrival is older than {@code limit} (instances long gone). */
  private void forgetOlderThan(long limit) {
    int kept = 0;
    for (int i = 0; i < count; i++) {
      if (at[i] >= limit) {
        if (kept != i) {
          uuids[kept] = uuids[i];
          at[kept] = at[i];
          invalid[kept] = invalid[i];
          why[kept] = why[i];
          claimedIn[kept] = claimedIn[i];
        }
        kept++;
      }
    }
    if (kept == count) {
      return;
    }
    for (int i = kept; i < count; i++) {
      uuids[i] = null;
      why[i] = null;
    }
    count = kept;
    cursor = 0;
    slotOf.clear();
    for (int i = 0; i < count; i++) {
      slotOf.put(uuids[i], i);
    }
  }

  /** Tells whether a uuid's newest value is a usable number and fresh at {@code now}. */
  boolean freshAndUsable(String uuid, Instant now) {
    sync();
    Integer slot = slotOf.get(uuid);
    return slot != null && !invalid[slot] && at[slot] >= nanos(now) - maxAgeNanos;
  }

  /**
   * When the judgement could turn worse by itself: the earliest time a fresh usable value goes
   * stale, or a running instance becomes due to report. Null when nothing can change without new
   * input.
   */
  @Nullable Instant nextChange(List<InstanceView> instances, Instant now) {
    sync();
    long cutoff = nanos(now) - maxAgeNanos;
    long next = Long.MAX_VALUE;
    for (int i = 0; i < count; i++) {
      if (!invalid[i] && at[i] >= cutoff) {
        next = Math.min(next, plus(at[i], maxAgeNanos + 1)); // stale strictly after max_sample_age
      }
    }
    if (!aggregated) {
      for (int i = 0, n = instances.size(); i < n; i++) {
        InstanceView iv = instances.get(i);
        long since = nanos(iv.since());
        if (iv.phase() == InstanceView.Phase.RUNNING && since > cutoff) {
          next = Math.min(next, plus(since, maxAgeNanos));
        }
      }
    }
    return next == Long.MAX_VALUE ? null : instant(next);
  }

  /** Epoch nanos; engine times and sample timestamps fit a long (see {@link MetricSample#EARLIEST}). */
  static long nanos(Instant t) {
    return t.getEpochSecond() * 1_000_000_000L + t.getNano();
  }

  private static long plus(long a, long b) {
    long r = a + b;
    return ((a ^ r) & (b ^ r)) < 0 ? Long.MAX_VALUE : r; // b is positive: only overflow upwards
  }

  static Instant instant(long nanos) {
    return Instant.ofEpochSecond(Math.floorDiv(nanos, 1_000_000_000L), Math.floorMod(nanos, 1_000_000_000L));
  }
}
