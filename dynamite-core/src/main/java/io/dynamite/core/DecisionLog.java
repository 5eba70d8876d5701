package io.dynamite.core;

import io.dynamite.api.ServiceId;
import io.dynamite.api.event.DecisionRecord;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The engine's copy of each service's decision history: the records the store held when this
 * engine gained leadership, then every record it made since, bounded per service like the store's
 * ring. Lets a status page read the durable history without a store round trip. Its own small
 * lock, never held during I/O; any thread.
 */
final class DecisionLog {
  private final int capacity;
  private final Object lock = new Object();
  private final Map<ServiceId, ArrayDeque<DecisionRecord>> rings = new HashMap<>();

  /** A log keeping {@code capacity} records per service; at least 1. */
  DecisionLog(int capacity) {
    this.capacity = Math.max(1, capacity);
  }

  int capacity() {
    return capacity;
  }

  void add(DecisionRecord r) {
    synchronized (lock) {
      ArrayDeque<DecisionRecord> ring = rings.computeIfAbsent(r.service().service(), k -> new ArrayDeque<>());
      ring.addLast(r);
      if (ring.size() > capacity) {
        ring.removeFirst();
      }
    }
  }

  /** Replaces a service's records with the stored ones (oldest first), keeping the newest capacity. */
  void replace(ServiceId service, List<DecisionRecord> stored) {
    ArrayDeque<DecisionRecord> ring = new ArrayDeque<>(stored.subList(Math.max(0, stored.size() - capacity), stored.size()));
    synchronized (lock) {
      rings.put(service, ring);
    }
  }

  /** The service's records, oldest first. */
  List<DecisionRecord> list(ServiceId service) {
    synchronized (lock) {
      ArrayDeque<DecisionRecord> ring = rings.get(service);
      return ring == null ? List.of() : List.copyOf(ring);
    }
  }
}
