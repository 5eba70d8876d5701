package io.dynamite.sim;

/**
 * The scores of one simulation run, over the trace's time only (the warm-up is not scored). Every
 * score is defined precisely in {@code docs/simulation.md}; in short, with ticks every sampling
 * interval, each standing for the interval that follows it:
 *
 * @param scoredSeconds how long the scored part lasted (the trace's duration)
 * @param sloViolationSeconds time during which the service missed its objective: no instance
 *     serving while there is demand, offered utilization above the threshold, or (with a latency
 *     target) modelled latency above the target
 * @param instanceSeconds cost: the integral of provisioned instances (starting, running or
 *     stopping)
 * @param overProvisionedSeconds the integral of provisioned instances above the count needed
 * @param underProvisionedSeconds the integral of serving instances below the count needed
 * @param scalingActions starts and stops the engine asked for (first attempts only)
 * @param starts of which starts
 * @param stops of which stops
 * @param retries further attempts of failed actions
 * @param failedStarts starts that failed
 * @param directionChanges how often an action's direction differs from the previous action's
 * @param maxInstances the most instances provisioned at any tick
 * @param meanUtilization offered utilization (0..1, may exceed 1) averaged over ticks with a
 *     serving instance
 * @param longestViolationSeconds the longest run of consecutive violating time
 * @param largestJumpAtSeconds trace time of the tick ending the jump window whose mean demand rose
 *     most above the mean of the window before it
 * @param largestJumpRise that rise of the mean, in the trace's unit (0 if demand never rises)
 * @param recoverySeconds time from {@code largestJumpAtSeconds} to the first tick that meets the
 *     objective; if it is never met again, the time to the end of the trace
 * @param recovered false if the objective was not met again before the end of the trace
 * @since 0.3
 */
public record Scores(
    double scoredSeconds,
    double sloViolationSeconds,
    double instanceSeconds,
    double overProvisionedSeconds,
    double underProvisionedSeconds,
    int scalingActions,
    int starts,
    int stops,
    int retries,
    int failedStarts,
    int directionChanges,
    int maxInstances,
    double meanUtilization,
    double longestViolationSeconds,
    double largestJumpAtSeconds,
    double largestJumpRise,
    double recoverySeconds,
    boolean recovered) {}
