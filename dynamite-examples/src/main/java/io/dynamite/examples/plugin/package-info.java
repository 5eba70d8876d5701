/**
 * An example policy plugin: {@link io.dynamite.examples.plugin.MovingAveragePolicyProvider},
 * found by {@link java.util.ServiceLoader} and selected in YAML with {@code type: moving-average}.
 */
@NullMarked
package io.dynamite.examples.plugin;

import org.jspecify.annotations.NullMarked;
