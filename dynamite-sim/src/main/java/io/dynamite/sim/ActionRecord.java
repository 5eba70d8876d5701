package io.dynamite.sim;

import io.dynamite.api.Direction;

/**
 * One start or stop the engine asked the simulated target for.
 *
 * @param atSeconds trace time (negative during the warm-up)
 * @param direction UP for a start, DOWN for a stop
 * @param unit the instance's main unit name
 * @param attempt 1 for a first attempt, higher for retries
 * @param reason the engine's reason
 * @since 0.3
 */
public record ActionRecord(double atSeconds, Direction direction, String unit, int attempt, String reason) {}
