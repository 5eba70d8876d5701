package io.dynamite.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dynamite.api.UnitOption;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UnitFileParserTest {

  @Test
  void matchesTheOriginalParserOnEveryAvailableUnitFileAfterTrimming() throws IOException {
    JsonNode units = new ObjectMapper()
        .readTree(Fixtures.original("derived/unit2dict-golden.json").toFile()).get("units");
    List<String> compared = new ArrayList<>();
    List<String> absent = new ArrayList<>();
    for (Map.Entry<String, JsonNode> unit : units.properties()) {
      Path file = Fixtures.originalRoot().resolve(unit.getKey());
      if (!Files.isRegularFile(file)) {
        absent.add(unit.getKey());
        continue;
      }
      List<UnitOption> expected = new ArrayList<>();
      for (JsonNode o : unit.getValue().get("options")) {
        expected.add(UnitOption.of(o.get("section").asText(), o.get("name").asText().strip(),
            o.get("value").asText().strip()));
      }
      assertThat(UnitFileParser.parse(file)).as(unit.getKey()).containsExactlyElementsOf(expected);
      compared.add(unit.getKey());
    }
    assertThat(compared).isNotEmpty();
    // The golden file also covers four integration-test units that the data folder lacks.
    assertThat(absent).allMatch(k -> k.contains("/INTEGRATION/Generator/service-files/"));
  }

  @Test
  void acceptsAnySectionIncludingInstallSocketAndTimer() {
    List<UnitOption> options = UnitFileParser.parse(
        "[Unit]\nDescription=x\n[Service]\nExecStart=/bin/true\n[Install]\nWantedBy=multi-user.target\n"
            + "[Socket]\nListenStream=80\n[Timer]\nOnCalendar=daily\n[X-Fleet]\nGlobal=true\n[Custom-Name]\nK=v\n");
    assertThat(options).extracting(UnitOption::section)
        .containsExactly("Unit", "Service", "Install", "Socket", "Timer", "X-Fleet", "Custom-Name");
    assertThat(options.get(2)).isEqualTo(UnitOption.of("Install", "WantedBy", "multi-user.target"));
  }

  @Test
  void skipsHashAndSemicolonCommentsAndBlankLines() {
    List<UnitOption> options =
        UnitFileParser.parse("# hash\n; semicolon\n\n   \n[Unit]\n  ; indented\n  # indented\nA=1\n");
    assertThat(options).containsExactly(UnitOption.of("Unit", "A", "1"));
  }

  @Test
  void joinsContinuationLinesLikeTheOriginal() {
    List<UnitOption> options =
        UnitFileParser.parse("[Service]\nExecStart=/bin/sh -c \"a; \\\n   b; \\\n      c\"\nX=y\n");
    assertThat(options).containsExactly(
        UnitOption.of("Service", "ExecStart", "/bin/sh -c \"a; b; c\""), UnitOption.of("Service", "X", "y"));
  }

  @Test
  void appendsTheContinuedLineDirectlyLikeTheOriginal() {
    assertThat(UnitFileParser.parse("[Service]\nExecStart=/bin/sh -c '\\\n   echo a\\\nb'\n"))
        .containsExactly(UnitOption.of("Service", "ExecStart", "/bin/sh -c 'echo ab'"));
  }

  @Test
  void skipsCommentsInsideAContinuationAndEndsItAtABlankLine() {
    assertThat(UnitFileParser.parse("[Service]\nA=1 \\\n# note\n2 \\\n\nB=3 \\"))
        .containsExactly(UnitOption.of("Service", "A", "1 2"), UnitOption.of("Service", "B", "3"));
  }

  @Test
  void keepsAnEscapedBackslashAtLineEnd() {
    assertThat(UnitFileParser.parse("[Service]\nA=x\\\\\nB=y\n"))
        .containsExactly(UnitOption.of("Service", "A", "x\\\\"), UnitOption.of("Service", "B", "y"));
  }

  @Test
  void trimsWhitespaceAroundTheEqualsSignAndKeepsEmptyValues() {
    assertThat(UnitFileParser.parse("[Unit]\n  Description  =  two words  \nEmpty=\nSpaces =   \nEq=a=b\n"))
        .containsExactly(
            UnitOption.of("Unit", "Description", "two words"),
            UnitOption.of("Unit", "Empty", ""),
            UnitOption.of("Unit", "Spaces", ""),
            UnitOption.of("Unit", "Eq", "a=b"));
  }

  @Test
  void keepsRepeatedKeysInOrder() {
    assertThat(UnitFileParser.parse("[Service]\nExecStartPre=a\nExecStart=b\nExecStartPre=c\n"))
        .extracting(UnitOption::name, UnitOption::value)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("ExecStartPre", "a"),
            org.assertj.core.groups.Tuple.tuple("ExecStart", "b"),
            org.assertj.core.groups.Tuple.tuple("ExecStartPre", "c"));
  }

  @Test
  void handlesCrlfAndCrLineEndings() {
    String unix = "[Unit]\nA=1 \\\n 2\n[Service]\nB=3\n";
    assertThat(UnitFileParser.parse(unix.replace("\n", "\r\n"))).isEqualTo(UnitFileParser.parse(unix));
    assertThat(UnitFileParser.parse(unix.replace("\n", "\r"))).isEqualTo(UnitFileParser.parse(unix));
  }

  @Test
  void ignoresAByteOrderMark(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("bom.service");
    byte[] body = "[Unit]\nA=1\n".getBytes(StandardCharsets.UTF_8);
    byte[] withBom = new byte[body.length + 3];
    withBom[0] = (byte) 0xEF;
    withBom[1] = (byte) 0xBB;
    withBom[2] = (byte) 0xBF;
    System.arraycopy(body, 0, withBom, 3, body.length);
    Files.write(file, withBom);
    assertThat(UnitFileParser.parse(file)).containsExactly(UnitOption.of("Unit", "A", "1"));
  }

  @Test
  void rejectsALineWithoutEqualsNamingFileAndLine(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("bad.service");
    Files.writeString(file, "[Unit]\nA=1\n\njust words\n");
    assertThatThrownBy(() -> UnitFileParser.parse(file))
        .isInstanceOfSatisfying(UnitFileException.class, e -> {
          assertThat(e.source()).isEqualTo(file.toString());
          assertThat(e.line()).isEqualTo(4);
          assertThat(e.reason()).contains("expected 'Name=value'").contains("'just words'");
          assertThat(e.problems()).singleElement()
              .satisfies(p -> assertThat(p.path()).isEqualTo(file + ":4"));
        });
  }

  @Test
  void rejectsAnUnterminatedSectionHeader() {
    assertThatThrownBy(() -> UnitFileParser.parse("[Unit]\nA=1\n[Service\nB=2\n"))
        .isInstanceOfSatisfying(UnitFileException.class, e -> {
          assertThat(e.source()).isEqualTo("<text>");
          assertThat(e.line()).isEqualTo(3);
          assertThat(e.reason()).contains("without closing ']'");
        });
  }

  @Test
  void rejectsAnEmptySectionNameAndAnEmptyOptionName() {
    assertThatThrownBy(() -> UnitFileParser.parse("[]\n"))
        .isInstanceOfSatisfying(UnitFileException.class, e -> assertThat(e.line()).isEqualTo(1));
    assertThatThrownBy(() -> UnitFileParser.parse("[Unit]\n=x\n"))
        .isInstanceOfSatisfying(UnitFileException.class, e -> {
          assertThat(e.line()).isEqualTo(2);
          assertThat(e.reason()).contains("without a name");
        });
  }

  @Test
  void rejectsAnOptionBeforeAnySection() {
    assertThatThrownBy(() -> UnitFileParser.parse("# c\nDescription=x\n[Unit]\n"))
        .isInstanceOfSatisfying(UnitFileException.class, e -> {
          assertThat(e.line()).isEqualTo(2);
          assertThat(e.reason()).contains("'Description' appears before any [Section] header");
        });
  }

  @Test
  void reportsTheFirstLineOfAContinuedMalformedLine() {
    assertThatThrownBy(() -> UnitFileParser.parse("[Unit]\n\nno equals \\\n here\n"))
        .isInstanceOfSatisfying(UnitFileException.class, e -> assertThat(e.line()).isEqualTo(3));
  }

  @Test
  void reportsAMissingFileAndInvalidUtf8AsLineZero(@TempDir Path dir) throws IOException {
    Path missing = dir.resolve("missing.service");
    assertThatThrownBy(() -> UnitFileParser.parse(missing))
        .isInstanceOfSatisfying(UnitFileException.class, e -> {
          assertThat(e.line()).isZero();
          assertThat(e.reason()).isEqualTo("file does not exist");
        });
    Path latin1 = dir.resolve("latin1.service");
    Files.write(latin1, new byte[] {'[', 'U', ']', '\n', 'A', '=', (byte) 0xE9, '\n'});
    assertThatThrownBy(() -> UnitFileParser.parse(latin1))
        .isInstanceOfSatisfying(UnitFileException.class, e -> assertThat(e.reason()).contains("UTF-8"));
  }

  @Test
  void parsesAnEmptyFileToNoOptions() {
    assertThat(UnitFileParser.parse("")).isEmpty();
    assertThat(UnitFileParser.parse("[Unit]\n")).isEmpty();
  }
}
