package io.dynamite.api;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The input of one policy evaluation.
 *
 * @param service the service the policy scales, with its current counts
 * @param samples the samples of the policy's stream that arrived since its last evaluation, in
 *     arrival order (each uuid's samples in timestamp order); may be empty
 * @param now the engine clock's time of this evaluation
 * @since 0.1
 */
public record PolicyInput(ServiceView service, List<MetricSample> samples, Instant now) {
  /** Validates and copies the components. */
  public PolicyInput {
    Objects.requireNonNull(service, "service");
    Objects.requireNonNull(now, "now");
    samples = List.copyOf(samples);
  }
}
