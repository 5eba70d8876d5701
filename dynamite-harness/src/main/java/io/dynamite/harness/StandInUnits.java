package io.dynamite.harness;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;

/**
 * Finds the unit files a YAML configuration names that a test neither gave nor has in a {@code
 * PathList} folder, so that the harness can give a stand-in for each: a scaling test is about
 * counts, and the fake target only records the options it is sent. Stateless.
 */
final class StandInUnits {
  /** The text of a stand-in unit; {@code %s} is the file name. */
  static final String TEXT = "[Unit]\nDescription=%s (a stand-in given by DynamiteTestHarness)\n"
      + "[Service]\nExecStart=/bin/true\n";

  private StandInUnits() {}

  /**
   * Returns the unit file names under {@code Dynamite.Service.*.name_of_unit_file} that are
   * neither in {@code given} nor a file in a {@code PathList} folder (resolved against {@code
   * baseDir}). A text that does not parse gives none: the loader reports it.
   */
  static Set<String> missing(String yaml, Path baseDir, Set<String> given) {
    Object root;
    try {
      root = new Load(LoadSettings.builder().build()).loadFromString(yaml);
    } catch (YamlEngineException | IllegalArgumentException e) {
      return Set.of();
    }
    if (!(root instanceof Map<?, ?> top) || !(top.get("Dynamite") instanceof Map<?, ?> dyn)) {
      return Set.of();
    }
    List<Path> folders = new ArrayList<>();
    if (dyn.get("ServiceFiles") instanceof Map<?, ?> files && files.get("PathList") instanceof List<?> list) {
      for (Object f : list) {
        if (f instanceof String s && !s.isBlank()) {
          try {
            folders.add(baseDir.resolve(s));
          } catch (InvalidPathException e) {
            // the loader reports the folder
          }
        }
      }
    }
    Set<String> out = new LinkedHashSet<>();
    if (dyn.get("Service") instanceof Map<?, ?> services) {
      for (Object entry : services.values()) {
        if (entry instanceof Map<?, ?> m && m.get("name_of_unit_file") instanceof String name
            && !given.contains(name) && !inFolders(name, folders)) {
          out.add(name);
        }
      }
    }
    return out;
  }

  private static boolean inFolders(String name, List<Path> folders) {
    for (Path f : folders) {
      try {
        if (Files.isRegularFile(f.resolve(name))) {
          return true;
        }
      } catch (InvalidPathException e) {
        // not a file name a folder can hold: the loader reports it
      }
    }
    return false;
  }
}
