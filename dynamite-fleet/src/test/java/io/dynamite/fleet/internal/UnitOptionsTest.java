package io.dynamite.fleet.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dynamite.api.UnitOption;
import io.dynamite.sandbox.fleet.FakeFleetServer;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link UnitOptions#normalize}: options as fleet reads them back after storing them as a unit
 * file (fleet-api.md §3, §5, §7, §9). Every case is also checked against {@link FakeFleetServer},
 * which stores options by the same serialise-and-re-parse round trip.
 */
class UnitOptionsTest {
  private static FakeFleetServer fleet;

  @BeforeAll
  static void startFleet() {
    fleet = FakeFleetServer.start();
  }

  @AfterAll
  static void stopFleet() {
    fleet.close();
  }

  private static UnitOption o(String section, String name, String value) {
    return UnitOption.of(section, name, value);
  }

  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of("already normal",
            List.of(o("Unit", "Description", "Hello"), o("Service", "ExecStart", "/bin/sleep 3000")),
            List.of(o("Unit", "Description", "Hello"), o("Service", "ExecStart", "/bin/sleep 3000"))),
        Arguments.of("values trimmed on both sides",
            List.of(o("Service", "ExecStart", " \t/bin/sleep 1  "), o("Unit", "Description", "  x")),
            List.of(o("Service", "ExecStart", "/bin/sleep 1"), o("Unit", "Description", "x"))),
        Arguments.of("names trimmed",
            List.of(o("Service", " ExecStart\t", "/bin/true")),
            List.of(o("Service", "ExecStart", "/bin/true"))),
        Arguments.of("inner whitespace kept",
            List.of(o("Service", "ExecStart", "/bin/sh -c 'a   b'")),
            List.of(o("Service", "ExecStart", "/bin/sh -c 'a   b'"))),
        Arguments.of("empty value kept",
            List.of(o("Service", "Environment", ""), o("Service", "ExecStart", "/bin/true")),
            List.of(o("Service", "Environment", ""), o("Service", "ExecStart", "/bin/true"))),
        Arguments.of("blank value becomes empty",
            List.of(o("Service", "Environment", "   ")),
            List.of(o("Service", "Environment", ""))),
        Arguments.of("all-empty option read back as empty (live e2.service)",
            List.of(o("", "", "")),
            List.of(o("", "", ""))),
        Arguments.of("a newline makes two options (live e3.service)",
            List.of(o("Service", "ExecStart", "/bin/sh -c \"echo a\"\nExecStop=/bin/x")),
            List.of(o("Service", "ExecStart", "/bin/sh -c \"echo a\""), o("Service", "ExecStop", "/bin/x"))),
        Arguments.of("options split off a value are trimmed too",
            List.of(o("Service", "ExecStart", "a  \n  ExecStop =  /bin/x  \nRestart=always")),
            List.of(o("Service", "ExecStart", "a"), o("Service", "ExecStop", "/bin/x"), o("Service", "Restart", "always"))),
        Arguments.of("blank and comment lines inside a value vanish",
            List.of(o("Service", "ExecStart", "a\n\n# comment\n; other\nExecStop=/bin/x")),
            List.of(o("Service", "ExecStart", "a"), o("Service", "ExecStop", "/bin/x"))),
        Arguments.of("a section header inside a value moves the options after it",
            List.of(o("Service", "ExecStart", "a\n[Install]\nWantedBy=multi-user.target"), o("Service", "ExecStop", "/bin/b"),
                o("Unit", "Description", "d")),
            List.of(o("Service", "ExecStart", "a"), o("Install", "WantedBy", "multi-user.target"),
                o("Install", "ExecStop", "/bin/b"), o("Unit", "Description", "d"))),
        Arguments.of("continuation preserved (live e4.service)",
            List.of(o("Service", "ExecStart", "/bin/sh -c \\\n  true")),
            List.of(o("Service", "ExecStart", "/bin/sh -c \\\n  true"))),
        Arguments.of("continuation over several lines, outer whitespace trimmed",
            List.of(o("Service", "ExecStart", "  a \\\n b \\\n c  ")),
            List.of(o("Service", "ExecStart", "a \\\n b \\\n c"))),
        Arguments.of("continuation line that looks like an option stays in the value",
            List.of(o("Service", "ExecStart", "a \\\nExecStop=/bin/x")),
            List.of(o("Service", "ExecStart", "a \\\nExecStop=/bin/x"))),
        Arguments.of("a value ending in a backslash continues into the next line of the unit file",
            List.of(o("Service", "ExecStart", "a \\"), o("Service", "ExecStop", "/bin/x"), o("Unit", "Description", "d")),
            List.of(o("Service", "ExecStart", "a \\\nExecStop=/bin/x"), o("Unit", "Description", "d"))),
        Arguments.of("a backslash on the last option of a section ends at the blank line between sections",
            List.of(o("Service", "ExecStart", "a \\"), o("Unit", "Description", "d")),
            List.of(o("Service", "ExecStart", "a \\"), o("Unit", "Description", "d"))),
        Arguments.of("grouped by section in order of first appearance",
            List.of(o("Service", "ExecStart", "/bin/a"), o("Unit", "Description", "d"), o("Service", "ExecStop", "/bin/b"),
                o("X-Fleet", "Global", "true"), o("Unit", "After", "docker.service")),
            List.of(o("Service", "ExecStart", "/bin/a"), o("Service", "ExecStop", "/bin/b"), o("Unit", "Description", "d"),
                o("Unit", "After", "docker.service"), o("X-Fleet", "Global", "true"))),
        Arguments.of("order within a section and repeated names kept",
            List.of(o("X-Fleet", "MachineMetadata", "b=2"), o("X-Fleet", "MachineMetadata", "a=1"),
                o("X-Fleet", "Conflicts", "web@*.service")),
            List.of(o("X-Fleet", "MachineMetadata", "b=2"), o("X-Fleet", "MachineMetadata", "a=1"),
                o("X-Fleet", "Conflicts", "web@*.service"))),
        Arguments.of("nothing",
            List.of(),
            List.of()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void normalisesAsFleetReadsBack(String description, List<UnitOption> input, List<UnitOption> expected) {
    assertThat(UnitOptions.normalize(input)).isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void agreesWithTheFakesRoundTrip(String description, List<UnitOption> input, List<UnitOption> expected) {
    String name = "case" + Math.abs(description.hashCode()) + ".service";
    fleet.putUnit(name, input, "inactive");
    assertThat(fleet.unit(name).orElseThrow().options()).isEqualTo(UnitOptions.normalize(input));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void isStableSoAnUnchangedUnitComparesEqual(String description, List<UnitOption> input, List<UnitOption> expected) {
    List<UnitOption> sent = UnitOptions.normalize(input);
    // what the target compares: the normalised spec against the normalised answer of GET
    String name = "stable" + Math.abs(description.hashCode()) + ".service";
    fleet.putUnit(name, sent, "inactive");
    assertThat(UnitOptions.normalize(fleet.unit(name).orElseThrow().options())).isEqualTo(sent);
    assertThat(UnitOptions.normalize(sent)).isEqualTo(sent);
  }

  @Test
  void sameOptionsWithOtherWhitespaceOrInterleavingAreEqual() {
    List<UnitOption> a = List.of(o("Service", "ExecStart", "/bin/a "), o("Unit", "Description", "d"), o("Service", "ExecStop", "/bin/b"));
    List<UnitOption> b = List.of(o("Service", " ExecStart", "/bin/a"), o("Service", "ExecStop", "\t/bin/b"), o("Unit", "Description", "d "));
    assertThat(UnitOptions.normalize(a)).isEqualTo(UnitOptions.normalize(b));
  }

  @Test
  void anotherFirstSectionOrAValueChangeIsADifference() {
    List<UnitOption> a = List.of(o("Service", "ExecStart", "/bin/a"), o("Unit", "Description", "d"));
    // fleet hashes the file, whose section order follows first appearance: a real change for fleet
    assertThat(UnitOptions.normalize(List.of(a.get(1), a.get(0)))).isNotEqualTo(UnitOptions.normalize(a));
    assertThat(UnitOptions.normalize(List.of(o("Service", "ExecStart", "/bin/a x"), a.get(1))))
        .isNotEqualTo(UnitOptions.normalize(a));
    assertThat(UnitOptions.normalize(List.of(o("Service", "ExecStart", "/bin/a"), o("Unit", "Description", ""))))
        .isNotEqualTo(UnitOptions.normalize(a));
  }

  @Test
  void lineThatIsNoOptionIsRefused() {
    assertThatThrownBy(() -> UnitOptions.normalize(List.of(o("Service", "ExecStart", "/bin/a\nnot an option"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not an option");
  }

  @Test
  void resultIsImmutable() {
    List<UnitOption> out = UnitOptions.normalize(List.of(o("Service", "ExecStart", "/bin/a")));
    assertThatThrownBy(() -> out.add(o("Service", "ExecStop", "/bin/b"))).isInstanceOf(UnsupportedOperationException.class);
  }
}
