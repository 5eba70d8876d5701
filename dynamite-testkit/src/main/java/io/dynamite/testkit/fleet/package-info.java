/**
 * Test helpers around fleet: {@link io.dynamite.testkit.fleet.UnixSocketRelay} puts a unix socket
 * in front of a TCP fleet (such as {@code io.dynamite.sandbox.fleet.FakeFleetServer}) so that a
 * client's {@code unix://} transport can be tested.
 */
@NullMarked
package io.dynamite.testkit.fleet;

import org.jspecify.annotations.NullMarked;
