package io.dynamite.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What the runnable jar ({@code target/dynamite-daemon.jar}, published with the classifier {@code all})
 * holds: the daemon and the run-time stand-ins its demo needs, no test-only code, and the license
 * and notice texts of the project and of every library shaded into it.
 */
class RunnableJarContentsIT {
  private static JarFile jar;
  private static List<String> entries;

  @BeforeAll
  static void open() throws IOException {
    Path path = Path.of(System.getProperty("daemon.jar", "target/dynamite-daemon.jar"));
    assertThat(path).as("the runnable jar; run through `mvn verify`").exists();
    jar = new JarFile(path.toFile());
    entries = jar.stream().map(ZipEntry::getName).toList();
  }

  @AfterAll
  static void close() throws IOException {
    jar.close();
  }

  @Test
  void runsTheDaemonAndCarriesWhatTheDemoAndTheSimulatorNeed() throws IOException {
    Manifest manifest = jar.getManifest();
    assertThat(manifest.getMainAttributes().getValue("Main-Class")).isEqualTo("io.dynamite.daemon.DynamiteDaemon");
    assertThat(entries).contains(
        "io/dynamite/daemon/DynamiteDaemon.class",
        "io/dynamite/sandbox/VirtualClock.class",
        "io/dynamite/sandbox/VirtualScheduler.class",
        "io/dynamite/sandbox/InMemoryMetricSource.class",
        "io/dynamite/sandbox/fleet/FakeFleetServer.class",
        "demo/dynamite.yaml");
    assertThat(entries).anyMatch(e -> e.startsWith("io/dynamite/sim/"));
  }

  @Test
  void holdsNoTestOnlyCode() {
    List<String> testOnly = List.of(
        "io/dynamite/testkit/", // fakes, the etcd process launcher, its test certificates, JUnit extensions
        "org/junit/", "junit/", "org/opentest4j/", "org/apiguardian/", "org/assertj/", "org/awaitility/",
        "org/hamcrest/", "org/mockito/", "net/bytebuddy/", "mockwebserver3/", "okhttp3/mockwebserver/",
        "net/jqwik/", "org/openjdk/jmh/", "META-INF/services/org.junit.");
    assertThat(entries).noneMatch(e -> testOnly.stream().anyMatch(e::startsWith));
    // compiled tests of any module (FooTest, FooIT, FooBenchmark) and key material of any kind
    assertThat(entries).filteredOn(e -> e.startsWith("io/dynamite/"))
        .noneMatch(e -> e.matches(".*(Test|IT|Benchmark)(\\$.*)?\\.class"));
    assertThat(entries).noneMatch(e -> e.matches("(?i).*\\.(pem|key|crt|cer|csr|p12|pfx|jks|keystore|truststore)$"));
  }

  @Test
  void keepsTheProjectsAndTheLibrariesLicensesAndNotices() throws IOException {
    String license = text("META-INF/LICENSE");
    String projectLicense = Files.readString(Path.of("..", "LICENSE")); // failsafe runs in the module folder
    assertThat(license).as("the project's own license comes first").startsWith(projectLicense);
    assertThat(license.length()).as("the libraries' META-INF/LICENSE follow it").isGreaterThan(projectLicense.length());
    // several libraries ship a META-INF/LICENSE.txt (HdrHistogram: public domain/BSD, javax.annotation-api:
    // CDDL, slf4j: MIT); all are kept
    assertThat(text("META-INF/LICENSE.txt"))
        .contains("Gil Tene")
        .contains("COMMON DEVELOPMENT AND DISTRIBUTION LICENSE")
        .contains("QOS.ch");
    assertThat(text("META-INF/NOTICE"))
        .contains("Copyright 2026 The Dynamite Authors")
        .contains("Jackson")
        .contains("Micrometer");
  }

  private static String text(String name) throws IOException {
    ZipEntry entry = jar.getEntry(name);
    assertThat(entry).as(name).isNotNull();
    try (InputStream in = jar.getInputStream(entry)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
