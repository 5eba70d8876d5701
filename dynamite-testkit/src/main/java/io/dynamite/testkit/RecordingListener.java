package io.dynamite.testkit;

import io.dynamite.api.event.DecisionRecord;
import io.dynamite.api.event.EngineEvent;
import io.dynamite.api.event.EngineListener;
import java.util.ArrayList;
import java.util.List;

/**
 * An {@link EngineListener} that keeps every event in order. Thread-safe.
 *
 * @since 0.1
 */
public final class RecordingListener implements EngineListener {
  private final List<EngineEvent> events = new ArrayList<>();

  /** Creates an empty recorder. */
  public RecordingListener() {}

  @Override
  public synchronized void onEvent(EngineEvent event) {
    events.add(event);
  }

  /**
   * Returns every event so far.
   *
   * @return a copy, in order
   */
  public synchronized List<EngineEvent> events() {
    return List.copyOf(events);
  }

  /**
   * Returns the events of one type.
   *
   * @param type the event class, for example {@code EngineEvent.ActionSucceeded.class}
   * @param <T> the event type
   * @return matching events, in order
   */
  public synchronized <T extends EngineEvent> List<T> events(Class<T> type) {
    List<T> out = new ArrayList<>();
    for (EngineEvent e : events) {
      if (type.isInstance(e)) {
        out.add(type.cast(e));
      }
    }
    return out;
  }

  /**
   * Returns the decision records so far.
   *
   * @return every {@link EngineEvent.DecisionMade}'s record, in order
   */
  public synchronized List<DecisionRecord> decisions() {
    List<DecisionRecord> out = new ArrayList<>();
    for (EngineEvent e : events) {
      if (e instanceof EngineEvent.DecisionMade d) {
        out.add(d.record());
      }
    }
    return out;
  }

  /** Forgets every event. */
  public synchronized void clear() {
    events.clear();
  }

  /**
   * Returns the engine's internal errors seen so far (bugs the engine caught to carry on).
   *
   * @return the errors, oldest first
   */
  public synchronized List<EngineEvent.InternalError> internalErrors() {
    return events(EngineEvent.InternalError.class);
  }

  /**
   * Fails when the engine reported an internal error, so that a test cannot pass over an engine
   * bug. Call it when a test closes its engine.
   *
   * @throws AssertionError listing every internal error
   */
  public synchronized void assertNoInternalErrors() {
    List<EngineEvent.InternalError> errors = internalErrors();
    if (!errors.isEmpty()) {
      StringBuilder sb = new StringBuilder("the engine reported ").append(errors.size()).append(" internal error(s):");
      for (EngineEvent.InternalError e : errors) {
        sb.append("\n  ").append(e.where()).append(": ").append(e.error());
      }
      throw new AssertionError(sb.toString());
    }
  }
}
