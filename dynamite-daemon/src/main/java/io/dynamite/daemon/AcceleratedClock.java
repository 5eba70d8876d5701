package io.dynamite.daemon;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A clock that runs {@code speed} times faster than real time from a fixed start, so that the demo
 * plays hours of simulated traffic in seconds while the engine runs on its own real scheduler. The
 * engine, its policies (event times) and the demo's metric timestamps all read this clock.
 */
final class AcceleratedClock extends Clock {
  private final Instant start;
  private final double speed;
  /** When time began to run; -1 while the clock stands still at {@code start}. */
  private volatile long originNanos = -1;

  AcceleratedClock(Instant start, double speed) {
    this.start = start;
    this.speed = speed;
  }

  /** Lets time run; before this the clock stands at its start, so that warming up costs no simulated time. */
  void resume() {
    if (originNanos == -1) {
      originNanos = System.nanoTime();
    }
  }

  @Override
  public Instant instant() {
    long origin = originNanos;
    if (origin == -1) {
      return start;
    }
    long elapsed = (long) ((System.nanoTime() - origin) * speed);
    return start.plusNanos(elapsed);
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    if (zone.equals(ZoneOffset.UTC)) {
      return this;
    }
    throw new UnsupportedOperationException("the demo clock is UTC only");
  }
}
