/**
 * Run-time stand-ins for a cluster, shipped for the demo, the simulator and local experiments (not
 * test-only code): a {@link io.dynamite.sandbox.VirtualClock} moved by a discrete-event {@link
 * io.dynamite.sandbox.VirtualScheduler}, an {@link io.dynamite.sandbox.InMemoryMetricSource} fed in
 * process, and, in {@code io.dynamite.sandbox.fleet}, a fake fleet server speaking fleet's HTTP API.
 */
@NullMarked
package io.dynamite.sandbox;

import org.jspecify.annotations.NullMarked;
