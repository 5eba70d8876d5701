package io.dynamite.core.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/** Access to the copies of the original Dynamite data under {@code src/test/resources/original}. */
final class Fixtures {
  private Fixtures() {}

  /** The folder that mirrors the original data folder. */
  static Path originalRoot() {
    URL url = Fixtures.class.getResource("/original");
    if (url == null) {
      throw new IllegalStateException("test resources folder 'original' is missing");
    }
    try {
      return Paths.get(url.toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A file of the original data, by its path relative to the data folder. */
  static Path original(String relative) {
    Path p = originalRoot().resolve(relative);
    if (!Files.exists(p)) {
      throw new IllegalStateException("missing fixture " + p);
    }
    return p;
  }

  /** Reads a file of the original data as UTF-8 text. */
  static String read(String relative) {
    try {
      return Files.readString(original(relative));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
