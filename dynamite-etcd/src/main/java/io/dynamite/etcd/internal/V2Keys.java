package io.dynamite.etcd.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.FormBody;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;
import org.jspecify.annotations.Nullable;

/**
 * A small client of etcd's v2 keys API ({@code /v2/keys}), the API the original Dynamite and its
 * writers (logstash-output-etcd, discovery sidekicks) use. jetcd cannot read these keys: the v2
 * and v3 keyspaces are disjoint.
 *
 * <p>Long-poll watches ({@code wait=true}) use a client without read timeout, because etcd sends
 * the headers at once and waits while the body is read. Thread-safe; counts requests.
 */
public final class V2Keys implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** etcd v2 error code: key not found. */
  public static final int KEY_NOT_FOUND = 100;
  /** etcd v2 error code: the requested watch index was cleared from the event history. */
  public static final int EVENT_INDEX_CLEARED = 401;

  private final HttpUrl base;
  private final OkHttpClient client;
  private final OkHttpClient watchClient;
  private final @Nullable String authorization;
  private final AtomicLong requests = new AtomicLong();

  /**
   * Creates a client.
   *
   * @param endpoint for example {@code http://127.0.0.1:2379}
   * @param timeout connect and read timeout of ordinary requests
   */
  public V2Keys(String endpoint, Duration timeout) {
    this(endpoint, timeout, null);
  }

  /**
   * Creates a client with optional basic authentication.
   *
   * @param endpoint for example {@code http://127.0.0.1:2379}
   * @param timeout connect and read timeout of ordinary requests
   * @param authorization a ready {@code Authorization} header value, or null; never logged
   */
  public V2Keys(String endpoint, Duration timeout, @Nullable String authorization) {
    this(endpoint, timeout, authorization, null);
  }

  /**
   * Creates a client with optional basic authentication and TLS.
   *
   * @param endpoint for example {@code https://127.0.0.1:2379}
   * @param timeout connect and read timeout of ordinary requests
   * @param authorization a ready {@code Authorization} header value, or null; never logged
   * @param tls TLS material for https endpoints, or null
   */
  public V2Keys(
      String endpoint, Duration timeout, @Nullable String authorization, @Nullable PemTls tls) {
    HttpUrl u = HttpUrl.parse(Objects.requireNonNull(endpoint, "endpoint"));
    if (u == null) {
      throw new IllegalArgumentException("not an http(s) URL: " + endpoint);
    }
    this.base = u;
    this.authorization = authorization;
    okhttp3.Dispatcher dispatcher = new okhttp3.Dispatcher();
    // two long-poll watches hold connections for good; leave room for parallel deletes
    dispatcher.setMaxRequestsPerHost(64);
    OkHttpClient.Builder builder = new OkHttpClient.Builder();
    if (tls != null) {
      builder.sslSocketFactory(tls.context().getSocketFactory(), tls.trustManager());
    }
    this.client =
        builder
            .dispatcher(dispatcher)
            .connectTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
            .readTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
            .callTimeout(timeout.toMillis() * 2, TimeUnit.MILLISECONDS)
            .build();
    this.watchClient =
        client.newBuilder().readTimeout(0, TimeUnit.MILLISECONDS).callTimeout(0, TimeUnit.MILLISECONDS).build();
  }

  /**
   * Asks whether the server serves the v2 keys API: etcd 3.4 answers {@code GET /v2/keys/} with
   * 404 unless it runs with {@code --enable-v2=true}.
   *
   * @return the HTTP status of {@code GET /v2/keys/}
   * @throws IOException if the server cannot be reached (TLS failures included)
   */
  public int probe() throws IOException {
    requests.incrementAndGet();
    HttpUrl u = base.newBuilder().encodedPath("/v2/keys/").build();
    try (Response r = client.newCall(request(u).get().build()).execute()) {
      return r.code();
    }
  }

  /**
   * One leaf or directory.
   *
   * @param key the full key
   * @param value the value, null for a directory
   * @param modifiedIndex the etcd index of its last change
   */
  public record Node(String key, @Nullable String value, long modifiedIndex) {}

  /**
   * The leaves under a path and the etcd index they were read at.
   *
   * @param index the {@code X-Etcd-Index} of the read
   * @param leaves the leaves in key order
   * @param clusterId the {@code X-Etcd-Cluster-Id} of the answer, or null if etcd sent none
   */
  public record Listing(long index, List<Node> leaves, @Nullable String clusterId) {}

  /**
   * One watch event.
   *
   * @param action set, create, update, compareAndSwap, delete, expire, compareAndDelete
   * @param node the node after the change (before for removals: key and index only)
   * @param dir whether the node is a directory
   * @param etcdIndex etcd's index when the watch was answered ({@code X-Etcd-Index}); far above
   *     the node's index means the watcher lags behind a burst of changes
   */
  public record Event(String action, Node node, boolean dir, long etcdIndex) {
    /**
     * Tells whether the change removed the node.
     *
     * @return true for delete and expire
     */
    public boolean removal() {
      return action.equals("delete") || action.equals("expire") || action.equals("compareAndDelete");
    }
  }

  /**
   * A watch found etcd holding other data than the watcher expects: the cluster id changed, or
   * etcd's index is below the index the watcher already reached. A long-poll watch would then wait
   * for an index the new data reaches only much later and miss every change below it, so the
   * watcher must list again instead.
   */
  public static final class StoreChanged extends IOException {
    private static final long serialVersionUID = 1L;

    StoreChanged(String message) {
      super(message);
    }
  }

  /** An error answer of the v2 API. */
  public static final class V2Exception extends IOException {
    private static final long serialVersionUID = 1L;
    /** The etcd error code. */
    private final int errorCode;

    /** The etcd index reported with the error. */
    private final long index;

    V2Exception(int errorCode, String message, long index) {
      super("etcd v2 error " + errorCode + ": " + message);
      this.errorCode = errorCode;
      this.index = index;
    }

    /**
     * Returns the etcd error code.
     *
     * @return the code
     */
    public int errorCode() {
      return errorCode;
    }

    /**
     * Returns the etcd index reported with the error.
     *
     * @return the index
     */
    public long index() {
      return index;
    }
  }

  private HttpUrl.Builder url(String key) {
    HttpUrl.Builder b = base.newBuilder().addPathSegment("v2").addPathSegment("keys");
    for (String seg : key.split("/")) {
      if (!seg.isEmpty()) {
        b.addPathSegment(seg);
      }
    }
    return b;
  }

  private Request.Builder request(HttpUrl url) {
    Request.Builder b = new Request.Builder().url(url);
    if (authorization != null) {
      b.header("Authorization", authorization);
    }
    return b;
  }

  /**
   * Lists every leaf under a path, recursively and sorted.
   *
   * @param path the directory
   * @return the leaves and the index; no leaves if the path does not exist
   * @throws IOException if etcd cannot be read
   */
  public Listing list(String path) throws IOException {
    HttpUrl u = url(path).addQueryParameter("recursive", "true").addQueryParameter("sorted", "true").build();
    requests.incrementAndGet();
    try (Response r = client.newCall(request(u).get().build()).execute()) {
      long index = headerIndex(r);
      JsonNode body = body(r);
      if (!r.isSuccessful()) {
        V2Exception e = error(body, index);
        if (e.errorCode() == KEY_NOT_FOUND) {
          return new Listing(Math.max(index, e.index()), List.of(), r.header("X-Etcd-Cluster-Id"));
        }
        throw e;
      }
      List<Node> leaves = new ArrayList<>();
      collect(body.get("node"), leaves);
      return new Listing(index, leaves, r.header("X-Etcd-Cluster-Id"));
    }
  }

  private static void collect(@Nullable JsonNode n, List<Node> out) {
    if (n == null) {
      return;
    }
    if (n.path("dir").asBoolean(false)) {
      for (JsonNode c : n.path("nodes")) {
        collect(c, out);
      }
      return;
    }
    JsonNode v = n.get("value");
    out.add(new Node(n.path("key").asText(), v == null || v.isNull() ? null : v.asText(), n.path("modifiedIndex").asLong()));
  }

  /**
   * Waits for the next change at or after {@code waitIndex} under a path.
   *
   * <p>etcd sends a watch's headers at once, with its current index and cluster id, and the body
   * only when a change arrives. Both headers are checked before waiting for the body: an index
   * below {@code waitIndex - 1} (etcd's index never goes back while it keeps its data) or another
   * cluster id than {@code clusterId} fails the watch at once with {@link StoreChanged}, instead of
   * waiting for an index that a wiped or replaced etcd reaches only much later.
   *
   * @param path the directory
   * @param waitIndex the first index of interest
   * @param clusterId the cluster id the watcher listed from, or null to accept any
   * @return the pending event; cancel it to stop waiting
   */
  public CompletableFuture<Event> watch(String path, long waitIndex, @Nullable String clusterId) {
    HttpUrl u =
        url(path)
            .addQueryParameter("wait", "true")
            .addQueryParameter("recursive", "true")
            .addQueryParameter("waitIndex", Long.toString(waitIndex))
            .build();
    CompletableFuture<Event> f = new CompletableFuture<>();
    requests.incrementAndGet();
    Call call = watchClient.newCall(request(u).get().build());
    f.whenComplete((e, t) -> {
      if (f.isCancelled()) {
        call.cancel();
      }
    });
    call.enqueue(
        new Callback() {
          @Override
          public void onFailure(Call c, IOException e) {
            f.completeExceptionally(e);
          }

          @Override
          public void onResponse(Call c, Response r) {
            try (r) {
              long index = headerIndex(r);
              String answeredBy = r.header("X-Etcd-Cluster-Id");
              if (r.isSuccessful() && clusterId != null && answeredBy != null && !clusterId.equals(answeredBy)) {
                f.completeExceptionally(new StoreChanged("etcd cluster id is " + answeredBy + ", was " + clusterId));
                return;
              }
              if (r.isSuccessful() && index > 0 && index < waitIndex - 1) {
                f.completeExceptionally(
                    new StoreChanged("etcd index is " + index + ", below the watched index " + waitIndex));
                return;
              }
              JsonNode body = body(r);
              if (!r.isSuccessful() || body.has("errorCode")) {
                f.completeExceptionally(error(body, index));
                return;
              }
              JsonNode n = body.path("node");
              JsonNode v = n.get("value");
              f.complete(
                  new Event(
                      body.path("action").asText(),
                      new Node(n.path("key").asText(), v == null || v.isNull() ? null : v.asText(), n.path("modifiedIndex").asLong()),
                      n.path("dir").asBoolean(false),
                      index));
            } catch (IOException | RuntimeException e) {
              f.completeExceptionally(e);
            }
          }
        });
    return f;
  }

  /**
   * Deletes a leaf if it still has the given index (a newer value is kept).
   *
   * @param key the key
   * @param prevIndex the modifiedIndex read
   * @return completes when done; a missing key or changed index counts as done
   */
  public CompletableFuture<Void> deleteIfUnchanged(String key, long prevIndex) {
    HttpUrl u = url(key).addQueryParameter("prevIndex", Long.toString(prevIndex)).build();
    CompletableFuture<Void> f = new CompletableFuture<>();
    requests.incrementAndGet();
    client.newCall(request(u).delete().build()).enqueue(
        new Callback() {
          @Override
          public void onFailure(Call c, IOException e) {
            f.completeExceptionally(e);
          }

          @Override
          public void onResponse(Call c, Response r) {
            try (r) {
              // 404 (gone, e.g. expired) and 412 (rewritten: the new value is a new sample) are fine
              if (r.isSuccessful() || r.code() == 404 || r.code() == 412) {
                f.complete(null);
              } else {
                f.completeExceptionally(new IOException("v2 delete " + key + " answered " + r.code()));
              }
            }
          }
        });
    return f;
  }

  /**
   * Sets a leaf.
   *
   * @param key the key
   * @param value the value
   * @throws IOException if the write fails
   */
  public void put(String key, String value) throws IOException {
    requests.incrementAndGet();
    try (Response r =
        client
            .newCall(request(url(key).build()).put(new FormBody.Builder().add("value", value).build()).build())
            .execute()) {
      if (!r.isSuccessful()) {
        throw error(body(r), headerIndex(r));
      }
    }
  }

  /**
   * Reads one leaf.
   *
   * @param key the key
   * @return the value, or null if absent
   * @throws IOException if the read fails
   */
  public @Nullable String get(String key) throws IOException {
    requests.incrementAndGet();
    try (Response r = client.newCall(request(url(key).build()).get().build()).execute()) {
      JsonNode body = body(r);
      if (r.code() == 404) {
        return null;
      }
      if (!r.isSuccessful()) {
        throw error(body, headerIndex(r));
      }
      JsonNode v = body.path("node").get("value");
      return v == null || v.isNull() ? null : v.asText();
    }
  }

  /**
   * Returns the number of HTTP requests made.
   *
   * @return the count
   */
  public long requestCount() {
    return requests.get();
  }

  private static long headerIndex(Response r) {
    String h = r.header("X-Etcd-Index");
    try {
      return h == null ? 0 : Long.parseLong(h.trim());
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private static JsonNode body(Response r) throws IOException {
    ResponseBody b = r.body();
    String s = b == null ? "" : b.string();
    if (s.isBlank()) {
      return JSON.createObjectNode();
    }
    try {
      return JSON.readTree(s);
    } catch (IOException e) {
      throw new IOException("etcd v2 answered " + r.code() + " with non-JSON body", e);
    }
  }

  private static V2Exception error(JsonNode body, long index) {
    return new V2Exception(
        body.path("errorCode").asInt(-1), body.path("message").asText("HTTP error"), Math.max(index, body.path("index").asLong(0)));
  }

  /** Releases the HTTP client's threads and connections. */
  @Override
  public void close() {
    client.dispatcher().cancelAll();
    client.dispatcher().executorService().shutdown();
    client.connectionPool().evictAll();
  }
}
