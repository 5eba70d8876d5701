package io.dynamite.core.policy.health;

import io.dynamite.api.InstanceView;
import io.dynamite.api.MetricHealth;
import io.dynamite.api.MetricSample;
import io.dynamite.api.RejectedSample;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
 * <p>Not thread-safe; used by one {@link MetricHealthGuard}.
 */
final class SeriesHealth {
  /** The newest arrival of one uuid. */
  private static final class Entry {
    long at = Long.MIN_VALUE;
    boolean invalid;
    String why = "";
  }

  /** How long past {@code max_sample_age} a uuid's entry is kept: 10 minutes. */
  private static final long FORGET_AFTER_NANOS = 600_000_000_000L;

  private final boolean aggregated;
  private final long maxAgeNanos;
  private final Map<String, Entry> entries = new HashMap<>();
  /** The newest timestamp of any arrival, or null before the first. */
  private @Nullable Instant newest;

  SeriesHealth(boolean aggregated, long maxAgeNanos) {
    this.aggregated = aggregated;
    this.maxAgeNanos = maxAgeNanos;
  }

  /** The newest timestamp of any value (usable or not), or null before the first. */
  @Nullable Instant newestSeen() {
    return newest;
  }

  /** Takes in the samples and rejected values of one evaluation. */
  void absorb(List<MetricSample> samples, List<RejectedSample> rejected) {
    Entry last = null;
    String lastUuid = null;
    for (int i = 0, n = samples.size(); i < n; i++) {
      MetricSample s = samples.get(i);
      // sources deliver a uuid's samples together: look it up once per run
      if (last == null || !s.uuid().equals(lastUuid)) {
        lastUuid = s.uuid();
        last = entries.computeIfAbsent(lastUuid, u -> new Entry());
      }
      long at = nanos(s.timestamp());
      if (at >= last.at) {
        last.at = at;
        last.invalid = false;
      }
      newest = later(newest, s.timestamp());
    }
    for (RejectedSample r : rejected) {
      RejectedSample.Origin o = r.origin();
      if (o == null) {
        continue;
      }
      Entry e = entries.computeIfAbsent(o.uuid(), u -> new Entry());
      long at = nanos(o.timestamp());
      if (at >= e.at) {
        e.at = at;
        e.invalid = true;
        e.why = r.reason();
      }
      newest = later(newest, o.timestamp());
    }
  }

  /** What {@link #assess} found; the counts explain a PARTIAL state. */
  record Assessment(MetricHealth state, int expected, int reporting, int stale, int silent, int notANumber,
      @Nullable Instant newest, String invalidWhy) {}

  /** Judges the stream at {@code now} against the service's instances. */
  Assessment assess(List<InstanceView> instances, Instant now) {
    long cutoff = nanos(now) - maxAgeNanos; // fresh: at or after the cutoff
    // kept a while longer, to tell a stale instance from a silent one in reasons
    long forget = cutoff - Math.max(maxAgeNanos, FORGET_AFTER_NANOS);
    int freshUsable = 0;
    int freshInvalid = 0;
    String invalidWhy = "";
    long newestInvalid = Long.MIN_VALUE;
    for (Iterator<Entry> it = entries.values().iterator(); it.hasNext(); ) {
      Entry e = it.next();
      if (e.at < forget) {
        it.remove(); // long gone; the stream-wide newest times still remember it
      } else if (e.at >= cutoff) {
        if (e.invalid) {
          freshInvalid++;
          if (e.at >= newestInvalid) {
            newestInvalid = e.at;
            invalidWhy = e.why;
          }
        } else {
          freshUsable++;
        }
      }
    }
    if (freshUsable == 0) {
      MetricHealth state = freshInvalid > 0 ? MetricHealth.NAN
          : newest != null ? MetricHealth.STALE : MetricHealth.MISSING;
      return new Assessment(state, 0, 0, 0, 0, freshInvalid, newest, invalidWhy);
    }
    if (aggregated) {
      return new Assessment(MetricHealth.OK, 0, 0, 0, 0, 0, newest, "");
    }
    int expected = 0;
    int reporting = 0;
    int stale = 0;
    int silent = 0;
    int nan = 0;
    int unresolved = 0;
    Set<String> claimed = null;
    for (int i = 0, n = instances.size(); i < n; i++) {
      InstanceView iv = instances.get(i);
      if (iv.phase() != InstanceView.Phase.RUNNING) {
        continue;
      }
      boolean due = nanos(iv.since()) <= cutoff; // running long enough to have reported
      String uuid = iv.uuid();
      if (uuid == null) {
        if (due) {
          expected++;
          unresolved++;
        }
        continue;
      }
      if (claimed == null) {
        claimed = new HashSet<>();
      }
      claimed.add(uuid);
      Entry e = entries.get(uuid);
      boolean fresh = e != null && e.at >= cutoff;
      if (fresh && !e.invalid) {
        reporting += due ? 1 : 0;
        expected += due ? 1 : 0;
      } else if (due) {
        expected++;
        if (e == null) {
          silent++;
        } else if (!fresh) {
          stale++;
        } else {
          nan++;
        }
      }
    }
    if (unresolved > 0) {
      // match the instances the engine has no uuid for against the uuids no instance claims
      int leftUsable = 0;
      int leftInvalid = 0;
      int leftStale = 0;
      for (Map.Entry<String, Entry> me : entries.entrySet()) {
        if (claimed != null && claimed.contains(me.getKey())) {
          continue;
        }
        Entry e = me.getValue();
        if (e.at < cutoff) {
          leftStale++;
        } else if (e.invalid) {
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
        : nan > 0 ? MetricHealth.NAN : newest != null ? MetricHealth.STALE : MetricHealth.MISSING;
    return new Assessment(state, expected, reporting, stale, silent, nan, newest, invalidWhy);
  }

  /** Tells whether a uuid's newest value is a usable number and fresh at {@code now}. */
  boolean freshAndUsable(String uuid, Instant now) {
    Entry e = entries.get(uuid);
    return e != null && !e.invalid && e.at >= nanos(now) - maxAgeNanos;
  }

  /**
   * When the judgement could turn worse by itself: the earliest time a fresh usable value goes
   * stale, or a running instance becomes due to report. Null when nothing can change without new
   * input.
   */
  @Nullable Instant nextChange(List<InstanceView> instances, Instant now) {
    long cutoff = nanos(now) - maxAgeNanos;
    long next = Long.MAX_VALUE;
    for (Entry e : entries.values()) {
      if (!e.invalid && e.at >= cutoff) {
        next = Math.min(next, plus(e.at, maxAgeNanos + 1)); // stale strictly after max_sample_age
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

  private static @Nullable Instant later(@Nullable Instant a, Instant b) {
    return a == null || b.isAfter(a) ? b : a;
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
