package io.dynamite.prometheus;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A credential kept in a file (a bearer token or a password), read again when the file changes so
 * that rotated tokens are picked up without a restart. Leading and trailing whitespace (the usual
 * final newline) is dropped. Its content never appears in a message or in {@link #toString()}.
 * Thread-safe.
 */
final class SecretFile {
  private final Path path;
  private @Nullable String value;
  private @Nullable FileTime modified;

  /**
   * Reads the file once, so that a missing or empty file is a configuration error.
   *
   * @throws IllegalArgumentException naming the file (never its content) if it cannot be read or
   *     is empty
   */
  SecretFile(Path path) {
    this.path = Objects.requireNonNull(path, "path");
    try {
      value();
    } catch (IOException e) {
      throw new IllegalArgumentException(e.getMessage());
    }
  }

  /**
   * Returns the current content.
   *
   * @throws IOException with a message naming only the file if it became unreadable or empty
   */
  synchronized String value() throws IOException {
    FileTime now;
    try {
      now = Files.getLastModifiedTime(path);
    } catch (IOException e) {
      throw new IOException(describe(e));
    }
    if (value == null || !now.equals(modified)) {
      String read;
      try {
        read = Files.readString(path, StandardCharsets.UTF_8).strip();
      } catch (IOException e) {
        throw new IOException(describe(e));
      }
      if (read.isEmpty()) {
        throw new IOException("cannot use " + path + ": the file is empty");
      }
      value = read;
      modified = now;
    }
    return value;
  }

  private String describe(IOException e) {
    // the exception's own message may quote nothing but the path; keep only its kind to be sure
    return "cannot read " + path + " (" + e.getClass().getSimpleName() + ")";
  }

  @Override
  public String toString() {
    return "SecretFile[" + path + "]";
  }
}
