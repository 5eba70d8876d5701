/**
 * Metric health for the built-in metric policies: {@link
 * io.dynamite.core.policy.health.MetricHealthGuard} wraps a policy, judges its metric at every
 * evaluation (OK, stale, not a number, missing, partial) and, while the metric is not OK, applies
 * {@code on_missing} so that missing data never scales a service down. Settings: {@link
 * io.dynamite.core.policy.health.HealthSettings} ({@code max_sample_age}, {@code on_missing}).
 */
@NullMarked
package io.dynamite.core.policy.health;

import org.jspecify.annotations.NullMarked;
