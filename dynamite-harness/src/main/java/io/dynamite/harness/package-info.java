/**
 * A one-line test harness: {@link io.dynamite.harness.DynamiteTestHarness} runs the real engine
 * on the testkit's fakes (manual clock and scheduler, in-memory metrics, target and state store)
 * from a YAML text or a configuration built in code, and fails a test when a pushed sample matched
 * no policy or the engine hit an internal error. {@link io.dynamite.harness.DynamiteExtension}
 * gives each JUnit 5 test its own harness and closes it.
 */
@NullMarked
package io.dynamite.harness;

import org.jspecify.annotations.NullMarked;
