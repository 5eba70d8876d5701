package io.dynamite.daemon;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Retries a start-up probe with exponential backoff (1 s doubling to 30 s) on a scheduler, forever,
 * and says what it is waiting for. The original died on an unreachable etcd at start (a builtin
 * {@code ConnectionError}, not retried) and retried the executor's set-up for about 6 h; a cluster
 * that boots in any order is the normal case, so the daemon waits and reports instead.
 */
final class Waiter {
  private static final Logger log = LoggerFactory.getLogger(Waiter.class);
  private static final Duration FIRST = Duration.ofSeconds(1);
  private static final Duration MAX = Duration.ofSeconds(30);

  private final ScheduledExecutorService scheduler;

  Waiter(ScheduledExecutorService scheduler) {
    this.scheduler = scheduler;
  }

  /**
   * Runs {@code attempt} until it succeeds.
   *
   * @param what a description such as "etcd at http://127.0.0.1:4001"
   * @param attempt one probe; a failed future means "not yet"
   * @return completes with the first successful result; cancel it to stop waiting
   */
  <T> CompletableFuture<T> until(String what, Supplier<CompletableFuture<T>> attempt) {
    CompletableFuture<T> result = new CompletableFuture<>();
    scheduler.execute(() -> tryOnce(what, attempt, result, 1));
    return result;
  }

  private <T> void tryOnce(String what, Supplier<CompletableFuture<T>> attempt, CompletableFuture<T> result, int n) {
    if (result.isDone()) {
      return;
    }
    CompletableFuture<T> probe;
    try {
      probe = attempt.get();
    } catch (RuntimeException e) {
      probe = CompletableFuture.failedFuture(e);
    }
    probe.whenComplete((value, error) -> {
      if (error == null) {
        if (n > 1) {
          log.info("{} is reachable after {} attempts", what, n);
        }
        result.complete(value);
        return;
      }
      long delay = Math.min(MAX.toMillis(), FIRST.toMillis() << Math.min(n - 1, 5));
      log.warn("waiting for {} (attempt {}, next in {}s): {}", what, n, delay / 1000, reason(error));
      try {
        scheduler.schedule(() -> tryOnce(what, attempt, result, n + 1), delay, TimeUnit.MILLISECONDS);
      } catch (RejectedExecutionException e) {
        result.cancel(false);
      }
    });
  }

  /** The innermost message, since wrappers (CompletionException, gRPC status) repeat it. */
  static String reason(Throwable error) {
    Throwable t = error;
    while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
      t = t.getCause();
    }
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String msg = root.getMessage() == null ? root.getClass().getSimpleName() : root.getClass().getSimpleName() + ": " + root.getMessage();
    return t == root || t.getMessage() == null ? msg : t.getMessage() + " (" + msg + ")";
  }
}
