package io.dynamite.sim;

import java.time.Duration;
import java.util.List;

/**
 * What one simulation run produced: its scores, the timeline behind them, every action the
 * engine took, and what it ran with. Two runs with the same inputs and seed produce equal scores,
 * timelines and actions; only {@link #wallTime()} differs.
 *
 * @since 0.3
 */
public final class SimulationResult {
  private final String service;
  private final String traceName;
  private final ServiceModel model;
  private final Simulation.Settings settings;
  private final Scores scores;
  private final Timeline timeline;
  private final List<ActionRecord> actions;
  private final int decisions;
  private final List<DecisionPoint> decisionPoints;
  private final long samples;
  private final List<String> engineErrors;
  private final Duration wallTime;

  SimulationResult(String service, String traceName, ServiceModel model, Simulation.Settings settings, Scores scores,
      Timeline timeline, List<ActionRecord> actions, int decisions, List<DecisionPoint> decisionPoints, long samples,
      List<String> engineErrors,
      Duration wallTime) {
    this.service = service;
    this.traceName = traceName;
    this.model = model;
    this.settings = settings;
    this.scores = scores;
    this.timeline = timeline;
    this.actions = List.copyOf(actions);
    this.decisions = decisions;
    this.decisionPoints = List.copyOf(decisionPoints);
    this.samples = samples;
    this.engineErrors = List.copyOf(engineErrors);
    this.wallTime = wallTime;
  }

  /**
   * Returns the simulated service's name.
   *
   * @return the service key
   */
  public String service() {
    return service;
  }

  /**
   * Returns the trace's name.
   *
   * @return the name
   */
  public String traceName() {
    return traceName;
  }

  /**
   * Returns the service model the run used.
   *
   * @return the model
   */
  public ServiceModel model() {
    return model;
  }

  /**
   * Returns the run's other settings.
   *
   * @return the settings
   */
  public Simulation.Settings settings() {
    return settings;
  }

  /**
   * Returns the scores.
   *
   * @return the scores
   */
  public Scores scores() {
    return scores;
  }

  /**
   * Returns the timeline.
   *
   * @return the timeline
   */
  public Timeline timeline() {
    return timeline;
  }

  /**
   * Returns every start and stop the engine asked for, warm-up included, in order.
   *
   * @return the actions
   */
  public List<ActionRecord> actions() {
    return actions;
  }

  /**
   * Returns how many decisions were not a hold (scaled or refused), warm-up included.
   *
   * @return the count
   */
  public int decisions() {
    return decisions;
  }

  /**
   * Returns the decisions that were not holds, warm-up included, in order; a streak of refusals of
   * one policy appears once (see {@link DecisionPoint}).
   *
   * @return the decisions
   */
  public List<DecisionPoint> decisionPoints() {
    return decisionPoints;
  }

  /**
   * Returns how many metric samples the engine was handed.
   *
   * @return the count
   */
  public long samples() {
    return samples;
  }

  /**
   * Returns the engine's internal errors and plugin failures during the run, if any (there should
   * be none).
   *
   * @return descriptions
   */
  public List<String> engineErrors() {
    return engineErrors;
  }

  /**
   * Returns how long the run took on the wall clock (the only non-deterministic part).
   *
   * @return the duration
   */
  public Duration wallTime() {
    return wallTime;
  }
}
