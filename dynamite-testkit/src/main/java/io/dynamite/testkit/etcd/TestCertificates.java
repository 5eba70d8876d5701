package io.dynamite.testkit.etcd;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A throw-away certificate authority with a server certificate for {@code 127.0.0.1}/{@code
 * localhost} and a client certificate (CN {@code root}), generated with the {@code openssl}
 * command for tests of TLS and client-certificate authentication against a real etcd.
 *
 * <p>Files (PEM, EC P-256 keys in PKCS#8, valid two days) in the given folder: {@code ca.crt},
 * {@code server.crt}, {@code server.key}, {@code client.crt}, {@code client.key}, and {@code
 * client.p12} (password {@code changeit}). Immutable once generated.
 *
 * @since 0.1
 */
public final class TestCertificates {
  private static final String P12_PASSWORD = "changeit";

  private final Path dir;

  private TestCertificates(Path dir) {
    this.dir = dir;
  }

  /**
   * Generates the authority and both certificates.
   *
   * @param dir an existing, empty folder, for example a JUnit {@code @TempDir}
   * @return the certificates
   * @throws IOException if {@code openssl} is missing or fails (its output is in the message)
   */
  public static TestCertificates generate(Path dir) throws IOException {
    TestCertificates c = new TestCertificates(Objects.requireNonNull(dir, "dir"));
    c.openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", "ca.key");
    c.openssl("req", "-x509", "-new", "-key", "ca.key", "-subj", "/CN=dynamite-test-ca", "-days", "2", "-out", "ca.crt");
    c.sign("server", "localhost", "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth,clientAuth\n");
    c.sign("client", "root", "extendedKeyUsage=clientAuth\n");
    c.openssl("pkcs12", "-export", "-in", "client.crt", "-inkey", "client.key", "-passout", "pass:" + P12_PASSWORD,
        "-out", "client.p12");
    return c;
  }

  private void sign(String name, String cn, String extensions) throws IOException {
    Files.writeString(dir.resolve(name + ".ext"), extensions);
    openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", name + ".key");
    openssl("req", "-new", "-key", name + ".key", "-subj", "/CN=" + cn, "-out", name + ".csr");
    openssl("x509", "-req", "-in", name + ".csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
        "-days", "2", "-extfile", name + ".ext", "-out", name + ".crt");
  }

  private void openssl(String... args) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add("openssl");
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    try {
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException("openssl " + args[0] + " did not finish within 30 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while running openssl " + args[0]);
    }
    if (p.exitValue() != 0) {
      throw new IOException("openssl " + args[0] + " failed with exit code " + p.exitValue() + ": " + out);
    }
  }

  /**
   * Returns the folder holding the files.
   *
   * @return the folder
   */
  public Path dir() {
    return dir;
  }

  /**
   * Returns the authority's certificate.
   *
   * @return {@code ca.crt}
   */
  public Path caCert() {
    return dir.resolve("ca.crt");
  }

  /**
   * Returns the server certificate.
   *
   * @return {@code server.crt}
   */
  public Path serverCert() {
    return dir.resolve("server.crt");
  }

  /**
   * Returns the server key.
   *
   * @return {@code server.key}
   */
  public Path serverKey() {
    return dir.resolve("server.key");
  }

  /**
   * Returns the client certificate.
   *
   * @return {@code client.crt}
   */
  public Path clientCert() {
    return dir.resolve("client.crt");
  }

  /**
   * Returns the client key (PKCS#8 PEM).
   *
   * @return {@code client.key}
   */
  public Path clientKey() {
    return dir.resolve("client.key");
  }

  /**
   * Returns the etcd flags that serve clients over TLS with this server certificate and require
   * client certificates signed by this authority.
   *
   * @return flags for {@link EtcdProcess#start(List, SSLContext)}
   */
  public List<String> etcdServerFlags() {
    return List.of("--cert-file", serverCert().toString(), "--key-file", serverKey().toString(),
        "--trusted-ca-file", caCert().toString(), "--client-cert-auth");
  }

  /**
   * Builds a client SSL context that trusts the authority and presents the client certificate, for
   * example for {@link EtcdProcess}'s health check.
   *
   * @return the context
   * @throws IOException if the files cannot be read
   * @throws GeneralSecurityException if they cannot be used
   */
  public SSLContext clientSslContext() throws IOException, GeneralSecurityException {
    KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
    trust.load(null, null);
    try (InputStream in = Files.newInputStream(caCert())) {
      trust.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
    }
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    KeyStore keys = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(dir.resolve("client.p12"))) {
      keys.load(in, P12_PASSWORD.toCharArray());
    }
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(keys, P12_PASSWORD.toCharArray());
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
    return ctx;
  }
}
