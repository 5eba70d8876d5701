package io.dynamite.core.sim;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * The simulation's clock: nanoseconds since a fixed origin, moved only by the {@link
 * VirtualScheduler} that owns it. Read from the simulation's single thread.
 */
final class VirtualClock extends Clock {
  private final Instant origin;
  private volatile long nanos;

  VirtualClock(Instant origin) {
    this.origin = origin;
  }

  /** Nanoseconds since the origin. */
  long nanos() {
    return nanos;
  }

  void moveTo(long t) {
    if (t < nanos) {
      throw new IllegalStateException("virtual time cannot move backwards: " + nanos + " -> " + t);
    }
    nanos = t;
  }

  Instant origin() {
    return origin;
  }

  Instant at(long t) {
    return origin.plusNanos(t);
  }

  @Override
  public Instant instant() {
    return origin.plusNanos(nanos);
  }

  @Override
  public long millis() {
    return origin.toEpochMilli() + nanos / 1_000_000L;
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    if (ZoneOffset.UTC.equals(zone)) {
      return this;
    }
    throw new UnsupportedOperationException("the simulation clock is UTC only");
  }
}
