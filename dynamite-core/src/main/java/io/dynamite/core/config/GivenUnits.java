package io.dynamite.core.config;

import io.dynamite.api.state.UnitDefinition;
import java.nio.file.Path;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Unit files of a configuration built in code: each service's unit is given with the service, so
 * no folder is needed and the {@code ServiceFiles} section, if any, is not read. One instance per
 * validation; confined to the validating thread.
 */
final class GivenUnits implements UnitSource {
  private final Map<String, InlineUnit> byService;
  private final List<Path> folders;

  /**
   * @param byService the unit of each service, by service name
   * @param folders what {@link DynamiteConfig#serviceFolders()} reports (a configuration built by
   *     hand may carry the folders it was once loaded from)
   */
  GivenUnits(Map<String, InlineUnit> byService, List<Path> folders) {
    this.byService = byService;
    this.folders = List.copyOf(folders);
  }

  /** The units a configuration's records hold, with its folders. */
  static GivenUnits of(DynamiteConfig config) {
    Map<String, InlineUnit> units = new HashMap<>();
    for (ServiceConfig s : config.services().values()) {
      units.put(s.id().name(), InlineUnit.defined(s.unit()));
    }
    return new GivenUnits(units, config.serviceFolders());
  }

  @Override
  public void prepare(Map<?, ?> dyn, YamlTree t) {
    // nothing to read: the units come with the services
  }

  @Override
  public void checkAvailable(boolean anyService, YamlTree t) {
    // each service's unit is checked by resolve
  }

  @Override
  public Map<String, UnitDefinition> resolve(Collection<Ref> refs, YamlTree t) {
    Map<String, UnitDefinition> out = new HashMap<>();
    for (Ref r : refs) {
      String p = r.path() + ".name_of_unit_file";
      InlineUnit unit = byService.get(r.service());
      if (unit == null) {
        t.problem(p, "no unit was given for unit file '" + r.unitFile() + "'; give its options, its text or"
            + " its file with ServiceConfig.Builder.unit");
        continue;
      }
      if (!unit.fileName().equals(r.unitFile())) {
        t.problem(p, "the unit given is named '" + unit.fileName() + "', not '" + r.unitFile() + "'");
        continue;
      }
      try {
        out.put(r.service(), unit.load(r.service()));
      } catch (UnitFileException ex) {
        t.problem(p, "cannot parse the unit file: " + ex.locatedReason());
      }
    }
    return out;
  }

  @Override
  public List<Path> folders() {
    return folders;
  }
}
