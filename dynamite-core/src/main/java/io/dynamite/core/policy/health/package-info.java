/**
 * Metric health protection for the built-in metric policies: {@link
 * io.dynamite.core.policy.health.MetricHealthGuard} wraps a policy and, while its metric is stale,
 * never lets it scale down. Settings: {@code max_sample_age} and {@code on_missing}.
 */
@NullMarked
package io.dynamite.core.policy.health;

import org.jspecify.annotations.NullMarked;
