package io.dynamite.sandbox.fleet;

import java.time.Clock;
import java.time.Instant;
import java.util.PriorityQueue;
import java.util.function.Consumer;

/**
 * The fake cluster's future: steps due at an instant of a {@link Clock}, applied lazily when
 * somebody looks ({@link #runDue()}), in due order and, for equal instants, in the order they were
 * planned. Nothing runs in the background, so a test clock that jumps moves the cluster exactly as
 * far, and a real clock makes it a real-time fleet. Each step gets its own due instant, so the
 * steps it plans in turn are timed from when it was due, not from when it was noticed.
 *
 * <p>Not thread-safe: the server calls it under its own lock.
 */
final class Timeline {
  private final Clock clock;
  private final PriorityQueue<Step> steps = new PriorityQueue<>();
  private long sequence;

  Timeline(Clock clock) {
    this.clock = clock;
  }

  /** Reads the clock. */
  Instant now() {
    return clock.instant();
  }

  /** Plans {@code action} for {@code due}; it receives its due instant when it runs. */
  void at(Instant due, Consumer<Instant> action) {
    steps.add(new Step(due, sequence++, action));
  }

  /**
   * Runs every step due by now, including the ones those steps plan for by now.
   *
   * @return the instant the cluster stands at
   */
  Instant runDue() {
    Instant now = clock.instant();
    while (!steps.isEmpty() && !steps.peek().due.isAfter(now)) {
      Step s = steps.poll();
      s.action.accept(s.due);
    }
    return now;
  }

  private record Step(Instant due, long seq, Consumer<Instant> action) implements Comparable<Step> {
    @Override
    public int compareTo(Step o) {
      int c = due.compareTo(o.due);
      return c != 0 ? c : Long.compare(seq, o.seq);
    }
  }
}
