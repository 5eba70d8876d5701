package io.dynamite.prometheus;

import io.dynamite.api.MetricPoll;
import io.dynamite.api.MetricQuery;
import io.dynamite.api.MetricSample;
import io.dynamite.api.MetricSourceException;
import io.dynamite.api.RejectedSample;
import io.dynamite.api.spi.MetricSource;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import okhttp3.HttpUrl;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Policy metrics from Prometheus: one PromQL instant query per stream the engine reads, evaluated
 * every {@link Builder#interval interval} in the background.
 *
 * <p>A stream ({@link MetricQuery}: service type, metric, aggregated or per instance) is answered
 * by the query configured under {@code <service_type>/<metric>}, else under {@code <metric>}. The
 * first {@link #poll} tells the source which streams the engine reads and starts the rounds, which
 * run on the scheduler: every query of a round is evaluated at the same time (the clock's instant,
 * sent as the API's {@code time} parameter), one after another, and a round starts {@code
 * interval} after the previous one ended, so a slow Prometheus never makes rounds pile up. After
 * each round the source signals the engine ({@link #subscribe}), whose next poll hands over the
 * new samples, each stream in timestamp order. A sample's timestamp is the evaluation time
 * Prometheus reports.
 *
 * <p>Missing data and errors never become a value, least of all a zero:
 *
 * <ul>
 *   <li>a query that returns no series delivers no sample; this is counted ({@link
 *       #emptyResults()}) and logged once when it starts and once when data returns;
 *   <li>a value that is not a finite number (NaN, ±Inf), a series without the instance label, two
 *       series for one instance, or several series for an aggregated metric are rejected: handed
 *       to the engine as {@link RejectedSample}s, which it counts and logs once per key;
 *   <li>a failed query (unreachable server, timeout, HTTP or PromQL error, a body that is not the
 *       API's JSON) is counted ({@link #failedQueries()}) and logged when it starts failing; while
 *       other queries of the round succeed it is reported as a rejected value, and when every
 *       query of the latest round failed, {@link #poll} throws a retryable {@link
 *       MetricSourceException} until a round succeeds again.
 * </ul>
 *
 * <p>At most {@link Builder#bufferCapacity} samples wait between polls (an engine that lost its
 * leadership stops polling); beyond that the oldest are dropped and counted ({@link
 * #droppedSamples()}).
 *
 * <p>Credentials (a bearer token or a basic-auth password) are read from files, again whenever a
 * file changes, and never appear in a log line, a message or {@link #toString()}.
 *
 * <p>Threading: one polling thread plus the scheduler's thread, which runs the queries and may
 * block for up to the timeout per query. {@link #resolveInstance} may be called from any thread.
 *
 * @since 0.3
 */
public final class PrometheusMetricSource implements MetricSource {
  /** The default time between two rounds of queries. */
  public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(15);
  /** The default timeout of one query (connect, send, evaluate, answer). */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
  /** The default number of samples that may wait between two polls. */
  public static final int DEFAULT_BUFFER_CAPACITY = 10_000;
  /** Rejected values kept between two polls; more are only counted. */
  private static final int MAX_REJECTED = 1_000;

  private static final Logger log = LoggerFactory.getLogger(PrometheusMetricSource.class);
  private static final AtomicInteger THREAD_IDS = new AtomicInteger();

  private final String url;
  private final Map<String, PrometheusQuery> queries;
  private final Duration interval;
  private final Clock clock;
  private final ScheduledExecutorService scheduler;
  private final boolean ownsScheduler;
  private final PrometheusHttp http;
  private final int bufferCapacity;
  private final AtomicBoolean closed = new AtomicBoolean();

  private final Object lock = new Object();
  // guarded by lock
  private final ArrayDeque<MetricSample> buffer = new ArrayDeque<>();
  private final List<RejectedSample> rejected = new ArrayList<>();
  private @Nullable QueryFailure everyQueryFailed;
  private @Nullable ScheduledFuture<?> rounds;

  // written by the polling thread, read by the query thread
  private volatile Binding[] bindings = new Binding[0];
  private volatile Map<String, PrometheusQuery> unitNames = Map.of();
  private volatile @Nullable Runnable signal;
  // polling thread only
  private List<MetricQuery> boundQueries = List.of();
  private final Set<MetricQuery> reportedUnanswered = new HashSet<>();

  private final AtomicLong roundsRun = new AtomicLong();
  private final AtomicLong queriesRun = new AtomicLong();
  private final AtomicLong failedQueries = new AtomicLong();
  private final AtomicLong emptyResults = new AtomicLong();
  private final AtomicLong rejectedValues = new AtomicLong();
  private final AtomicLong droppedSamples = new AtomicLong();

  private PrometheusMetricSource(Builder b, HttpUrl base, PrometheusHttp.Auth auth) {
    this.url = base.toString();
    this.queries = Map.copyOf(b.queries);
    this.interval = b.interval;
    this.clock = b.clock;
    this.bufferCapacity = b.bufferCapacity;
    this.http = new PrometheusHttp(base, auth, b.timeout, b.caFile);
    if (b.scheduler != null) {
      this.scheduler = b.scheduler;
      this.ownsScheduler = false;
    } else {
      this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "dynamite-prometheus-" + THREAD_IDS.incrementAndGet());
        t.setDaemon(true);
        return t;
      });
      this.ownsScheduler = true;
    }
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
   * Hands over the samples and rejected values of the rounds that ended since the previous call.
   * The first call starts the rounds (the first one at once) and returns what is there: nothing.
   *
   * @param queries every stream the engine reads
   * @return the new samples, grouped by stream, each stream in timestamp order
   * @throws MetricSourceException (retryable when the cause may pass) if every query of the latest
   *     round failed and nothing else waits to be handed over
   * @throws IllegalStateException if the source is closed
   */
  @Override
  public MetricPoll poll(List<MetricQuery> queries) {
    Objects.requireNonNull(queries, "queries");
    if (closed.get()) {
      throw new IllegalStateException("source is closed");
    }
    if (!queries.equals(boundQueries)) {
      bind(queries);
    }
    List<MetricSample> samples;
    List<RejectedSample> bad;
    synchronized (lock) {
      if (rounds == null) {
        rounds = scheduler.scheduleWithFixedDelay(this::round, 0, interval.toNanos(), TimeUnit.NANOSECONDS);
      }
      if (buffer.isEmpty() && rejected.isEmpty()) {
        QueryFailure f = everyQueryFailed;
        if (f != null) {
          throw new MetricSourceException("every Prometheus query failed; latest: " + f.getMessage(), f.retryable(), null);
        }
        return MetricPoll.EMPTY;
      }
      samples = grouped();
      bad = List.copyOf(rejected);
      buffer.clear();
      rejected.clear();
    }
    return new MetricPoll(samples, bad);
  }

  /** The buffered samples, each stream's together (in arrival order, which is timestamp order). */
  private List<MetricSample> grouped() {
    Map<MetricQuery, List<MetricSample>> byStream = new LinkedHashMap<>();
    for (MetricSample s : buffer) {
      byStream.computeIfAbsent(s.query(), q -> new ArrayList<>()).add(s);
    }
    List<MetricSample> out = new ArrayList<>(buffer.size());
    byStream.values().forEach(out::addAll);
    return out;
  }

  /** Binds each stream to the query that answers it; reports streams nothing answers, once. */
  private void bind(List<MetricQuery> streams) {
    List<Binding> out = new ArrayList<>();
    Map<String, PrometheusQuery> units = new HashMap<>();
    Set<String> used = new HashSet<>();
    for (MetricQuery q : streams) {
      String key = q.serviceType() + "/" + q.metric();
      PrometheusQuery spec = queries.get(key);
      if (spec == null) {
        key = q.metric();
        spec = queries.get(key);
      }
      if (spec == null) {
        if (reportedUnanswered.add(q)) {
          log.warn("no prometheus query configured for metric {} of service_type {} (keys tried: {}/{} and {});"
              + " the policies reading it get no samples", q.metric(), q.serviceType(), q.serviceType(), q.metric(), q.metric());
        }
        continue;
      }
      used.add(key);
      Binding b = new Binding(q, key, spec, log);
      if (b.unusable != null) {
        log.warn("prometheus query {}: {}", key, b.unusable);
      }
      out.add(b);
      if (spec.unitName() != null) {
        PrometheusQuery other = units.putIfAbsent(q.serviceType(), spec);
        if (other != null && !Objects.equals(other.unitName(), spec.unitName())) {
          log.warn("service_type {} has queries with different unit_name templates ({} and {}); uuids resolve with the first",
              q.serviceType(), other.unitName(), spec.unitName());
        }
      }
    }
    for (String key : queries.keySet()) {
      if (!used.contains(key)) {
        log.info("prometheus query '{}' is not read by any policy", key);
      }
    }
    bindings = out.toArray(new Binding[0]);
    unitNames = Map.copyOf(units);
    boundQueries = List.copyOf(streams);
    log.info("prometheus metric source {}: {} stream(s) bound, querying every {} ms", url, out.size(), interval.toMillis());
  }

  /** One round: every bound query at one instant; runs on the scheduler. */
  private void round() {
    if (closed.get()) {
      return;
    }
    try {
      runRound();
    } catch (RuntimeException e) {
      // a task that throws would never be scheduled again: report and carry on
      log.warn("prometheus query round failed unexpectedly", e);
    }
  }

  private void runRound() {
    Binding[] bs = bindings;
    if (bs.length == 0) {
      return;
    }
    roundsRun.incrementAndGet();
    Instant at = clock.instant();
    List<MetricSample> got = new ArrayList<>();
    List<RejectedSample> bad = new ArrayList<>();
    List<RejectedSample> failures = new ArrayList<>();
    int ran = 0;
    QueryFailure last = null;
    for (Binding b : bs) {
      if (closed.get()) {
        return;
      }
      if (b.unusable != null) {
        bad.add(new RejectedSample(b.rejectKey(null), b.unusable));
        continue;
      }
      ran++;
      queriesRun.incrementAndGet();
      try {
        int series = b.convert(ResultReader.read(http.query(b.spec.promql(), at)), got, bad);
        if (series == 0) {
          emptyResults.incrementAndGet();
          b.health.noData();
        } else {
          b.health.data();
        }
      } catch (QueryFailure e) {
        if (closed.get()) {
          return;
        }
        failedQueries.incrementAndGet();
        b.health.failed(e.getMessage());
        failures.add(new RejectedSample(b.rejectKey(null), "query failed: " + e.getMessage()));
        last = e;
      }
    }
    boolean everyFailed = ran > 0 && failures.size() == ran;
    if (!everyFailed) {
      bad.addAll(failures);
    }
    rejectedValues.addAndGet(bad.size());
    synchronized (lock) {
      everyQueryFailed = everyFailed ? last : null;
      for (MetricSample s : got) {
        if (buffer.size() >= bufferCapacity) {
          buffer.removeFirst();
          if (droppedSamples.getAndIncrement() == 0) {
            log.warn("prometheus samples are not being polled; dropping the oldest beyond {} (counted)", bufferCapacity);
          }
        }
        buffer.addLast(s);
      }
      for (RejectedSample r : bad) {
        if (rejected.size() < MAX_REJECTED) {
          rejected.add(r);
        }
      }
    }
    Runnable s = signal;
    if (s != null) {
      s.run();
    }
  }

  /**
   * Signals the engine after every round, so that it polls as soon as results arrived.
   *
   * @param signal called on the scheduler's thread
   * @return true
   */
  @Override
  public boolean subscribe(Runnable signal) {
    this.signal = Objects.requireNonNull(signal, "signal");
    return true;
  }

  /**
   * Resolves an instance label value to a unit name with the {@code unit_name} template of the
   * service type's per-instance query, if it has one.
   *
   * @param serviceType the metric's service type
   * @param uuid the label value a sample carries
   * @return the unit name with {@code .service}, or empty without a template
   */
  @Override
  public Optional<String> resolveInstance(String serviceType, String uuid) {
    PrometheusQuery q = unitNames.get(serviceType);
    return q == null ? Optional.empty() : q.unitFor(uuid);
  }

  /**
   * Returns how many rounds ran.
   *
   * @return the count
   */
  public long roundsRun() {
    return roundsRun.get();
  }

  /**
   * Returns how many queries were sent.
   *
   * @return the count
   */
  public long queriesRun() {
    return queriesRun.get();
  }

  /**
   * Returns how many queries failed (transport, HTTP, PromQL or answer errors).
   *
   * @return the count
   */
  public long failedQueries() {
    return failedQueries.get();
  }

  /**
   * Returns how many queries answered with no series (missing data, no sample delivered).
   *
   * @return the count
   */
  public long emptyResults() {
    return emptyResults.get();
  }

  /**
   * Returns how many values and failed queries were reported as rejected.
   *
   * @return the count
   */
  public long rejectedValues() {
    return rejectedValues.get();
  }

  /**
   * Returns how many samples were dropped because nobody polled them in time.
   *
   * @return the count
   */
  public long droppedSamples() {
    return droppedSamples.get();
  }

  /** Stops the rounds and releases the HTTP client (and the scheduler, if the source made it). Idempotent. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    synchronized (lock) {
      if (rounds != null) {
        rounds.cancel(false);
      }
    }
    if (ownsScheduler) {
      scheduler.shutdownNow();
    }
    http.close();
  }

  @Override
  public String toString() {
    return "PrometheusMetricSource[" + url + ", queries=" + new java.util.TreeSet<>(queries.keySet())
        + ", interval=" + interval.toMillis() + "ms]";
  }

  /** Builds a {@link PrometheusMetricSource}. Not thread-safe. */
  public static final class Builder {
    private @Nullable String url;
    private final Map<String, PrometheusQuery> queries = new LinkedHashMap<>();
    private Duration interval = DEFAULT_INTERVAL;
    private Duration timeout = DEFAULT_TIMEOUT;
    private @Nullable Path bearerTokenFile;
    private @Nullable String username;
    private @Nullable Path passwordFile;
    private @Nullable Path caFile;
    private Clock clock = Clock.systemUTC();
    private @Nullable ScheduledExecutorService scheduler;
    private int bufferCapacity = DEFAULT_BUFFER_CAPACITY;

    private Builder() {}

    /**
     * Sets the Prometheus server's base URL (required), for example {@code http://127.0.0.1:9090}
     * or {@code https://prom.example/prometheus} behind a path prefix.
     *
     * @param url an {@code http} or {@code https} URL without credentials, query or fragment
     * @return this builder
     */
    public Builder url(String url) {
      this.url = Objects.requireNonNull(url, "url");
      return this;
    }

    /**
     * Adds the query that answers a metric.
     *
     * @param key the policy's {@code metric}, or {@code <service_type>/<metric>} when two service
     *     types read a metric of the same name from different queries (the longer key wins)
     * @param query the query
     * @return this builder
     */
    public Builder query(String key, PrometheusQuery query) {
      Objects.requireNonNull(key, "key");
      if (key.isBlank()) {
        throw new IllegalArgumentException("query key must not be blank");
      }
      queries.put(key, Objects.requireNonNull(query, "query"));
      return this;
    }

    /**
     * Sets the time between the end of one round of queries and the start of the next (default
     * {@link #DEFAULT_INTERVAL}). Prometheus's own scrape interval is the useful lower bound.
     *
     * @param interval positive, at most a day
     * @return this builder
     */
    public Builder interval(Duration interval) {
      this.interval = positive(interval, "interval");
      return this;
    }

    /**
     * Sets the timeout of one query, also sent to Prometheus as the evaluation timeout (default
     * {@link #DEFAULT_TIMEOUT}).
     *
     * @param timeout positive, at most a day
     * @return this builder
     */
    public Builder timeout(Duration timeout) {
      this.timeout = positive(timeout, "timeout");
      return this;
    }

    /**
     * Sends {@code Authorization: Bearer <token>} with the token read from a file (read again
     * when the file changes). Excludes {@link #basicAuth}.
     *
     * @param tokenFile the file holding the token
     * @return this builder
     */
    public Builder bearerTokenFile(Path tokenFile) {
      this.bearerTokenFile = Objects.requireNonNull(tokenFile, "tokenFile");
      return this;
    }

    /**
     * Sends HTTP basic authentication with the password read from a file (read again when the
     * file changes). Excludes {@link #bearerTokenFile}.
     *
     * @param username the user name
     * @param passwordFile the file holding the password
     * @return this builder
     */
    public Builder basicAuth(String username, Path passwordFile) {
      this.username = Objects.requireNonNull(username, "username");
      this.passwordFile = Objects.requireNonNull(passwordFile, "passwordFile");
      return this;
    }

    /**
     * Trusts the CA certificates in a PEM file (instead of the JDK's) for an {@code https} URL.
     *
     * @param caFile one or more PEM certificates
     * @return this builder
     */
    public Builder caFile(Path caFile) {
      this.caFile = Objects.requireNonNull(caFile, "caFile");
      return this;
    }

    /**
     * Sets the clock whose instant each round evaluates its queries at (default the UTC system
     * clock; pass the engine's).
     *
     * @param clock the clock
     * @return this builder
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Sets the scheduler the rounds run on (default: one daemon thread the source owns and shuts
     * down at close). Its thread blocks during queries, so do not pass the engine's.
     *
     * @param scheduler the scheduler; not shut down by the source
     * @return this builder
     */
    public Builder scheduler(ScheduledExecutorService scheduler) {
      this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
      return this;
    }

    /**
     * Sets how many samples may wait between two polls (default {@link
     * #DEFAULT_BUFFER_CAPACITY}); beyond that the oldest are dropped and counted.
     *
     * @param capacity positive
     * @return this builder
     */
    public Builder bufferCapacity(int capacity) {
      if (capacity <= 0) {
        throw new IllegalArgumentException("bufferCapacity must be positive: " + capacity);
      }
      this.bufferCapacity = capacity;
      return this;
    }

    /**
     * Builds the source. Nothing is sent before the first poll.
     *
     * @return the source
     * @throws IllegalStateException without a URL or a query
     * @throws IllegalArgumentException if the URL is unusable, both authentications are set, or a
     *     credential or CA file cannot be read (the message names the file, never its content)
     */
    public PrometheusMetricSource build() {
      if (url == null) {
        throw new IllegalStateException("url is required");
      }
      if (queries.isEmpty()) {
        throw new IllegalStateException("at least one query is required");
      }
      HttpUrl base = baseUrl(url);
      if (bearerTokenFile != null && username != null) {
        throw new IllegalArgumentException("use either a bearer token or basic authentication, not both");
      }
      PrometheusHttp.Auth auth = bearerTokenFile != null
          ? new PrometheusHttp.Bearer(new SecretFile(bearerTokenFile))
          : username != null
              ? new PrometheusHttp.Basic(username, new SecretFile(Objects.requireNonNull(passwordFile)))
              : new PrometheusHttp.NoAuth();
      if (caFile != null && !base.isHttps()) {
        throw new IllegalArgumentException("ca_file needs an https URL: " + base);
      }
      return new PrometheusMetricSource(this, base, auth);
    }

    /** Parses and checks the base URL; the message quotes it only when it holds no credentials. */
    static HttpUrl baseUrl(String url) {
      HttpUrl u = HttpUrl.parse(url.trim());
      if (u == null) {
        throw new IllegalArgumentException("not an http(s) URL: " + (url.contains("@") ? "(hidden: it contains '@')" : url));
      }
      if (!u.username().isEmpty() || !u.password().isEmpty()) {
        throw new IllegalArgumentException("the URL must not contain credentials: use username and password_file,"
            + " or bearer_token_file");
      }
      if (u.query() != null || u.fragment() != null) {
        throw new IllegalArgumentException("the URL must not have a query or fragment: " + u);
      }
      return u;
    }

    private static Duration positive(Duration d, String what) {
      Objects.requireNonNull(d, what);
      if (d.isNegative() || d.isZero() || d.compareTo(Durations.MAX) > 0) {
        throw new IllegalArgumentException(what + " must be positive and at most a day: " + d);
      }
      return d;
    }
  }
}
