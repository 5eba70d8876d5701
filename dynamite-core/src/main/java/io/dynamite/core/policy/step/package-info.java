/**
 * The built-in {@code step} policy: AWS-style step scaling, one adjustment per interval of the
 * metric's distance to a threshold ({@link io.dynamite.core.policy.step.StepPolicyProvider}).
 */
@NullMarked
package io.dynamite.core.policy.step;

import org.jspecify.annotations.NullMarked;
