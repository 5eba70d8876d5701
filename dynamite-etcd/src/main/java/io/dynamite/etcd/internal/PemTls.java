package io.dynamite.etcd.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.jspecify.annotations.Nullable;

/**
 * TLS material from the PEM files etcd users have (CA, client certificate, PKCS#8 key), for the
 * okhttp-based v2 client; jetcd reads the same files through netty.
 *
 * @param context the SSL context
 * @param trustManager its trust manager, which okhttp needs separately
 */
public record PemTls(SSLContext context, X509TrustManager trustManager) {
  /**
   * Loads the files.
   *
   * @param caFile CA certificates (PEM)
   * @param certFile client certificate chain (PEM), or null
   * @param keyFile client key (PEM, PKCS#8, RSA or EC), or null
   * @return the TLS material
   * @throws IllegalArgumentException if a file cannot be read or parsed
   */
  public static PemTls load(Path caFile, @Nullable Path certFile, @Nullable Path keyFile) {
    try {
      CertificateFactory cf = CertificateFactory.getInstance("X.509");
      KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
      trust.load(null, null);
      int i = 0;
      for (Certificate c : certificates(cf, caFile)) {
        trust.setCertificateEntry("ca-" + i++, c);
      }
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trust);
      X509TrustManager tm = null;
      for (TrustManager t : tmf.getTrustManagers()) {
        if (t instanceof X509TrustManager x) {
          tm = x;
        }
      }
      if (tm == null) {
        throw new IllegalArgumentException("no X.509 trust manager available");
      }
      javax.net.ssl.KeyManager[] kms = null;
      if (certFile != null && keyFile != null) {
        char[] pw = new char[0];
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        List<Certificate> chain = new ArrayList<>(certificates(cf, certFile));
        ks.setKeyEntry("client", key(keyFile), pw, chain.toArray(new Certificate[0]));
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, pw);
        kms = kmf.getKeyManagers();
      }
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(kms, new TrustManager[] {tm}, null);
      return new PemTls(ctx, tm);
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalArgumentException("cannot load TLS files: " + e.getMessage(), e);
    }
  }

  private static Collection<? extends Certificate> certificates(CertificateFactory cf, Path file)
      throws IOException, GeneralSecurityException {
    try (InputStream in = Files.newInputStream(file)) {
      Collection<? extends Certificate> certs = cf.generateCertificates(in);
      if (certs.isEmpty()) {
        throw new IllegalArgumentException("no certificate in " + file);
      }
      return certs;
    }
  }

  private static PrivateKey key(Path file) throws IOException, GeneralSecurityException {
    String pem = Files.readString(file, StandardCharsets.US_ASCII);
    int begin = pem.indexOf("-----BEGIN PRIVATE KEY-----");
    int end = pem.indexOf("-----END PRIVATE KEY-----");
    if (begin < 0 || end < begin) {
      throw new IllegalArgumentException("key file must be PEM PKCS#8 (BEGIN PRIVATE KEY): " + file);
    }
    byte[] der =
        Base64.getMimeDecoder().decode(pem.substring(begin + "-----BEGIN PRIVATE KEY-----".length(), end));
    PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
    GeneralSecurityException last = null;
    for (String alg : List.of("EC", "RSA", "Ed25519")) {
      try {
        return KeyFactory.getInstance(alg).generatePrivate(spec);
      } catch (GeneralSecurityException e) {
        last = e;
      }
    }
    throw new IllegalArgumentException("unsupported key algorithm in " + file, last);
  }
}
