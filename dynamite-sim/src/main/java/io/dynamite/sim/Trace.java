package io.dynamite.sim;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;

/**
 * A demand trace: demand over time, read from a CSV file of {@code t_seconds,demand} rows.
 * Immutable.
 *
 * <p>Times are seconds, strictly increasing; they are rebased so the first row is at 0. Demand is
 * in any unit (requests/s, busy cores, ...) as long as the service model's per-instance capacity
 * is in the same unit; it must be finite and not negative. Between two rows the demand is
 * interpolated linearly; the last row's demand lasts for as long as the interval before it, so a
 * trace of {@code n} rows at a fixed step {@code s} lasts {@code n * s} seconds.
 *
 * @since 0.3
 */
public final class Trace {
  private final String name;
  private final double[] t;
  private final double[] demand;

  private Trace(String name, double[] t, double[] demand) {
    this.name = name;
    this.t = t;
    this.demand = demand;
  }

  /**
   * Creates a trace from arrays.
   *
   * @param name a name for reports
   * @param seconds row times, strictly increasing (rebased to start at 0)
   * @param demand demand per row, finite and not negative
   * @return the trace
   * @throws IllegalArgumentException if the arrays differ in length, are empty, or hold a bad value
   */
  public static Trace of(String name, double[] seconds, double[] demand) {
    Objects.requireNonNull(name, "name");
    if (seconds.length != demand.length) {
      throw new IllegalArgumentException("seconds and demand differ in length: " + seconds.length + " vs " + demand.length);
    }
    if (seconds.length == 0) {
      throw new IllegalArgumentException("a trace needs at least one row");
    }
    double[] ts = new double[seconds.length];
    double[] ds = demand.clone();
    for (int i = 0; i < seconds.length; i++) {
      if (!Double.isFinite(seconds[i]) || (i > 0 && seconds[i] <= seconds[i - 1])) {
        throw new IllegalArgumentException("row " + (i + 1) + ": t_seconds must be finite and strictly increasing, got "
            + seconds[i] + (i > 0 ? " after " + seconds[i - 1] : ""));
      }
      if (!Double.isFinite(ds[i]) || ds[i] < 0) {
        throw new IllegalArgumentException("row " + (i + 1) + ": demand must be finite and not negative, got " + ds[i]);
      }
      ts[i] = seconds[i] - seconds[0];
    }
    return new Trace(name, ts, ds);
  }

  /**
   * Reads a CSV file: an optional header line ({@code t_seconds,demand}), then one {@code
   * seconds,demand} row per line. Blank lines and lines starting with {@code #} are skipped.
   *
   * @param file the file
   * @return the trace, named after the file
   * @throws IllegalArgumentException naming the line of a malformed row
   * @throws UncheckedIOException if the file cannot be read
   */
  public static Trace readCsv(Path file) {
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      return parseCsv(r, file.getFileName().toString());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read trace " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * Parses CSV text as {@link #readCsv(Path)} does.
   *
   * @param in the text
   * @param name a name for reports
   * @return the trace
   * @throws IOException if reading fails
   */
  public static Trace parseCsv(Reader in, String name) throws IOException {
    BufferedReader br = in instanceof BufferedReader b ? b : new BufferedReader(in);
    double[] ts = new double[1024];
    double[] ds = new double[1024];
    int n = 0;
    int lineNo = 0;
    String line;
    while ((line = br.readLine()) != null) {
      lineNo++;
      String s = line.strip();
      if (s.isEmpty() || s.startsWith("#")) {
        continue;
      }
      int comma = s.indexOf(',');
      if (comma < 0 || s.indexOf(',', comma + 1) >= 0) {
        throw new IllegalArgumentException(name + " line " + lineNo + ": expected 't_seconds,demand', got '" + line + "'");
      }
      String a = s.substring(0, comma).strip();
      String b = s.substring(comma + 1).strip();
      double tv;
      double dv;
      try {
        tv = Double.parseDouble(a);
        dv = Double.parseDouble(b);
      } catch (NumberFormatException e) {
        if (n == 0 && !looksNumeric(a)) {
          continue; // the header
        }
        throw new IllegalArgumentException(name + " line " + lineNo + ": not a number in '" + line + "'");
      }
      if (n > 0 && !(tv > ts[n - 1])) {
        throw new IllegalArgumentException(name + " line " + lineNo + ": t_seconds " + a + " is not after the previous row's " + ts[n - 1]);
      }
      if (!Double.isFinite(tv) || !Double.isFinite(dv) || dv < 0) {
        throw new IllegalArgumentException(name + " line " + lineNo + ": values must be finite and demand not negative, got '" + line + "'");
      }
      if (n == ts.length) {
        ts = Arrays.copyOf(ts, n * 2);
        ds = Arrays.copyOf(ds, n * 2);
      }
      ts[n] = tv;
      ds[n] = dv;
      n++;
    }
    if (n == 0) {
      throw new IllegalArgumentException(name + ": no rows");
    }
    return of(name, Arrays.copyOf(ts, n), Arrays.copyOf(ds, n));
  }

  private static boolean looksNumeric(String s) {
    return !s.isEmpty() && (Character.isDigit(s.charAt(0)) || s.charAt(0) == '-' || s.charAt(0) == '+' || s.charAt(0) == '.');
  }

  /**
   * Returns the trace's name.
   *
   * @return the name (the file name for a file)
   */
  public String name() {
    return name;
  }

  /**
   * Returns the number of rows.
   *
   * @return the row count
   */
  public int rows() {
    return t.length;
  }

  /**
   * Returns how long the trace lasts: the last row's time plus the interval before it (1 s for a
   * single row).
   *
   * @return seconds
   */
  public double durationSeconds() {
    int n = t.length;
    return n == 1 ? 1.0 : t[n - 1] + (t[n - 1] - t[n - 2]);
  }

  /**
   * Returns the demand at a time: linear between rows, the first row's before it, the last row's
   * after it.
   *
   * @param seconds time since the trace's start
   * @return the demand
   */
  public double demandAt(double seconds) {
    int n = t.length;
    if (seconds <= t[0]) {
      return demand[0];
    }
    if (seconds >= t[n - 1]) {
      return demand[n - 1];
    }
    int i = Arrays.binarySearch(t, seconds);
    if (i >= 0) {
      return demand[i];
    }
    int hi = -i - 1;
    int lo = hi - 1;
    double f = (seconds - t[lo]) / (t[hi] - t[lo]);
    return demand[lo] + f * (demand[hi] - demand[lo]);
  }

  /**
   * Returns each row's time, rebased to start at 0.
   *
   * @return a copy, seconds
   */
  public double[] seconds() {
    return t.clone();
  }

  /**
   * Returns each row's demand.
   *
   * @return a copy, in the trace's unit
   */
  public double[] demands() {
    return demand.clone();
  }

  /**
   * Returns a reader of the demand for times that never decrease: it gives what {@link
   * #demandAt(double)} gives, walking forward from the previous row instead of searching. Not
   * thread-safe; one per run.
   *
   * @return a new cursor at the trace's start
   */
  Cursor cursor() {
    return new Cursor();
  }

  /** {@link #demandAt(double)} for non-decreasing times, in amortised constant time. */
  final class Cursor {
    private int hi = 1;

    private Cursor() {}

    double demandAt(double seconds) {
      int n = t.length;
      if (seconds <= t[0]) {
        return demand[0];
      }
      if (seconds >= t[n - 1]) {
        return demand[n - 1];
      }
      if (seconds < t[hi - 1]) {
        return Trace.this.demandAt(seconds); // went back: not expected, stay correct
      }
      while (t[hi] < seconds) {
        hi++;
      }
      if (t[hi] == seconds) {
        return demand[hi];
      }
      int lo = hi - 1;
      if (t[lo] == seconds) {
        return demand[lo];
      }
      double f = (seconds - t[lo]) / (t[hi] - t[lo]);
      return demand[lo] + f * (demand[hi] - demand[lo]);
    }
  }

  /**
   * Returns the highest demand of any row.
   *
   * @return the peak
   */
  public double peak() {
    double m = 0;
    for (double d : demand) {
      m = Math.max(m, d);
    }
    return m;
  }

  /**
   * Returns the mean demand over rows.
   *
   * @return the mean
   */
  public double mean() {
    double s = 0;
    for (double d : demand) {
      s += d;
    }
    return s / demand.length;
  }

  /**
   * Returns this trace with every demand multiplied by a factor ({@code --scale-demand}).
   *
   * @param factor positive
   * @return a new trace
   */
  public Trace scaleDemand(double factor) {
    if (!(factor > 0) || !Double.isFinite(factor)) {
      throw new IllegalArgumentException("demand scale must be positive and finite: " + factor);
    }
    double[] ds = new double[demand.length];
    for (int i = 0; i < ds.length; i++) {
      ds[i] = demand[i] * factor;
    }
    return new Trace(name, t, ds);
  }

  /**
   * Returns this trace played {@code factor} times faster: every time is divided by it ({@code
   * --speedup}); a factor below 1 stretches the trace ({@code --stretch k} is {@code
   * speedup(1 / k)}).
   *
   * @param factor positive
   * @return a new trace
   */
  public Trace speedup(double factor) {
    if (!(factor > 0) || !Double.isFinite(factor)) {
      throw new IllegalArgumentException("speed-up must be positive and finite: " + factor);
    }
    double[] ts = new double[t.length];
    for (int i = 0; i < ts.length; i++) {
      ts[i] = t[i] / factor;
    }
    for (int i = 1; i < ts.length; i++) {
      if (!(ts[i] > ts[i - 1])) {
        throw new IllegalArgumentException("speed-up " + factor + " makes rows " + i + " and " + (i + 1) + " coincide");
      }
    }
    return new Trace(name, ts, demand);
  }

  @Override
  public String toString() {
    return String.format(Locale.ROOT, "Trace[%s, %d rows, %.0f s]", name, t.length, durationSeconds());
  }
}
