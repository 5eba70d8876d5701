package io.dynamite.api;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The input of one policy evaluation.
 *
 * <p>The lists may be views over the engine's own state: they are valid only during the {@link
 * io.dynamite.api.spi.ScalingPolicy#evaluate} call they are passed to and must not be kept or
 * modified.
 *
 * @param service the service the policy scales, with its current counts and bounds
 * @param instances the service's instances that are starting, running or stopping, by unit name
 * @param samples the samples of the policy's stream that arrived since its last evaluation, in
 *     arrival order (each uuid's samples in timestamp order); may be empty
 * @param series the engine-kept history of the policy's metric: one series per instance uuid for
 *     a per-instance metric, one for an aggregated metric; empty when the policy reads no metric or
 *     nothing arrived yet
 * @param previous what became of the policy's previous non-hold recommendation, or null if it
 *     made none yet
 * @param now the engine clock's time of this evaluation
 * @param rejected values of the policy's stream that arrived since its last evaluation but were
 *     not usable numbers (NaN, infinite, unparseable), each with its {@link RejectedSample#origin()
 *     origin}; empty when none arrived or the source cannot tell where its rejected values belong
 *     (since 0.3)
 * @since 0.1
 */
public record PolicyInput(
    ServiceView service,
    List<InstanceView> instances,
    List<MetricSample> samples,
    List<MetricSeries> series,
    @Nullable PolicyOutcome previous,
    Instant now,
    List<RejectedSample> rejected) {

  /**
   * Validates the components; lists that are already unmodifiable are not copied again.
   *
   * @param service the service the policy scales, with its current counts and bounds
   * @param instances the service's instances that are starting, running or stopping, by unit name
   * @param samples the samples of the policy's stream that arrived since its last evaluation, in
   *     arrival order (each uuid's samples in timestamp order); may be empty
   * @param series the engine-kept history of the policy's metric: one series per instance uuid for
   *     a per-instance metric, one for an aggregated metric; empty when the policy reads no metric or
   *     nothing arrived yet
   * @param previous what became of the policy's previous non-hold recommendation, or null if it
   *     made none yet
   * @param now the engine clock's time of this evaluation
   * @param rejected values of the policy's stream that arrived since its last evaluation but were
   *     unusable; may be empty
   */
  public PolicyInput {
    Objects.requireNonNull(service, "service");
    Objects.requireNonNull(instances, "instances");
    Objects.requireNonNull(samples, "samples");
    Objects.requireNonNull(series, "series");
    Objects.requireNonNull(now, "now");
    Objects.requireNonNull(rejected, "rejected");
  }

  /**
   * Creates an input without rejected values, as 0.2 did.
   *
   * @param service the service
   * @param instances its instances
   * @param samples the new samples
   * @param series the metric history
   * @param previous the previous outcome, or null
   * @param now the time of the evaluation
   */
  public PolicyInput(ServiceView service, List<InstanceView> instances, List<MetricSample> samples,
      List<MetricSeries> series, @Nullable PolicyOutcome previous, Instant now) {
    this(service, instances, samples, series, previous, now, List.of());
  }

  /**
   * Creates an input with new samples only, as a step policy written for 0.1 needs.
   *
   * @param service the service
   * @param samples the new samples
   * @param now the time of the evaluation
   */
  public PolicyInput(ServiceView service, List<MetricSample> samples, Instant now) {
    this(service, List.of(), List.copyOf(samples), List.of(), null, now, List.of());
  }

  /**
   * Returns the previous outcome.
   *
   * @return what became of the previous recommendation, if there was one
   */
  public Optional<PolicyOutcome> previousOutcome() {
    return Optional.ofNullable(previous);
  }

  /**
   * Returns the series of an aggregated metric.
   *
   * @return the aggregated series, if the policy's metric is aggregated and has a value
   */
  public Optional<MetricSeries> aggregated() {
    for (MetricSeries s : series) {
      if (s.isAggregated()) {
        return Optional.of(s);
      }
    }
    return Optional.empty();
  }
}
