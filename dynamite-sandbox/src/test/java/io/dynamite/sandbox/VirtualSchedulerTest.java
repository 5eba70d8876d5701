package io.dynamite.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class VirtualSchedulerTest {
  private final VirtualClock clock = new VirtualClock(Instant.parse("2000-01-01T00:00:00Z"));
  private final VirtualScheduler s = new VirtualScheduler(clock);

  @Test
  void runsInTimeOrderThenSubmissionOrderAtTheirTimes() {
    List<String> seen = new ArrayList<>();
    s.schedule(() -> seen.add("b@" + clock.nanos()), 2, TimeUnit.SECONDS);
    s.schedule(() -> seen.add("a@" + clock.nanos()), 1, TimeUnit.SECONDS);
    s.schedule(() -> seen.add("c@" + clock.nanos()), 2, TimeUnit.SECONDS);
    s.execute(() -> s.execute(() -> seen.add("nested@" + clock.nanos())));
    s.runUntil(TimeUnit.SECONDS.toNanos(2));
    assertThat(seen).containsExactly("nested@0", "a@1000000000", "b@2000000000", "c@2000000000");
    assertThat(clock.instant()).isEqualTo(Instant.parse("2000-01-01T00:00:02Z"));
  }

  @Test
  void periodicTasksRepeatUntilCancelled() {
    List<Long> at = new ArrayList<>();
    ScheduledFuture<?> f = s.scheduleAtFixedRate(() -> at.add(clock.nanos() / 1_000_000_000L), 0, 10, TimeUnit.SECONDS);
    s.runUntil(TimeUnit.SECONDS.toNanos(35));
    f.cancel(false);
    s.runUntil(TimeUnit.SECONDS.toNanos(100));
    assertThat(at).containsExactly(0L, 10L, 20L, 30L);
  }

  @Test
  void aFailingTaskStopsTheRun() {
    s.schedule(() -> {
      throw new IllegalArgumentException("boom");
    }, 1, TimeUnit.SECONDS);
    assertThatThrownBy(() -> s.runUntil(TimeUnit.SECONDS.toNanos(5))).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("boom");
  }
}
