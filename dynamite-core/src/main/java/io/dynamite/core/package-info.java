/**
 * The scaling engine: {@link io.dynamite.core.ScalingEngine#builder()} composes a configuration,
 * metric sources, a target, a state store, a clock, a scheduler and listeners into a running
 * autoscaler.
 */
@NullMarked
package io.dynamite.core;

import org.jspecify.annotations.NullMarked;
