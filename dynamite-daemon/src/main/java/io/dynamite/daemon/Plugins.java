package io.dynamite.daemon;

import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/** Builds the class loader plugins are discovered with: every jar of {@code --plugins}, on top of the daemon's own classpath. */
final class Plugins {
  private Plugins() {}

  static ClassLoader loader(@Nullable Path dir) {
    ClassLoader parent = Plugins.class.getClassLoader();
    if (dir == null) {
      return parent;
    }
    List<URL> jars = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path p : (Iterable<Path>) files.sorted()::iterator) {
        if (p.getFileName().toString().endsWith(".jar") && Files.isRegularFile(p)) {
          jars.add(p.toUri().toURL());
        }
      }
    } catch (MalformedURLException e) {
      throw new FatalException("--plugins: " + e.getMessage(), List.of());
    } catch (IOException e) {
      throw new FatalException("--plugins: cannot list " + dir + ": " + e.getMessage(), List.of());
    }
    return new URLClassLoader("dynamite-plugins", jars.toArray(new URL[0]), parent);
  }

  /**
   * Finds every policy, metric-source and target provider on the class loader (the daemon's own
   * etcd and fleet providers included); two providers of one type are a fatal configuration error.
   */
  static io.dynamite.core.PluginRegistry registry(ClassLoader loader) {
    try {
      return io.dynamite.core.PluginRegistry.builder().discover(loader).build();
    } catch (io.dynamite.api.ConfigException e) {
      List<String> lines = new ArrayList<>();
      for (io.dynamite.api.ConfigProblem p : e.problems()) {
        lines.add("  " + p.path() + ": " + p.message());
      }
      throw new FatalException("plugins: " + lines.size() + " problem(s):", lines);
    }
  }

  static List<String> jarNames(@Nullable Path dir) {
    if (dir == null) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".jar")).sorted().toList();
    } catch (IOException e) {
      return List.of();
    }
  }
}
