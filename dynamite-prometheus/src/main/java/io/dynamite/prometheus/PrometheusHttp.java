package io.dynamite.prometheus;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import okhttp3.Credentials;
import okhttp3.FormBody;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;
import org.jspecify.annotations.Nullable;

/**
 * Runs instant queries against Prometheus's HTTP API ({@code POST /api/v1/query}) and returns the
 * {@code data} object of a successful answer. Adds the configured credentials to every request;
 * they never reach a message. Thread-safe.
 */
final class PrometheusHttp implements AutoCloseable {
  /** Larger answers mean a query that selects far too many series; refuse to buffer them. */
  static final int MAX_BODY_BYTES = 16 * 1024 * 1024;
  private static final ObjectMapper JSON = new ObjectMapper();

  /** How a request authenticates. */
  sealed interface Auth {
    /** Returns the Authorization header's value, or null for none. */
    @Nullable String header() throws IOException;
  }

  /** No credentials. */
  record NoAuth() implements Auth {
    @Override
    public @Nullable String header() {
      return null;
    }
  }

  /** {@code Authorization: Bearer <token from file>}. */
  record Bearer(SecretFile token) implements Auth {
    @Override
    public String header() throws IOException {
      return "Bearer " + token.value();
    }
  }

  /** {@code Authorization: Basic}, the password from a file. */
  record Basic(String username, SecretFile password) implements Auth {
    @Override
    public String header() throws IOException {
      return Credentials.basic(username, password.value(), java.nio.charset.StandardCharsets.UTF_8);
    }
  }

  private final HttpUrl queryUrl;
  private final OkHttpClient http;
  private final Auth auth;
  private final Duration timeout;

  PrometheusHttp(HttpUrl base, Auth auth, Duration timeout, @Nullable Path caFile) {
    this.queryUrl = base.newBuilder().addPathSegments("api/v1/query").build();
    this.auth = auth;
    this.timeout = timeout;
    OkHttpClient.Builder b = new OkHttpClient.Builder()
        .callTimeout(timeout)
        .connectTimeout(timeout)
        .readTimeout(timeout)
        .retryOnConnectionFailure(false)
        // a redirect to another host would carry the credentials there
        .followRedirects(false);
    if (caFile != null) {
      X509TrustManager tm = trustManager(caFile);
      try {
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, new TrustManager[] {tm}, null);
        b.sslSocketFactory(ctx.getSocketFactory(), tm);
      } catch (GeneralSecurityException e) {
        throw new IllegalArgumentException("cannot set up TLS: " + e.getMessage(), e);
      }
    }
    this.http = b.build();
  }

  /**
   * Loads the CA certificates (PEM, one or more) that server certificates must chain to.
   *
   * @throws IllegalArgumentException if the file cannot be read or holds no certificate
   */
  static X509TrustManager trustManager(Path caFile) {
    try (InputStream in = java.nio.file.Files.newInputStream(caFile)) {
      Collection<? extends Certificate> certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
      if (certs.isEmpty()) {
        throw new IllegalArgumentException("no certificate in " + caFile);
      }
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      store.load(null, null);
      int i = 0;
      for (Certificate c : certs) {
        store.setCertificateEntry("ca-" + i++, c);
      }
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(store);
      for (TrustManager t : tmf.getTrustManagers()) {
        if (t instanceof X509TrustManager x) {
          return x;
        }
      }
      throw new IllegalArgumentException("no X.509 trust manager available");
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalArgumentException("cannot load CA certificates from " + caFile + ": " + e.getMessage(), e);
    }
  }

  /**
   * Evaluates {@code promql} at {@code time}.
   *
   * @return the {@code data} object of the answer
   * @throws QueryFailure if the request or Prometheus failed or the answer is unusable
   */
  JsonNode query(String promql, Instant time) throws QueryFailure {
    String authorization;
    try {
      authorization = auth.header();
    } catch (IOException e) {
      throw new QueryFailure(e.getMessage(), true);
    }
    Request.Builder rb = new Request.Builder()
        .url(queryUrl)
        .header("Accept", "application/json")
        .post(new FormBody.Builder()
            .add("query", promql)
            .add("time", Durations.epochSeconds(time))
            .add("timeout", Durations.promDuration(timeout))
            .build());
    if (authorization != null) {
      rb.header("Authorization", authorization);
    }
    try (Response r = http.newCall(rb.build()).execute()) {
      byte[] body = read(r.body());
      JsonNode json = parse(body);
      if (r.code() != 200 || json == null || !"success".equals(json.path("status").asText())) {
        throw failure(r.code(), json, body);
      }
      JsonNode data = json.get("data");
      if (data == null || !data.isObject()) {
        throw new QueryFailure("answer without a data object", false);
      }
      return data;
    } catch (InterruptedIOException e) {
      throw new QueryFailure("timed out after " + timeout.toMillis() + " ms", true);
    } catch (SSLException e) {
      throw new QueryFailure("TLS failed (is the server's certificate signed by ca_file?): " + e.getMessage(), false);
    } catch (IOException e) {
      throw new QueryFailure("request to " + queryUrl + " failed: " + e, true);
    }
  }

  private static byte[] read(ResponseBody body) throws IOException {
    try (InputStream in = body.byteStream()) {
      byte[] b = in.readNBytes(MAX_BODY_BYTES + 1);
      if (b.length > MAX_BODY_BYTES) {
        throw new IOException("answer larger than " + MAX_BODY_BYTES + " bytes");
      }
      return b;
    }
  }

  private static @Nullable JsonNode parse(byte[] body) {
    try {
      JsonNode n = JSON.readTree(body);
      return n != null && n.isObject() ? n : null;
    } catch (IOException e) {
      return null;
    }
  }

  /** Describes a non-success answer: Prometheus's own error when it sent one, else the status. */
  private static QueryFailure failure(int code, @Nullable JsonNode json, byte[] body) {
    boolean retryable = code == 429 || code >= 500;
    if (json != null && json.hasNonNull("error")) {
      String type = json.path("errorType").asText("");
      return new QueryFailure("HTTP " + code + " " + (type.isEmpty() ? "" : type + ": ") + json.get("error").asText(),
          retryable || "timeout".equals(type) || "unavailable".equals(type));
    }
    if (code == 200) {
      return new QueryFailure(json == null ? "answer is not JSON: " + excerpt(body) : "answer without status success", false);
    }
    return new QueryFailure("HTTP " + code + (body.length == 0 ? "" : ": " + excerpt(body)), retryable);
  }

  /** The start of a body for a message, on one line. */
  static String excerpt(byte[] body) {
    String s = new String(body, 0, Math.min(body.length, 200), java.nio.charset.StandardCharsets.UTF_8)
        .replaceAll("\\s+", " ").trim();
    return body.length > 200 ? s + "..." : s;
  }

  /** Returns the query endpoint, for messages. */
  HttpUrl queryUrl() {
    return queryUrl;
  }

  @Override
  public void close() {
    http.dispatcher().executorService().shutdown();
    http.connectionPool().evictAll();
  }
}
