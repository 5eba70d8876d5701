package io.dynamite.api.spi;

/**
 * Makes sure only one engine per cluster acts. The engine evaluates policies only while it leads;
 * it never starts or stops an instance without leadership.
 *
 * <p>Implementations call the listener from any thread; the engine hands the change over to its
 * own thread.
 *
 * @since 0.1
 */
public interface Leadership extends AutoCloseable {
  /** Leadership for a single engine: always the leader. */
  Leadership ALWAYS =
      new Leadership() {
        @Override
        public void start(Listener listener) {
          listener.leadershipChanged(true);
        }

        @Override
        public boolean isLeader() {
          return true;
        }

        @Override
        public String toString() {
          return "Leadership.ALWAYS";
        }
      };

  /**
   * Begins campaigning. The listener is told of every change, starting with the first election.
   *
   * @param listener receives changes
   */
  void start(Listener listener);

  /**
   * Tells whether this engine leads right now. A leader that can no longer prove its leadership
   * (for example its lease cannot be renewed) must return false before another engine can win.
   *
   * @return true while leading
   */
  boolean isLeader();

  /** Resigns and releases resources. The default does nothing. Idempotent. */
  @Override
  default void close() {}

  /** Receives leadership changes. */
  @FunctionalInterface
  interface Listener {
    /**
     * Called when leadership is won or lost.
     *
     * @param leader true when won
     */
    void leadershipChanged(boolean leader);
  }
}
