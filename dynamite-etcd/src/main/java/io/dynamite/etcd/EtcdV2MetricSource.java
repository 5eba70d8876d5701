package io.dynamite.etcd;

import io.dynamite.api.MetricPoll;
import io.dynamite.api.MetricQuery;
import io.dynamite.api.MetricSourceException;
import io.dynamite.api.spi.MetricSource;
import io.dynamite.etcd.internal.KeyChange;
import io.dynamite.etcd.internal.MetricIngest;
import io.dynamite.etcd.internal.MetricLayout;
import io.dynamite.etcd.internal.PemTls;
import io.dynamite.etcd.internal.V2Keys;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link EtcdMetricSource} semantics over etcd's v2 keys API, for writers that still use v2
 * (logstash-output-etcd, the original discovery sidekicks). etcd 3.4 serves v2 only with {@code
 * --enable-v2=true}; etcd 3.6 no longer serves it.
 *
 * <p>The first {@link #poll} lists the metrics and registrations directories ({@code
 * ?recursive=true&sorted=true}) and reads the checkpoint; then one long-poll watch per directory
 * ({@code ?wait=true&recursive=true&waitIndex=}, no read timeout) follows every change; when a
 * watcher lags more than 16 indexes behind etcd (a burst of writes), one listing catches up
 * instead of one request per event. (etcd's {@code stream=true} watches were tried and dropped:
 * etcd silently stops a streaming watcher that falls behind a burst.) Parsing,
 * buffering, ordering, poison handling and registrations are shared with the v3 source. A watch
 * whose index fell out of etcd's 1,000-event history lists again.
 *
 * <p>etcd restarts: a watch that loses its connection lists its directory again (retried with the
 * configured backoff on an internal scheduler) instead of waiting again from its old index,
 * because etcd may come back with other data. A wiped or replaced etcd is recognised by its index
 * going back (each watch's headers and each listing are compared with the index already reached;
 * a wiped etcd keeps its cluster id when it runs with the same name and peer URLs), by another
 * cluster id, or by the checkpoint key that this source committed being gone or lower; the source
 * then forgets the indexes it saw and takes every key the new data holds, so that no sample
 * written after the restart is lost.
 *
 * <p>Commit per poll with new data: one PUT of the checkpoint (v2 key, default {@value
 * EtcdMetricSource#DEFAULT_CHECKPOINT_KEY}, in the v2 keyspace), then in consume mode one DELETE
 * per handed-over key guarded by its modifiedIndex, all sent in parallel (v2 has no transactions),
 * and the samples are handed over once all have landed: whichever lands first, a crash in between
 * never re-applies a sample (a deleted key is gone; a key left at or below the checkpoint is
 * skipped) and never loses one (the batch was not handed over).
 *
 * <p>Threading: one polling thread plus the HTTP client's and the scheduler's threads.
 *
 * @since 0.1
 */
public final class EtcdV2MetricSource implements MetricSource {
  private static final Logger log = LoggerFactory.getLogger(EtcdV2MetricSource.class);
  private static final AtomicInteger THREADS = new AtomicInteger();
  /** How far a watcher may lag behind etcd's index before it lists instead of watching. */
  private static final long CATCH_UP_LAG = 16;

  private final V2Keys keys;
  private final MetricMode mode;
  private final @Nullable String checkpointKey;
  private final Duration requestTimeout;
  private final Duration backoff;
  private final Duration maxBackoff;
  private final MetricIngest ingest;
  private final ScheduledExecutorService scheduler;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final List<CompletableFuture<?>> pendingWatches = new ArrayList<>();

  private volatile boolean started;
  private volatile long checkpoint;
  // written by the engine thread (commit) and the scheduler (reset), under storeLock; volatile for
  // monitoring reads
  private volatile long committedRevision;
  // the cluster id of the etcd last listed, null before the first listing or if etcd sends none
  private volatile @Nullable String clusterId;
  // orders a reset after etcd lost its data against a commit: a checkpoint drained before the
  // reset must not be written into the new data, where it would hide the new keys at a restart
  private final Object storeLock = new Object();
  // guarded by storeLock: counts resets, so that a commit can tell one happened since its drain
  private long resets;
  private List<MetricQuery> lastQueries = List.of();

  private EtcdV2MetricSource(Builder b) {
    this.requestTimeout = b.requestTimeout;
    this.keys =
        new V2Keys(
            Objects.requireNonNull(b.endpoint),
            b.requestTimeout,
            b.authorization(),
            b.caFile == null ? null : PemTls.load(b.caFile, b.certFile, b.keyFile));
    this.mode = b.mode;
    this.checkpointKey = b.checkpointKey;
    this.backoff = b.backoff;
    this.maxBackoff = b.maxBackoff;
    this.ingest =
        new MetricIngest(
            new MetricLayout(b.metricsBasePath, b.applicationBasePath),
            b.bufferCapacity,
            b.mode == MetricMode.CONSUME,
            log);
    this.scheduler =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "dynamite-etcd-v2-" + THREADS.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
  }

  /**
   * Starts a builder.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Lists what is stored and starts watching, if not done yet; the first {@link #poll} does it.
   *
   * @param queries the streams to read
   * @throws MetricSourceException (retryable) if etcd cannot be read
   */
  public synchronized void start(List<MetricQuery> queries) {
    Objects.requireNonNull(queries, "queries");
    if (closed.get()) {
      throw new IllegalStateException("source is closed");
    }
    ingest.setQueries(queries);
    lastQueries = List.copyOf(queries);
    if (started) {
      return;
    }
    try {
      long cp = 0;
      if (checkpointKey != null) {
        String v = keys.get(checkpointKey);
        if (v != null) {
          try {
            cp = Long.parseLong(v.trim());
          } catch (NumberFormatException e) {
            log.warn("ignoring unreadable checkpoint key={} value={}", checkpointKey, v);
          }
        }
      }
      checkpoint = cp;
      committedRevision = cp;
      long appIndex = listInto(keys.list(ingest.layout().applicationPrefix()), cp);
      V2Keys.Listing metrics = keys.list(ingest.layout().metricsPrefix());
      clusterId = metrics.clusterId();
      long metricsIndex = listInto(metrics, cp);
      ingest.observe(metricsIndex);
      started = true;
      watch(ingest.layout().applicationPrefix(), appIndex + 1, backoff);
      watch(ingest.layout().metricsPrefix(), metricsIndex + 1, backoff);
      log.info(
          "etcd v2 metric source started mode={} metrics={} index={} checkpoint={}",
          mode,
          ingest.layout().metricsPrefix(),
          metricsIndex,
          cp);
    } catch (IOException e) {
      throw new MetricSourceException("etcd v2 list failed: " + e.getMessage(), true, e);
    }
  }

  private long listInto(V2Keys.Listing l, long skipUpTo) {
    for (V2Keys.Node n : l.leaves()) {
      ingest.apply(new KeyChange(n.key(), n.value(), n.modifiedIndex(), false), skipUpTo);
    }
    return l.index();
  }

  private void watch(String prefix, long index, Duration delay) {
    if (closed.get()) {
      return;
    }
    CompletableFuture<V2Keys.Event> f = keys.watch(prefix, index, clusterId);
    synchronized (pendingWatches) {
      pendingWatches.removeIf(CompletableFuture::isDone);
      pendingWatches.add(f);
    }
    f.whenComplete(
        (event, err) -> {
          if (closed.get()) {
            return;
          }
          if (err == null) {
            ingest.apply(
                new KeyChange(
                    event.node().key(),
                    event.removal() || event.dir() ? null : event.node().value(),
                    event.node().modifiedIndex(),
                    event.removal()),
                checkpoint);
            if (event.etcdIndex() - event.node().modifiedIndex() > CATCH_UP_LAG) {
              // a burst: one listing catches up instead of one request per event
              scheduler.execute(() -> relist(prefix, delay, false));
            } else {
              watch(prefix, event.node().modifiedIndex() + 1, backoff);
            }
          } else if (err instanceof V2Keys.V2Exception v
              && v.errorCode() == V2Keys.EVENT_INDEX_CLEARED) {
            scheduler.execute(() -> relist(prefix, delay, true));
          } else if (err instanceof V2Keys.StoreChanged) {
            log.warn("etcd v2 watch of {}: {}; listing again", prefix, err.getMessage());
            scheduler.execute(() -> relist(prefix, delay, true));
          } else {
            // etcd went away (a restart, a network failure): it may come back with other data
            // whose index has already passed ours, so list again rather than wait from our index
            log.warn("etcd v2 watch of {} failed, listing again in {}: {}", prefix, delay, err.toString());
            scheduler.schedule(() -> relist(prefix, next(delay), true), delay.toMillis(), TimeUnit.MILLISECONDS);
          }
        });
  }

  /**
   * Lists a directory again and watches on from the listing's index. {@code afterFailure}: the
   * watch failed, so etcd may have come back with other data; the checkpoint is read to tell
   * (a listing after a burst compares only the index).
   */
  private void relist(String prefix, Duration delay, boolean afterFailure) {
    if (closed.get()) {
      return;
    }
    try {
      long index;
      V2Keys.Listing l = keys.list(prefix);
      String changed = storeChange(l, afterFailure);
      if (changed != null) {
        reset(changed, l.clusterId());
      }
      if (prefix.equals(ingest.layout().metricsPrefix())) {
        // changes already applied are skipped: only what is newer than the observed index
        index = listInto(l, Math.max(checkpoint, ingest.observedRevision()));
        ingest.observe(index);
      } else {
        // a listing shows no removals: rebuild the registrations from it
        List<KeyChange> leaves = new ArrayList<>(l.leaves().size());
        for (V2Keys.Node n : l.leaves()) {
          leaves.add(new KeyChange(n.key(), n.value(), n.modifiedIndex(), false));
        }
        ingest.resetRegistrations(leaves);
        index = l.index();
      }
      watch(prefix, index + 1, backoff);
    } catch (IOException e) {
      log.warn("etcd v2 re-list of {} failed, retrying in {}: {}", prefix, delay, e.toString());
      scheduler.schedule(() -> relist(prefix, next(delay), afterFailure), delay.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  /**
   * Tells why a listing shows that etcd holds other data than this source read before, or null if
   * it does not: another cluster id, an index below the one already reached, or the committed
   * checkpoint gone or lower (a wiped etcd whose index already passed ours).
   */
  private @Nullable String storeChange(V2Keys.Listing l, boolean readCheckpoint) throws IOException {
    String before = clusterId;
    if (before != null && l.clusterId() != null && !before.equals(l.clusterId())) {
      return "cluster id is " + l.clusterId() + ", was " + before;
    }
    long observed = ingest.observedRevision();
    if (l.index() < observed) {
      return "index is " + l.index() + ", below the index " + observed + " already reached";
    }
    long committed = committedRevision;
    if (readCheckpoint && checkpointKey != null && committed > 0) {
      String v = keys.get(checkpointKey);
      long stored;
      try {
        stored = v == null ? -1 : Long.parseLong(v.trim());
      } catch (NumberFormatException e) {
        stored = -1;
      }
      if (stored < committed) {
        return "checkpoint " + checkpointKey + " is " + (v == null ? "gone" : v) + ", " + committed + " was committed";
      }
    }
    return null;
  }

  /**
   * Forgets every index seen, after etcd was found holding other data: its indexes start again,
   * so the old ones say nothing about its keys. The next listing takes every key it holds.
   */
  private void reset(String why, @Nullable String newClusterId) {
    log.warn("etcd v2 holds other data than before ({}); taking every key it holds", why);
    synchronized (storeLock) {
      resets++;
      ingest.resetRevision();
      checkpoint = 0;
      committedRevision = 0;
      clusterId = newClusterId;
    }
  }

  private Duration next(Duration d) {
    Duration n = d.multipliedBy(2);
    return n.compareTo(maxBackoff) > 0 ? maxBackoff : n;
  }

  /**
   * Hands over what arrived since the previous poll after committing the checkpoint (and, in
   * consume mode, deleting the handed-over keys).
   *
   * @param queries every stream the engine reads
   * @return the new samples, each stream in timestamp order, and rejected values
   * @throws MetricSourceException (retryable) if etcd cannot be reached; nothing is lost
   */
  @Override
  public MetricPoll poll(List<MetricQuery> queries) {
    Objects.requireNonNull(queries, "queries");
    if (!started) {
      start(queries);
    } else if (!queries.equals(lastQueries)) {
      ingest.setQueries(queries);
      lastQueries = List.copyOf(queries);
    }
    long resetsBefore;
    synchronized (storeLock) {
      resetsBefore = resets;
    }
    MetricIngest.Batch batch = ingest.drain();
    if (batch.isEmpty()) {
      return MetricPoll.EMPTY;
    }
    try {
      commit(batch, resetsBefore);
    } catch (MetricSourceException e) {
      ingest.requeue(batch);
      throw e;
    }
    return new MetricPoll(batch.samples(), batch.rejected());
  }

  private void commit(MetricIngest.Batch batch, long resetsBefore) {
    try {
      // The deletes are sent first and run while the checkpoint is written: both must land before
      // the samples are handed over, and either order of landing is safe. A crash after a delete
      // but before the checkpoint loses nothing (the batch was not handed over, the deleted keys'
      // samples were never applied, and the keys still present are read again); a crash after the
      // checkpoint but before a delete leaves a key at or below the checkpoint, which is skipped.
      // In parallel, etcd commits them in one go: one disk sync less before the engine sees them.
      List<CompletableFuture<Void>> deletes = new ArrayList<>(batch.deletes().size());
      for (Map.Entry<String, Long> d : batch.deletes().entrySet()) {
        deletes.add(keys.deleteIfUnchanged(d.getKey(), d.getValue()));
      }
      boolean sameData;
      synchronized (storeLock) {
        // after a reset the batch's index belongs to the old data: committing it would hide keys
        sameData = resets == resetsBefore;
        if (sameData && checkpointKey != null && batch.revision() > committedRevision) {
          keys.put(checkpointKey, Long.toString(batch.revision()));
        }
      }
      if (!deletes.isEmpty()) {
        CompletableFuture.allOf(deletes.toArray(new CompletableFuture<?>[0]))
            .get(requestTimeout.toMillis(), TimeUnit.MILLISECONDS);
      }
      synchronized (storeLock) {
        if (sameData && resets == resetsBefore) {
          committedRevision = Math.max(committedRevision, batch.revision());
        }
      }
    } catch (IOException e) {
      throw new MetricSourceException("etcd v2 commit failed: " + e.getMessage(), true, e);
    } catch (ExecutionException e) {
      throw new MetricSourceException("etcd v2 delete failed: " + e.getCause(), true, e.getCause());
    } catch (TimeoutException e) {
      throw new MetricSourceException("etcd v2 deletes timed out after " + requestTimeout, true, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new MetricSourceException("interrupted during etcd v2 commit", false, e);
    }
  }

  /**
   * Signals every sample (and rejected value) the watch buffers, so that the engine polls at once
   * instead of on a timer. The watch starts with the first poll.
   *
   * @param signal called on the watch's thread
   * @return true
   */
  @Override
  public boolean subscribe(Runnable signal) {
    ingest.signalTo(java.util.Objects.requireNonNull(signal, "signal"));
    return true;
  }

  /**
   * Resolves a uuid to its registered unit name; see {@link EtcdMetricSource#resolveInstance}.
   *
   * @param serviceType the metric's service type
   * @param uuid the uuid
   * @return the unit name with {@code .service}, or empty
   */
  @Override
  public Optional<String> resolveInstance(String serviceType, String uuid) {
    return ingest.resolve(serviceType, uuid);
  }

  /**
   * Returns the index of the last committed checkpoint.
   *
   * @return the etcd v2 index up to which samples have been handed over
   */
  public long committedRevision() {
    return committedRevision;
  }

  /**
   * Returns how many values were rejected.
   *
   * @return the count
   */
  public long rejectedValues() {
    return ingest.rejectedTotal();
  }

  /**
   * Returns how many samples were dropped because the buffer was full.
   *
   * @return the count
   */
  public long droppedSamples() {
    return ingest.dropped();
  }

  /**
   * Returns the number of HTTP requests made, for measurements.
   *
   * @return the count
   */
  public long requestCount() {
    return keys.requestCount();
  }

  /** Stops watching and releases the HTTP client. Idempotent. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    synchronized (pendingWatches) {
      pendingWatches.forEach(f -> f.cancel(true));
      pendingWatches.clear();
    }
    scheduler.shutdownNow();
    keys.close();
  }

  @Override
  public String toString() {
    return "EtcdV2MetricSource[" + mode + ", " + ingest.layout().metricsPrefix() + "]";
  }

  /**
   * Tells whether the first endpoint of {@code settings} serves the v2 keys API (etcd 3.4 does only
   * with {@code --enable-v2=true}), using the same TLS material and credentials as the source.
   *
   * @param settings the connection settings
   * @return true if {@code GET /v2/keys/} answers 200
   * @throws MetricSourceException if the server cannot be reached (retryable)
   */
  public static boolean servedBy(EtcdSettings settings) {
    Builder b = builder().settings(settings);
    try (V2Keys probe = new V2Keys(Objects.requireNonNull(b.endpoint), b.requestTimeout, b.authorization(),
        b.caFile == null ? null : PemTls.load(b.caFile, b.certFile, b.keyFile))) {
      return probe.probe() == 200;
    } catch (IOException e) {
      throw new MetricSourceException("etcd v2 probe of " + b.endpoint + " failed: " + e.getMessage(), true, e);
    }
  }

  /** Builds an {@link EtcdV2MetricSource}. Not thread-safe. */
  public static final class Builder {
    private @Nullable String endpoint;
    private @Nullable String user;
    private @Nullable String password;
    private java.nio.file.@Nullable Path caFile;
    private java.nio.file.@Nullable Path certFile;
    private java.nio.file.@Nullable Path keyFile;
    private String metricsBasePath = "/metrics";
    private String applicationBasePath = "/services";
    private MetricMode mode = MetricMode.CONSUME;
    private @Nullable String checkpointKey = EtcdMetricSource.DEFAULT_CHECKPOINT_KEY;
    private int bufferCapacity = 100_000;
    private Duration requestTimeout = Duration.ofSeconds(5);
    private Duration backoff = Duration.ofMillis(100);
    private Duration maxBackoff = Duration.ofSeconds(5);

    private Builder() {}

    /**
     * Sets the endpoint, for example {@code http://127.0.0.1:2379} (no default port).
     *
     * @param endpoint the URL
     * @return this builder
     */
    public Builder endpoint(String endpoint) {
      this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
      return this;
    }

    /**
     * Takes the endpoint (the first), TLS files, credentials (sent as HTTP basic auth), timeouts
     * and backoff from settings.
     *
     * @param settings the settings
     * @return this builder
     */
    public Builder settings(EtcdSettings settings) {
      this.caFile = settings.caFile().orElse(null);
      this.certFile = settings.certFile().orElse(null);
      this.keyFile = settings.keyFile().orElse(null);
      this.endpoint = settings.endpoints().get(0).toString();
      this.user = settings.user().orElse(null);
      this.password = settings.password().orElse(null);
      this.requestTimeout = settings.requestTimeout();
      this.backoff = settings.reconnectDelay();
      this.maxBackoff = settings.reconnectMaxDelay();
      return this;
    }

    /**
     * Sets {@code metrics_base_path} (default {@code /metrics}).
     *
     * @param path the base path
     * @return this builder
     */
    public Builder metricsBasePath(String path) {
      this.metricsBasePath = MetricLayout.normalize(path);
      return this;
    }

    /**
     * Sets {@code application_base_path} (default {@code /services}).
     *
     * @param path the base path
     * @return this builder
     */
    public Builder applicationBasePath(String path) {
      this.applicationBasePath = MetricLayout.normalize(path);
      return this;
    }

    /**
     * Sets the mode (default consume).
     *
     * @param mode the mode
     * @return this builder
     */
    public Builder mode(MetricMode mode) {
      this.mode = Objects.requireNonNull(mode, "mode");
      return this;
    }

    /**
     * Sets the v2 checkpoint key, or null to keep the checkpoint in memory only.
     *
     * @param key the key or null
     * @return this builder
     */
    public Builder checkpointKey(@Nullable String key) {
      this.checkpointKey = key == null ? null : MetricLayout.normalize(key);
      return this;
    }

    /**
     * Sets how many samples may wait between polls (default 100,000).
     *
     * @param capacity positive
     * @return this builder
     */
    public Builder bufferCapacity(int capacity) {
      if (capacity <= 0) {
        throw new IllegalArgumentException("capacity must be positive: " + capacity);
      }
      this.bufferCapacity = capacity;
      return this;
    }

    @Nullable String authorization() {
      if (user == null) {
        return null;
      }
      String raw = user + ":" + (password == null ? "" : password);
      return "Basic " + Base64.getEncoder().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Builds the source; it connects on first use.
     *
     * @return the source
     * @throws IllegalStateException without an endpoint
     */
    public EtcdV2MetricSource build() {
      if (endpoint == null) {
        throw new IllegalStateException("endpoint is required");
      }
      return new EtcdV2MetricSource(this);
    }
  }
}
