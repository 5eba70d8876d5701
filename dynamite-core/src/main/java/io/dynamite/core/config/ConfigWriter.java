package io.dynamite.core.config;

import java.util.Map;
import java.util.Objects;
import org.snakeyaml.engine.v2.api.Dump;
import org.snakeyaml.engine.v2.api.DumpSettings;
import org.snakeyaml.engine.v2.common.FlowStyle;
import org.snakeyaml.engine.v2.schema.CoreSchema;

/**
 * Writes a {@link DynamiteConfig} as the YAML {@link ConfigLoader} reads, so that a configuration
 * built in code can be reviewed, stored or handed to the daemon, and a loaded one can be written
 * back.
 *
 * <p>What is written: the typed components of the configuration (they are the truth when a
 * configuration built by hand disagrees with its {@code document}), spelled as the parsed
 * document spelled them; keys left at their default are written only if the document had them.
 * From the document it also keeps what the records do not hold: the {@code ServiceFiles} section
 * as written (or the configuration's folders when it has none), extra {@code ETCD} keys and the
 * {@code MetricSource} and {@code Target} sections. Unit files are not part of the YAML: a
 * configuration whose units were given in code names its unit files and writes an empty {@code
 * PathList}, so loading the text back needs the units again ({@link
 * ConfigLoader.Builder#unit(String, String)}) or a folder holding them.
 *
 * <p>For a configuration loaded from YAML, loading the written text again with the same loader and
 * base folder gives an equal configuration. Values are written in the YAML 1.2 core schema the
 * loader reads (a string that would read as a number or boolean is quoted) and aliases are
 * expanded. Stateless and thread-safe.
 *
 * @since 0.3
 */
public final class ConfigWriter {
  private ConfigWriter() {}

  /**
   * Writes a configuration as YAML.
   *
   * @param config the configuration
   * @return the YAML text, one document, in block style
   */
  public static String toYaml(DynamiteConfig config) {
    Objects.requireNonNull(config, "config");
    return dump(ConfigTree.of(config));
  }

  /** Dumps a document tree in the schema the loader reads it with. */
  static String dump(Map<String, Object> document) {
    DumpSettings settings = DumpSettings.builder()
        .setSchema(new CoreSchema())
        .setDefaultFlowStyle(FlowStyle.BLOCK)
        .setDereferenceAliases(true)
        .setSplitLines(false)
        .setIndent(2)
        .build();
    return new Dump(settings).dumpToString(document);
  }
}
