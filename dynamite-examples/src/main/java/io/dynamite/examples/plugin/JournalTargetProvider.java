package io.dynamite.examples.plugin;

import com.google.auto.service.AutoService;
import io.dynamite.api.ConfigException;
import io.dynamite.api.InstancePlan;
import io.dynamite.api.TargetException;
import io.dynamite.api.UnitHealth;
import io.dynamite.api.UnitStatus;
import io.dynamite.api.spi.PluginContext;
import io.dynamite.api.spi.ScalingTarget;
import io.dynamite.api.spi.ScalingTargetProvider;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * An example target plugin, {@code type: journal-file}: instead of running units it appends {@code
 * START <unit>} and {@code STOP <unit>} lines to a file, and reports as running every unit started
 * and not stopped since (read back from the file, so a restarted daemon sees the same units). A
 * stand-in for a real scheduler's API, and a way to watch the engine's decisions. Selected with
 *
 * <pre>
 * Dynamite:
 *   Target:
 *     type: journal-file
 *     path: /var/lib/dynamite/journal.txt
 * </pre>
 */
@AutoService(ScalingTargetProvider.class)
public final class JournalTargetProvider implements ScalingTargetProvider {
  /** Creates the provider; stateless. */
  public JournalTargetProvider() {}

  @Override
  public String type() {
    return "journal-file";
  }

  @Override
  public Set<String> settingsKeys() {
    return Set.of("path");
  }

  @Override
  public ScalingTarget create(Map<String, Object> settings, PluginContext context) {
    if (!(settings.get("path") instanceof String path) || path.isBlank()) {
      throw new ConfigException("path", "required: the journal file to append START/STOP lines to");
    }
    return new JournalTarget(Path.of(path));
  }

  /** Appends to the journal; thread-safe. */
  static final class JournalTarget implements ScalingTarget {
    private final Path file;

    JournalTarget(Path file) {
      this.file = file;
    }

    @Override
    public CompletionStage<Void> start(InstancePlan plan) {
      return append("START", plan.unitNames());
    }

    @Override
    public CompletionStage<Void> stop(InstancePlan plan) {
      return append("STOP", plan.unitNames());
    }

    private synchronized CompletionStage<Void> append(String verb, List<String> units) {
      StringBuilder sb = new StringBuilder();
      for (String u : units) {
        sb.append(verb).append(' ').append(u).append('\n');
      }
      try {
        Files.writeString(file, sb, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        return CompletableFuture.completedFuture(null);
      } catch (IOException e) {
        return CompletableFuture.failedFuture(new TargetException("cannot write " + file + ": " + e.getMessage(), true, e));
      }
    }

    @Override
    public synchronized CompletionStage<List<UnitStatus>> list() {
      Set<String> running = new LinkedHashSet<>();
      try {
        if (Files.exists(file)) {
          for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (line.startsWith("START ")) {
              running.add(line.substring(6));
            } else if (line.startsWith("STOP ")) {
              running.remove(line.substring(5));
            }
          }
        }
      } catch (IOException e) {
        return CompletableFuture.failedFuture(new TargetException("cannot read " + file + ": " + e.getMessage(), true, e));
      }
      List<UnitStatus> out = new ArrayList<>();
      for (String u : running) {
        out.add(new UnitStatus(u, UnitHealth.RUNNING, "journal"));
      }
      return CompletableFuture.completedFuture(out);
    }

    @Override
    public String toString() {
      return "JournalTarget[" + file + "]";
    }
  }
}
