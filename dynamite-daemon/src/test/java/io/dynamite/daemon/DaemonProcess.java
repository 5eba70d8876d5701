package io.dynamite.daemon;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The daemon jar running as a separate JVM, its output captured in a file. */
final class DaemonProcess implements AutoCloseable {
  private final Process process;
  private final Path log;

  private DaemonProcess(Process process, Path log) {
    this.process = process;
    this.log = log;
  }

  static Path jar() {
    String jar = System.getProperty("daemon.jar", "target/dynamite-daemon.jar");
    Path p = Path.of(jar);
    if (!Files.isRegularFile(p)) {
      throw new IllegalStateException("the daemon jar " + p.toAbsolutePath() + " is missing; run 'mvn package' first");
    }
    return p;
  }

  /** The launcher script the build puts next to the fat jar. */
  static Path launcher() {
    Path p = jar().resolveSibling("dynamite");
    if (!Files.isExecutable(p)) {
      throw new IllegalStateException("the launcher " + p.toAbsolutePath() + " is missing; run 'mvn package' first");
    }
    return p;
  }

  static DaemonProcess start(Path logFile, Map<String, String> env, String... args) {
    // -Dbench.launcher=true: through the shipped launcher script (its JVM flags and class-data
    // archive), as operators start it; otherwise plain java -jar
    boolean launcher = Boolean.getBoolean("bench.launcher");
    List<String> cmd = new ArrayList<>(launcher
        ? List.of(launcher().toString())
        : List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xshare:off", "-jar", jar().toString()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
    pb.environment().remove("ETCD_ENDPOINT");
    pb.environment().remove("FLEET_IP");
    pb.environment().remove("FLEET_PORT");
    pb.environment().remove("DYNAMITE_ENVIRONMENT");
    if (launcher) {
      pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
    }
    pb.environment().putAll(env);
    try {
      return new DaemonProcess(pb.start(), logFile);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  String output() {
    try {
      return Files.exists(log) ? Files.readString(log) : "";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  boolean isAlive() {
    return process.isAlive();
  }

  long pid() {
    return process.pid();
  }

  /** SIGKILL, as a crash or an OOM kill would. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  /** SIGTERM; returns the exit code, or -1 if the process did not exit in time. */
  int terminate(long seconds) throws InterruptedException {
    process.destroy();
    return waitFor(seconds);
  }

  int waitFor(long seconds) throws InterruptedException {
    return process.waitFor(seconds, TimeUnit.SECONDS) ? process.exitValue() : -1;
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      kill();
    }
  }
}
