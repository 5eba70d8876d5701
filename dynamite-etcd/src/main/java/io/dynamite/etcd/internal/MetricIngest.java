package io.dynamite.etcd.internal;

import io.dynamite.api.MetricQuery;
import io.dynamite.api.MetricSample;
import io.dynamite.api.RejectedSample;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentSkipListMap;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;

/**
 * The state both metric sources share: the queried streams, the bounded buffer of parsed samples
 * waiting for the next poll, the registrations (uuid to unit name) and the rejection log.
 *
 * <p>Changes arrive from the transport's threads ({@link #apply}); the engine thread drains them
 * ({@link #drain}). All mutable state is guarded by {@code this}; registrations live in a
 * concurrent map so that {@link #resolve} never waits for a drain.
 */
public final class MetricIngest {
  /**
   * The largest metric value read, in UTF-8 bytes: 64 KiB. Metric values are numbers or small
   * JSON objects; a larger value in a queried stream is rejected, in other streams ignored.
   */
  public static final int MAX_VALUE_BYTES = 64 * 1024;

  private static final int LOGGED_KEYS = 10_000;

  private final MetricLayout layout;
  private final int capacity;
  private final boolean consume;
  private final Logger log;

  // guarded by this
  private List<MetricQuery> queries = List.of();
  // guarded by this: entries waiting for the next poll, in arrival (= revision) order
  private List<Entry> pending = new ArrayList<>();
  // guarded by this: samples in pending
  private int pendingSamples;
  // guarded by this: keys already handed over (revision <= checkpoint) that consume mode must
  // still delete
  private final Map<String, Long> staleDeletes = new LinkedHashMap<>();
  // guarded by this: everything with a revision up to here has been seen
  private long observedRevision;
  // guarded by this
  private long dropped;
  // guarded by this
  private long rejectedTotal;
  // guarded by this: keys whose rejection was logged, bounded so that a flood cannot grow it
  private final Map<String, Boolean> loggedKeys =
      new LinkedHashMap<>(256, 0.75f, false) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
          return size() > LOGGED_KEYS;
        }
      };

  // registration key -> unit name; sorted so that a directory removal (v2 TTL expiry) removes
  // every registration under it
  private final NavigableMap<String, String> registrations = new ConcurrentSkipListMap<>();
  private volatile @Nullable Runnable signal;

  /**
   * Creates the ingest.
   *
   * @param layout the key layout
   * @param capacity the most samples buffered between polls; more are dropped and counted
   * @param consume whether handed-over keys are deleted
   * @param log the logger rejections are reported on
   */
  public MetricIngest(MetricLayout layout, int capacity, boolean consume, Logger log) {
    this.layout = layout;
    this.capacity = capacity;
    this.consume = consume;
    this.log = log;
  }

  /**
   * Returns the layout.
   *
   * @return the layout
   */
  public MetricLayout layout() {
    return layout;
  }

  /**
   * Sets the streams that are read from now on.
   *
   * @param queries the queries of the current poll
   */
  public synchronized void setQueries(List<MetricQuery> queries) {
    this.queries = List.copyOf(queries);
  }

  /**
   * Returns the queries in effect.
   *
   * @return the queries
   */
  public synchronized List<MetricQuery> queries() {
    return queries;
  }

  /**
   * Raises the observed revision, for example to a range read's header revision.
   *
   * @param revision a revision up to which every change has been applied
   */
  public synchronized void observe(long revision) {
    observedRevision = Math.max(observedRevision, revision);
  }

  /**
   * Returns the revision up to which changes have been applied.
   *
   * @return the revision
   */
  public synchronized long observedRevision() {
    return observedRevision;
  }

  /**
   * Applies one observed change.
   *
   * @param change the change
   * @param checkpoint changes at or below this revision were handed over before a restart: they
   *     are not delivered again (consume mode still deletes them)
   */
  public void apply(KeyChange change, long checkpoint) {
    String key = change.key();
    if (key.startsWith(layout.applicationPrefix())) {
      applyRegistration(change);
    }
    if (!key.startsWith(layout.metricsPrefix())) {
      // registrations arrive on their own stream, which may run ahead of the metrics stream: they
      // must not advance the checkpoint past metric changes not seen yet
      return;
    }
    if (change.removed() || change.value() == null) {
      synchronized (this) {
        observedRevision = Math.max(observedRevision, change.revision());
      }
      return;
    }
    synchronized (this) {
      observedRevision = Math.max(observedRevision, change.revision());
      if (change.revision() <= checkpoint) {
        if (consume && layout.isQueried(key, queries)) {
          staleDeletes.put(key, change.revision());
        }
        return;
      }
      long size = utf8Length(change.value());
      MetricLayout.Parsed p = size > MAX_VALUE_BYTES
          ? (layout.isQueried(key, queries)
              ? new MetricLayout.Parsed(List.of(), List.of(new RejectedSample(key,
                  "value is " + size + " bytes; the limit is " + MAX_VALUE_BYTES + " bytes")))
              : MetricLayout.Parsed.NONE)
          : layout.parse(key, change.value(), queries);
      if (!p.matched()) {
        return;
      }
      if (pendingSamples + p.samples().size() > capacity) {
        dropped += p.samples().size();
        return;
      }
      for (RejectedSample r : p.rejected()) {
        rejectedTotal++;
        if (loggedKeys.put(r.key(), Boolean.TRUE) == null) {
          log.warn("rejected metric value key={} reason={}", r.key(), r.reason());
        }
      }
      pending.add(new Entry(key, change.revision(), p.samples(), p.rejected()));
      pendingSamples += p.samples().size();
    }
    Runnable s = signal;
    if (s != null) {
      s.run(); // outside the lock: the engine's signal only queues a poll
    }
  }

  /**
   * Sets what to call whenever a sample or rejection is buffered, so that the engine polls at
   * once instead of on a timer.
   *
   * @param signal cheap and non-blocking; called on the watch's thread
   */
  public void signalTo(Runnable signal) {
    this.signal = signal;
  }

  /** Asks the engine for a poll now, for example so that a poll lists again after a watch failure. */
  public void signal() {
    Runnable s = signal;
    if (s != null) {
      s.run();
    }
  }

  /**
   * Records a value too large to be read at all (its listing exceeded the transport's message
   * limit even alone): rejected if its stream is queried, else ignored.
   *
   * @param key the key
   * @param revision its mod revision
   * @param checkpoint as for {@link #apply}
   */
  public void applyUnreadable(String key, long revision, long checkpoint) {
    synchronized (this) {
      observedRevision = Math.max(observedRevision, revision);
      if (revision <= checkpoint || !layout.isQueried(key, queries)) {
        return;
      }
      RejectedSample r = new RejectedSample(key, "value is larger than the etcd client's message limit;"
          + " the limit is " + MAX_VALUE_BYTES + " bytes");
      rejectedTotal++;
      if (loggedKeys.put(key, Boolean.TRUE) == null) {
        log.warn("rejected metric value key={} reason={}", key, r.reason());
      }
      pending.add(new Entry(key, revision, List.of(), List.of(r)));
    }
  }

  /**
   * Forgets the revisions seen, after etcd was found to hold other data (restored or wiped):
   * revisions there start again and the old ones say nothing about the new keys.
   */
  public synchronized void resetRevision() {
    observedRevision = 0;
    staleDeletes.clear();
  }

  /** UTF-8 length of a string, counted only as far as needed to exceed the value limit. */
  private static long utf8Length(String s) {
    if (s.length() * 3L <= MAX_VALUE_BYTES) {
      return s.length(); // any UTF-8 length is at most 3 bytes per char: surely within the limit
    }
    if (s.length() > MAX_VALUE_BYTES) {
      return java.nio.charset.StandardCharsets.UTF_8.encode(s).remaining();
    }
    long n = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      n += c < 0x80 ? 1 : c < 0x800 ? 2 : Character.isSurrogate(c) ? 2 : 3;
    }
    return n;
  }

  private void applyRegistration(KeyChange change) {
    String key = change.key();
    if (change.removed() || change.value() == null) {
      // a deleted leaf, or a v2 directory that expired or was deleted with everything under it
      registrations.remove(key);
      String dir = key.endsWith("/") ? key : key + "/";
      Iterator<String> it = registrations.tailMap(dir, true).keySet().iterator();
      while (it.hasNext()) {
        if (!it.next().startsWith(dir)) {
          break;
        }
        it.remove();
      }
      return;
    }
    if (layout.registration(key) != null) {
      registrations.put(key, MetricLayout.unitName(change.value()));
    }
  }

  /**
   * Replaces every registration with a fresh listing of the registrations prefix, after a re-list
   * that may have missed removals.
   *
   * @param leaves the listed keys and values
   */
  public void resetRegistrations(List<KeyChange> leaves) {
    java.util.Set<String> present = new java.util.HashSet<>();
    for (KeyChange c : leaves) {
      present.add(c.key());
      applyRegistration(c);
    }
    registrations.keySet().removeIf(k -> !present.contains(k));
  }

  /**
   * Resolves a uuid of a service type to its registered unit name. Exact match on both; the
   * aggregated uuid {@code ""} never resolves (fixes the original's suffix match, B2).
   *
   * @param serviceType the type
   * @param uuid the uuid
   * @return the unit name with {@code .service}
   */
  public Optional<String> resolve(String serviceType, String uuid) {
    if (uuid.isEmpty() || serviceType.isEmpty() || uuid.contains("/") || serviceType.contains("/")) {
      return Optional.empty();
    }
    return Optional.ofNullable(
        registrations.get(
            layout.applicationPrefix()
                + serviceType
                + "/"
                + uuid
                + "/"
                + MetricLayout.INSTANCE_NAME_LEAF));
  }

  /**
   * Returns the number of known registrations.
   *
   * @return the count
   */
  public int registrationCount() {
    return registrations.size();
  }

  /**
   * Takes everything waiting.
   *
   * @return the batch; empty when nothing arrived
   */
  public synchronized Batch drain() {
    List<Entry> taken = pending;
    pending = new ArrayList<>();
    pendingSamples = 0;
    Map<String, Long> deletes = new LinkedHashMap<>();
    if (consume) {
      deletes.putAll(staleDeletes);
      for (Entry e : taken) {
        deletes.put(e.key, e.revision);
      }
    }
    staleDeletes.clear();
    return new Batch(taken, deletes, observedRevision);
  }

  /**
   * Puts a batch back in front of what arrived since, after its commit failed, so that the next
   * poll delivers it.
   *
   * @param batch the batch from {@link #drain}
   */
  public synchronized void requeue(Batch batch) {
    List<Entry> merged = new ArrayList<>(batch.entries.size() + pending.size());
    merged.addAll(batch.entries);
    merged.addAll(pending);
    pending = merged;
    pendingSamples += batch.sampleCount();
    if (consume) {
      for (Map.Entry<String, Long> d : batch.deletes.entrySet()) {
        boolean inEntries = false;
        for (Entry e : batch.entries) {
          if (e.key.equals(d.getKey())) {
            inEntries = true;
            break;
          }
        }
        if (!inEntries) {
          staleDeletes.putIfAbsent(d.getKey(), d.getValue());
        }
      }
    }
  }

  /**
   * Returns how many samples were dropped because the buffer was full.
   *
   * @return the count since creation
   */
  public synchronized long dropped() {
    return dropped;
  }

  /**
   * Returns how many values were rejected.
   *
   * @return the count since creation
   */
  public synchronized long rejectedTotal() {
    return rejectedTotal;
  }

  /** One key's parse result waiting for a poll. */
  private record Entry(
      String key, long revision, List<MetricSample> samples, List<RejectedSample> rejected) {}

  /** What one poll hands over, plus what it must commit. */
  public static final class Batch {
    private final List<Entry> entries;
    private final Map<String, Long> deletes;
    private final long revision;

    private Batch(List<Entry> entries, Map<String, Long> deletes, long revision) {
      this.entries = entries;
      this.deletes = deletes;
      this.revision = revision;
    }

    /**
     * Tells whether there is nothing to hand over or commit.
     *
     * @return true when empty
     */
    public boolean isEmpty() {
      return entries.isEmpty() && deletes.isEmpty();
    }

    /**
     * Returns the revision the checkpoint should record.
     *
     * @return every change up to this revision is handled once the batch is committed
     */
    public long revision() {
      return revision;
    }

    /**
     * Returns the keys to delete (consume mode) with their revision.
     *
     * @return key to revision, in arrival order
     */
    public Map<String, Long> deletes() {
      return deletes;
    }

    int sampleCount() {
      int n = 0;
      for (Entry e : entries) {
        n += e.samples.size();
      }
      return n;
    }

    /**
     * Returns the samples, each stream in timestamp order.
     *
     * @return the samples
     */
    public List<MetricSample> samples() {
      List<MetricSample> out = new ArrayList<>(sampleCount());
      for (Entry e : entries) {
        out.addAll(e.samples);
      }
      // stable sort: equal timestamps keep arrival order
      out.sort(Comparator.comparing(MetricSample::timestamp));
      return out;
    }

    /**
     * Returns the rejections.
     *
     * @return the rejected values
     */
    public List<RejectedSample> rejected() {
      List<RejectedSample> out = new ArrayList<>();
      for (Entry e : entries) {
        out.addAll(e.rejected);
      }
      return out;
    }
  }

  /**
   * Sorted copy of the registrations, for diagnostics.
   *
   * @return key to unit name
   */
  public Map<String, String> registrations() {
    return new TreeMap<>(registrations);
  }
}
