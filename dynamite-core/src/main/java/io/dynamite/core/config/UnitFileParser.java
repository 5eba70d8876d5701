package io.dynamite.core.config;

import io.dynamite.api.UnitOption;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Parses a systemd unit file into the flat option list fleet's API takes ({@code
 * [{section, name, value}, ...]}).
 *
 * <p>Syntax, following systemd's {@code systemd.syntax(7)} where the original Dynamite parser
 * ({@code unit2dict}) fell short (its defect B15):
 *
 * <ul>
 *   <li>Any section header {@code [Name]} is accepted ({@code [Unit]}, {@code [Service]}, {@code
 *       [X-Fleet]}, {@code [Install]}, {@code [Socket]}, {@code [Timer]}, ...). The original knew
 *       only the first three and crashed on the others.
 *   <li>Empty lines and lines whose first non-blank character is {@code #} or {@code ;} are
 *       comments. The original knew only {@code #}.
 *   <li>Name and value are trimmed around {@code =} ({@code Description = x} gives {@code
 *       Description} / {@code x}); the original kept the blanks. Empty values are kept.
 *   <li>Repeated names are kept, in file order, as systemd and fleet need for {@code ExecStartPre}
 *       and friends.
 *   <li>A line ending in an odd number of backslashes continues on the next line. As in the
 *       original, the trailing backslash is dropped and the next line, trimmed, is appended
 *       directly: {@code "a; \"} + {@code "   b"} gives {@code "a; b"}, and {@code "sh -c '\"} +
 *       {@code "  curl"} gives {@code "sh -c 'curl"}, exactly what the original sent to fleet for
 *       the units of its deployments. systemd instead replaces the backslash by a space and keeps
 *       the next line's leading blanks; the results differ only in whitespace, except that {@code
 *       "a\"} + {@code "b"} gives {@code "ab"} here (as in the original) and {@code "a b"} in
 *       systemd, so put a blank before the backslash where words must stay apart. As in systemd,
 *       comment lines inside a continuation are skipped, an empty line ends it, and a backslash on
 *       the last line of the file is dropped.
 *   <li>Line ends may be {@code LF}, {@code CRLF} or {@code CR}; a leading UTF-8 byte order mark
 *       is ignored.
 * </ul>
 *
 * <p>Errors (each a {@link UnitFileException} naming the source and the 1-based line): a line that
 * is neither a comment, a section header nor {@code name=value}; a header without its closing
 * {@code ]} or with an empty name; an empty option name; an option before any section header.
 * The original put such options in section {@code ""}, which fleet passes on to systemd, which
 * ignores them with a warning; rejecting the file shows the mistake at load time instead.
 *
 * <p>Stateless and thread-safe.
 *
 * @since 0.1
 */
public final class UnitFileParser {
  /** What error messages call text that did not come from a file. */
  static final String TEXT_SOURCE = "<text>";

  private static final int SNIPPET = 60;

  private UnitFileParser() {}

  /**
   * Parses unit file text.
   *
   * @param text the whole file
   * @return the options in file order; never null, possibly empty
   * @throws UnitFileException on a malformed line, with source {@code <text>}
   */
  public static List<UnitOption> parse(String text) {
    return parse(text, TEXT_SOURCE);
  }

  /**
   * Reads and parses a unit file, which must be UTF-8 (or ASCII).
   *
   * @param file the file
   * @return the options in file order; never null, possibly empty
   * @throws UnitFileException on a malformed line, or with line 0 if the file cannot be read or is
   *     not valid UTF-8; its source is the file's path
   */
  public static List<UnitOption> parse(Path file) {
    Objects.requireNonNull(file, "file");
    String source = file.toString();
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new UnitFileException(source, 0, "file does not exist");
    } catch (IOException e) {
      throw new UnitFileException(source, 0, "cannot read the file: " + e);
    }
    String text;
    try {
      // A strict decoder: silently replacing bad bytes would hand fleet a corrupted command line.
      text = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      throw new UnitFileException(source, 0, "the file is not valid UTF-8");
    }
    return parse(text, source);
  }

  /**
   * Parses text, naming {@code source} in errors.
   *
   * @param text the whole file
   * @param source the file's path for error messages
   * @return the options
   */
  static List<UnitOption> parse(String text, String source) {
    Objects.requireNonNull(text, "text");
    Objects.requireNonNull(source, "source");
    String body = text.startsWith("\uFEFF") ? text.substring(1) : text;
    String[] lines = body.split("\r\n|\n|\r", -1);
    State st = new State(source);
    for (int i = 0; i < lines.length; i++) {
      st.accept(lines[i].strip(), i + 1);
    }
    st.finish();
    return st.options;
  }

  /** Parser state for one text; confined to the calling thread. */
  private static final class State {
    final String source;
    final List<UnitOption> options = new ArrayList<>();
    @Nullable String section;
    /** The logical line being continued, without its trailing backslash; null if none. */
    @Nullable StringBuilder continuation;
    int continuationLine;

    State(String source) {
      this.source = source;
    }

    void accept(String line, int number) {
      boolean comment = !line.isEmpty() && (line.charAt(0) == '#' || line.charAt(0) == ';');
      if (continuation != null) {
        if (comment) {
          return; // systemd skips comment lines inside a continuation
        }
        if (line.isEmpty()) {
          endContinuation();
          return;
        }
        StringBuilder sb = continuation;
        if (continues(line)) {
          sb.append(line, 0, line.length() - 1);
        } else {
          sb.append(line);
          endContinuation();
        }
        return;
      }
      if (line.isEmpty() || comment) {
        return;
      }
      if (continues(line)) {
        continuation = new StringBuilder(line.substring(0, line.length() - 1));
        continuationLine = number;
        return;
      }
      logicalLine(line, number);
    }

    void finish() {
      if (continuation != null) {
        endContinuation();
      }
    }

    private void endContinuation() {
      String line = Objects.requireNonNull(continuation).toString().strip();
      continuation = null;
      if (!line.isEmpty()) {
        logicalLine(line, continuationLine);
      }
    }

    private void logicalLine(String line, int number) {
      if (line.charAt(0) == '[') {
        if (line.length() < 2 || line.charAt(line.length() - 1) != ']') {
          throw error(number, "section header without closing ']': " + snippet(line));
        }
        String name = line.substring(1, line.length() - 1);
        if (name.isBlank() || name.indexOf('[') >= 0 || name.indexOf(']') >= 0) {
          throw error(number, "invalid section name in " + snippet(line));
        }
        section = name;
        return;
      }
      int eq = line.indexOf('=');
      if (eq < 0) {
        throw error(number, "expected 'Name=value', a comment or a [Section] header, found "
            + snippet(line));
      }
      String name = line.substring(0, eq).strip();
      if (name.isEmpty()) {
        throw error(number, "option without a name: " + snippet(line));
      }
      if (section == null) {
        throw error(number, "option '" + name + "' appears before any [Section] header");
      }
      options.add(new UnitOption(section, name, line.substring(eq + 1).strip()));
    }

    private UnitFileException error(int number, String reason) {
      return new UnitFileException(source, number, reason);
    }
  }

  /** True if the line ends in an odd number of backslashes, i.e. an unescaped one. */
  private static boolean continues(String line) {
    int n = 0;
    for (int i = line.length() - 1; i >= 0 && line.charAt(i) == '\\'; i--) {
      n++;
    }
    return n % 2 == 1;
  }

  private static String snippet(String line) {
    return "'" + (line.length() <= SNIPPET ? line : line.substring(0, SNIPPET) + "...") + "'";
  }
}
