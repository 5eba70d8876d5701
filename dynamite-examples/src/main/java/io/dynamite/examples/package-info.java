/**
 * Runnable examples: {@link io.dynamite.examples.EmbedWithEtcdAndFleet} composes a {@code
 * ScalingEngine} with the etcd and fleet adapters as a JVM team would embed it; the {@code plugin}
 * package is a policy plugin shipped as its own jar. The one-command demo lives in the daemon
 * ({@code java -jar dynamite-daemon.jar demo}).
 */
@NullMarked
package io.dynamite.examples;

import org.jspecify.annotations.NullMarked;
