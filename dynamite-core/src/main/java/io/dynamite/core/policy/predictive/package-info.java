/**
 * The built-in {@code predictive} policy: a seasonal forecast of a metric that raises a floor
 * ahead of recurring peaks ({@link io.dynamite.core.policy.predictive.PredictivePolicyProvider}).
 */
@NullMarked
package io.dynamite.core.policy.predictive;

import org.jspecify.annotations.NullMarked;
