package io.dynamite.core;

import java.time.Duration;

/** Exponential backoff after failures: {@code initial}, doubling up to {@code max}. */
record Backoff(Duration initial, Duration max) {
  Duration delay(int failures) {
    Duration d = initial;
    for (int i = 1; i < failures && d.compareTo(max) < 0; i++) {
      d = d.multipliedBy(2);
    }
    return d.compareTo(max) > 0 ? max : d;
  }
}
