/**
 * Engine telemetry as Micrometer meters: {@link io.dynamite.micrometer.DynamiteMetrics} listens to
 * an engine's events and reads its snapshots.
 */
@NullMarked
package io.dynamite.micrometer;

import org.jspecify.annotations.NullMarked;
