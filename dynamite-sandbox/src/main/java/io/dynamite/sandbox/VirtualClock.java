package io.dynamite.sandbox;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * The simulation's clock: nanoseconds since a fixed origin, moved only by the {@link
 * VirtualScheduler} that owns it. Reads are safe from any thread; time moves only on the
 * scheduler's thread. UTC only.
 */
public final class VirtualClock extends Clock {
  private final Instant origin;
  private volatile long nanos;

  /**
   * Creates a clock standing at its origin.
   *
   * @param origin the instant of virtual time zero, not null
   */
  public VirtualClock(Instant origin) {
    this.origin = origin;
  }

  /**
   * Reads virtual time.
   *
   * @return nanoseconds since the origin
   */
  public long nanos() {
    return nanos;
  }

  /**
   * Moves the clock forward; only the owning scheduler's thread should call this.
   *
   * @param t nanoseconds since the origin, not before the current time
   * @throws IllegalStateException if {@code t} lies in the past
   */
  public void moveTo(long t) {
    if (t < nanos) {
      throw new IllegalStateException("virtual time cannot move backwards: " + nanos + " -> " + t);
    }
    nanos = t;
  }

  /**
   * The instant of virtual time zero.
   *
   * @return the origin, not null
   */
  public Instant origin() {
    return origin;
  }

  /**
   * Converts virtual nanoseconds to an instant.
   *
   * @param t nanoseconds since the origin
   * @return the instant, not null
   */
  public Instant at(long t) {
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
