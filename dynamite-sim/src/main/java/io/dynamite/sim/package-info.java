/**
 * The simulator: replays a demand trace through the real {@link io.dynamite.core.ScalingEngine}
 * on a virtual clock, against a modelled service, and scores the run. {@link
 * io.dynamite.sim.Simulation} is the facade; see {@code docs/simulation.md}.
 */
@NullMarked
package io.dynamite.sim;

import org.jspecify.annotations.NullMarked;
