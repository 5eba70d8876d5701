package io.dynamite.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.dynamite.api.ConfigException;
import io.dynamite.api.UnitOption;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Whatever the YAML or unit file text, loading yields a configuration or a {@link ConfigException}
 * (a {@link UnitFileException} for the unit-file parser alone): never another exception, never an
 * Error. jqwik prints the seed of a failing run.
 */
class ConfigLoaderPropertiesTest {
  private static final String VALID = """
      Dynamite:
        ServiceFiles:
          PathList: [units]
        ETCD:
          application_base_path: /services
          metrics_base_path: /metrics
        Service:
          web:
            name_of_unit_file: web@.service
            min_instance: 1
            max_instance: 3
            base_instance_prefix_number: 8000
            ports_per_instance: 1
            scale_up_policy: {ScalingPolicy: up}
        ScalingPolicy:
          up: {service_type: webserver, metric: cpu_user, comparative_operator: gt, threshold: 80,
               period: 10, period_unit: second, cooldown_period: 1, cooldown_period_unit: minute}
      """;

  private static Path dir;

  @BeforeContainer
  static void createFolder() throws IOException {
    dir = Files.createTempDirectory("dynamite-config-props");
    Files.createDirectories(dir.resolve("units"));
    Files.writeString(dir.resolve("units/web@.service"), "[Service]\nExecStart=/bin/true\n");
  }

  @AfterContainer
  static void deleteFolder() throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  private static void loadsOrReportsProblems(String yaml) {
    try {
      assertThat(ConfigLoader.builder().build().load(yaml, dir)).isNotNull();
    } catch (ConfigException e) {
      assertThat(e.problems()).isNotEmpty();
    }
  }

  @Provide
  Arbitrary<String> yamlish() {
    return Arbitraries.strings().withChars("[]{}:,-&*!|>'\"#?%@`\\ \n\t").withCharRange('a', 'e')
        .withChars("Dynamite01.").ofMaxLength(300);
  }

  /** The valid file with characters inserted, deleted or replaced at random places. */
  @Provide
  Arbitrary<String> mutated() {
    Arbitrary<Integer> at = Arbitraries.integers().between(0, VALID.length() - 1);
    Arbitrary<String> insert = Arbitraries.strings().withChars("[]{}:,-&*!|>'\"#\n 0123456789aAz~.").ofMaxLength(6);
    Arbitrary<Integer> cut = Arbitraries.integers().between(0, 8);
    Arbitrary<String> once = Combinators.combine(at, cut, insert).as((i, c, ins) -> {
      int end = Math.min(VALID.length(), i + c);
      return VALID.substring(0, i) + ins + VALID.substring(end);
    });
    return once;
  }

  /** Deep or aliased structures at every position the loader reads. */
  @Provide
  Arbitrary<String> structures() {
    Arbitrary<Integer> depth = Arbitraries.integers().between(0, 400);
    Arbitrary<Integer> aliases = Arbitraries.integers().between(0, 24);
    Arbitrary<String> where = Arbitraries.of("threshold: 80", "min_instance: 1", "metrics_base_path: /metrics",
        "PathList: [units]");
    return Combinators.combine(depth, aliases, where, Arbitraries.of(true, false)).as((d, a, w, flow) -> {
      String value;
      if (a > 0) {
        StringBuilder chain = new StringBuilder("[&a0 [x, x]");
        for (int i = 1; i < a; i++) {
          chain.append(", &a").append(i).append(" [*a").append(i - 1).append(", *a").append(i - 1).append(']');
        }
        value = chain.append(']').toString();
      } else {
        value = flow ? "[".repeat(d) + "]".repeat(d) : "{k: ".repeat(d) + "1" + "}".repeat(d);
      }
      String key = w.substring(0, w.indexOf(':'));
      return VALID.replace(w, key + ": " + value);
    });
  }

  @Property(tries = 300)
  void randomTextLoadsOrFailsWithAConfigException(@ForAll("yamlish") String yaml) {
    loadsOrReportsProblems(yaml);
    loadsOrReportsProblems("Dynamite:\n  " + yaml.replace("\n", "\n  "));
  }

  @Property(tries = 300)
  void mutatedValidFilesLoadOrFailWithAConfigException(@ForAll("mutated") String yaml) {
    loadsOrReportsProblems(yaml);
  }

  @Property(tries = 200)
  void deepAndAliasedValuesLoadOrFailWithAConfigException(@ForAll("structures") String yaml) {
    loadsOrReportsProblems(yaml);
  }

  @Provide
  Arbitrary<String> unitText() {
    Arbitrary<String> line = Arbitraries.oneOf(
        Arbitraries.of("[Unit]", "[Service]", "[X-Fleet]", "[", "[]", "]", "=", "a=b", " x = y ", "#c", ";c", "",
            "ExecStart=/bin/sh -c 'a \\", "\\", "\\\\", "\uFEFF[Unit]", "A=\u00e9\u4e2d"),
        Arbitraries.strings().withChars("[]=#;\\ \t\r\u0000abcAB=").ofMaxLength(20));
    return Combinators.combine(line.list().ofMaxSize(20), Arbitraries.of("\n", "\r\n", "\r"))
        .as((lines, end) -> String.join(end, lines));
  }

  @Property(tries = 400)
  void theUnitFileParserYieldsOptionsOrAUnitFileException(@ForAll("unitText") String text) {
    try {
      List<UnitOption> options = UnitFileParser.parse(text);
      assertThat(options).doesNotContainNull();
    } catch (UnitFileException e) {
      assertThat(e.reason()).isNotEmpty();
    }
  }

  @Property(tries = 200)
  void unitFilesOfAnyContentLoadOrFailWithAConfigException(@ForAll("unitText") String text) {
    try {
      Files.writeString(dir.resolve("units/web@.service"), text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try {
      loadsOrReportsProblems(VALID);
    } finally {
      try {
        Files.writeString(dir.resolve("units/web@.service"), "[Service]\nExecStart=/bin/true\n");
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
