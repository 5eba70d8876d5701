package io.dynamite.core.policy.tracking;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Derives an instance's {@link InstanceState} for one metric from its lifecycle and its sample's
 * timing, as HPA's pod grouping does. Immutable and thread-safe; reads no clock.
 *
 * <p>Rules, in order: terminating or failed → {@link InstanceState#IGNORED}; pending → {@link
 * InstanceState#UNREADY}; no sample → {@link InstanceState#READY} (the calculation then treats it
 * as missing). Only for warm-up-sensitive metrics (CPU-like: start-up work inflates the value) an
 * instance is also UNREADY when it reports no readiness or start time; or it started less than
 * {@code initializationPeriod} ago and is not ready, or its sample was taken before {@code
 * readySince + sampleWindow} (the sample may still contain start-up work); or it is past that
 * period, not ready, and went unready within {@code readinessDelay} of starting (never became
 * ready). An instance that was ready and later became unready counts as READY: its samples are
 * real load.
 *
 * @param initializationPeriod HPA {@code --horizontal-pod-autoscaler-cpu-initialization-period}
 * @param readinessDelay HPA {@code --horizontal-pod-autoscaler-initial-readiness-delay}
 * @since 0.2
 */
public record InstanceClassifier(Duration initializationPeriod, Duration readinessDelay) {
  /** HPA's production defaults: 5 minutes initialization period, 30 seconds readiness delay. */
  public static final InstanceClassifier DEFAULT =
      new InstanceClassifier(Duration.ofMinutes(5), Duration.ofSeconds(30));

  /**
   * Validates the durations.
   *
   * @param initializationPeriod HPA {@code --horizontal-pod-autoscaler-cpu-initialization-period}
   * @param readinessDelay HPA {@code --horizontal-pod-autoscaler-initial-readiness-delay}
   * @throws IllegalArgumentException if a duration is negative
   */
  public InstanceClassifier {
    Objects.requireNonNull(initializationPeriod, "initializationPeriod");
    Objects.requireNonNull(readinessDelay, "readinessDelay");
    if (initializationPeriod.isNegative() || readinessDelay.isNegative()) {
      throw new IllegalArgumentException(
          "durations must be >= 0: " + initializationPeriod + ", " + readinessDelay);
    }
  }

  /**
   * Classifies one instance for one metric.
   *
   * @param lifecycle the instance's lifecycle
   * @param hasSample whether the metric has a sample for the instance
   * @param sampledAt when the sample was taken (ignored when there is none or the metric is not
   *     warm-up sensitive); null means unknown and is treated as "before readiness"
   * @param sampleWindow the averaging window the sample covers
   * @param warmUpSensitive whether start-up distorts this metric (HPA applies this to CPU only)
   * @param now the evaluation instant
   * @return the state
   */
  public InstanceState classify(
      InstanceLifecycle lifecycle,
      boolean hasSample,
      @Nullable Instant sampledAt,
      Duration sampleWindow,
      boolean warmUpSensitive,
      Instant now) {
    if (lifecycle.phase() == InstanceLifecycle.Phase.TERMINATING
        || lifecycle.phase() == InstanceLifecycle.Phase.FAILED) {
      return InstanceState.IGNORED;
    }
    if (lifecycle.phase() == InstanceLifecycle.Phase.PENDING) {
      return InstanceState.UNREADY;
    }
    if (!hasSample || !warmUpSensitive) {
      return InstanceState.READY;
    }
    Boolean ready = lifecycle.ready();
    Instant started = lifecycle.startedAt();
    if (ready == null || started == null) {
      return InstanceState.UNREADY;
    }
    Instant readySince = lifecycle.readySince() == null ? started : lifecycle.readySince();
    if (started.plus(initializationPeriod).isAfter(now)) {
      boolean sampleMayHoldStartup =
          sampledAt == null || sampledAt.isBefore(readySince.plus(sampleWindow));
      return !ready || sampleMayHoldStartup ? InstanceState.UNREADY : InstanceState.READY;
    }
    boolean neverBecameReady = !ready && started.plus(readinessDelay).isAfter(readySince);
    return neverBecameReady ? InstanceState.UNREADY : InstanceState.READY;
  }
}
