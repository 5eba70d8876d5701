package io.dynamite.prometheus;

import org.slf4j.Logger;

/**
 * The state of one configured query across rounds, logged when it changes (never once per round):
 * a query that starts failing or returns no series is logged once at warn level, its return to
 * data once at info level. Used by the source's query thread only.
 */
final class QueryHealth {
  /** What the latest round of the query gave. */
  enum State { NEW, DATA, NO_DATA, FAILED }

  private final String name;
  private final Logger log;
  private State state = State.NEW;
  private String lastFailure = "";

  QueryHealth(String name, Logger log) {
    this.name = name;
    this.log = log;
  }

  State state() {
    return state;
  }

  void data() {
    if (state == State.NO_DATA || state == State.FAILED) {
      log.info("prometheus query {} has data again", name);
    }
    state = State.DATA;
  }

  void noData() {
    if (state != State.NO_DATA) {
      log.warn("prometheus query {} returned no series: no sample is delivered until it does", name);
    }
    state = State.NO_DATA;
  }

  void failed(String why) {
    if (state != State.FAILED || !why.equals(lastFailure)) {
      if (state == State.FAILED) {
        log.debug("prometheus query {} still failing: {}", name, why);
      } else {
        log.warn("prometheus query {} failed: {}; no sample is delivered until it succeeds", name, why);
      }
    }
    lastFailure = why;
    state = State.FAILED;
  }
}
