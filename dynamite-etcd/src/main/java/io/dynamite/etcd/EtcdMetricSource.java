package io.dynamite.etcd;

import io.dynamite.api.MetricPoll;
import io.dynamite.api.MetricQuery;
import io.dynamite.api.MetricSourceException;
import io.dynamite.api.spi.MetricSource;
import io.dynamite.etcd.internal.KeyChange;
import io.dynamite.etcd.internal.MetricIngest;
import io.dynamite.etcd.internal.MetricLayout;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.common.exception.CompactedException;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.OptionsUtil;
import io.etcd.jetcd.options.PutOption;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.etcd.jetcd.watch.WatchResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Metrics and registrations in the original Dynamite layout, read over the etcd v3 API.
 *
 * <p>The first {@link #poll} (or {@link #start}) reads the metrics prefix, the registrations
 * prefix and the checkpoint in one transaction, then watches both prefixes from the next revision.
 * From then on nothing is read per key or per uuid: samples arrive with the watch, are parsed and
 * buffered (bounded; overflow is dropped and counted) and handed over by the next poll, each stream
 * in timestamp order. Keys of streams no query reads are ignored, so stale uuid directories cost
 * nothing (B21). A value that is not a number, lacks its JSON key or has a bad timestamp is
 * rejected, counted and logged once per key, deleted in {@link MetricMode#CONSUME} mode, and never
 * stalls other keys (B14).
 *
 * <p>Resume: before a poll returns its samples it commits, in one transaction, the revision up to
 * which everything has been handed over (the checkpoint key, by default {@value
 * #DEFAULT_CHECKPOINT_KEY}) and, in consume mode, the deletions of the handed-over keys. A new
 * source skips keys at or below the checkpoint, so a restart neither loses nor re-applies samples.
 * If the commit fails the poll throws a retryable {@link MetricSourceException} and the samples are
 * delivered by the next poll.
 *
 * <p>Threading: one polling thread plus jetcd's callback threads. {@link #resolveInstance} may be
 * called from any thread.
 *
 * @since 0.1
 */
public final class EtcdMetricSource implements MetricSource {
  /** The default checkpoint key, beside the original's {@code /_dynamite/run} keys. */
  public static final String DEFAULT_CHECKPOINT_KEY = "/_dynamite/run/metrics_revision";

  private static final Logger log = LoggerFactory.getLogger(EtcdMetricSource.class);
  /** Keys per page of the initial read; halved while a page exceeds the gRPC message limit. */
  private static final int PAGE = 1000;

  private final EtcdConnection connection;
  private final boolean ownsConnection;
  private final MetricMode mode;
  private final @Nullable String checkpointKey;
  private final int maxTxnOps;
  private final MetricIngest ingest;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final AtomicBoolean compactionWarned = new AtomicBoolean();
  private final AtomicBoolean restartWarned = new AtomicBoolean();
  private final Object watchLock = new Object();

  // guarded by watchLock
  private final List<Watch.Watcher> watchers = new ArrayList<>();
  // volatile: read by watch callbacks; set once by start
  private volatile long checkpoint;
  private volatile boolean started;
  // written by the engine thread; volatile for monitoring reads
  private volatile long committedRevision;
  // engine thread (and start(), under watchLock): the queries the last poll used
  private volatile List<MetricQuery> lastQueries = List.of();
  // set by watch callbacks when etcd may have restarted; the next poll lists again
  private volatile boolean relistNeeded;
  // guarded by watchLock: the identity of the etcd last listed, 0 before the first listing
  private long clusterId;
  private long memberId;
  // the highest header revision seen on the watch since the last listing; written by callbacks
  private final java.util.concurrent.atomic.AtomicLong watchHeaderRevision = new java.util.concurrent.atomic.AtomicLong();

  private EtcdMetricSource(Builder b, EtcdConnection connection, boolean owns) {
    this.connection = connection;
    this.ownsConnection = owns;
    this.mode = b.mode;
    this.checkpointKey = b.checkpointKey;
    this.maxTxnOps = b.maxTxnOps;
    this.ingest =
        new MetricIngest(
            new MetricLayout(b.metricsBasePath, b.applicationBasePath),
            b.bufferCapacity,
            b.mode == MetricMode.CONSUME,
            log);
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
   * Reads what is stored and starts watching, if not done yet. Calling it is optional: the first
   * {@link #poll} does it.
   *
   * @param queries the streams to read
   * @throws MetricSourceException (retryable) if etcd cannot be read
   */
  public void start(List<MetricQuery> queries) {
    Objects.requireNonNull(queries, "queries");
    synchronized (watchLock) {
      if (closed.get()) {
        throw new IllegalStateException("source is closed");
      }
      ingest.setQueries(queries);
      lastQueries = List.copyOf(queries);
      if (started) {
        return;
      }
      // after a failed re-list, what was already seen is buffered or handed over: skip it
      long revision = list(ingest.observedRevision());
      watchFrom(revision + 1);
      started = true;
      log.info(
          "etcd metric source started mode={} metrics={} registrations={} revision={} checkpoint={}",
          mode,
          ingest.layout().metricsPrefix(),
          ingest.layout().applicationPrefix(),
          revision,
          checkpoint);
    }
  }

  /**
   * Reads checkpoint, metrics and registrations at one revision; returns that revision. The
   * prefixes are read in pages of {@value #PAGE} keys (a gRPC message is limited to 4 MiB); the
   * first pages come in one transaction, later pages at the same revision.
   */
  private long list(long skipUpTo) {
    Client c = connection.client();
    ByteSequence metrics = bytes(ingest.layout().metricsPrefix());
    ByteSequence apps = bytes(ingest.layout().applicationPrefix());
    GetOption firstPage = GetOption.builder().isPrefix(true).withLimit(PAGE).build();
    List<Op> gets = new ArrayList<>(3);
    gets.add(Op.get(metrics, firstPage));
    gets.add(Op.get(apps, firstPage));
    if (checkpointKey != null) {
      gets.add(Op.get(bytes(checkpointKey), GetOption.DEFAULT));
    }
    TxnResponse r;
    boolean firstPages = true;
    try {
      r = await(c.getKVClient().txn().Then(gets.toArray(new Op[0])).commit(), "list");
    } catch (MetricSourceException e) {
      if (!tooLarge(e)) {
        throw e;
      }
      // the first pages together exceed the message limit: fix the revision with the checkpoint
      // alone, then page through both prefixes in smaller pages at that revision
      firstPages = false;
      List<Op> cpOnly = checkpointKey == null ? List.of() : List.of(Op.get(bytes(checkpointKey), GetOption.DEFAULT));
      r = await(c.getKVClient().txn().Then(cpOnly.toArray(new Op[0])).commit(), "list");
    }
    long revision = r.getHeader().getRevision();
    long skip = skipUpTo;
    if (clusterId != 0
        && (r.getHeader().getClusterId() != clusterId || r.getHeader().getMemberId() != memberId
            || revision < ingest.observedRevision())) {
      // another etcd answers (restored, replaced or wiped): its revisions start elsewhere, so
      // nothing seen before says anything about its keys; only its own checkpoint counts
      log.warn("etcd holds other data than before (cluster {} member {} revision {}, was cluster {}"
              + " member {} revision {}); listing everything again",
          Long.toHexString(r.getHeader().getClusterId()), Long.toHexString(r.getHeader().getMemberId()),
          revision, Long.toHexString(clusterId), Long.toHexString(memberId), ingest.observedRevision());
      ingest.resetRevision();
      committedRevision = 0;
      skip = 0;
    }
    clusterId = r.getHeader().getClusterId();
    memberId = r.getHeader().getMemberId();
    watchHeaderRevision.set(revision);
    List<GetResponse> got = r.getGetResponses();
    int cpIndex = firstPages ? 2 : 0;
    long cp = skip;
    if (checkpointKey != null && !got.get(cpIndex).getKvs().isEmpty()) {
      String v = string(got.get(cpIndex).getKvs().get(0).getValue());
      try {
        cp = Math.max(cp, Long.parseLong(v.trim()));
      } catch (NumberFormatException e) {
        log.warn("ignoring unreadable checkpoint key={} value={}", checkpointKey, v);
      }
    }
    checkpoint = cp;
    committedRevision = Math.max(committedRevision, cp);
    // registrations first, so that samples never arrive before the instance they name
    applyPages(apps, firstPages ? got.get(1) : null, revision, cp);
    applyPages(metrics, firstPages ? got.get(0) : null, revision, cp);
    ingest.observe(revision);
    return revision;
  }

  /**
   * Applies every key of a prefix at {@code revision}, starting with {@code first} (or reading the
   * first page itself when null). A page that exceeds the gRPC message limit is read again with
   * half as many keys; a single key too large even alone is rejected unread (keys only) and
   * skipped, so that one oversized value cannot stall the listing.
   */
  private void applyPages(ByteSequence prefix, @Nullable GetResponse first, long revision, long cp) {
    ByteSequence end = OptionsUtil.prefixEndOf(prefix);
    GetResponse page = first;
    ByteSequence from = prefix;
    int limit = PAGE;
    while (true) {
      if (page == null) {
        try {
          page = await(connection.client().getKVClient().get(from,
              GetOption.builder().withRange(end).withRevision(revision).withLimit(limit).build()), "list page");
        } catch (MetricSourceException e) {
          if (!tooLarge(e)) {
            throw e;
          }
          if (limit > 1) {
            limit = Math.max(1, limit / 2);
            continue;
          }
          GetResponse keyOnly = await(connection.client().getKVClient().get(from,
              GetOption.builder().withRange(end).withRevision(revision).withLimit(1).withKeysOnly(true).build()),
              "list page");
          if (keyOnly.getKvs().isEmpty()) {
            return;
          }
          KeyValue kv = keyOnly.getKvs().get(0);
          ingest.applyUnreadable(string(kv.getKey()), kv.getModRevision(), cp);
          from = kv.getKey().concat(ByteSequence.from(new byte[] {0}));
          continue;
        }
      }
      List<KeyValue> kvs = page.getKvs();
      for (KeyValue kv : kvs) {
        ingest.apply(
            new KeyChange(string(kv.getKey()), string(kv.getValue()), kv.getModRevision(), false),
            cp);
      }
      if (!page.isMore() || kvs.isEmpty()) {
        return;
      }
      from = kvs.get(kvs.size() - 1).getKey().concat(ByteSequence.from(new byte[] {0}));
      page = null;
      limit = Math.min(PAGE, limit * 2);
    }
  }

  /** Tells whether a failure is a message above gRPC's inbound limit (RESOURCE_EXHAUSTED). */
  private static boolean tooLarge(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof io.grpc.StatusRuntimeException sre
          && sre.getStatus().getCode() == io.grpc.Status.Code.RESOURCE_EXHAUSTED) {
        return true;
      }
      if (t instanceof io.grpc.StatusException se && se.getStatus().getCode() == io.grpc.Status.Code.RESOURCE_EXHAUSTED) {
        return true;
      }
      if (t instanceof io.etcd.jetcd.common.exception.EtcdException ee
          && ee.getErrorCode() == io.etcd.jetcd.common.exception.ErrorCode.RESOURCE_EXHAUSTED) {
        return true;
      }
    }
    return false;
  }

  private void watchFrom(long revision) {
    Watch w = connection.client().getWatchClient();
    synchronized (watchLock) {
      for (String prefix :
          List.of(ingest.layout().metricsPrefix(), ingest.layout().applicationPrefix())) {
        WatchOption opt = WatchOption.builder().isPrefix(true).withRevision(revision).build();
        watchers.add(w.watch(bytes(prefix), opt, new Listener()));
      }
    }
  }

  /** Applies watch events; on compaction lists again (the only error that needs it). */
  private final class Listener implements Watch.Listener {
    @Override
    public void onNext(WatchResponse response) {
      long seen = watchHeaderRevision.getAndAccumulate(response.getHeader().getRevision(), Math::max);
      if (response.getHeader().getRevision() < seen && !closed.get()) {
        // revisions went back: the watch resumed on an etcd that lost or replaced its data
        relistNeeded = true;
        ingest.signal();
      }
      long cp = checkpoint;
      for (WatchEvent e : response.getEvents()) {
        KeyValue kv = e.getKeyValue();
        boolean removed = e.getEventType() == WatchEvent.EventType.DELETE;
        ingest.apply(
            new KeyChange(
                string(kv.getKey()),
                removed ? null : string(kv.getValue()),
                kv.getModRevision(),
                removed),
            cp);
      }
    }

    @Override
    public void onError(Throwable t) {
      if (closed.get()) {
        return;
      }
      if (t instanceof CompactedException) {
        relist();
      } else {
        // jetcd resumes the watch by itself after network errors, but from its old revision: an
        // etcd that came back with other data (wiped, restored) would never send what is written
        // below that revision. So the next poll lists again and watches afresh, from the engine
        // thread (re-creating the watch here would subscribe twice).
        relistNeeded = true;
        log.warn("etcd watch interrupted; the next poll lists again: {}", t.toString());
        ingest.signal(); // an engine that polls on signals must poll for the re-list to happen
      }
    }

    @Override
    public void onCompleted() {
      if (!closed.get()) {
        // etcd cancelled the watch (for example a member that lost its data)
        relistNeeded = true;
        ingest.signal();
      }
    }
  }

  /** Lists again and watches afresh after a watch failure; see {@link Listener#onError}. */
  private void relistAfterWatchFailure() {
    synchronized (watchLock) {
      if (closed.get() || !relistNeeded) {
        return;
      }
      if (restartWarned.compareAndSet(false, true)) {
        log.warn("etcd watch failed or etcd restarted; listing again");
      } else {
        log.debug("etcd watch failed or etcd restarted; listing again");
      }
      relistNeeded = false;
      watchers.forEach(Watch.Watcher::close);
      watchers.clear();
      try {
        long revision = list(ingest.observedRevision());
        watchFrom(revision + 1);
      } catch (MetricSourceException e) {
        relistNeeded = true;
        throw e;
      }
    }
  }

  private void relist() {
    synchronized (watchLock) {
      if (closed.get()) {
        return;
      }
      if (compactionWarned.compareAndSet(false, true)) {
        log.warn("etcd watch revision was compacted; listing again");
      }
      watchers.forEach(Watch.Watcher::close);
      watchers.clear();
      try {
        // everything seen so far is either buffered or handed over: skip it
        long revision = list(ingest.observedRevision());
        watchFrom(revision + 1);
      } catch (MetricSourceException e) {
        log.warn("etcd re-list after compaction failed; next poll retries: {}", e.getMessage());
        started = false;
      }
    }
  }

  /**
   * Hands over what arrived since the previous poll, after committing the checkpoint (and the
   * deletions in consume mode). Starts the source on first use.
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
    if (relistNeeded) {
      relistAfterWatchFailure();
    }
    MetricIngest.Batch batch = ingest.drain();
    if (batch.isEmpty()) {
      return MetricPoll.EMPTY;
    }
    try {
      commit(batch);
    } catch (MetricSourceException e) {
      ingest.requeue(batch);
      throw e;
    }
    return new MetricPoll(batch.samples(), batch.rejected());
  }

  private void commit(MetricIngest.Batch batch) {
    List<Op> first = new ArrayList<>();
    if (checkpointKey != null && batch.revision() > committedRevision) {
      first.add(
          Op.put(
              bytes(checkpointKey), bytes(Long.toString(batch.revision())), PutOption.DEFAULT));
    }
    List<List<Op>> txns = new ArrayList<>();
    List<Op> current = first;
    for (Map.Entry<String, Long> d : batch.deletes().entrySet()) {
      if (current.size() >= maxTxnOps) {
        txns.add(current);
        current = new ArrayList<>();
      }
      // unguarded: a rewrite of the key after our read arrives through the watch as a new sample,
      // so deleting the newer value loses nothing
      current.add(Op.delete(bytes(d.getKey()), DeleteOption.DEFAULT));
    }
    if (!current.isEmpty()) {
      txns.add(current);
    }
    // the checkpoint goes in the first transaction: if a later one fails, keys at or below the
    // checkpoint are skipped (and deleted) by the next start, so nothing is applied twice
    for (List<Op> ops : txns) {
      await(connection.client().getKVClient().txn().Then(ops.toArray(new Op[0])).commit(), "commit");
    }
    committedRevision = Math.max(committedRevision, batch.revision());
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
   * Resolves a uuid to the unit name registered under {@code
   * <application_base_path>/<serviceType>/<uuid>/service_instance_name}, following the watch (a
   * removed registration no longer resolves). Exact match on type and uuid; the aggregated uuid
   * {@code ""} never resolves.
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
   * Returns the revision of the last committed checkpoint.
   *
   * @return the revision up to which samples have been handed over
   */
  public long committedRevision() {
    return committedRevision;
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
   * Returns how many values were rejected.
   *
   * @return the count
   */
  public long rejectedValues() {
    return ingest.rejectedTotal();
  }

  /**
   * Returns the mode.
   *
   * @return consume or shared
   */
  public MetricMode mode() {
    return mode;
  }

  /** Stops watching and closes the connection if this source opened it. Idempotent. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    synchronized (watchLock) {
      watchers.forEach(Watch.Watcher::close);
      watchers.clear();
    }
    if (ownsConnection) {
      connection.close();
    }
  }

  @Override
  public String toString() {
    return "EtcdMetricSource[" + mode + ", " + ingest.layout().metricsPrefix() + ", " + connection + "]";
  }

  private <T> T await(java.util.concurrent.CompletableFuture<T> f, String what) {
    try {
      return f.get(connection.requestTimeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new MetricSourceException("interrupted during etcd " + what, false, e);
    } catch (ExecutionException e) {
      throw new MetricSourceException(
          "etcd " + what + " failed: " + e.getCause(), true, e.getCause());
    } catch (TimeoutException e) {
      f.cancel(false);
      throw new MetricSourceException(
          "etcd " + what + " timed out after " + connection.requestTimeout(), true, e);
    }
  }

  static ByteSequence bytes(String s) {
    return ByteSequence.from(s, StandardCharsets.UTF_8);
  }

  static String string(ByteSequence b) {
    return b.toString(StandardCharsets.UTF_8);
  }

  /** Builds an {@link EtcdMetricSource}. Not thread-safe. */
  public static final class Builder extends EtcdClientBuilder<Builder> {
    private String metricsBasePath = "/metrics";
    private String applicationBasePath = "/services";
    private MetricMode mode = MetricMode.CONSUME;
    private @Nullable String checkpointKey = DEFAULT_CHECKPOINT_KEY;
    private int bufferCapacity = 100_000;
    private int maxTxnOps = 128;

    private Builder() {}

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
     * Sets {@code application_base_path} (default {@code /services}), where instances register
     * (honoured, unlike the original: B3).
     *
     * @param path the base path
     * @return this builder
     */
    public Builder applicationBasePath(String path) {
      this.applicationBasePath = MetricLayout.normalize(path);
      return this;
    }

    /**
     * Sets the mode (default {@link MetricMode#CONSUME}, as the original).
     *
     * @param mode the mode
     * @return this builder
     */
    public Builder mode(MetricMode mode) {
      this.mode = Objects.requireNonNull(mode, "mode");
      return this;
    }

    /**
     * Sets the key the handed-over revision is stored under (default {@value
     * #DEFAULT_CHECKPOINT_KEY}), or null to keep it in memory only (a restart then delivers
     * every stored sample again in shared mode).
     *
     * @param key the key, or null
     * @return this builder
     */
    public Builder checkpointKey(@Nullable String key) {
      this.checkpointKey = key == null ? null : MetricLayout.normalize(key);
      return this;
    }

    /**
     * Sets how many samples may wait between polls (default 100,000); more are dropped and
     * counted.
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

    /**
     * Sets the most operations per transaction (default 128, etcd's {@code --max-txn-ops}).
     *
     * @param ops at least 2
     * @return this builder
     */
    public Builder maxTxnOps(int ops) {
      if (ops < 2) {
        throw new IllegalArgumentException("maxTxnOps must be at least 2: " + ops);
      }
      this.maxTxnOps = ops;
      return this;
    }

    /**
     * Builds the source. It connects on first use.
     *
     * @return the source
     * @throws IllegalStateException unless exactly one of settings, connection and client is set
     */
    public EtcdMetricSource build() {
      Resolved r = resolveConnection();
      return new EtcdMetricSource(this, r.connection(), r.owned());
    }
  }
}
