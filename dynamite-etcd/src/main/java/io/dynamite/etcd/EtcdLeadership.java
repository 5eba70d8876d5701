package io.dynamite.etcd;

import io.dynamite.api.spi.Leadership;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.election.LeaderKey;
import io.etcd.jetcd.lease.LeaseKeepAliveResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.support.CloseableClient;
import io.grpc.stub.StreamObserver;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Leadership by etcd election on a lease: one engine per election name acts.
 *
 * <p>The candidate grants a lease of the configured TTL (default 5 s), keeps it alive and
 * campaigns. When the leader dies its lease expires and a standby wins within the TTL; a leader
 * that resigns ({@link #close()}) hands over at once. A leader that cannot renew its lease stops
 * acting before the lease can expire: {@link #isLeader()} turns false once no keep-alive was
 * answered for three quarters of the TTL (jetcd renews every third of the TTL), measured on the
 * monotonic clock, and the listener hears of the loss. The candidate then revokes the lease (best
 * effort) and campaigns again with a new one.
 *
 * <p>Threading: every state change runs on one internal scheduler thread, which also calls the
 * listener, so the listener sees changes in order. {@link #isLeader()} may be called from any
 * thread.
 *
 * @since 0.1
 */
public final class EtcdLeadership implements Leadership {
  /** The default election name, beside the original's {@code /_dynamite} keys. */
  public static final String DEFAULT_ELECTION = "/_dynamite/election";

  private static final Logger log = LoggerFactory.getLogger(EtcdLeadership.class);
  private static final AtomicInteger THREADS = new AtomicInteger();

  private final EtcdConnection connection;
  private final boolean ownsConnection;
  private final ByteSequence election;
  private final ByteSequence candidate;
  private final String candidateId;
  private final Duration ttl;
  private final long staleNanos;
  private final Duration retryDelay;
  private final LongSupplier nanoTime;
  private final ScheduledExecutorService scheduler;

  // all fields below are confined to the scheduler thread unless volatile
  private @Nullable Listener listener;
  private int generation;
  private long leaseId;
  private @Nullable CloseableClient keepAlive;
  private @Nullable ScheduledFuture<?> watchdog;
  private boolean reported;
  private boolean closed;
  private boolean partitioned;
  private boolean stopped;
  private int failures;
  // read by isLeader() and the state store's fence from any thread
  private volatile @Nullable LeaderKey leaderKey;
  private volatile long lastRenewNanos;

  private EtcdLeadership(Builder b, EtcdConnection connection, boolean owns) {
    this.connection = connection;
    this.ownsConnection = owns;
    this.election = EtcdMetricSource.bytes(b.election);
    this.candidateId = b.candidateId;
    this.candidate = EtcdMetricSource.bytes(b.candidateId);
    this.ttl = b.ttl;
    this.staleNanos = b.ttl.toNanos() * 3 / 4;
    this.retryDelay = b.retryDelay;
    this.nanoTime = System::nanoTime;
    this.scheduler =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "dynamite-etcd-leadership-" + THREADS.incrementAndGet());
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
   * Begins campaigning. The listener hears {@code true} when this candidate wins and {@code false}
   * when it loses or stops acting; it is called on the internal thread.
   *
   * <p>A second call, or a call after {@link #close()}, is ignored and logged.
   *
   * @param listener receives changes
   */
  @Override
  public void start(Listener listener) {
    Objects.requireNonNull(listener, "listener");
    scheduler.execute(
        () -> {
          if (closed || this.listener != null) {
            log.warn("leadership start ignored: already started or closed");
            return;
          }
          this.listener = listener;
          campaign();
        });
  }

  /**
   * Tells whether this candidate leads and its lease is certainly still valid.
   *
   * @return true while leading
   */
  @Override
  public boolean isLeader() {
    return leaderKey != null && nanoTime.getAsLong() - lastRenewNanos < staleNanos;
  }

  /**
   * Returns the candidate id stored as the election value.
   *
   * @return the id
   */
  public String candidateId() {
    return candidateId;
  }

  /**
   * Returns the lease TTL.
   *
   * @return the TTL
   */
  public Duration ttl() {
    return ttl;
  }

  /**
   * The comparison that holds only while this candidate's election key exists, for fencing
   * writes; null when not leading.
   */
  @Nullable Cmp fence() {
    LeaderKey k = leaderKey;
    if (k == null || !isLeader()) {
      return null;
    }
    return new Cmp(k.getKey(), Cmp.Op.EQUAL, CmpTarget.createRevision(k.getRevision()));
  }

  private void campaign() {
    if (closed) {
      return;
    }
    int gen = ++generation;
    long ttlSeconds = Math.max(1, ttl.toSeconds());
    connection
        .client()
        .getLeaseClient()
        .grant(ttlSeconds)
        .whenComplete(
            (grant, err) ->
                scheduler.execute(
                    () -> {
                      if (gen != generation || closed) {
                        if (grant != null) {
                          connection.client().getLeaseClient().revoke(grant.getID());
                        }
                        return;
                      }
                      if (err != null) {
                        failed("lease grant", err);
                        retry(gen);
                        return;
                      }
                      onLease(gen, grant.getID());
                    }));
  }

  private void onLease(int gen, long id) {
    leaseId = id;
    lastRenewNanos = nanoTime.getAsLong();
    keepAlive = connection.client().getLeaseClient().keepAlive(id, new KeepAliveObserver(gen));
    connection
        .client()
        .getElectionClient()
        .campaign(election, id, candidate)
        .whenComplete(
            (resp, err) ->
                scheduler.execute(
                    () -> {
                      if (gen != generation || closed) {
                        if (resp != null) {
                          connection.client().getElectionClient().resign(resp.getLeader());
                        }
                        return;
                      }
                      if (err != null) {
                        failed("campaign", err);
                        lose(gen, "campaign failed");
                        return;
                      }
                      if (nanoTime.getAsLong() - lastRenewNanos >= staleNanos) {
                        lose(gen, "lease went stale while campaigning");
                        return;
                      }
                      failures = 0;
                      leaderKey = resp.getLeader();
                      startWatchdog(gen);
                      report(true);
                      log.info("elected leader election={} candidate={}", string(election), candidateId);
                    }));
  }

  private void startWatchdog(int gen) {
    long period = Math.max(10, Math.min(250, ttl.toMillis() / 20));
    watchdog =
        scheduler.scheduleWithFixedDelay(
            () -> {
              if (gen == generation && leaderKey != null && !isLeader()) {
                lose(gen, "lease not renewed for " + Duration.ofNanos(staleNanos));
              }
            },
            period,
            period,
            TimeUnit.MILLISECONDS);
  }

  /** Gives up the current candidacy (on the scheduler thread) and campaigns again. */
  private void lose(int gen, String why) {
    if (gen != generation) {
      return;
    }
    boolean was = leaderKey != null;
    leaderKey = null;
    generation++;
    cancelWatchdog();
    CloseableClient ka = keepAlive;
    keepAlive = null;
    if (ka != null) {
      ka.close();
    }
    if (!partitioned && leaseId != 0) {
      // frees the election key at once if etcd is reachable; otherwise the lease expires
      connection.client().getLeaseClient().revoke(leaseId);
    }
    leaseId = 0;
    if (was) {
      log.warn("lost leadership election={} reason={}", string(election), why);
    }
    report(false);
    retry(generation);
  }

  /** WARN on the first failure in a row, DEBUG while it repeats. */
  private void failed(String what, Throwable err) {
    Throwable cause = err instanceof java.util.concurrent.CompletionException && err.getCause() != null ? err.getCause() : err;
    if (cause instanceof io.etcd.jetcd.common.exception.ClosedClientException
        || cause instanceof java.util.concurrent.RejectedExecutionException) {
      // the client was closed under us (its owner shut down): campaigning cannot succeed again
      if (!stopped) {
        log.warn("{} failed: the etcd client is closed; campaigning stopped", what);
      }
      stopped = true;
      return;
    }
    if (failures++ == 0) {
      log.warn("{} failed, retrying every {}: {}", what, retryDelay, cause.toString());
    } else {
      log.debug("{} failed again ({} in a row): {}", what, failures, cause.toString());
    }
  }

  private void retry(int gen) {
    if (closed || partitioned || stopped) {
      return;
    }
    scheduler.schedule(
        () -> {
          if (gen == generation) {
            campaign();
          }
        },
        retryDelay.toMillis(),
        TimeUnit.MILLISECONDS);
  }

  private void cancelWatchdog() {
    ScheduledFuture<?> w = watchdog;
    watchdog = null;
    if (w != null) {
      w.cancel(false);
    }
  }

  private void report(boolean leader) {
    if (reported == leader || listener == null) {
      return;
    }
    reported = leader;
    try {
      listener.leadershipChanged(leader);
    } catch (RuntimeException e) {
      log.warn("leadership listener failed", e);
    }
  }

  /** Tracks renewals; an answer with TTL 0 or an error means the lease is gone. */
  private final class KeepAliveObserver implements StreamObserver<LeaseKeepAliveResponse> {
    private final int gen;

    KeepAliveObserver(int gen) {
      this.gen = gen;
    }

    @Override
    public void onNext(LeaseKeepAliveResponse r) {
      long now = nanoTime.getAsLong();
      scheduler.execute(
          () -> {
            if (gen != generation || partitioned) {
              return;
            }
            if (r.getTTL() <= 0) {
              lose(gen, "lease expired");
            } else {
              lastRenewNanos = now;
            }
          });
    }

    @Override
    public void onError(Throwable t) {
      scheduler.execute(() -> lose(gen, "keep-alive failed: " + t));
    }

    @Override
    public void onCompleted() {}
  }

  /**
   * Test hook: behaves as if this process froze or lost the network: renewals stop, nothing is
   * revoked or resigned, and it never campaigns again.
   */
  void partitionForTest() {
    scheduler.execute(
        () -> {
          partitioned = true;
          CloseableClient ka = keepAlive;
          keepAlive = null;
          if (ka != null) {
            ka.close();
          }
        });
  }

  /** Resigns if leading, revokes the lease and stops. Idempotent. */
  @Override
  public void close() {
    if (scheduler.isShutdown()) {
      return;
    }
    java.util.concurrent.Future<?> done =
        scheduler.submit(
            () -> {
              if (closed) {
                return;
              }
              closed = true;
              generation++;
              cancelWatchdog();
              LeaderKey k = leaderKey;
              leaderKey = null;
              CloseableClient ka = keepAlive;
              keepAlive = null;
              if (ka != null) {
                ka.close();
              }
              if (!partitioned) {
                try {
                  if (k != null) {
                    connection.client().getElectionClient().resign(k).get(connection.requestTimeout().toMillis(), TimeUnit.MILLISECONDS);
                  }
                  if (leaseId != 0) {
                    connection.client().getLeaseClient().revoke(leaseId).get(connection.requestTimeout().toMillis(), TimeUnit.MILLISECONDS);
                  }
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                } catch (Exception e) {
                  log.debug("resign on close failed; the lease will expire: {}", e.toString());
                }
              }
              report(false);
            });
    try {
      done.get(connection.requestTimeout().toMillis() * 3, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      log.debug("leadership close did not finish cleanly: {}", e.toString());
    }
    scheduler.shutdownNow();
    if (ownsConnection) {
      connection.close();
    }
  }

  @Override
  public String toString() {
    return "EtcdLeadership[" + string(election) + ", candidate=" + candidateId + ", ttl=" + ttl + "]";
  }

  private static String string(ByteSequence b) {
    return b.toString(StandardCharsets.UTF_8);
  }

  /** Builds an {@link EtcdLeadership}. Not thread-safe. */
  public static final class Builder extends EtcdClientBuilder<Builder> {
    private String election = DEFAULT_ELECTION;
    private String candidateId = UUID.randomUUID().toString();
    private Duration ttl = Duration.ofSeconds(5);
    private Duration retryDelay = Duration.ofMillis(500);

    private Builder() {}

    /**
     * Sets the election name (default {@value #DEFAULT_ELECTION}); engines of one cluster share
     * it.
     *
     * @param name the name
     * @return this builder
     */
    public Builder election(String name) {
      this.election = Objects.requireNonNull(name, "name");
      return this;
    }

    /**
     * Sets this candidate's id, stored as the election value (default a random UUID).
     *
     * @param id the id, for example a host name
     * @return this builder
     */
    public Builder candidateId(String id) {
      this.candidateId = Objects.requireNonNull(id, "id");
      return this;
    }

    /**
     * Sets the lease TTL (default 5 s), whole seconds, at least 2 s.
     *
     * @param ttl the TTL
     * @return this builder
     */
    public Builder ttl(Duration ttl) {
      Objects.requireNonNull(ttl, "ttl");
      if (ttl.toSeconds() < 2 || ttl.toMillis() % 1000 != 0) {
        throw new IllegalArgumentException("ttl must be whole seconds, at least 2 s: " + ttl);
      }
      this.ttl = ttl;
      return this;
    }

    /**
     * Sets the delay before campaigning again after a failure (default 500 ms).
     *
     * @param delay positive
     * @return this builder
     */
    public Builder retryDelay(Duration delay) {
      Objects.requireNonNull(delay, "delay");
      if (delay.isNegative() || delay.isZero()) {
        throw new IllegalArgumentException("retryDelay must be positive: " + delay);
      }
      this.retryDelay = delay;
      return this;
    }

    /**
     * Builds the leadership; nothing happens until {@link #start}.
     *
     * @return the leadership
     * @throws IllegalStateException unless exactly one of settings, connection and client is set
     */
    public EtcdLeadership build() {
      Resolved r = resolveConnection();
      return new EtcdLeadership(this, r.connection(), r.owned());
    }
  }
}
