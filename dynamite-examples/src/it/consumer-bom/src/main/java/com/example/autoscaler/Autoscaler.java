package com.example.autoscaler;

import io.dynamite.core.ScalingEngine;
import io.dynamite.core.config.ConfigLoader;
import io.dynamite.core.config.DynamiteConfig;
import io.dynamite.etcd.EtcdConnection;
import io.dynamite.etcd.EtcdLeadership;
import io.dynamite.etcd.EtcdMetricSource;
import io.dynamite.etcd.EtcdSettings;
import io.dynamite.etcd.EtcdStateStore;
import io.dynamite.fleet.FleetClient;
import io.dynamite.fleet.FleetTarget;
import io.dynamite.micrometer.DynamiteMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;

/** An application's embedding of Dynamite: the engine on etcd and fleet, its telemetry in the application's registry. */
public final class Autoscaler implements AutoCloseable {
  private final Deque<AutoCloseable> resources = new ArrayDeque<>();
  private final ScalingEngine engine;

  private Autoscaler(Path yaml, String etcdUrl, String fleetUrl, MeterRegistry registry) {
    DynamiteConfig config = ConfigLoader.builder().build().load(yaml);
    try {
      EtcdConnection etcd = keep(EtcdConnection.open(EtcdSettings.builder().endpoints(etcdUrl).build()));
      EtcdLeadership leadership = keep(EtcdLeadership.builder().connection(etcd).build());
      EtcdStateStore state = keep(EtcdStateStore.builder().connection(etcd).fencedBy(leadership).build());
      EtcdMetricSource metrics = keep(EtcdMetricSource.builder().connection(etcd)
          .metricsBasePath(config.metricsBasePath()).applicationBasePath(config.applicationBasePath()).build());
      FleetTarget target = keep(FleetTarget.builder(keep(FleetClient.builder(fleetUrl).build())).build());
      DynamiteMetrics telemetry = new DynamiteMetrics();
      engine = keep(ScalingEngine.builder().config(config).metricSource(metrics).target(target)
          .stateStore(state).leadership(leadership).listener(telemetry).build());
      telemetry.observe(engine).bindTo(registry);
      engine.start();
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  public static Autoscaler start(Path yaml, String etcdUrl, String fleetUrl, MeterRegistry registry) {
    return new Autoscaler(yaml, etcdUrl, fleetUrl, registry);
  }

  public ScalingEngine engine() {
    return engine;
  }

  @Override
  public void close() {
    while (!resources.isEmpty()) {
      try {
        resources.pop().close();
      } catch (Exception e) {
        System.err.println("closing failed: " + e);
      }
    }
  }

  private <T extends AutoCloseable> T keep(T resource) {
    resources.push(resource);
    return resource;
  }
}
