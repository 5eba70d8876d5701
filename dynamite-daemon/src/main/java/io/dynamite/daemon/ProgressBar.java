package io.dynamite.daemon;

import io.dynamite.sim.Simulation;
import java.io.PrintStream;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * The progress bar {@code dynamite simulate} draws on stderr while a run goes on: one line per
 * run, redrawn in place with a carriage return, finished with a newline. On a terminal it appears
 * only once a run has taken half a second, so short runs print nothing; when asked for ({@code
 * --progress}) it is drawn from the start. Wall time is shown here only, never in the results.
 * Used from the simulating thread only.
 */
final class ProgressBar {
  private static final int WIDTH = 30;
  private static final long REDRAW_NANOS = 100_000_000L;
  private static final long QUIET_NANOS = 500_000_000L;

  private final PrintStream err;
  private final boolean enabled;
  private final boolean forced;
  private @Nullable String label;
  private String position = "";
  private long started;
  private long lastDraw;
  private boolean drawn;
  private double done;
  private double total;

  /**
   * @param err where to draw
   * @param enabled whether to draw at all
   * @param forced whether to draw from the start (asked for) rather than after half a second
   */
  ProgressBar(PrintStream err, boolean enabled, boolean forced) {
    this.err = err;
    this.enabled = enabled;
    this.forced = forced;
  }

  /** The listener for one run, or null when no bar is drawn. */
  Simulation.@Nullable Progress forRun(String runLabel, int index, int count) {
    if (!enabled) {
      return null;
    }
    label = runLabel;
    position = count > 1 ? index + "/" + count + " " : "";
    started = System.nanoTime();
    lastDraw = 0;
    drawn = false;
    return this::update;
  }

  private void update(double doneSeconds, double totalSeconds) {
    done = doneSeconds;
    total = totalSeconds;
    long now = System.nanoTime();
    if (!forced && now - started < QUIET_NANOS) {
      return;
    }
    if (drawn && now - lastDraw < REDRAW_NANOS && doneSeconds < totalSeconds) {
      return;
    }
    draw(now);
  }

  private void draw(long now) {
    double f = total <= 0 ? 1 : Math.min(1, done / total);
    int full = (int) Math.round(f * WIDTH);
    err.print(String.format(Locale.ROOT, "\r%s%-24s [%s%s] %3d%%  %s of %s simulated  %.1f s", position,
        label, "#".repeat(full), "-".repeat(WIDTH - full), Math.round(f * 100), SimulationReport.clock(done, total),
        SimulationReport.clock(total, total), (now - started) / 1e9));
    err.flush();
    lastDraw = now;
    drawn = true;
  }

  /** Ends the current run's line, if one was drawn (or must be, when asked for). */
  void done() {
    if (!enabled || label == null) {
      return;
    }
    if (drawn || forced) {
      done = total;
      draw(System.nanoTime());
      err.println();
    }
    label = null;
  }
}
