package io.dynamite.examples.plugin;

import com.google.auto.service.AutoService;
import io.dynamite.api.ConfigException;
import io.dynamite.api.MetricPoll;
import io.dynamite.api.MetricQuery;
import io.dynamite.api.MetricSample;
import io.dynamite.api.MetricSourceException;
import io.dynamite.api.RejectedSample;
import io.dynamite.api.spi.MetricSource;
import io.dynamite.api.spi.MetricSourceProvider;
import io.dynamite.api.spi.PluginContext;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An example metric-source plugin, {@code type: csv-file}: samples appended to a CSV file as lines
 * {@code service_type,metric,uuid,epoch_seconds,value} (an empty uuid for an aggregated metric).
 * Selected in YAML with
 *
 * <pre>
 * Dynamite:
 *   MetricSource:
 *     type: csv-file
 *     path: /var/lib/dynamite/samples.csv
 * </pre>
 *
 * <p>It cannot tell when the file grows, so it does not {@linkplain MetricSource#subscribe
 * subscribe}: the engine polls it at its evaluation interval.
 */
@AutoService(MetricSourceProvider.class)
public final class CsvFileMetricSourceProvider implements MetricSourceProvider {
  /** Creates the provider; stateless. */
  public CsvFileMetricSourceProvider() {}

  @Override
  public String type() {
    return "csv-file";
  }

  @Override
  public Set<String> settingsKeys() {
    return Set.of("path");
  }

  @Override
  public MetricSource create(Map<String, Object> settings, PluginContext context) {
    if (!(settings.get("path") instanceof String path) || path.isBlank()) {
      throw new ConfigException("path", "required: the CSV file to read samples from");
    }
    return new CsvFileSource(Path.of(path));
  }

  /** Reads what was appended since the previous poll; one polling thread. */
  static final class CsvFileSource implements MetricSource {
    private final Path file;
    private long offset;
    private String partial = "";

    CsvFileSource(Path file) {
      this.file = file;
    }

    @Override
    public MetricPoll poll(List<MetricQuery> queries) {
      if (!Files.exists(file)) {
        return MetricPoll.EMPTY;
      }
      String text;
      try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
        long length = f.length();
        if (length <= offset) {
          return MetricPoll.EMPTY;
        }
        byte[] bytes = new byte[(int) Math.min(length - offset, 1 << 20)];
        f.seek(offset);
        f.readFully(bytes);
        offset += bytes.length;
        text = partial + new String(bytes, StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new MetricSourceException("cannot read " + file + ": " + e.getMessage(), true, e);
      }
      int end = text.lastIndexOf('\n');
      partial = text.substring(end + 1); // an incomplete last line waits for the rest
      Set<MetricQuery> wanted = new HashSet<>(queries);
      List<MetricSample> samples = new ArrayList<>();
      List<RejectedSample> rejected = new ArrayList<>();
      for (String line : text.substring(0, end + 1).split("\n")) {
        if (line.isBlank()) {
          continue;
        }
        String[] f = line.trim().split(",", -1);
        try {
          MetricQuery q = new MetricQuery(f[0], f[1], f[2].isEmpty());
          if (wanted.contains(q)) {
            samples.add(new MetricSample(q, f[2], Instant.ofEpochSecond(Long.parseLong(f[3])), Double.parseDouble(f[4])));
          }
        } catch (RuntimeException e) {
          rejected.add(new RejectedSample(file + ": " + line, "expected service_type,metric,uuid,epoch_seconds,value"));
        }
      }
      return new MetricPoll(samples, rejected);
    }

    @Override
    public String toString() {
      return "CsvFileSource[" + file + "]";
    }
  }
}
