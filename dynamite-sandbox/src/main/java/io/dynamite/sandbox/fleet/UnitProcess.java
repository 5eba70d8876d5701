package io.dynamite.sandbox.fleet;

import io.dynamite.api.UnitOption;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * What systemd reports once a unit's start finishes, read from the unit's own options (nothing
 * runs): a service whose {@code ExecStart} program is {@code false} exits with an error and ends
 * {@code failed/failed}; {@code Type=oneshot} ends {@code active/exited} with {@code
 * RemainAfterExit=yes}, else {@code inactive/dead}; anything else runs ({@code active/running}).
 * This is how the systemd stand-in of the side-by-side measurements behaved. A unit may also carry
 * {@code [X-FakeFleet] FailAfterStart=<time span>} (for example {@code 30s}, {@code 500ms}, {@code
 * 2min}, {@code 0}): it runs, then fails by itself that long after its start finished. fleet stores
 * the option like any other and systemd ignores {@code X-} sections, so the same unit works on a
 * real fleet.
 */
final class UnitProcess {
  /** The section and key of the fake's own failure mark. */
  static final String MARK_SECTION = "X-FakeFleet";

  static final String MARK_KEY = "FailAfterStart";

  private static final Pattern SPAN = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|msec|s|sec|m|min|h|hr)?");

  /** systemd's active and sub state. */
  record Outcome(String activeState, String subState) {
    static final Outcome RUNNING = new Outcome("active", "running");
    static final Outcome FAILED = new Outcome("failed", "failed");
  }

  private UnitProcess() {}

  /** The state a started unit settles in. */
  static Outcome afterStart(List<UnitOption> options) {
    String execStart = last(options, "Service", "ExecStart");
    if (execStart != null) {
      // systemd's prefixes: - (ignore failure) @ (argv0) + ! !! (privileges) : (no env expansion)
      String program = execStart.strip().replaceFirst("^[-@+!:]+", "").split("\\s+", 2)[0];
      String base = program.substring(program.lastIndexOf('/') + 1);
      if (base.equals("false")) {
        return Outcome.FAILED;
      }
    }
    String type = last(options, "Service", "Type");
    if (type != null && type.strip().equalsIgnoreCase("oneshot")) {
      String remain = last(options, "Service", "RemainAfterExit");
      return remain != null && Requirements.isTrue(remain.strip())
          ? new Outcome("active", "exited")
          : new Outcome("inactive", "dead");
    }
    return Outcome.RUNNING;
  }

  /** The unit's own {@code FailAfterStart} mark, or null if it has none (or one the fake cannot read). */
  static @Nullable Duration failAfterStart(List<UnitOption> options) {
    String v = last(options, MARK_SECTION, MARK_KEY);
    return v == null ? null : timeSpan(v);
  }

  /** A systemd-style time span of one number and unit ({@code 5s}, {@code 250ms}, {@code 2min}); seconds without a unit. */
  static @Nullable Duration timeSpan(String text) {
    Matcher m = SPAN.matcher(text.strip().toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      return null;
    }
    double n = Double.parseDouble(m.group(1));
    String unit = m.group(2) == null ? "s" : m.group(2);
    double millis;
    switch (unit) {
      case "ms":
      case "msec":
        millis = n;
        break;
      case "m":
      case "min":
        millis = n * 60_000;
        break;
      case "h":
      case "hr":
        millis = n * 3_600_000;
        break;
      default:
        millis = n * 1000;
        break;
    }
    return Duration.ofMillis(Math.round(millis));
  }

  private static @Nullable String last(List<UnitOption> options, String section, String name) {
    String found = null;
    for (UnitOption o : options) {
      if (o.section().equals(section) && o.name().equals(name)) {
        found = o.value();
      }
    }
    return found;
  }
}
