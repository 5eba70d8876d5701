package io.dynamite.examples;

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
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * Embedding Dynamite in a JVM service: the engine with the etcd metric source, state store and
 * leadership, and the fleet target. Usage: {@code EmbedWithEtcdAndFleet dynamite.yaml
 * http://127.0.0.1:2379 http://127.0.0.1:49153}. Runs until the JVM is stopped.
 */
public final class EmbedWithEtcdAndFleet {
  private EmbedWithEtcdAndFleet() {}

  /**
   * Runs the engine until the JVM stops.
   *
   * @param args the YAML file, the etcd URL, the fleet URL
   * @throws InterruptedException if interrupted while running
   */
  public static void main(String[] args) throws InterruptedException {
    DynamiteConfig config = ConfigLoader.builder().build().load(Path.of(args[0]));
    CountDownLatch stopped = new CountDownLatch(1);
    try (EtcdConnection etcd = EtcdConnection.open(EtcdSettings.builder().endpoints(args[1]).build());
        EtcdLeadership leadership = EtcdLeadership.builder().connection(etcd).build();
        EtcdStateStore state = EtcdStateStore.builder().connection(etcd).fencedBy(leadership).build();
        EtcdMetricSource metrics = EtcdMetricSource.builder().connection(etcd)
            .metricsBasePath(config.metricsBasePath()).applicationBasePath(config.applicationBasePath()).build();
        FleetClient fleet = FleetClient.builder(args[2]).build();
        FleetTarget target = FleetTarget.builder(fleet).build();
        ScalingEngine engine = ScalingEngine.builder().config(config).metricSource(metrics).target(target)
            .stateStore(state).leadership(leadership).listener(System.out::println).build()) {
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        engine.close(); // finishes the action in flight before the resources above are closed
        stopped.countDown();
      }));
      engine.start();
      stopped.await();
    }
  }
}
