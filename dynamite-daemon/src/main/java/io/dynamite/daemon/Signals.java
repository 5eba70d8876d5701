package io.dynamite.daemon;

import java.util.concurrent.CompletableFuture;

/**
 * Turns SIGTERM and SIGINT into a completed future, so that the main thread performs the orderly
 * shutdown (finish the action in flight, resign leadership, close clients) and then exits with code
 * 0 itself. A plain shutdown hook would run the same steps, but the JVM would then exit with 143.
 */
final class Signals {
  private Signals() {}

  static CompletableFuture<String> termination() {
    CompletableFuture<String> signalled = new CompletableFuture<>();
    for (String name : new String[] {"TERM", "INT"}) {
      try {
        sun.misc.Signal.handle(new sun.misc.Signal(name), s -> signalled.complete("SIG" + s.getName()));
      } catch (IllegalArgumentException e) {
        // the signal is reserved on this platform/JVM (e.g. with -Xrs); the default behaviour stays
      }
    }
    return signalled;
  }
}
