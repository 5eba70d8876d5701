package io.dynamite.core.config;

import io.dynamite.api.state.UnitDefinition;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Where {@link ConfigValidator} finds the unit file of each service: in folders named by the
 * YAML's {@code ServiceFiles} section ({@link FolderUnits}), or given in code ({@link GivenUnits}).
 * The validator calls the three steps in order, once per validation, on the validating thread.
 */
interface UnitSource {

  /** The unit file one service names, with the YAML path its problems are reported at. */
  record Ref(String service, String path, String unitFile) {}

  /**
   * Reads what this source needs from the {@code Dynamite} mapping (the {@code ServiceFiles}
   * section, for folders) before anything else is checked, so that its problems come first.
   *
   * @param dyn the {@code Dynamite} mapping
   * @param t where problems go
   */
  void prepare(Map<?, ?> dyn, YamlTree t);

  /**
   * Reports, once the services are read, that no unit file can be found at all.
   *
   * @param anyService whether the configuration has a service
   * @param t where problems go
   */
  void checkAvailable(boolean anyService, YamlTree t);

  /**
   * Finds and parses the unit file of every service that names one.
   *
   * @param refs the services' unit files, in configuration order
   * @param t where problems go
   * @return the units found, by service name
   */
  Map<String, UnitDefinition> resolve(Collection<Ref> refs, YamlTree t);

  /**
   * Returns the folders unit files were looked up in, for {@link DynamiteConfig#serviceFolders()}.
   *
   * @return absolute folders, in lookup order
   */
  List<Path> folders();
}
