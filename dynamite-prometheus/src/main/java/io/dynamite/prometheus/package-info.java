/**
 * Prometheus as a metric source: {@link io.dynamite.prometheus.PrometheusMetricSource} evaluates
 * one PromQL instant query per policy metric at a fixed interval, in the background, and signals
 * the engine when results arrived; {@link io.dynamite.prometheus.PrometheusMetricSourceProvider}
 * makes it available as {@code MetricSource: {type: prometheus, ...}} in the daemon's
 * configuration. Missing series and failed queries never become zeros: no sample is delivered,
 * and the failure is counted and reported (see {@code docs/prometheus.md}).
 *
 * <p>No okhttp or Jackson type appears in these signatures.
 */
@NullMarked
package io.dynamite.prometheus;

import org.jspecify.annotations.NullMarked;
