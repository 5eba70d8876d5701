package io.dynamite.sandbox.fleet;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * How long the steps of a unit's life take in a {@link FakeFleetServer}: scheduling by fleet's
 * engine, loading by the agent, systemd's start and stop, the engine's next reconcile. Two
 * profiles exist:
 *
 * <ul>
 *   <li>{@link #instant()}: every step happens at once (systemd's start time can still be set with
 *       {@link FakeFleetServer.Builder#startDelay}); fast tests of logic.
 *   <li>{@link #realistic()}: the timings measured side by side against fleetd v1.0.0 on one
 *       machine (engine reconcile interval 2 s, a systemd taking 3 s to start and 1 s to stop): a
 *       launched unit shows {@code currentState inactive} and no {@code /state} entry for 3-5 s,
 *       then {@code loaded/activating/start}, and {@code active/running} after 6-8 s; a state
 *       change of a scheduled unit is acted on after 0.5-1 s, so a deleted running unit's {@code
 *       /state} entry lingers 1.5-2 s (passing through {@code deactivating/stop}) and {@code loaded}
 *       on a running unit passes through {@code deactivating/stop}; a unit replaced without {@code
 *       desiredState} keeps {@code currentState loaded} and its machine for 0.5-2 s, until the
 *       engine's next reconcile.
 * </ul>
 *
 * <p>Each range is drawn uniformly, per unit and step, from the server's seeded random sequence.
 * Immutable and thread-safe.
 *
 * @since 0.1
 */
public final class FakeFleetProfile {
  private static final FakeFleetProfile INSTANT = new FakeFleetProfile("instant",
      Range.ZERO, Range.ZERO, Duration.ZERO, Range.ZERO, Duration.ZERO, Range.ZERO);
  private static final FakeFleetProfile REALISTIC = new FakeFleetProfile("realistic",
      Range.of(Duration.ofSeconds(1), Duration.ofSeconds(2)),
      Range.of(Duration.ofSeconds(3), Duration.ofSeconds(5)),
      Duration.ofSeconds(3),
      Range.of(Duration.ofMillis(500), Duration.ofSeconds(1)),
      Duration.ofSeconds(1),
      Range.of(Duration.ofMillis(500), Duration.ofSeconds(2)));

  private final String name;
  private final Range schedule;
  private final Range load;
  private final Duration systemdStart;
  private final Range agent;
  private final Duration systemdStop;
  private final Range reconcile;

  private FakeFleetProfile(String name, Range schedule, Range load, Duration systemdStart, Range agent,
      Duration systemdStop, Range reconcile) {
    this.name = name;
    this.schedule = schedule;
    this.load = load;
    this.systemdStart = systemdStart;
    this.agent = agent;
    this.systemdStop = systemdStop;
    this.reconcile = reconcile;
  }

  /**
   * Returns the profile in which every step happens at once: a launched unit is {@code
   * active/running} in the answer to the launch itself.
   *
   * @return the instant profile
   */
  public static FakeFleetProfile instant() {
    return INSTANT;
  }

  /**
   * Returns the timings measured on a real fleetd v1.0.0 (see the class description).
   *
   * @return the realistic profile
   */
  public static FakeFleetProfile realistic() {
    return REALISTIC;
  }

  /**
   * Returns a profile by its name, as the standalone server's {@code --profile} takes it.
   *
   * @param name {@code instant} or {@code realistic}, in any case
   * @return the profile
   * @throws IllegalArgumentException for any other name
   */
  public static FakeFleetProfile named(String name) {
    switch (Objects.requireNonNull(name, "name").toLowerCase(Locale.ROOT)) {
      case "instant":
        return INSTANT;
      case "realistic":
        return REALISTIC;
      default:
        throw new IllegalArgumentException("unknown profile \"" + name + "\": expected instant or realistic");
    }
  }

  /**
   * Returns the profile's name.
   *
   * @return {@code instant} or {@code realistic}
   */
  public String name() {
    return name;
  }

  /**
   * Returns how long after a unit is given {@code loaded} or {@code launched} fleet's engine
   * schedules it (its {@code machineID} appears).
   *
   * @return the range, never null
   */
  public Range schedule() {
    return schedule;
  }

  /**
   * Returns how long after a unit is given {@code loaded} or {@code launched} the agent has loaded
   * it: its first {@code /state} entry appears and {@code currentState} leaves {@code inactive}.
   * Never shorter than {@link #schedule()}.
   *
   * @return the range, never null
   */
  public Range load() {
    return load;
  }

  /**
   * Returns how long systemd stays {@code activating/start} before the unit's process runs (or
   * fails).
   *
   * @return the duration, zero or positive
   */
  public Duration systemdStart() {
    return systemdStart;
  }

  /**
   * Returns how long the agent takes to act on a state change of a unit it has loaded (start,
   * stop, unload, or the removal of a deleted unit).
   *
   * @return the range, never null
   */
  public Range agent() {
    return agent;
  }

  /**
   * Returns how long systemd stays {@code deactivating/stop}.
   *
   * @return the duration, zero or positive
   */
  public Duration systemdStop() {
    return systemdStop;
  }

  /**
   * Returns how long a unit replaced with new options keeps its machine and the old unit's state
   * (until fleet's engine reconciles).
   *
   * @return the range, never null
   */
  public Range reconcile() {
    return reconcile;
  }

  @Override
  public String toString() {
    return name;
  }

  /**
   * A range of durations from {@code min} to {@code max}, both included.
   *
   * @param min the shortest, zero or positive
   * @param max the longest, at least {@code min}
   * @since 0.1
   */
  public record Range(Duration min, Duration max) {
    static final Range ZERO = new Range(Duration.ZERO, Duration.ZERO);

    /**
     * Validates the bounds.
     *
     * @param min the shortest, zero or positive
     * @param max the longest, at least {@code min}
     * @throws IllegalArgumentException if {@code min} is negative or above {@code max}
     */
    public Range {
      Objects.requireNonNull(min, "min");
      Objects.requireNonNull(max, "max");
      if (min.isNegative() || max.compareTo(min) < 0) {
        throw new IllegalArgumentException("bad range " + min + ".." + max);
      }
    }

    static Range of(Duration min, Duration max) {
      return new Range(min, max);
    }

    /** Draws a duration in the range, uniformly, from {@code u} in [0, 1). */
    Duration at(double u) {
      long span = max.toNanos() - min.toNanos();
      return min.plusNanos((long) (span * u));
    }
  }
}
