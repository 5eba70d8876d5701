/**
 * The calculation core of the {@code target-tracking} policy: a re-implementation of the
 * Kubernetes Horizontal Pod Autoscaler's decision rules (replica calculation, multi-metric
 * combination, stabilization, rate limits and bounds) over Dynamite's instance model.
 *
 * <p>Everything here is pure and deterministic: no I/O, no clock reads, no engine types. Time
 * arrives as an {@link java.time.Instant} argument, and the state carried from one evaluation to the
 * next is an immutable {@link io.dynamite.core.policy.tracking.ScalingHistory} that the caller keeps
 * (and may persist). The entry point for one evaluation is {@link
 * io.dynamite.core.policy.tracking.TargetTracking#evaluate}. All values are in integer milli-units,
 * as in Kubernetes, so that rounding matches HPA exactly. See {@code docs/policies.md}.
 */
@NullMarked
package io.dynamite.core.policy.tracking;

import org.jspecify.annotations.NullMarked;
