package io.dynamite.core.policy.tracking;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Everything target tracking remembers between evaluations of one service: past recommendations
 * (for stabilization), past scale events per direction (for rate limits) and whether this policy
 * parked the service at zero. HPA keeps the same data in memory; here it is an immutable value that
 * each evaluation returns updated, so the caller can keep it, persist it and restore it.
 *
 * <p>The lists keep HPA's slot-reuse order (an outdated entry is overwritten in place rather than
 * removed), so a restored history behaves exactly like the original one. Immutable and
 * thread-safe.
 *
 * @param started false only before the first evaluation; the first evaluation seeds the
 *     recommendations with the current count, so a new policy does not scale down at once
 * @param recommendations past recommendations, in slot order
 * @param scaleUpEvents past scale-ups, in slot order
 * @param scaleDownEvents past scale-downs, in slot order
 * @param scaledToZero true if this policy scaled the service to zero and may scale it back up
 *     from there (only meaningful when scale-to-zero is allowed)
 * @since 0.2
 */
public record ScalingHistory(
    boolean started,
    List<TimedRecommendation> recommendations,
    List<ScaleEvent> scaleUpEvents,
    List<ScaleEvent> scaleDownEvents,
    boolean scaledToZero) {

  /** The history of a service never evaluated before. */
  public static final ScalingHistory NEW = new ScalingHistory(false, List.of(), List.of(), List.of(), false);

  /**
   * A recommendation as it was made.
   *
   * @param replicas the recommended count (before stabilization and limits)
   * @param at when it was made
   */
  public record TimedRecommendation(int replicas, Instant at) {
    /**
     * Validates the record.
     *
     * @param replicas the recommended count (before stabilization and limits)
     * @param at when it was made
     */
    public TimedRecommendation {
      Objects.requireNonNull(at, "at");
    }
  }

  /**
   * One applied change of the instance count.
   *
   * @param change the size of the change, {@code > 0}
   * @param at when it was applied
   * @param outdated true once the event is older than the direction's longest policy period; the
   *     slot may then be reused (rate limits select events by time, not by this flag)
   */
  public record ScaleEvent(int change, Instant at, boolean outdated) {
    /**
     * Validates the record.
     *
     * @param change the size of the change, {@code > 0}
     * @param at when it was applied
     * @param outdated true once the event is older than the direction's longest policy period; the
     *     slot may then be reused (rate limits select events by time, not by this flag)
     */
    public ScaleEvent {
      Objects.requireNonNull(at, "at");
    }
  }

  /**
   * Validates the record and copies the lists.
   *
   * @param started false only before the first evaluation; the first evaluation seeds the
   *     recommendations with the current count, so a new policy does not scale down at once
   * @param recommendations past recommendations, in slot order
   * @param scaleUpEvents past scale-ups, in slot order
   * @param scaleDownEvents past scale-downs, in slot order
   * @param scaledToZero true if this policy scaled the service to zero and may scale it back up
   *     from there (only meaningful when scale-to-zero is allowed)
   */
  public ScalingHistory {
    // Taken as they are: the stabilizer's own immutable lists, and a policy's own slots, which it
    // changes in place and never hands out (see RecommendationSlots).
    recommendations = recommendations instanceof FrozenList || recommendations instanceof RecommendationSlots
        ? recommendations : List.copyOf(recommendations);
    scaleUpEvents = List.copyOf(scaleUpEvents);
    scaleDownEvents = List.copyOf(scaleDownEvents);
  }

  /**
   * A started history with the given contents, e.g. restored from storage.
   *
   * @param recommendations past recommendations
   * @param scaleUpEvents past scale-ups
   * @param scaleDownEvents past scale-downs
   * @return the history
   */
  public static ScalingHistory of(
      List<TimedRecommendation> recommendations, List<ScaleEvent> scaleUpEvents, List<ScaleEvent> scaleDownEvents) {
    return new ScalingHistory(true, recommendations, scaleUpEvents, scaleDownEvents, false);
  }

  /**
   * This history with other recommendations; marks it started.
   *
   * @param newRecommendations the recommendations
   * @return the new history
   */
  public ScalingHistory withRecommendations(List<TimedRecommendation> newRecommendations) {
    return new ScalingHistory(true, newRecommendations, scaleUpEvents, scaleDownEvents, scaledToZero);
  }

  /**
   * This history with other scale events.
   *
   * @param up the scale-up events
   * @param down the scale-down events
   * @return the new history
   */
  public ScalingHistory withEvents(List<ScaleEvent> up, List<ScaleEvent> down) {
    return new ScalingHistory(started, recommendations, up, down, scaledToZero);
  }

  /**
   * This history with another scaled-to-zero flag.
   *
   * @param flag the flag
   * @return the new history
   */
  public ScalingHistory withScaledToZero(boolean flag) {
    return new ScalingHistory(started, recommendations, scaleUpEvents, scaleDownEvents, flag);
  }
}
