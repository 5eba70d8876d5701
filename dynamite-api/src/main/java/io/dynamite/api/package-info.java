/**
 * Dynamite's public value types and exceptions: identities of services and instances, metric
 * samples, unit files, scaling decisions and the configuration problem model.
 *
 * <p>Everything here depends only on the JDK. Values are immutable and safe to share between
 * threads. Parameters and return values are non-null unless marked {@code @Nullable}.
 */
@NullMarked
package io.dynamite.api;

import org.jspecify.annotations.NullMarked;
