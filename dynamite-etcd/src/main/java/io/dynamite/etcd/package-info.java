/**
 * Dynamite on etcd: {@link io.dynamite.etcd.EtcdMetricSource} (metrics and registrations over the
 * v3 API, watch-based), {@link io.dynamite.etcd.EtcdV2MetricSource} (the same over the v2 keys API
 * for the original writers), {@link io.dynamite.etcd.EtcdStateStore} (the original {@code
 * /_dynamite} keys, compare-and-swap writes, intent records) and {@link
 * io.dynamite.etcd.EtcdLeadership} (one acting engine per cluster, on a lease). Connections are
 * configured with {@link io.dynamite.etcd.EtcdSettings}.
 *
 * <p>No jetcd, gRPC, okhttp or Jackson type appears in these signatures, except builder methods
 * that accept a caller-owned jetcd {@code Client}, which Dynamite never closes.
 */
@NullMarked
package io.dynamite.etcd;

import org.jspecify.annotations.NullMarked;
