package io.dynamite.core;

import io.dynamite.api.MetricSample;
import io.dynamite.api.ScalingDecision;
import io.dynamite.api.ServiceView;
import java.util.List;

/**
 * One policy's recommendation for its service, as a count: {@code current +/- steps} for a step
 * decision, the desired count for a desired-count decision.
 *
 * @param binding the policy
 * @param decision what it returned
 * @param count the count it recommends
 * @param triggers for a step-down, the uuid that fired each step (the victim hint)
 * @param before the service's counts when it was evaluated
 * @param samples the new samples it saw
 */
record Recommendation(PolicyBinding binding, ScalingDecision decision, int count, List<String> triggers,
    ServiceView before, List<MetricSample> samples) {}
