package io.dynamite.fleet;

import io.dynamite.api.UnitOption;
import io.dynamite.fleet.internal.FleetJson;
import io.dynamite.fleet.internal.UnitOptions;
import io.dynamite.fleet.internal.UnixDomainSocketFactory;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.X509TrustManager;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;
import okio.BufferedSource;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A client for fleet's HTTP API v1: units (list, get, create/replace, set desired state, delete),
 * unit states ({@code /state} with filters) and machines.
 *
 * <p>Transport: {@code http://host:port}, {@code https://host:port} (fleetd itself never serves
 * TLS, a proxy in front may) or fleet's unix socket {@code unix:///var/run/fleet.sock}. Every call
 * has connect, read and overall timeouts.
 *
 * <p>Calls are asynchronous: each returns at once and completes its stage on one of the client's
 * worker threads (at most {@code maxInFlight} blocking HTTP calls run at once). Failures complete
 * the stage with a {@link FleetException}; 5xx answers and I/O failures are first retried
 * according to the {@link RetryPolicy} (the delays are scheduled, no thread sleeps). Every call
 * fleet offers here is idempotent, so all are retried. A server certificate the client refuses
 * (untrusted chain, wrong host name) fails at once, not retryable.
 *
 * <p>Lists follow {@code nextPageToken} until the last page (re-sending the {@code /state}
 * filters on every page, since fleet does not encode them in the token) and treat fleet's {@code
 * {}} as empty. The client never calls {@code GET /state/{name}}: fleet's handler panics on a unit
 * without state and drops the connection; {@link #listStates} with a unit name is the safe form.
 *
 * <p>Thread-safe. Close it to release the threads and connections it owns; caller-supplied
 * executors, schedulers and {@code OkHttpClient}s are never shut down.
 *
 * @since 0.1
 */
public final class FleetClient implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(FleetClient.class);
  private static final MediaType JSON = MediaType.get("application/json");
  private static final AtomicInteger CLIENT_IDS = new AtomicInteger();
  /**
   * The largest answer body the client reads: 16 MiB. fleet's largest answers (every unit with its
   * options, 100 per page) stay far below; a larger or endless body fails the call with a
   * non-retryable {@link FleetException} instead of exhausting the heap.
   */
  public static final int MAX_BODY_BYTES = 16 * 1024 * 1024;
  /** fleet tokens hold a uint16 page number, so no list can have more pages. */
  static final int MAX_PAGES = 0x10000;

  private final OkHttpClient http;
  private final boolean ownsHttp;
  private final HttpUrl base;
  private final String endpoint;
  private final RetryPolicy retry;
  private final Executor executor;
  private final @Nullable ExecutorService ownedExecutor;
  private final ScheduledExecutorService scheduler;
  private final boolean ownsScheduler;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final AtomicBoolean warnedRetry = new AtomicBoolean();
  private final int maxInFlight;
  private final int maxPages;

  private FleetClient(Builder b) {
    this.retry = b.retry;
    this.maxPages = b.maxPages;
    this.maxInFlight = b.maxInFlight;
    this.endpoint = b.endpoint;
    int id = CLIENT_IDS.incrementAndGet();
    OkHttpClient.Builder hb = b.okHttpClient != null ? b.okHttpClient.newBuilder() : new OkHttpClient.Builder();
    hb.connectTimeout(b.connectTimeout).readTimeout(b.readTimeout).writeTimeout(b.readTimeout).callTimeout(b.callTimeout);
    String ep = b.endpoint;
    String socketPath = unixPath(ep);
    if (socketPath != null) {
      hb.socketFactory(new UnixDomainSocketFactory(Path.of(socketPath)));
      // The host name is only a placeholder (fleetd ignores Host); never resolve it.
      hb.dns(host -> List.of(InetAddress.getLoopbackAddress()));
      this.base = HttpUrl.get("http://fleet.sock/fleet/v1/");
    } else {
      HttpUrl url = httpUrl(ep);
      HttpUrl.Builder ub = url.newBuilder();
      List<String> segs = new ArrayList<>(url.pathSegments());
      segs.removeIf(String::isEmpty);
      if (!(segs.size() >= 2 && segs.get(segs.size() - 2).equals("fleet") && segs.get(segs.size() - 1).equals("v1"))) {
        ub.addPathSegment("fleet").addPathSegment("v1");
      }
      this.base = ub.build();
    }
    if (b.sslSocketFactory != null && b.trustManager != null) {
      hb.sslSocketFactory(b.sslSocketFactory, b.trustManager);
    }
    this.http = hb.build();
    this.ownsHttp = b.okHttpClient == null;
    if (b.executor != null) {
      this.executor = b.executor;
      this.ownedExecutor = null;
    } else {
      ThreadPoolExecutor pool =
          new ThreadPoolExecutor(
              b.maxInFlight, b.maxInFlight, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
              daemon("dynamite-fleet-" + id + "-io"));
      pool.allowCoreThreadTimeOut(true);
      this.executor = pool;
      this.ownedExecutor = pool;
    }
    if (b.scheduler != null) {
      this.scheduler = b.scheduler;
      this.ownsScheduler = false;
    } else {
      ScheduledThreadPoolExecutor s = new ScheduledThreadPoolExecutor(1, daemon("dynamite-fleet-" + id + "-timer"));
      s.setRemoveOnCancelPolicy(true);
      this.scheduler = s;
      this.ownsScheduler = true;
    }
  }

  /**
   * Returns a builder.
   *
   * @param endpoint {@code http://host:port}, {@code https://host:port} or {@code
   *     unix:///var/run/fleet.sock}; the {@code /fleet/v1} base path is added unless present
   * @return a new builder
   */
  public static Builder builder(String endpoint) {
    return new Builder(endpoint);
  }

  /**
   * Returns the endpoint this client talks to, as configured.
   *
   * @return the endpoint
   */
  public String endpoint() {
    return endpoint;
  }

  /**
   * Returns the scheduler the client uses for retry delays; {@link FleetTarget} schedules its
   * state polls on it too. Do not shut it down.
   *
   * @return the scheduler
   */
  ScheduledExecutorService scheduler() {
    return scheduler;
  }

  /**
   * Lists every unit ({@code GET /units}, all pages).
   *
   * @return the units sorted by name, as fleet sorts them
   */
  public CompletionStage<List<FleetUnit>> listUnits() {
    return pages("list units", token -> url("units", token), FleetJson::unitPage);
  }

  /**
   * Reads one unit ({@code GET /units/{name}}).
   *
   * @param name the full unit name
   * @return the unit, empty when fleet answers 404
   */
  public CompletionStage<Optional<FleetUnit>> getUnit(String name) {
    checkName(name);
    String what = "get unit " + name;
    Request req = new Request.Builder().url(unitUrl(name)).get().build();
    return call(what, req, (code, body) -> {
      if (code == 404) {
        return Optional.empty();
      }
      if (code != 200) {
        throw error(what, code, body);
      }
      return Optional.of(FleetJson.unit(body));
    });
  }

  /**
   * Creates a unit, or replaces it if it exists with other options ({@code PUT /units/{name}} with
   * {@code desiredState} and {@code options}). The options are sent normalised as fleet stores
   * them (see {@code docs/fleet.md}), so that repeating the call for an unchanged unit is a no-op
   * rather than a replace, which would restart it.
   *
   * <p>Never send a template ({@code name@.service}) anything but {@link DesiredState#INACTIVE}:
   * fleet would schedule and start the template itself. This method rejects it.
   *
   * @param name the full unit name
   * @param desiredState the state to create it in
   * @param options the unit file's options
   * @return true if fleet created or replaced the unit (201), false if it only updated the state
   *     of an identical unit (204)
   * @throws IllegalArgumentException (synchronously) for a template with a state other than
   *     inactive, or options fleet cannot store
   */
  public CompletionStage<Boolean> createUnit(String name, DesiredState desiredState, List<UnitOption> options) {
    return createUnit(name, desiredState, options, null);
  }

  /** {@link #createUnit(String, DesiredState, List)}, asking {@code fence} before every attempt. */
  CompletionStage<Boolean> createUnit(String name, DesiredState desiredState, List<UnitOption> options,
      @Nullable BooleanSupplier fence) {
    checkName(name);
    Objects.requireNonNull(desiredState, "desiredState");
    if (isTemplate(name) && desiredState != DesiredState.INACTIVE) {
      throw new IllegalArgumentException("templates are only ever sent inactive: " + name);
    }
    if (options.isEmpty()) {
      throw new IllegalArgumentException("a unit needs options: " + name);
    }
    byte[] body = FleetJson.putBody(desiredState.wireValue(), UnitOptions.normalize(options));
    String what = "create unit " + name;
    Request req = fenced(new Request.Builder().url(unitUrl(name)).put(RequestBody.create(body, JSON)), fence);
    return call(what, req, (code, resp) -> {
      if (code == 201 || code == 204) {
        return code == 201;
      }
      throw error(what, code, resp);
    });
  }

  /**
   * Sets the desired state of an existing unit ({@code PUT /units/{name}} with only {@code
   * desiredState}).
   *
   * @param name the full unit name
   * @param desiredState the new state
   * @return completes when fleet accepted it (204); fails with a {@link FleetException} of code
   *     409 if the unit does not exist
   * @throws IllegalArgumentException (synchronously) for a template with a state other than
   *     inactive
   */
  public CompletionStage<Void> setDesiredState(String name, DesiredState desiredState) {
    return setDesiredState(name, desiredState, null);
  }

  /** {@link #setDesiredState(String, DesiredState)}, asking {@code fence} before every attempt. */
  CompletionStage<Void> setDesiredState(String name, DesiredState desiredState, @Nullable BooleanSupplier fence) {
    checkName(name);
    Objects.requireNonNull(desiredState, "desiredState");
    if (isTemplate(name) && desiredState != DesiredState.INACTIVE) {
      throw new IllegalArgumentException("templates are only ever sent inactive: " + name);
    }
    byte[] body = FleetJson.putBody(desiredState.wireValue(), null);
    String what = "set " + name + " " + desiredState.wireValue();
    Request req = fenced(new Request.Builder().url(unitUrl(name)).put(RequestBody.create(body, JSON)), fence);
    return call(what, req, (code, resp) -> {
      if (code == 204 || code == 201) {
        return null;
      }
      throw error(what, code, resp);
    });
  }

  /**
   * Destroys a unit ({@code DELETE /units/{name}}).
   *
   * @param name the full unit name
   * @return true if fleet deleted it, false if it did not exist (404)
   */
  public CompletionStage<Boolean> deleteUnit(String name) {
    return deleteUnit(name, null);
  }

  /** {@link #deleteUnit(String)}, asking {@code fence} before every attempt. */
  CompletionStage<Boolean> deleteUnit(String name, @Nullable BooleanSupplier fence) {
    checkName(name);
    String what = "delete unit " + name;
    Request req = fenced(new Request.Builder().url(unitUrl(name)).delete(), fence);
    return call(what, req, (code, resp) -> {
      if (code == 204 || code == 200) {
        return true;
      }
      if (code == 404) {
        return false;
      }
      throw error(what, code, resp);
    });
  }

  /**
   * Lists unit states ({@code GET /state}, all pages), optionally filtered.
   *
   * @param machineId only states on this machine; null for all
   * @param unitName only states of this unit; null for all
   * @return the states, sorted by unit name then machine; empty when none match
   */
  public CompletionStage<List<FleetUnitState>> listStates(@Nullable String machineId, @Nullable String unitName) {
    return pages(
        "list states" + (unitName == null ? "" : " of " + unitName),
        token -> {
          HttpUrl.Builder u = base.newBuilder().addPathSegment("state");
          if (machineId != null) {
            u.addQueryParameter("machineID", machineId);
          }
          if (unitName != null) {
            u.addQueryParameter("unitName", unitName);
          }
          if (!token.isEmpty()) {
            u.addQueryParameter("nextPageToken", token);
          }
          return u.build();
        },
        FleetJson::statePage);
  }

  /**
   * Lists the machines currently in the cluster ({@code GET /machines}, all pages).
   *
   * @return the machines
   */
  public CompletionStage<List<FleetMachine>> listMachines() {
    return pages("list machines", token -> url("machines", token), FleetJson::machinePage);
  }

  /**
   * Releases the threads and connections the client owns. Calls in flight may complete with a
   * non-retryable {@link FleetException}. Idempotent.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    if (ownedExecutor != null) {
      ownedExecutor.shutdownNow();
    }
    if (ownsScheduler) {
      scheduler.shutdownNow();
    }
    if (ownsHttp) {
      http.connectionPool().evictAll();
    }
  }

  @Override
  public String toString() {
    return "FleetClient[" + base.newBuilder().username("").password("").build() + "]";
  }

  /**
   * Checks an endpoint the way {@link Builder#build()} does, without building anything.
   *
   * @param endpoint the endpoint, already stripped
   * @throws IllegalArgumentException if the builder would reject it
   */
  static void checkEndpoint(String endpoint) {
    if (unixPath(endpoint) == null) {
      httpUrl(endpoint);
    }
  }

  /** Returns the socket path of a unix endpoint, null for any other endpoint. */
  private static @Nullable String unixPath(String ep) {
    if (!ep.startsWith("unix://") && !ep.startsWith("file://")) {
      return null;
    }
    String path = ep.substring(7);
    if (!path.startsWith("/")) {
      // fleetctl rejects "unix://var/run/..." too: the socket path must be absolute
      throw new IllegalArgumentException("unix endpoint needs an absolute path (unix:///path): " + ep);
    }
    return path;
  }

  private static HttpUrl httpUrl(String ep) {
    HttpUrl url = HttpUrl.parse(ep);
    if (url == null) {
      throw new IllegalArgumentException("endpoint must be http(s)://host:port or unix:///path: " + ep);
    }
    return url;
  }

  /** The retry policy; for tests of the configuration. */
  RetryPolicy retryPolicy() {
    return retry;
  }

  /** The configured in-flight limit of the client's own workers; for tests of the configuration. */
  int maxInFlight() {
    return maxInFlight;
  }

  /** The most pages a list follows; for tests of the page limit. */
  int maxPages() {
    return maxPages;
  }

  /** The OkHttp client the calls run on (timeouts, TLS); for tests of the configuration. */
  OkHttpClient http() {
    return http;
  }

  static boolean isTemplate(String name) {
    int at = name.indexOf('@');
    return at >= 0 && name.startsWith(".", at + 1);
  }

  // ------------------------------------------------------------------ plumbing

  private interface Handler<T> {
    @Nullable T handle(int code, byte[] body) throws IOException, FleetException;
  }

  private interface PageUrl {
    HttpUrl url(String token);
  }

  private interface PageParser<T> {
    FleetJson.Page<T> parse(byte[] body) throws IOException;
  }

  private <T> CompletionStage<List<T>> pages(String what, PageUrl url, PageParser<T> parser) {
    List<T> all = new ArrayList<>();
    return nextPage(what, url, parser, "", 0, all).thenApply(v -> List.copyOf(all));
  }

  private <T> CompletableFuture<Void> nextPage(
      String what, PageUrl url, PageParser<T> parser, String token, int pageNo, List<T> acc) {
    Request req = new Request.Builder().url(url.url(token)).get().build();
    return call(what, req, (code, body) -> {
          if (code != 200) {
            throw error(what, code, body);
          }
          return parser.parse(body);
        })
        .thenCompose(page -> {
          acc.addAll(page.items());
          String next = page.nextPageToken();
          if (next.isEmpty()) {
            return CompletableFuture.completedFuture(null);
          }
          if (next.equals(token)) {
            return CompletableFuture.failedFuture(
                new FleetException(what + ": fleet repeats page token " + next, 200, "", false, null));
          }
          if (pageNo + 1 >= maxPages) {
            return CompletableFuture.failedFuture(new FleetException(what + ": fleet announced more than "
                + maxPages + " pages (the page limit), the last token was " + next, 200, "", false, null));
          }
          return nextPage(what, url, parser, next, pageNo + 1, acc);
        });
  }

  private <T> CompletableFuture<T> call(String what, Request request, Handler<T> handler) {
    CompletableFuture<T> result = new CompletableFuture<>();
    submit(() -> attempt(what, request, handler, 1, result), result);
    return result;
  }

  private void submit(Runnable task, CompletableFuture<?> result) {
    if (closed.get()) {
      result.completeExceptionally(closedException(null));
      return;
    }
    try {
      executor.execute(task);
    } catch (RejectedExecutionException e) {
      result.completeExceptionally(closedException(e));
    }
  }

  /** Tags a mutating request with the fence its every attempt must pass (retries included). */
  private static Request fenced(Request.Builder b, @Nullable BooleanSupplier fence) {
    return fence == null ? b.build() : b.tag(Fence.class, new Fence(fence)).build();
  }

  /** The leadership check of a fenced call. */
  private record Fence(BooleanSupplier stillLeading) {}

  private <T> void attempt(String what, Request request, Handler<T> handler, int attempt, CompletableFuture<T> result) {
    Fence fence = request.tag(Fence.class);
    if (fence != null && !fence.stillLeading().getAsBoolean()) {
      // a deposed leader sends nothing more, not even the retry of a call it sent before
      result.completeExceptionally(new FleetException(what + ": leadership was lost; not sent (attempt " + attempt + ")",
          FleetException.NO_RESPONSE, "", false, null));
      return;
    }
    try {
      exchange(what, request, handler, attempt, result);
    } catch (Throwable t) {
      // whatever escapes (an Error included) must not leave the caller's stage pending forever
      result.completeExceptionally(
          new FleetException(what + " failed: " + t, FleetException.NO_RESPONSE, "", false, t));
      if (t instanceof Error e) {
        throw e;
      }
    }
  }

  private <T> void exchange(String what, Request request, Handler<T> handler, int attempt, CompletableFuture<T> result) {
    FleetException failure;
    int code;
    byte[] body;
    try (Response resp = http.newCall(request).execute()) {
      code = resp.code();
      body = readBody(resp);
    } catch (BodyTooLargeException e) {
      result.completeExceptionally(new FleetException(what + " failed: the answer body is larger than the limit of "
          + MAX_BODY_BYTES + " bytes (16 MiB)" + e.getMessage(), e.code, "", false, e));
      return;
    } catch (InterruptedIOException e) {
      if (Thread.currentThread().isInterrupted() || closed.get()) {
        result.completeExceptionally(closedException(e));
        return;
      }
      failure = new FleetException(what + " failed: timed out (" + e.getMessage() + ")", FleetException.NO_RESPONSE, "", true, e);
      retryOrFail(what, request, handler, attempt, result, failure);
      return;
    } catch (IOException e) {
      String tls = tlsRejection(e);
      if (tls != null) {
        // A certificate the client does not accept stays unaccepted; retrying only delays the error.
        result.completeExceptionally(
            new FleetException(what + " failed: TLS: " + tls + " (" + e.getMessage() + ")", FleetException.NO_RESPONSE, "", false, e));
        return;
      }
      failure = new FleetException(what + " failed: " + e, FleetException.NO_RESPONSE, "", true, e);
      retryOrFail(what, request, handler, attempt, result, failure);
      return;
    } catch (RuntimeException e) {
      // OkHttp rejects some malformed answers with unchecked exceptions (Content-Length: -5 gives
      // IllegalArgumentException); the server sent them, so they are the server's failure
      result.completeExceptionally(
          new FleetException(what + ": malformed answer: " + e, FleetException.NO_RESPONSE, "", false, e));
      return;
    }
    try {
      log.debug("fleet call={} status={} attempt={}", what, code, attempt);
      result.complete(handler.handle(code, body));
    } catch (FleetException e) {
      retryOrFail(what, request, handler, attempt, result, e);
    } catch (IOException e) {
      // The answer arrived but is not what fleet sends; repeating the call would not fix it.
      result.completeExceptionally(
          new FleetException(what + ": malformed answer (HTTP " + code + "): " + e.getMessage(), code, "", false, e));
    } catch (RuntimeException e) {
      // an answer shaped unlike any fleet sends, found by a parser that throws unchecked
      result.completeExceptionally(
          new FleetException(what + ": malformed answer (HTTP " + code + "): " + e, code, "", false, e));
    }
  }

  /**
   * Reads the body, refusing one above {@link #MAX_BODY_BYTES}: by its {@code Content-Length}
   * before reading, otherwise after reading one byte more than the limit.
   */
  private static byte[] readBody(Response resp) throws IOException {
    ResponseBody body = resp.body();
    long declared = body.contentLength();
    if (declared > MAX_BODY_BYTES) {
      throw new BodyTooLargeException(resp.code(), " (Content-Length: " + declared + ")");
    }
    BufferedSource source = body.source();
    if (source.request(MAX_BODY_BYTES + 1L)) {
      throw new BodyTooLargeException(resp.code(), "");
    }
    return source.readByteArray();
  }

  /** A body above {@link #MAX_BODY_BYTES}; its message is a detail appended to the limit. */
  private static final class BodyTooLargeException extends IOException {
    private static final long serialVersionUID = 1L;
    final int code;

    BodyTooLargeException(int code, String detail) {
      super(detail);
      this.code = code;
    }
  }

  /**
   * Tells whether an I/O failure is the client refusing the server's certificate (untrusted chain
   * or wrong host name), as OkHttp itself decides not to retry; returns what was refused, or null
   * for any other failure (a reset during the handshake stays retryable).
   */
  private static @Nullable String tlsRejection(IOException e) {
    if (e instanceof SSLPeerUnverifiedException) {
      return "server certificate does not match the host name";
    }
    if (e instanceof SSLHandshakeException) {
      for (Throwable c = e.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
        if (c instanceof CertificateException) {
          return "server certificate not trusted";
        }
      }
    }
    return null;
  }

  private <T> void retryOrFail(
      String what, Request request, Handler<T> handler, int attempt, CompletableFuture<T> result, FleetException failure) {
    if (!failure.retryable() || attempt >= retry.maxAttempts() || closed.get()) {
      result.completeExceptionally(failure);
      return;
    }
    Duration delay = retry.delayAfter(attempt, ThreadLocalRandom.current().nextDouble());
    if (warnedRetry.compareAndSet(false, true)) {
      log.warn("fleet call failed, retrying call={} attempt={} delay={} error={}", what, attempt, delay, failure.getMessage());
    } else {
      log.debug("fleet call failed, retrying call={} attempt={} delay={} error={}", what, attempt, delay, failure.getMessage());
    }
    try {
      scheduler.schedule(
          () -> submit(() -> attempt(what, request, handler, attempt + 1, result), result),
          delay.toNanos(), TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      failure.addSuppressed(e);
      result.completeExceptionally(failure);
    }
  }

  private static FleetException error(String what, int code, byte[] body) {
    String msg = FleetJson.errorMessage(body);
    String fleetMessage = msg == null ? "" : msg;
    // 5xx: fleet's registry (etcd) failed or fleetd is starting; 501 and 505 are not transient.
    boolean retryable = code >= 500 && code != 501 && code != 505;
    String text = what + " failed: HTTP " + code + (fleetMessage.isEmpty() ? "" : " " + fleetMessage);
    return new FleetException(text, code, fleetMessage, retryable, null);
  }

  private FleetException closedException(@Nullable Throwable cause) {
    return new FleetException("fleet client is closed", FleetException.NO_RESPONSE, "", false, cause);
  }

  private HttpUrl url(String collection, String token) {
    HttpUrl.Builder u = base.newBuilder().addPathSegment(collection);
    if (!token.isEmpty()) {
      u.addQueryParameter("nextPageToken", token);
    }
    return u.build();
  }

  private HttpUrl unitUrl(String name) {
    return base.newBuilder().addPathSegment("units").addPathSegment(name).build();
  }

  private static void checkName(String name) {
    Objects.requireNonNull(name, "name");
    if (name.isEmpty() || name.contains("/")) {
      throw new IllegalArgumentException("not a unit name: '" + name + "'");
    }
  }

  private static ThreadFactory daemon(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  /**
   * Configures a {@link FleetClient}. Not thread-safe.
   *
   * @since 0.1
   */
  public static final class Builder {
    private final String endpoint;
    private Duration connectTimeout = Duration.ofSeconds(5);
    private Duration readTimeout = Duration.ofSeconds(15);
    private Duration callTimeout = Duration.ofSeconds(30);
    private RetryPolicy retry = RetryPolicy.defaults();
    private int maxInFlight = 16;
    private int maxPages = MAX_PAGES;
    private @Nullable Executor executor;
    private @Nullable ScheduledExecutorService scheduler;
    private @Nullable OkHttpClient okHttpClient;
    private @Nullable SSLSocketFactory sslSocketFactory;
    private @Nullable X509TrustManager trustManager;

    private Builder(String endpoint) {
      this.endpoint = Objects.requireNonNull(endpoint, "endpoint").strip();
      if (this.endpoint.isEmpty()) {
        throw new IllegalArgumentException("endpoint must not be blank");
      }
    }

    /**
     * Sets the connect timeout (default 5 s).
     *
     * @param timeout positive
     * @return this builder
     */
    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = positive(timeout, "connectTimeout");
      return this;
    }

    /**
     * Sets the read (and write) timeout per call (default 15 s; fleet answers within its 1 s etcd
     * timeout when healthy).
     *
     * @param timeout positive
     * @return this builder
     */
    public Builder readTimeout(Duration timeout) {
      this.readTimeout = positive(timeout, "readTimeout");
      return this;
    }

    /**
     * Sets the limit for one attempt of a call from connect to the last byte (default 30 s).
     *
     * @param timeout positive
     * @return this builder
     */
    public Builder callTimeout(Duration timeout) {
      this.callTimeout = positive(timeout, "callTimeout");
      return this;
    }

    /**
     * Sets the retry policy (default {@link RetryPolicy#defaults()}).
     *
     * @param policy the policy
     * @return this builder
     */
    public Builder retryPolicy(RetryPolicy policy) {
      this.retry = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /**
     * Sets how many HTTP calls may run at once on the client's own workers (default 16). Ignored
     * when an {@link #executor} is given.
     *
     * @param limit at least 1
     * @return this builder
     */
    public Builder maxInFlight(int limit) {
      if (limit < 1) {
        throw new IllegalArgumentException("maxInFlight must be at least 1: " + limit);
      }
      this.maxInFlight = limit;
      return this;
    }

    /**
     * Sets the most pages a list follows (default 65,536, all that fleet's page tokens can
     * number); for tests of the page limit.
     *
     * @param limit at least 1
     * @return this builder
     */
    Builder maxPages(int limit) {
      if (limit < 1) {
        throw new IllegalArgumentException("maxPages must be at least 1: " + limit);
      }
      this.maxPages = limit;
      return this;
    }

    /**
     * Runs the blocking HTTP calls on the caller's executor instead of the client's own workers.
     * The client never shuts it down; its size is the in-flight limit.
     *
     * @param executor the executor
     * @return this builder
     */
    public Builder executor(Executor executor) {
      this.executor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /**
     * Schedules retry delays (and {@link FleetTarget}'s state polls) on the caller's scheduler
     * instead of the client's own timer thread. The client never shuts it down.
     *
     * @param scheduler the scheduler
     * @return this builder
     */
    public Builder scheduler(ScheduledExecutorService scheduler) {
      this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
      return this;
    }

    /**
     * Shares the caller's OkHttp client (connection pool, interceptors). The client derives its
     * own configuration from it (timeouts, unix socket) and never closes it.
     *
     * @param client the caller-owned client
     * @return this builder
     */
    public Builder okHttpClient(OkHttpClient client) {
      this.okHttpClient = Objects.requireNonNull(client, "client");
      return this;
    }

    /**
     * Sets the TLS configuration for an {@code https://} endpoint (for example client
     * certificates for a TLS proxy in front of fleetd). Without it the JDK defaults apply.
     *
     * @param socketFactory the SSL socket factory
     * @param trustManager the trust manager matching it
     * @return this builder
     */
    public Builder tls(SSLSocketFactory socketFactory, X509TrustManager trustManager) {
      this.sslSocketFactory = Objects.requireNonNull(socketFactory, "socketFactory");
      this.trustManager = Objects.requireNonNull(trustManager, "trustManager");
      return this;
    }

    /**
     * Builds the client. No connection is made yet.
     *
     * @return the client
     * @throws IllegalArgumentException if the endpoint is not usable
     */
    public FleetClient build() {
      return new FleetClient(this);
    }

    private static Duration positive(Duration d, String what) {
      Objects.requireNonNull(d, what);
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(what + " must be positive: " + d);
      }
      return d;
    }
  }
}
