package io.dynamite.sim;

import io.dynamite.api.MetricQuery;
import io.dynamite.api.MetricSample;
import java.io.BufferedReader;
import java.io.Closeable;
import java.io.Flushable;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Metric samples as a metric source delivered them, in the file format {@code dynamite record}
 * writes, and their conversion into a demand {@link Trace} for the simulator. Immutable.
 *
 * <p>The format is CSV (RFC 4180 quoting), UTF-8, one sample per line in delivery order, after
 * optional {@code #} comment lines and the header {@value #HEADER}:
 *
 * <ul>
 *   <li>{@code time}: the sample's timestamp, ISO-8601 instant ({@code 2030-01-01T00:00:05.250Z});
 *   <li>{@code service_type}, {@code metric}, {@code aggregated} ({@code true}/{@code false}): the
 *       stream, as the policies' {@code service_type}, {@code metric} and {@code metric_aggregated};
 *   <li>{@code uuid}: the reporting instance's uuid, empty for an aggregated sample;
 *   <li>{@code unit}: the unit name the uuid was registered to when the sample was recorded, empty
 *       if it was not (yet) registered;
 *   <li>{@code value}: the number.
 * </ul>
 *
 * @since 0.3
 */
public final class Recording {
  /** The header line of the CSV format. */
  public static final String HEADER = "time,service_type,metric,aggregated,uuid,unit,value";

  /** How long an instance's last value stands in for it when it sent nothing in a step, 60 s. */
  public static final Duration DEFAULT_MAX_AGE = Duration.ofSeconds(60);

  /**
   * One recorded sample.
   *
   * @param at the sample's timestamp
   * @param stream its stream
   * @param uuid the instance's uuid, or {@link MetricSample#AGGREGATED}
   * @param unit the unit name the uuid resolved to, or null
   * @param value the value
   */
  public record Sample(Instant at, MetricQuery stream, String uuid, @Nullable String unit, double value) {
    /**
     * Validates the components.
     *
     * @param at the sample's timestamp, not null
     * @param stream its stream, not null
     * @param uuid the instance's uuid, or {@link MetricSample#AGGREGATED}; not null
     * @param unit the unit name the uuid resolved to, or null
     * @param value the value
     */
    public Sample {
      Objects.requireNonNull(at, "at");
      Objects.requireNonNull(stream, "stream");
      Objects.requireNonNull(uuid, "uuid");
    }
  }

  private final String name;
  private final List<Sample> samples;

  private Recording(String name, List<Sample> samples) {
    this.name = name;
    this.samples = Collections.unmodifiableList(samples);
  }

  /**
   * Creates a recording from samples.
   *
   * @param name a name for reports
   * @param samples the samples in delivery order
   * @return the recording
   */
  public static Recording of(String name, List<Sample> samples) {
    return new Recording(Objects.requireNonNull(name, "name"), List.copyOf(samples));
  }

  /**
   * Reads a recording file.
   *
   * @param file the file
   * @return the recording, named after the file
   * @throws IllegalArgumentException naming the line of a malformed row
   * @throws UncheckedIOException if the file cannot be read
   */
  public static Recording read(Path file) {
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      return parse(r, file.getFileName().toString());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read recording " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * Tells whether text starts like a recording (its first line that is not a comment is {@link
   * #HEADER}), so that a file can be told from a {@code t_seconds,demand} trace.
   *
   * @param file the file
   * @return true for a recording
   * @throws UncheckedIOException if the file cannot be read
   */
  public static boolean isRecording(Path file) {
    try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String line;
      while ((line = r.readLine()) != null) {
        String s = line.strip();
        if (!s.isEmpty() && !s.startsWith("#")) {
          return s.equals(HEADER);
        }
      }
      return false;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * Parses recording text.
   *
   * @param in the text
   * @param name a name for reports
   * @return the recording
   * @throws IOException if reading fails
   * @throws IllegalArgumentException naming the line of a malformed row or a missing header
   */
  public static Recording parse(Reader in, String name) throws IOException {
    BufferedReader br = in instanceof BufferedReader b ? b : new BufferedReader(in);
    List<Sample> out = new ArrayList<>();
    Map<List<Object>, MetricQuery> streams = new HashMap<>();
    boolean header = false;
    int lineNo = 0;
    String line;
    while ((line = br.readLine()) != null) {
      lineNo++;
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      if (!header) {
        if (!line.strip().equals(HEADER)) {
          throw new IllegalArgumentException(name + " line " + lineNo + ": expected the header '" + HEADER + "'");
        }
        header = true;
        continue;
      }
      List<String> f = fields(line);
      if (f == null || f.size() != 7) {
        throw new IllegalArgumentException(name + " line " + lineNo + ": expected 7 fields (" + HEADER + "), got '" + line + "'");
      }
      try {
        Instant at = Instant.parse(f.get(0));
        boolean aggregated = switch (f.get(3)) {
          case "true" -> true;
          case "false" -> false;
          default -> throw new IllegalArgumentException("aggregated must be true or false, got '" + f.get(3) + "'");
        };
        double value = Double.parseDouble(f.get(6));
        if (!Double.isFinite(value)) {
          throw new IllegalArgumentException("value must be finite, got " + f.get(6));
        }
        if (aggregated != f.get(4).isEmpty()) {
          throw new IllegalArgumentException(aggregated ? "an aggregated sample has no uuid" : "a per-instance sample needs a uuid");
        }
        MetricQuery q = streams.computeIfAbsent(List.of(f.get(1), f.get(2), aggregated), k -> new MetricQuery(f.get(1), f.get(2), aggregated));
        out.add(new Sample(at, q, f.get(4), f.get(5).isEmpty() ? null : f.get(5), value));
      } catch (DateTimeParseException e) {
        throw new IllegalArgumentException(name + " line " + lineNo + ": time is not an ISO-8601 instant: '" + f.get(0) + "'", e);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(name + " line " + lineNo + ": " + e.getMessage(), e);
      }
    }
    if (!header) {
      throw new IllegalArgumentException(name + ": no header '" + HEADER + "'");
    }
    return new Recording(name, out);
  }

  /** Splits one CSV line with RFC 4180 quoting; null if a quote is not closed. */
  private static @Nullable List<String> fields(String line) {
    List<String> out = new ArrayList<>(7);
    StringBuilder cur = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (quoted) {
        if (c == '"') {
          if (i + 1 < line.length() && line.charAt(i + 1) == '"') {
            cur.append('"');
            i++;
          } else {
            quoted = false;
          }
        } else {
          cur.append(c);
        }
      } else if (c == '"') {
        quoted = true;
      } else if (c == ',') {
        out.add(cur.toString());
        cur.setLength(0);
      } else {
        cur.append(c);
      }
    }
    if (quoted) {
      return null;
    }
    out.add(cur.toString());
    return out;
  }

  /**
   * Returns the recording's name.
   *
   * @return the name (the file name for a file)
   */
  public String name() {
    return name;
  }

  /**
   * Returns the samples in delivery order.
   *
   * @return the samples
   */
  public List<Sample> samples() {
    return samples;
  }

  /**
   * Returns the streams recorded, in order of their first sample.
   *
   * @return the streams
   */
  public Set<MetricQuery> streams() {
    Set<MetricQuery> s = new LinkedHashSet<>();
    samples.forEach(x -> s.add(x.stream()));
    return s;
  }

  /**
   * Turns one stream into a demand trace, in units of the stream's kind: for per-instance {@link
   * MetricKind#UTILIZATION} (percent of one instance) the demand is in busy instances, {@code
   * sum of values / 100}; for {@link MetricKind#DEMAND} it is the sum of the instances' values (the
   * value itself for an aggregated stream). Time is cut into steps from the stream's first sample;
   * in each step every instance counts with its last value in that step, or, if it sent none, with
   * its previous value if that is at most {@code maxAge} older than the step's start (samples rarer than the step do not
   * make the demand flicker; an instance that stopped reporting drops out). A step nothing counts
   * in has demand 0. Row {@code i} of the trace is at {@code i x step}.
   *
   * @param stream the stream, one of {@link #streams()}
   * @param kind what its values are
   * @param step the step, at least 1 ms
   * @param maxAge how long a value stands for an instance that sent nothing, not negative
   * @return the trace, named {@code <recording> <service_type>/<metric>}
   * @throws IllegalArgumentException if the stream has no sample, the kind is {@link
   *     MetricKind#LATENCY} (latency is not demand), or the stream is aggregated utilization (the
   *     instance count behind it is not recorded)
   */
  public Trace demand(MetricQuery stream, MetricKind kind, Duration step, Duration maxAge) {
    Objects.requireNonNull(stream, "stream");
    if (kind == MetricKind.LATENCY) {
      throw new IllegalArgumentException("stream " + label(stream) + " is a latency; only utilization or demand can be replayed as demand");
    }
    if (kind == MetricKind.UTILIZATION && stream.aggregated()) {
      throw new IllegalArgumentException("stream " + label(stream) + " is an aggregated utilization; the instance count behind it "
          + "is not recorded, so it cannot be turned into demand (use a per-instance stream, or a demand kind)");
    }
    if (step.compareTo(Duration.ofMillis(1)) < 0 || maxAge.isNegative()) {
      throw new IllegalArgumentException("step must be at least 1 ms and maxAge not negative: " + step + ", " + maxAge);
    }
    List<Sample> mine = new ArrayList<>();
    Instant first = null;
    Instant last = null;
    for (Sample s : samples) {
      if (s.stream().equals(stream)) {
        mine.add(s);
        first = first == null || s.at().isBefore(first) ? s.at() : first;
        last = last == null || s.at().isAfter(last) ? s.at() : last;
      }
    }
    if (first == null) {
      throw new IllegalArgumentException("the recording has no sample of " + label(stream));
    }
    // delivery order is per stream in timestamp order, but streams of several polls may interleave
    mine.sort((a, b) -> a.at().compareTo(b.at()));
    long stepNanos = step.toNanos();
    long ageNanos = maxAge.toNanos();
    int rows = (int) (Duration.between(first, last).toNanos() / stepNanos) + 1;
    double[] ts = new double[rows];
    double[] ds = new double[rows];
    double divisor = kind == MetricKind.UTILIZATION ? 100 : 1;
    Map<String, long[]> seenAt = new HashMap<>(); // uuid -> {nanos since first}
    Map<String, double[]> lastValue = new HashMap<>();
    int i = 0;
    for (int row = 0; row < rows; row++) {
      long end = (row + 1) * stepNanos;
      while (i < mine.size() && Duration.between(first, mine.get(i).at()).toNanos() < end) {
        Sample s = mine.get(i++);
        long at = Duration.between(first, s.at()).toNanos();
        seenAt.computeIfAbsent(s.uuid(), k -> new long[1])[0] = at;
        lastValue.computeIfAbsent(s.uuid(), k -> new double[1])[0] = s.value();
      }
      double sum = 0;
      for (Map.Entry<String, long[]> e : seenAt.entrySet()) {
        long at = e.getValue()[0];
        // sent in this step, or at most maxAge before it started
        if (row * stepNanos - at <= ageNanos) {
          sum += Math.max(0, lastValue.get(e.getKey())[0]);
        }
      }
      ts[row] = row * (stepNanos / 1e9);
      ds[row] = sum / divisor;
    }
    return Trace.of(name + " " + label(stream), ts, ds);
  }

  private static String label(MetricQuery q) {
    return q.serviceType() + "/" + q.metric() + (q.aggregated() ? " (aggregated)" : "");
  }

  /**
   * Writes samples in the recording format; the header is written first. Not thread-safe.
   *
   * @since 0.3
   */
  public static final class RecordingWriter implements Closeable, Flushable {
    private final Writer out;
    private long written;

    /**
     * Writes the comment lines and the header.
     *
     * @param out where to write, closed by {@link #close()}
     * @param comments comment lines (without {@code #}), for example where the samples came from
     * @throws IOException if writing fails
     */
    public RecordingWriter(Writer out, List<String> comments) throws IOException {
      this.out = Objects.requireNonNull(out, "out");
      for (String c : comments) {
        out.write("# " + c.replace('\n', ' ').replace('\r', ' ') + "\n");
      }
      out.write(HEADER + "\n");
    }

    /**
     * Writes one sample.
     *
     * @param s the sample
     * @throws IOException if writing fails
     */
    public void write(Sample s) throws IOException {
      MetricQuery q = s.stream();
      StringBuilder b = new StringBuilder(96);
      b.append(s.at()).append(',');
      field(b, q.serviceType()).append(',');
      field(b, q.metric()).append(',').append(q.aggregated()).append(',');
      field(b, s.uuid()).append(',');
      field(b, s.unit() == null ? "" : s.unit()).append(',');
      b.append(s.value()).append('\n');
      out.write(b.toString());
      written++;
    }

    /**
     * Counts the samples written.
     *
     * @return the count
     */
    public long written() {
      return written;
    }

    private static StringBuilder field(StringBuilder b, String v) {
      if (v.indexOf(',') < 0 && v.indexOf('"') < 0 && v.indexOf('\n') < 0 && v.indexOf('\r') < 0) {
        return b.append(v);
      }
      return b.append('"').append(v.replace("\"", "\"\"")).append('"');
    }

    @Override
    public void flush() throws IOException {
      out.flush();
    }

    @Override
    public void close() throws IOException {
      out.close();
    }
  }
}
