/**
 * Runnable examples: {@link io.dynamite.examples.EmbeddedDemo}, the one-command demo of the real
 * engine on the testkit's in-memory cluster.
 */
@NullMarked
package io.dynamite.examples;

import org.jspecify.annotations.NullMarked;
