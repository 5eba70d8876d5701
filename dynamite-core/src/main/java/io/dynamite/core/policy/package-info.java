/**
 * Built-in scaling policies. {@code threshold} is the original Dynamite rule ({@link
 * io.dynamite.core.policy.ThresholdPolicy}).
 */
@NullMarked
package io.dynamite.core.policy;

import org.jspecify.annotations.NullMarked;
