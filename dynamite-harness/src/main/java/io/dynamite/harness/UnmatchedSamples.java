package io.dynamite.harness;

/**
 * What {@link DynamiteTestHarness} does with a pushed sample that no policy reads: a sample whose
 * service type, metric or aggregation matches no policy's stream is dropped by the engine, so a
 * test pushing it tests nothing.
 *
 * @since 0.3
 */
public enum UnmatchedSamples {
  /** Fail the test: the harness call that finds the sample throws an {@link AssertionError}. */
  FAIL,
  /** Log a warning, once per stream, and carry on. */
  WARN
}
