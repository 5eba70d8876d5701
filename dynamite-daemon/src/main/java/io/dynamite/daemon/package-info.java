/**
 * The Dynamite daemon: a drop-in replacement for the original Dynamite container (its command line
 * flags, environment variables, etcd layout and fleet calls), plus the one-command demo and the
 * {@code status} view. The entry point is {@link io.dynamite.daemon.DynamiteDaemon}.
 */
@NullMarked
package io.dynamite.daemon;

import org.jspecify.annotations.NullMarked;
