package io.dynamite.api;

import java.util.List;

/**
 * What a metric source delivered in one poll.
 *
 * @param samples new samples, each stream in timestamp order
 * @param rejected values that were found but could not be used
 * @since 0.1
 */
public record MetricPoll(List<MetricSample> samples, List<RejectedSample> rejected) {
  /** A poll that found nothing. */
  public static final MetricPoll EMPTY = new MetricPoll(List.of(), List.of());

  /**
   * Copies the lists.
   *
   * @param samples new samples, each stream in timestamp order
   * @param rejected values that were found but could not be used
   */
  public MetricPoll {
    samples = List.copyOf(samples);
    rejected = List.copyOf(rejected);
  }

  /**
   * Creates a poll result with samples only.
   *
   * @param samples the samples
   * @return the result
   */
  public static MetricPoll of(List<MetricSample> samples) {
    return new MetricPoll(samples, List.of());
  }
}
