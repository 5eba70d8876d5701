/**
 * The fleet adapter: {@link io.dynamite.fleet.FleetClient}, a client for fleet's HTTP API v1 (TCP
 * or unix socket, timeouts, retries with backoff), and {@link io.dynamite.fleet.FleetTarget}, the
 * {@link io.dynamite.api.spi.ScalingTarget} that starts and stops instances as fleet units,
 * registered for configuration as type {@code fleet} by {@link
 * io.dynamite.fleet.FleetTargetProvider}.
 */
@NullMarked
package io.dynamite.fleet;

import org.jspecify.annotations.NullMarked;
