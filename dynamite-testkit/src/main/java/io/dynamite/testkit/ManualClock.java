package io.dynamite.testkit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A {@link Clock} that only moves when told to. Thread-safe.
 *
 * @since 0.1
 */
public final class ManualClock extends Clock {
  private final AtomicReference<Instant> now;
  private final ZoneId zone;

  /**
   * Creates a clock at a given instant, in UTC.
   *
   * @param start the initial time
   */
  public ManualClock(Instant start) {
    this(new AtomicReference<>(Objects.requireNonNull(start, "start")), ZoneOffset.UTC);
  }

  private ManualClock(AtomicReference<Instant> now, ZoneId zone) {
    this.now = now;
    this.zone = zone;
  }

  /**
   * Creates a clock at {@code 2015-06-18T08:00:00Z}, a time the original Dynamite's test data uses.
   *
   * @return a new clock
   */
  public static ManualClock atDefaultStart() {
    return new ManualClock(Instant.parse("2015-06-18T08:00:00Z"));
  }

  /**
   * Moves the clock forward.
   *
   * @param d how far; not negative
   * @return the new time
   */
  public Instant advance(Duration d) {
    if (d.isNegative()) {
      throw new IllegalArgumentException("cannot move a clock backwards: " + d);
    }
    return now.updateAndGet(t -> t.plus(d));
  }

  /**
   * Sets the clock; it may not move backwards.
   *
   * @param t the new time
   */
  public void set(Instant t) {
    now.updateAndGet(
        cur -> {
          if (t.isBefore(cur)) {
            throw new IllegalArgumentException("cannot move a clock backwards from " + cur + " to " + t);
          }
          return t;
        });
  }

  @Override
  public Instant instant() {
    return now.get();
  }

  @Override
  public ZoneId getZone() {
    return zone;
  }

  /** Returns a clock sharing this clock's time in another zone. */
  @Override
  public Clock withZone(ZoneId zone) {
    return new ManualClock(now, zone);
  }

  @Override
  public String toString() {
    return "ManualClock[" + now.get() + "]";
  }
}
