/**
 * A real Prometheus server for tests: {@link io.dynamite.testkit.prometheus.PrometheusProcess}
 * starts the Debian {@code prometheus} binary on a free loopback port with a temporary data
 * directory and a configuration the test writes. Only JDK APIs are used.
 */
@NullMarked
package io.dynamite.testkit.prometheus;

import org.jspecify.annotations.NullMarked;
