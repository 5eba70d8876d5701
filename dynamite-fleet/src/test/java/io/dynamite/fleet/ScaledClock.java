package io.dynamite.fleet;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * Real time sped up: {@code speed} seconds pass per real second, so a fake fleet on it keeps the
 * order and proportions of its realistic timings while a test waits a fraction of them.
 */
final class ScaledClock extends Clock {
  private final Instant start = Instant.parse("2026-01-01T00:00:00Z");
  private final long origin = System.nanoTime();
  private final double speed;

  ScaledClock(double speed) {
    this.speed = speed;
  }

  @Override
  public Instant instant() {
    return start.plusNanos((long) ((System.nanoTime() - origin) * speed));
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    throw new UnsupportedOperationException();
  }
}
