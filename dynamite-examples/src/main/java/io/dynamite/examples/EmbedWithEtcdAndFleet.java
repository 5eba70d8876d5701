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
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CountDownLatch;

/**
 * Embedding Dynamite in a JVM service: the engine with the etcd metric source, state store and
 * leadership, and the fleet target. Usage: {@code EmbedWithEtcdAndFleet dynamite.yaml
 * http://127.0.0.1:2379 http://127.0.0.1:49153}, or the system properties {@code dynamite.config},
 * {@code dynamite.etcd} and {@code dynamite.fleet}. {@link #main} runs until the JVM is stopped;
 * {@link #start} returns a handle to close instead.
 */
public final class EmbedWithEtcdAndFleet implements AutoCloseable {
  private final Deque<AutoCloseable> resources = new ArrayDeque<>();
  private final ScalingEngine engine;

  private EmbedWithEtcdAndFleet(Path yaml, String etcdUrl, String fleetUrl) {
    DynamiteConfig config = ConfigLoader.builder().build().load(yaml);
    try {
      EtcdConnection etcd = keep(EtcdConnection.open(EtcdSettings.builder().endpoints(etcdUrl).build()));
      EtcdLeadership leadership = keep(EtcdLeadership.builder().connection(etcd).build());
      EtcdStateStore state = keep(EtcdStateStore.builder().connection(etcd).fencedBy(leadership).build());
      EtcdMetricSource metrics = keep(EtcdMetricSource.builder().connection(etcd)
          .metricsBasePath(config.metricsBasePath()).applicationBasePath(config.applicationBasePath()).build());
      FleetTarget target = keep(FleetTarget.builder(keep(FleetClient.builder(fleetUrl).build())).build());
      engine = keep(ScalingEngine.builder().config(config).metricSource(metrics).target(target)
          .stateStore(state).leadership(leadership).listener(System.out::println).build());
      engine.start();
    } catch (RuntimeException e) {
      close(); // what was opened before the failure
      throw e;
    }
  }

  /**
   * Starts the engine: it campaigns for leadership, adopts or initialises the state in etcd and
   * starts every service's {@code min_instance}.
   *
   * @param yaml the configuration file
   * @param etcdUrl etcd's URL, for example {@code http://127.0.0.1:2379}
   * @param fleetUrl fleet's API, for example {@code http://127.0.0.1:49153}
   * @return the running embedding; close it to stop
   */
  public static EmbedWithEtcdAndFleet start(Path yaml, String etcdUrl, String fleetUrl) {
    return new EmbedWithEtcdAndFleet(yaml, etcdUrl, fleetUrl);
  }

  /**
   * Returns the engine, for its {@link ScalingEngine#snapshot() snapshot}.
   *
   * @return the engine
   */
  public ScalingEngine engine() {
    return engine;
  }

  /** Stops the engine first (it finishes the action in flight), then closes the clients it used. */
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

  /**
   * Runs the engine until the JVM stops.
   *
   * @param args the YAML file, the etcd URL, the fleet URL (or the system properties above)
   * @throws InterruptedException if interrupted while running
   */
  public static void main(String[] args) throws InterruptedException {
    String yaml = args.length > 0 ? args[0] : System.getProperty("dynamite.config", "dynamite.yaml");
    String etcd = args.length > 1 ? args[1] : System.getProperty("dynamite.etcd", "http://127.0.0.1:2379");
    String fleet = args.length > 2 ? args[2] : System.getProperty("dynamite.fleet", "http://127.0.0.1:49153");
    CountDownLatch stopped = new CountDownLatch(1);
    EmbedWithEtcdAndFleet dynamite = start(Path.of(yaml), etcd, fleet);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      dynamite.close();
      stopped.countDown();
    }));
    stopped.await();
  }
}
