/**
 * In-memory fakes for testing scaling behaviour without a cluster: a {@link
 * io.dynamite.testkit.ManualClock} and a {@link io.dynamite.testkit.ManualScheduler} driven by it,
 * a {@link io.dynamite.testkit.FakeMetricSource} to push samples into, a {@link
 * io.dynamite.testkit.FakeScalingTarget} that records every start and stop and can fail or delay
 * them, an {@link io.dynamite.testkit.InMemoryStateStore} and a {@link
 * io.dynamite.testkit.RecordingListener}.
 *
 * <p>Typical use: build a {@code ScalingEngine} with a {@code ManualScheduler}, push samples,
 * {@link io.dynamite.testkit.ManualScheduler#advance(java.time.Duration) advance} time, then assert
 * on the target's calls and the listener's events. Nothing runs until the test advances time, so
 * every test is deterministic.
 */
@NullMarked
package io.dynamite.testkit;

import org.jspecify.annotations.NullMarked;
