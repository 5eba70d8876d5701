package io.dynamite.core.config;

import io.dynamite.api.UnitOption;
import io.dynamite.api.state.UnitDefinition;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Unit files of a YAML configuration: looked up by name among the units given to the loader in
 * code, then in the folders of {@code Dynamite.ServiceFiles.PathList} (resolved against the
 * configuration file's folder) and the folders given to the loader. One instance per load;
 * confined to the loading thread.
 */
final class FolderUnits implements UnitSource {
  private static final String FILES = ConfigValidator.ROOT + ".ServiceFiles";
  private static final String PATH_LIST = FILES + ".PathList";
  /** The problem path of folders given to the builder, named after the original's CLI option. */
  private static final String EXTRA_FOLDER = "service_folder";
  private static final Pattern WINDOWS_PATH = Pattern.compile("^[A-Za-z]:\\\\.*");

  /** A folder that unit files are looked up in, with the path its problems are reported at. */
  private record Folder(Path path, String label) {}

  private final Path baseDir;
  private final List<Path> extraFolders;
  private final Map<String, InlineUnit> given;
  private final List<Folder> folders = new ArrayList<>();
  private final Map<String, Path> index = new HashMap<>();
  private boolean folderProblems;
  private boolean indexComplete;

  /**
   * @param baseDir the folder relative {@code PathList} entries are resolved against
   * @param extraFolders folders given to the loader, searched after the YAML's
   * @param given units given to the loader in code, by file name, searched first
   */
  FolderUnits(Path baseDir, List<Path> extraFolders, Map<String, InlineUnit> given) {
    this.baseDir = baseDir;
    this.extraFolders = extraFolders;
    this.given = given;
  }

  @Override
  public void prepare(Map<?, ?> dyn, YamlTree t) {
    int before = t.problems.size();
    readFolders(dyn, t);
    // A folder problem leaves the index incomplete: "unit file not found" would only be noise.
    folderProblems = t.problems.size() > before;
    indexComplete = index(t) && !folderProblems;
  }

  @Override
  public void checkAvailable(boolean anyService, YamlTree t) {
    if (folders.isEmpty() && given.isEmpty() && anyService && !folderProblems) {
      t.problem(PATH_LIST, "no service folder: list at least one folder here or give one to"
          + " ConfigLoader.Builder.serviceFolder (the original's --service_folder)");
      indexComplete = false;
    }
  }

  @Override
  public List<Path> folders() {
    return folders.stream().map(Folder::path).toList();
  }

  private void readFolders(Map<?, ?> dyn, YamlTree t) {
    Set<Path> seen = new HashSet<>();
    Map<?, ?> files = null;
    if (t.require(dyn, "ServiceFiles", ConfigValidator.ROOT, "a mapping with the key PathList")) {
      files = t.mapping(dyn.get("ServiceFiles"), FILES, "a mapping with the key PathList");
    }
    if (files != null) {
      t.knownKeys(files, FILES, Set.of("PathList"));
      if (!files.containsKey("PathList")) {
        t.problem(PATH_LIST, "required key is missing; expected a list of folders (it may be"
            + " empty when folders are given to the loader)");
      }
      Object list = files.get("PathList");
      if (list != null && !(list instanceof List<?>)) {
        t.problem(PATH_LIST, "expected a list of folders, found " + YamlTree.describe(list));
      } else if (list != null) {
        List<?> entries = (List<?>) list;
        for (int i = 0; i < entries.size(); i++) {
          String label = PATH_LIST + "[" + i + "]";
          Object e = entries.get(i);
          if (!(e instanceof String s) || s.isBlank()) {
            t.problem(label, "expected a folder path, found " + YamlTree.describe(e));
            continue;
          }
          Path p = baseDir.resolve(s).toAbsolutePath().normalize();
          if (checkFolder(p, label, s, true, t) && seen.add(p)) {
            folders.add(new Folder(p, label));
          }
        }
      }
    }
    for (int i = 0; i < extraFolders.size(); i++) {
      Path p = extraFolders.get(i).toAbsolutePath().normalize();
      String label = EXTRA_FOLDER + "[" + i + "]";
      if (checkFolder(p, label, extraFolders.get(i).toString(), false, t) && seen.add(p)) {
        folders.add(new Folder(p, label));
      }
    }
  }

  private static boolean checkFolder(Path p, String label, String written, boolean fromYaml, YamlTree t) {
    if (Files.isDirectory(p)) {
      return true;
    }
    StringBuilder m = new StringBuilder("folder '").append(written).append('\'');
    if (!p.toString().equals(written)) {
      m.append(fromYaml ? " (resolved against the configuration file's folder to " : " (resolved to ")
          .append(p).append(')');
    }
    m.append(Files.exists(p) ? " is not a directory" : " does not exist");
    if (WINDOWS_PATH.matcher(written).matches()) {
      m.append("; it looks like a Windows path");
    }
    t.problem(label, m.toString());
    return false;
  }

  /** Indexes every regular file by name; returns false if some folder could not be listed. */
  private boolean index(YamlTree t) {
    boolean complete = true;
    for (Folder f : folders) {
      List<Path> files;
      try (Stream<Path> s = Files.list(f.path())) {
        files = s.filter(Files::isRegularFile).sorted().toList();
      } catch (IOException e) {
        t.problem(f.label(), "cannot list folder " + f.path() + ": " + e);
        complete = false;
        continue;
      }
      for (Path file : files) {
        String name = file.getFileName().toString();
        Path first = index.putIfAbsent(name, file);
        if (first != null) {
          t.problem(f.label(), "file name '" + name + "' exists in two service folders: " + first
              + " and " + file + "; unit files are looked up by name, so the name is ambiguous");
        }
      }
    }
    return complete;
  }

  @Override
  public Map<String, UnitDefinition> resolve(Collection<Ref> refs, YamlTree t) {
    Map<String, UnitDefinition> out = new HashMap<>();
    Map<Object, Object> parsed = new HashMap<>(); // options list or the UnitFileException
    for (Ref r : refs) {
      String p = r.path() + ".name_of_unit_file";
      InlineUnit inline = given.get(r.unitFile());
      if (inline != null) {
        try {
          out.put(r.service(), inline.load(r.service()));
        } catch (UnitFileException ex) {
          t.problem(p, "cannot parse the unit file: " + ex.locatedReason());
        }
        continue;
      }
      Path file = index.get(r.unitFile());
      if (file == null) {
        // With a folder missing the index is incomplete and "not found" would only be noise.
        if (indexComplete) {
          t.problem(p, notFound(r.unitFile()));
        }
        continue;
      }
      Object result = parsed.computeIfAbsent(file, f -> {
        try {
          return UnitFileParser.parse(file);
        } catch (UnitFileException ex) {
          return ex;
        }
      });
      if (result instanceof UnitFileException ex) {
        t.problem(p, "cannot parse the unit file: " + ex.locatedReason());
      } else {
        @SuppressWarnings("unchecked")
        List<UnitOption> options = (List<UnitOption>) result;
        out.put(r.service(), new UnitDefinition(r.service(), r.unitFile(), file.toString(), options));
      }
    }
    return out;
  }

  private String notFound(String unitFile) {
    List<String> searched = new ArrayList<>();
    for (Folder f : folders) {
      searched.add(f.path().toString());
    }
    if (given.isEmpty()) {
      return "unit file '" + unitFile + "' was not found in any service folder"
          + " (searched: " + String.join(", ", searched) + ")";
    }
    return "unit file '" + unitFile + "' was not given to ConfigLoader.Builder.unit"
        + (searched.isEmpty() ? " and no service folder is configured"
            : " and was not found in any service folder (searched: " + String.join(", ", searched) + ")");
  }
}
