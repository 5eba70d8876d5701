package io.dynamite.api;

/**
 * What a target knows about one unit.
 *
 * @since 0.1
 */
public enum UnitHealth {
  /** Asked to run, not yet running (scheduling, activating). */
  STARTING,
  /** Running. */
  RUNNING,
  /** Asked to run but failed. */
  FAILED,
  /** Known to the target but not asked to run. */
  STOPPED,
  /** The target cannot tell. */
  UNKNOWN
}
