package io.dynamite.daemon;

import io.dynamite.api.ConfigException;
import io.dynamite.api.ConfigProblem;
import io.dynamite.core.config.ConfigLoader;
import io.dynamite.core.config.DynamiteConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code dynamite validate}: loads and checks a configuration with its plugins, without connecting to etcd or fleet. */
@Command(name = "validate", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Check a configuration file (and the policy plugins it uses) without connecting anywhere.")
final class ValidateCommand implements Callable<Integer> {
  private final DynamiteDaemon.Context context;

  @Option(names = {"-c", "--config_file", "--config-file"}, paramLabel = "FILE", required = true, description = "The YAML configuration.")
  @Nullable Path configFile;

  @Option(names = {"-s", "--service_folder", "--service-folder"}, paramLabel = "DIR", description = "A folder of unit files. Repeatable.")
  List<Path> serviceFolders = new ArrayList<>();

  @Option(names = "--plugins", paramLabel = "DIR", description = "Load plugins (policies, metric sources, targets) from every jar in DIR.")
  @Nullable Path pluginsDir;

  ValidateCommand(DynamiteDaemon.Context context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    for (Path p : serviceFolders) {
      if (!Files.isDirectory(p)) {
        throw new UsageException("--service_folder: " + p.toAbsolutePath() + " is not a directory");
      }
    }
    if (pluginsDir != null && !Files.isDirectory(pluginsDir)) {
      throw new UsageException("--plugins: " + pluginsDir.toAbsolutePath() + " is not a directory");
    }
    ConfigLoader loader = ConfigLoader.builder().serviceFolders(serviceFolders)
        .plugins(Plugins.registry(Plugins.loader(pluginsDir))).build();
    DynamiteConfig config;
    try {
      config = loader.load(java.util.Objects.requireNonNull(configFile));
    } catch (ConfigException e) {
      List<String> lines = new ArrayList<>();
      for (ConfigProblem p : e.problems()) {
        lines.add("  " + p.path() + ": " + p.message());
      }
      throw new FatalException("configuration " + configFile.toAbsolutePath() + " has " + lines.size() + " problem(s):", lines);
    }
    List<String> types = new ArrayList<>();
    config.policies().values().forEach(p -> types.add(p.name() + "=" + p.type()));
    context.out().printf("configuration OK: %d service(s) scaled, %d policies (%s); policy types available: %s%n",
        config.scalableServices().size(), config.policies().size(), String.join(", ", types), loader.policyTypes());
    return 0;
  }
}
