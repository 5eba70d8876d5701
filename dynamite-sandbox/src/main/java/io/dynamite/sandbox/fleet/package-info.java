/**
 * A fake fleet for run-time use (the demo, local experiments, a standalone server) and tests:
 * {@link FakeFleetServer} is a real HTTP server on loopback that speaks fleet's HTTP API v1 as
 * observed on a real fleetd (unit create/replace/state decision tree, scheduling constraints,
 * {@code /state} with simulated agent and systemd transitions, pagination tokens, machines and
 * fleet's exact error bodies), so that a fleet client can be tested end to end without a cluster.
 * Its timings are a {@link FakeFleetProfile}: instant, or as measured on a real fleetd, on a clock
 * that can be injected.
 */
@NullMarked
package io.dynamite.sandbox.fleet;

import org.jspecify.annotations.NullMarked;
