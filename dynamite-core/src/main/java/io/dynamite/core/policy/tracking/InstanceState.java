package io.dynamite.core.policy.tracking;

/**
 * How an instance takes part in a per-instance metric calculation; the counterpart of HPA's pod
 * grouping. Whether an instance has a recent sample is not part of the state: a {@link #READY}
 * instance without a sample is what HPA calls a <em>missing</em> pod.
 *
 * <p>The state may differ per metric: warm-up only matters for metrics whose value is distorted
 * while an instance starts (CPU-like metrics). {@link InstanceClassifier} derives the state from
 * lifecycle facts the way HPA does.
 *
 * @since 0.2
 */
public enum InstanceState {
  /** Running and past warm-up: its sample counts; without a sample it is "missing". */
  READY,
  /**
   * Starting (scheduled but not running, or still warming up): its sample is left out; on a
   * scale-up it is counted back in as idle (value 0), which dampens growth.
   */
  UNREADY,
  /** Failed or being removed: ignored entirely, sample discarded, not counted anywhere. */
  IGNORED
}
