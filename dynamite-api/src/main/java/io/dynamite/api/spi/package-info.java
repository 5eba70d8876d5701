/**
 * The service-provider interfaces Dynamite is composed of, after the metric-source / policy /
 * target split of nomad-autoscaler: {@link io.dynamite.api.spi.MetricSource} delivers samples,
 * {@link io.dynamite.api.spi.ScalingPolicy} turns them into decisions, {@link
 * io.dynamite.api.spi.ScalingTarget} starts and stops instances, {@link
 * io.dynamite.api.spi.StateStore} keeps state across restarts, {@link
 * io.dynamite.api.spi.VictimSelector} chooses which instance to remove and {@link
 * io.dynamite.api.spi.Leadership} makes sure only one engine acts.
 *
 * <p>Plugins are found through {@link java.util.ServiceLoader} as <em>providers</em> ({@link
 * io.dynamite.api.spi.ScalingPolicyProvider}, {@link io.dynamite.api.spi.MetricSourceProvider},
 * {@link io.dynamite.api.spi.ScalingTargetProvider}), typically registered with
 * {@code @AutoService}. Configuration is handed over at creation; there is no later setter.
 *
 * <p>Evolution: after 1.0, methods are only added to these interfaces as {@code default} methods
 * with safe behaviour.
 */
@NullMarked
package io.dynamite.api.spi;

import org.jspecify.annotations.NullMarked;
