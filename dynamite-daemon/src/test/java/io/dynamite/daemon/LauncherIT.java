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
}
