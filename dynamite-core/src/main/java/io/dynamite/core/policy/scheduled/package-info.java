/**
 * The built-in {@code schedule} policy (alias {@code scheduled}): floors, ceilings and one-off desired counts by cron
 * expression or fixed time ({@link io.dynamite.core.policy.scheduled.ScheduledPolicyProvider}).
 */
@NullMarked
package io.dynamite.core.policy.scheduled;

import org.jspecify.annotations.NullMarked;
