package io.dynamite.etcd;

import io.dynamite.api.InstanceId;
import io.dynamite.api.StateStoreException;
import io.dynamite.api.spi.StateStore;
import io.dynamite.api.state.ActionIntent;
import io.dynamite.api.state.EngineStatus;
import io.dynamite.api.state.InstanceRecord;
import io.dynamite.api.state.ServiceRecord;
import io.dynamite.api.state.StoredState;
import io.dynamite.etcd.internal.MetricLayout;
import io.dynamite.etcd.internal.StateCodec;
import io.dynamite.etcd.internal.V2Keys;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dynamite's state in etcd (v3 API) under the original keys and JSON shapes (spec §5.3):
 *
 * <ul>
 *   <li>{@code /_dynamite/state/application_status}: raw {@code Initializing} | {@code Running} |
 *       {@code Recovering}
 *   <li>{@code /_dynamite/init/application_configuration}: the configuration document as JSON
 *   <li>{@code /_dynamite/run/service/<service>/fleet_service_template}: the service record
 *   <li>{@code /_dynamite/run/service/<service>/<instance name>}: one key per instance
 *   <li>{@code /_dynamite/run/intent/<id>}: intent records (Dynamite's own addition)
 * </ul>
 *
 * <p>A tree the original Dynamite left behind is adopted as it is: reads accept both {@code
 * attached_services} and {@code attached_service} (B6). The original wrote through the v2 API;
 * when the v3 tree is empty and {@link Builder#adoptFromV2} is set, {@link #load()} reads the v2
 * tree once and copies it into v3 in a transaction guarded by the status key's absence, after
 * which only v3 is used.
 *
 * <p>Every write is a transaction guarded by the key's mod revision as last seen by this store
 * (compare-and-swap), and, with {@link Builder#fencedBy}, by the existence of this engine's
 * election key, so a deposed leader cannot write. A write whose guard fails throws {@link
 * StateStoreException}, unless the stored value already equals the one written (a retried write
 * that had landed: jetcd calls are at-least-once). Nothing outside Dynamite's own keys is ever
 * deleted, and only instance and intent keys are deleted at all.
 *
 * <p>Threading: the engine calls one method at a time; calls block up to the request timeout.
 *
 * @since 0.1
 */
public final class EtcdStateStore implements StateStore {
  private static final Logger log = LoggerFactory.getLogger(EtcdStateStore.class);

  private final EtcdConnection connection;
  private final boolean ownsConnection;
  private final String root;
  private final @Nullable EtcdLeadership fence;
  private final @Nullable V2Keys v2;

  // engine thread only: key -> mod revision last seen (0 = known absent)
  private final Map<String, Long> revisions = new HashMap<>();
  // engine thread only: key -> value last seen, to keep unmodelled fields on rewrite
  private final Map<String, String> values = new HashMap<>();
  // engine thread only: true once load() read the tree, so a key it did not see is absent there
  private boolean loaded;

  private EtcdStateStore(Builder b, EtcdConnection connection, boolean owns) {
    this.connection = connection;
    this.ownsConnection = owns;
    this.root = b.root;
    this.fence = b.fence;
    this.v2 = b.v2Endpoint == null ? null : new V2Keys(b.v2Endpoint, connection.requestTimeout());
  }

  /**
   * Starts a builder.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  String statusKey() {
    return root + "/state/application_status";
  }

  String configKey() {
    return root + "/init/application_configuration";
  }

  String serviceKey(String service) {
    return root + "/run/service/" + service + "/fleet_service_template";
  }

  String instanceKey(InstanceId id) {
    return root + "/run/service/" + id.service().name() + "/" + id.unitName();
  }

  String intentKey(String id) {
    return root + "/run/intent/" + id;
  }

  /**
   * Reads the whole tree in one request (one consistent revision).
   *
   * @return the stored state; {@link StoredState#EMPTY} when nothing is stored
   * @throws StateStoreException if etcd cannot be read or a record is unreadable
   */
  @Override
  public StoredState load() {
    Map<String, String> tree = readV3();
    if (tree.isEmpty() && v2 != null) {
      Map<String, String> old = readV2();
      if (!old.isEmpty()) {
        adopt(old);
        tree = readV3();
      }
    }
    return parse(tree);
  }

  private Map<String, String> readV3() {
    List<KeyValue> kvs =
        await(
                connection
                    .client()
                    .getKVClient()
                    .get(bytes(root + "/"), GetOption.builder().isPrefix(true).build()),
                "load " + root)
            .getKvs();
    Map<String, String> tree = new TreeMap<>();
    revisions.clear();
    values.clear();
    for (KeyValue kv : kvs) {
      String k = EtcdMetricSource.string(kv.getKey());
      String v = EtcdMetricSource.string(kv.getValue());
      tree.put(k, v);
      revisions.put(k, kv.getModRevision());
      values.put(k, v);
    }
    loaded = true;
    return tree;
  }

  private Map<String, String> readV2() {
    try {
      Map<String, String> leaves = new TreeMap<>();
      V2Keys.Listing l = Objects.requireNonNull(v2).list(root);
      l.leaves().forEach(n -> leaves.put(n.key(), n.value()));
      return leaves;
    } catch (java.io.IOException e) {
      throw new StateStoreException("cannot read the original v2 tree " + root + ": " + e.getMessage(), e);
    }
  }

  private void adopt(Map<String, String> old) {
    // the status key goes last and its absence guards the copy, so an interrupted adoption is
    // redone completely by the next start
    List<Op> ops = new ArrayList<>();
    String status = null;
    for (Map.Entry<String, String> e : old.entrySet()) {
      if (e.getKey().equals(statusKey())) {
        status = e.getValue();
        continue;
      }
      ops.add(Op.put(bytes(e.getKey()), bytes(e.getValue()), PutOption.DEFAULT));
    }
    if (status != null) {
      ops.add(Op.put(bytes(statusKey()), bytes(status), PutOption.DEFAULT));
    }
    Cmp absent = new Cmp(bytes(statusKey()), Cmp.Op.EQUAL, CmpTarget.version(0));
    TxnResponse r =
        await(
            connection.client().getKVClient().txn().If(absent).Then(ops.toArray(new Op[0])).commit(),
            "adopt v2 tree");
    log.info(
        "adopted the original Dynamite's v2 tree root={} keys={} applied={}",
        root,
        old.size(),
        r.isSucceeded());
  }

  private StoredState parse(Map<String, String> tree) {
    EngineStatus status = EngineStatus.fromStoredValue(tree.get(statusKey()));
    Map<String, Object> config = null;
    List<ServiceRecord> services = new ArrayList<>();
    List<InstanceRecord> instances = new ArrayList<>();
    List<ActionIntent> intents = new ArrayList<>();
    String servicePrefix = root + "/run/service/";
    String intentPrefix = root + "/run/intent/";
    for (Map.Entry<String, String> e : tree.entrySet()) {
      String k = e.getKey();
      try {
        if (k.equals(configKey())) {
          config = StateCodec.parseMap(e.getValue());
        } else if (k.startsWith(servicePrefix)) {
          String[] s = k.substring(servicePrefix.length()).split("/", -1);
          if (s.length != 2 || s[0].isEmpty() || s[1].isEmpty()) {
            continue;
          }
          if (s[1].equals("fleet_service_template")) {
            services.add(StateCodec.readService(s[0], e.getValue()));
          } else {
            instances.add(StateCodec.readInstance(s[0], s[1], e.getValue()));
          }
        } else if (k.startsWith(intentPrefix)) {
          intents.add(StateCodec.readIntent(e.getValue()));
        }
      } catch (RuntimeException ex) {
        throw new StateStoreException("unreadable state record " + k + ": " + ex.getMessage(), ex);
      }
    }
    if (tree.isEmpty()) {
      return StoredState.EMPTY;
    }
    return new StoredState(status, config, services, instances, intents);
  }

  /**
   * Stores the status as the original's raw string.
   *
   * @param status the status
   * @throws StateStoreException if the write fails or loses a race
   */
  @Override
  public void saveStatus(EngineStatus status) {
    put(statusKey(), status.storedValue());
  }

  /**
   * Stores the configuration document as JSON.
   *
   * @param document {@code {"Dynamite": {...}}}
   * @throws StateStoreException if the write fails or loses a race
   */
  @Override
  public void saveConfiguration(Map<String, Object> document) {
    put(configKey(), StateCodec.writeMap(document));
  }

  /**
   * Stores a service's {@code fleet_service_template}, keeping fields Dynamite does not model from
   * the stored value.
   *
   * @param record the record
   * @throws StateStoreException if the write fails or loses a race
   */
  @Override
  public void saveService(ServiceRecord record) {
    String key = serviceKey(record.service().name());
    known(key);
    put(key, StateCodec.writeService(record, values.get(key)));
  }

  /**
   * Stores an instance key.
   *
   * @param record the record
   * @throws StateStoreException if the write fails or loses a race
   */
  @Override
  public void saveInstance(InstanceRecord record) {
    put(instanceKey(record.id()), StateCodec.writeInstance(record));
  }

  /**
   * Deletes an instance key; absent keys are ignored.
   *
   * @param id the instance
   * @throws StateStoreException if the delete fails or loses a race
   */
  @Override
  public void deleteInstance(InstanceId id) {
    delete(instanceKey(id));
  }

  /**
   * Stores an intent record before its action.
   *
   * @param intent the intent
   * @throws StateStoreException if the write fails or loses a race
   */
  @Override
  public void saveIntent(ActionIntent intent) {
    put(intentKey(intent.id()), StateCodec.writeIntent(intent));
  }

  /**
   * Deletes an intent record after its outcome was stored; absent intents are ignored.
   *
   * @param intentId the id
   * @throws StateStoreException if the delete fails or loses a race
   */
  @Override
  public void deleteIntent(String intentId) {
    delete(intentKey(intentId));
  }

  /** Learns a key's revision and value if this store has not seen it yet. */
  private void known(String key) {
    if (revisions.containsKey(key)) {
      return;
    }
    if (loaded) {
      // absent at load time: a writer that created it since must make our create fail
      revisions.put(key, 0L);
      return;
    }
    List<KeyValue> kvs = await(connection.client().getKVClient().get(bytes(key)), "get " + key).getKvs();
    if (kvs.isEmpty()) {
      revisions.put(key, 0L);
      values.remove(key);
    } else {
      revisions.put(key, kvs.get(0).getModRevision());
      values.put(key, EtcdMetricSource.string(kvs.get(0).getValue()));
    }
  }

  private List<Cmp> guards(String key) {
    List<Cmp> cmps = new ArrayList<>(2);
    long rev = revisions.getOrDefault(key, 0L);
    cmps.add(
        rev == 0
            ? new Cmp(bytes(key), Cmp.Op.EQUAL, CmpTarget.version(0))
            : new Cmp(bytes(key), Cmp.Op.EQUAL, CmpTarget.modRevision(rev)));
    if (fence != null) {
      Cmp f = fence.fence();
      if (f == null) {
        throw new StateStoreException("not the leader: refusing to write " + key, null);
      }
      cmps.add(f);
    }
    return cmps;
  }

  private void put(String key, String value) {
    known(key);
    TxnResponse r =
        await(
            connection
                .client()
                .getKVClient()
                .txn()
                .If(guards(key).toArray(new Cmp[0]))
                .Then(Op.put(bytes(key), bytes(value), PutOption.DEFAULT))
                .Else(Op.get(bytes(key), GetOption.DEFAULT))
                .commit(),
            "put " + key);
    if (r.isSucceeded()) {
      revisions.put(key, r.getHeader().getRevision());
      values.put(key, value);
      return;
    }
    List<KeyValue> now = r.getGetResponses().isEmpty() ? List.of() : r.getGetResponses().get(0).getKvs();
    if (!now.isEmpty() && EtcdMetricSource.string(now.get(0).getValue()).equals(value)) {
      // our own earlier attempt landed (at-least-once delivery): the write is done
      revisions.put(key, now.get(0).getModRevision());
      values.put(key, value);
      return;
    }
    forget(key);
    throw new StateStoreException(
        "write of " + key + " lost a race: another writer changed it or leadership was lost", null);
  }

  private void delete(String key) {
    known(key);
    if (revisions.getOrDefault(key, 0L) == 0) {
      return;
    }
    TxnResponse r =
        await(
            connection
                .client()
                .getKVClient()
                .txn()
                .If(guards(key).toArray(new Cmp[0]))
                .Then(Op.delete(bytes(key), DeleteOption.DEFAULT))
                .Else(Op.get(bytes(key), GetOption.DEFAULT))
                .commit(),
            "delete " + key);
    if (r.isSucceeded()
        || (!r.getGetResponses().isEmpty() && r.getGetResponses().get(0).getKvs().isEmpty() && fenceHolds())) {
      revisions.put(key, 0L);
      values.remove(key);
      return;
    }
    forget(key);
    throw new StateStoreException(
        "delete of " + key + " lost a race: another writer changed it or leadership was lost", null);
  }

  /** After a lost race the engine must reload before this store writes the key again. */
  private void forget(String key) {
    revisions.remove(key);
    values.remove(key);
    loaded = false;
  }

  private boolean fenceHolds() {
    return fence == null || fence.fence() != null;
  }

  private <T> T await(CompletableFuture<T> f, String what) {
    try {
      return f.get(connection.requestTimeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StateStoreException("interrupted during etcd " + what, e);
    } catch (ExecutionException e) {
      throw new StateStoreException("etcd " + what + " failed: " + e.getCause(), e.getCause());
    } catch (TimeoutException e) {
      f.cancel(false);
      throw new StateStoreException("etcd " + what + " timed out after " + connection.requestTimeout(), e);
    }
  }

  private static ByteSequence bytes(String s) {
    return EtcdMetricSource.bytes(s);
  }

  /** Closes the connection if this store opened it. Idempotent. */
  @Override
  public void close() {
    if (ownsConnection) {
      connection.close();
    }
  }

  @Override
  public String toString() {
    return "EtcdStateStore[" + root + ", " + connection + "]";
  }

  /** Builds an {@link EtcdStateStore}. Not thread-safe. */
  public static final class Builder extends EtcdClientBuilder<Builder> {
    private String root = "/_dynamite";
    private @Nullable EtcdLeadership fence;
    private @Nullable String v2Endpoint;

    private Builder() {}

    /**
     * Sets the root (default {@code /_dynamite}, the original's).
     *
     * @param root the root key
     * @return this builder
     */
    public Builder root(String root) {
      this.root = MetricLayout.normalize(root);
      return this;
    }

    /**
     * Guards every write with this engine's election key: a candidate that does not lead cannot
     * write.
     *
     * @param leadership the engine's leadership
     * @return this builder
     */
    public Builder fencedBy(EtcdLeadership leadership) {
      this.fence = Objects.requireNonNull(leadership, "leadership");
      return this;
    }

    /**
     * Adopts the original Dynamite's tree from the v2 keys API at this endpoint when the v3 tree
     * is empty (etcd must run with {@code --enable-v2=true}). Plain HTTP only.
     *
     * @param endpoint for example {@code http://127.0.0.1:2379}
     * @return this builder
     */
    public Builder adoptFromV2(String endpoint) {
      this.v2Endpoint = Objects.requireNonNull(endpoint, "endpoint");
      return this;
    }

    /**
     * Builds the store.
     *
     * @return the store
     * @throws IllegalStateException unless exactly one of settings, connection and client is set
     */
    public EtcdStateStore build() {
      Resolved r = resolveConnection();
      return new EtcdStateStore(this, r.connection(), r.owned());
    }
  }
}
