package io.dynamite.daemon;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * {@code DYNAMITE_LOG_CONFIG_PATH}: the original read a Python {@code logging.conf} from it. The
 * daemon logs through slf4j-simple, so the file it understands is a properties file of {@code
 * org.slf4j.simpleLogger.*} keys (the keys of slf4j-simple's {@code simplelogger.properties}), for
 * example {@code org.slf4j.simpleLogger.log.io.dynamite.etcd=debug}. The keys are copied into the
 * system properties before the first logger exists, which is when slf4j-simple reads them.
 *
 * <p>Precedence, as for every setting: {@code --log-level} over the file's {@code defaultLogLevel};
 * a {@code -D} system property over the file's key. A missing file is ignored with a warning (the
 * original also ran without one); a file with no such key, such as a Python {@code logging.conf},
 * is reported and ignored.
 */
final class LogConfig {
  /** The variable the original read. */
  static final String VARIABLE = "DYNAMITE_LOG_CONFIG_PATH";
  static final String PREFIX = "org.slf4j.simpleLogger.";
  static final String DEFAULT_LEVEL_KEY = PREFIX + "defaultLogLevel";

  /**
   * What was applied.
   *
   * @param file the file read, or null when the variable is unset or the file unusable
   * @param applied the keys copied into the system properties, sorted
   * @param notes warnings to log once logging is set up
   */
  record Applied(@Nullable Path file, Map<String, String> applied, List<String> notes) {}

  private LogConfig() {}

  /**
   * Applies the file named by {@link #VARIABLE} and the log level flag to {@code system}.
   *
   * @param env the environment
   * @param levelFlag the {@code --log-level} value, or null when not given
   * @param system the properties slf4j-simple reads ({@link System#getProperties()} in the daemon)
   * @return what was applied
   */
  static Applied apply(Map<String, String> env, @Nullable String levelFlag, Properties system) {
    String raw = env.get(VARIABLE);
    Map<String, String> applied = new TreeMap<>();
    List<String> notes = new java.util.ArrayList<>();
    Path file = null;
    if (raw != null && !raw.isBlank()) {
      Path p = Path.of(raw.trim()).toAbsolutePath().normalize();
      if (!Files.isRegularFile(p) || !Files.isReadable(p)) {
        notes.add(VARIABLE + "=" + p + " is not a readable file; ignored (logging follows --log-level)");
      } else {
        Properties file0 = new Properties();
        try (Reader r = Files.newBufferedReader(p, StandardCharsets.UTF_8)) {
          file0.load(r);
          file = p;
        } catch (IOException | IllegalArgumentException e) {
          notes.add(VARIABLE + "=" + p + " cannot be read (" + e.getMessage() + "); ignored");
        }
        for (String key : file0.stringPropertyNames()) {
          if (key.startsWith(PREFIX) && system.getProperty(key) == null) {
            String value = file0.getProperty(key).trim();
            system.setProperty(key, value);
            applied.put(key, value);
          }
        }
        if (file != null && file0.stringPropertyNames().stream().noneMatch(k -> k.startsWith(PREFIX))) {
          notes.add(VARIABLE + "=" + p + " has no " + PREFIX + "* keys (a Python logging.conf is not understood); "
              + "ignored, use --log-level or slf4j-simple keys");
        }
      }
    }
    if (levelFlag != null) {
      system.setProperty(DEFAULT_LEVEL_KEY, levelFlag);
    } else if (system.getProperty(DEFAULT_LEVEL_KEY) == null) {
      system.setProperty(DEFAULT_LEVEL_KEY, "info");
    }
    return new Applied(file, Map.copyOf(applied), List.copyOf(notes));
  }
}
