package io.dynamite.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher script the build ships next to the fat jar starts the daemon, and the JVM really
 * maps the class-data archive made at package time: the engine's classes come from the archive's
 * top (dynamic) layer instead of being parsed from the jar.
 */
class LauncherIT {
  @TempDir Path dir;

  @Test
  void theLauncherRunsTheDemoWithTheClassDataArchive() throws Exception {
    Path launcher = DaemonProcess.launcher();
    assertThat(launcher.resolveSibling("dynamite-daemon.jsa")).as("the archive made by the package phase").isRegularFile();
    Path classes = dir.resolve("classes.log");
    Path out = dir.resolve("out.log");
    ProcessBuilder pb = new ProcessBuilder(List.of(launcher.toString(), "demo", "--short", "--hours", "0.5"))
        .redirectErrorStream(true).redirectOutput(out.toFile());
    pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
    pb.environment().put("JAVA_OPTS", "-Xlog:class+load=info:file=" + classes);
    Process p = pb.start();
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("demo finished; output:%n%s", Files.exists(out) ? Files.readString(out) : "").isTrue();
    assertThat(p.exitValue()).as("exit code; output:%n%s", Files.readString(out)).isZero();
    assertThat(Files.readString(out)).contains("summary: ");

    List<String> loaded = Files.readAllLines(classes);
    assertThat(loaded).as("the engine's facade comes from the dynamic archive")
        .anyMatch(l -> l.contains("io.dynamite.core.ScalingEngine ") && l.contains("shared objects file (top)"));
    long fromArchive = loaded.stream().filter(l -> l.contains("shared objects file")).count();
    assertThat(fromArchive).as("classes mapped from the archives, of %d loaded", loaded.size())
        .isGreaterThan(loaded.size() / 2);
  }

  /**
   * A JDK 17 archive only fits the jar path it was made for: copied elsewhere, the launcher makes
   * a new one on its first start there, and the next start uses it.
   */
  @Test
  void copiedElsewhereTheLauncherMakesAnArchiveForTheNewPlace() throws Exception {
    Path home = Files.createDirectories(dir.resolve("opt/dynamite"));
    Path launcher = Files.copy(DaemonProcess.launcher(), home.resolve("dynamite"));
    Files.copy(DaemonProcess.jar(), home.resolve("dynamite-daemon.jar"));
    Files.copy(DaemonProcess.launcher().resolveSibling("dynamite-daemon.jsa"), home.resolve("dynamite-daemon.jsa"));

    String first = run(launcher, "first.log");
    assertThat(first).contains("making the class-data archive").contains("dynamite 0.1.0");
    assertThat(home.resolve("dynamite-daemon.jsa.id")).content().contains(home.resolve("dynamite-daemon.jar").toString());

    String second = run(launcher, "second.log");
    assertThat(second).doesNotContain("making the class-data archive");
    assertThat(Files.readAllLines(dir.resolve("second.log")))
        .anyMatch(l -> l.contains("io.dynamite.daemon.DynamiteDaemon ") && l.contains("shared objects file (top)"));
  }

  private String run(Path launcher, String classLog) throws Exception {
    Path out = dir.resolve(classLog + ".out");
    ProcessBuilder pb = new ProcessBuilder(List.of(launcher.toString(), "--version"))
        .redirectErrorStream(true).redirectOutput(out.toFile());
    pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
    pb.environment().put("JAVA_OPTS", "-Xlog:class+load=info:file=" + dir.resolve(classLog));
    Process p = pb.start();
    assertThat(p.waitFor(180, TimeUnit.SECONDS)).isTrue();
    String text = Files.readString(out);
    assertThat(p.exitValue()).as(text).isZero();
    return text;
  }
}
