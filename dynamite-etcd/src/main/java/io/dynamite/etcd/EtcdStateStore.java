package io.dynamite.etcd;

import io.dynamite.api.InstanceId;
import io.dynamite.api.ServiceId;
import io.dynamite.api.StateStoreException;
import io.dynamite.api.event.DecisionRecord;
import io.dynamite.api.spi.StateStore;
import io.dynamite.api.state.ActionIntent;
import io.dynamite.api.state.EngineStatus;
import io.dynamite.api.state.InstanceRecord;
import io.dynamite.api.state.ServiceRecord;
import io.dynamite.api.state.StoredState;
import io.dynamite.etcd.internal.DecisionCodec;
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
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
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
 *   <li>{@code /_dynamite/history/decisions/<service>/<sequence>}: the service's decision history,
 *       a ring of at most {@link Builder#historyCapacity} records (default {@value
 *       StateStore#DEFAULT_HISTORY_CAPACITY}), one JSON record per key, the sequence number
 *       zero-padded to 20 digits so that keys sort in order; {@code
 *       /_dynamite/history/decisions/<service>} holds the next sequence number (Dynamite's own)
 *   <li>{@code /_dynamite/history/policy/<policy id>}: a policy's exported state, at most {@value
 *       StateStore#MAX_POLICY_STATE_BYTES} bytes (Dynamite's own)
 * </ul>
 *
 * <p>The original Dynamite reads none of the {@code history} keys, and {@link #load()} leaves them
 * out (they are read per service and per policy), so a long history never weighs on the one range
 * read of the state.
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
 * <p>Decision records are appended in batches, each batch of a service one transaction (at most
 * 64 records) that puts the records, advances the service's next sequence number
 * (guarded by its value, so that two writers never interleave in one ring) and deletes what fell
 * out of the ring; with {@link Builder#fencedBy} it is fenced like every other write.
 *
 * <p>Threading: the engine calls the state methods one at a time, from its own thread; the history
 * and policy-state methods may be called from any thread, also at the same time. Calls block up to
 * the request timeout.
 *
 * @since 0.1
 */
public final class EtcdStateStore implements StateStore {
  private static final Logger log = LoggerFactory.getLogger(EtcdStateStore.class);
  /** Records per ring transaction: with the sequence and the pruning, within etcd's default 128 ops. */
  static final int RING_OPS = 64;
  /** Bytes of records per ring transaction, well below etcd's default 1.5 MiB request limit. */
  private static final int RING_BYTES = 512 * 1024;

  private final EtcdConnection connection;
  private final boolean ownsConnection;
  private final String root;
  private final @Nullable EtcdLeadership fence;
  private final @Nullable V2Keys v2;
  private final int historyCapacity;

  // any thread: service -> its ring's next sequence number as last seen in etcd
  private final Map<ServiceId, Sequence> nextSequence = new ConcurrentHashMap<>();

  /** A ring's next sequence number, and whether etcd holds it (false: its key is absent). */
  private record Sequence(long next, boolean stored) {}
  // any thread: history keys already reported as unreadable (reported once)
  private final Set<String> unreadable = ConcurrentHashMap.newKeySet();

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
    this.historyCapacity = b.historyCapacity;
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

  String historyRoot() {
    return root + "/history/";
  }

  /** The key holding a service's next sequence number; its records are under this key plus "/". */
  String ringKey(ServiceId service) {
    return root + "/history/decisions/" + service.name();
  }

  String recordKey(ServiceId service, long sequence) {
    return ringKey(service) + "/" + String.format("%020d", sequence);
  }

  String policyStateKey(String policyId) {
    return root + "/history/policy/" + policyId;
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
    // everything under the root except the history keys, in one transaction (one revision):
    // [root/, root/history/) and [root/history0, root0)
    TxnResponse r =
        await(
            connection
                .client()
                .getKVClient()
                .txn()
                .Then(
                    Op.get(bytes(root + "/"), GetOption.builder().withRange(bytes(historyRoot())).build()),
                    Op.get(bytes(root + "/history0"), GetOption.builder().withRange(bytes(root + "0")).build()))
                .commit(),
            "load " + root);
    List<KeyValue> kvs = new ArrayList<>();
    r.getGetResponses().forEach(g -> kvs.addAll(g.getKvs()));
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

  /**
   * Returns the bound of each service's ring.
   *
   * @return the configured capacity, default {@value StateStore#DEFAULT_HISTORY_CAPACITY}
   */
  @Override
  public int historyCapacity() {
    return historyCapacity;
  }

  /**
   * Appends records to their services' rings: per service and batch of at most 64
   * records one transaction that puts the records under the next sequence numbers, advances the
   * service's sequence (guarded by its value) and deletes the records that fell out of the ring.
   * Thread-safe.
   *
   * @param records records of one or more services, oldest first
   * @throws StateStoreException if etcd fails or this engine does not lead; records of services
   *     handled before the failure are stored
   */
  @Override
  public void appendDecisions(List<DecisionRecord> records) {
    Map<ServiceId, List<String>> byService = new LinkedHashMap<>();
    for (DecisionRecord r : records) {
      byService.computeIfAbsent(r.service().service(), k -> new ArrayList<>()).add(DecisionCodec.write(r));
    }
    for (Map.Entry<ServiceId, List<String>> e : byService.entrySet()) {
      List<String> texts = e.getValue();
      // records that a single batch would push out of the ring again are not written at all
      List<String> kept = texts.subList(Math.max(0, texts.size() - historyCapacity), texts.size());
      int from = 0;
      while (from < kept.size()) {
        int to = from;
        long bytes = 0;
        while (to < kept.size() && to - from < RING_OPS && (to == from || bytes + kept.get(to).length() <= RING_BYTES)) {
          bytes += kept.get(to).length();
          to++;
        }
        appendChunk(e.getKey(), kept.subList(from, to));
        from = to;
      }
    }
  }

  private void appendChunk(ServiceId service, List<String> texts) {
    for (int attempt = 0; ; attempt++) {
      Sequence seq = nextSequence.computeIfAbsent(service, this::readNextSequence);
      long next = seq.next();
      String head = ringKey(service);
      List<Cmp> cmps = new ArrayList<>(2);
      cmps.add(seq.stored() ? new Cmp(bytes(head), Cmp.Op.EQUAL, CmpTarget.value(bytes(Long.toString(next))))
          : new Cmp(bytes(head), Cmp.Op.EQUAL, CmpTarget.version(0)));
      fence(cmps, head);
      List<Op> ops = new ArrayList<>(texts.size() + 2);
      for (int i = 0; i < texts.size(); i++) {
        ops.add(Op.put(bytes(recordKey(service, next + i)), bytes(texts.get(i)), PutOption.DEFAULT));
      }
      long after = next + texts.size();
      ops.add(Op.put(bytes(head), bytes(Long.toString(after)), PutOption.DEFAULT));
      long keepFrom = after - historyCapacity;
      if (keepFrom > 0) {
        // the ring's keys sort by sequence: everything below the first kept one goes
        ops.add(Op.delete(bytes(head + "/"), DeleteOption.builder().withRange(bytes(recordKey(service, keepFrom))).build()));
      }
      TxnResponse r =
          await(
              connection.client().getKVClient().txn()
                  .If(cmps.toArray(new Cmp[0]))
                  .Then(ops.toArray(new Op[0]))
                  .Else(Op.get(bytes(head), GetOption.DEFAULT))
                  .commit(),
              "append to " + head);
      if (r.isSucceeded()) {
        nextSequence.put(service, new Sequence(after, true));
        return;
      }
      List<KeyValue> now = r.getGetResponses().isEmpty() ? List.of() : r.getGetResponses().get(0).getKvs();
      boolean unchanged = now.isEmpty() ? !seq.stored()
          : seq.stored() && parseSequence(EtcdMetricSource.string(now.get(0).getValue())) == next;
      nextSequence.remove(service);
      if (unchanged || attempt > 0) {
        // the sequence was as expected, so the fence refused; or another writer keeps moving it
        throw new StateStoreException("append to " + head + " refused: not the leader, or another writer appends", null);
      }
      // another leader appended since this store last did: continue after its records
    }
  }

  /**
   * The stored next sequence number; 0 for a new ring. A ring whose sequence key is gone (deleted
   * by hand) while records remain is continued after its newest record, so that order holds; the
   * append's guard then creates the sequence key.
   */
  private Sequence readNextSequence(ServiceId service) {
    List<KeyValue> kvs = await(connection.client().getKVClient().get(bytes(ringKey(service))), "get "
        + ringKey(service)).getKvs();
    if (!kvs.isEmpty()) {
      return new Sequence(parseSequence(EtcdMetricSource.string(kvs.get(0).getValue())), true);
    }
    String prefix = ringKey(service) + "/";
    List<KeyValue> newest = await(connection.client().getKVClient().get(bytes(prefix), GetOption.builder()
        .isPrefix(true).withKeysOnly(true).withSortField(GetOption.SortTarget.KEY)
        .withSortOrder(GetOption.SortOrder.DESCEND).withLimit(1).build()), "get " + prefix).getKvs();
    long next = newest.isEmpty() ? 0
        : parseSequence(EtcdMetricSource.string(newest.get(0).getKey()).substring(prefix.length())) + 1;
    return new Sequence(next, false);
  }

  private static long parseSequence(String s) {
    try {
      return Long.parseLong(s.trim());
    } catch (NumberFormatException e) {
      throw new StateStoreException("history sequence is not a number: " + s, e);
    }
  }

  /**
   * Reads a service's ring, oldest first; records that cannot be read are skipped (logged once per
   * key). Thread-safe.
   *
   * @param service the service
   * @return at most {@link #historyCapacity()} records
   * @throws StateStoreException if etcd cannot be read
   */
  @Override
  public List<DecisionRecord> loadDecisions(ServiceId service) {
    String prefix = ringKey(service) + "/";
    List<KeyValue> kvs = await(connection.client().getKVClient().get(bytes(prefix),
        GetOption.builder().isPrefix(true).withSortField(GetOption.SortTarget.KEY)
            .withSortOrder(GetOption.SortOrder.DESCEND).withLimit(historyCapacity).build()),
        "load " + prefix).getKvs();
    List<DecisionRecord> out = new ArrayList<>(kvs.size());
    for (int i = kvs.size() - 1; i >= 0; i--) {
      String key = EtcdMetricSource.string(kvs.get(i).getKey());
      try {
        out.add(DecisionCodec.read(EtcdMetricSource.string(kvs.get(i).getValue())));
      } catch (IllegalArgumentException e) {
        if (unreadable.add(key)) {
          log.warn("skipping an unreadable decision record key={}: {}", key, e.getMessage());
        }
      }
    }
    return out;
  }

  /**
   * Stores a policy's state under {@code /_dynamite/history/policy/<policy id>}, fenced.
   * Thread-safe.
   *
   * @param policyId the policy's id
   * @param state at most {@value StateStore#MAX_POLICY_STATE_BYTES} bytes of UTF-8
   * @throws IllegalArgumentException if the state is larger
   * @throws StateStoreException if etcd fails or this engine does not lead
   */
  @Override
  public void savePolicyState(String policyId, String state) {
    savePolicyStates(Map.of(policyId, state));
  }

  /**
   * Stores several policies' states, 64 per transaction, fenced. Thread-safe.
   *
   * @param states policy id to state
   * @throws IllegalArgumentException if a state is larger than {@value
   *     StateStore#MAX_POLICY_STATE_BYTES} bytes; nothing is stored then
   * @throws StateStoreException if etcd fails or this engine does not lead
   */
  @Override
  public void savePolicyStates(Map<String, String> states) {
    List<Op> ops = new ArrayList<>();
    for (Map.Entry<String, String> e : states.entrySet()) {
      int size = e.getValue().getBytes(StandardCharsets.UTF_8).length;
      if (size > MAX_POLICY_STATE_BYTES) {
        throw new IllegalArgumentException("the state of policy " + e.getKey() + " is " + size
            + " bytes; the limit is " + MAX_POLICY_STATE_BYTES);
      }
      ops.add(Op.put(bytes(policyStateKey(e.getKey())), bytes(e.getValue()), PutOption.DEFAULT));
    }
    for (int from = 0; from < ops.size(); from += RING_OPS) {
      List<Op> chunk = ops.subList(from, Math.min(ops.size(), from + RING_OPS));
      List<Cmp> cmps = new ArrayList<>(1);
      fence(cmps, "policy states");
      TxnResponse r = await(connection.client().getKVClient().txn().If(cmps.toArray(new Cmp[0]))
          .Then(chunk.toArray(new Op[0])).commit(), "save policy states");
      if (!r.isSucceeded()) {
        throw new StateStoreException("not the leader: refusing to write policy states", null);
      }
    }
  }

  /**
   * Reads a policy's state. Thread-safe.
   *
   * @param policyId the policy's id
   * @return the stored text, or empty
   * @throws StateStoreException if etcd cannot be read
   */
  @Override
  public Optional<String> loadPolicyState(String policyId) {
    String key = policyStateKey(policyId);
    List<KeyValue> kvs = await(connection.client().getKVClient().get(bytes(key)), "get " + key).getKvs();
    return kvs.isEmpty() ? Optional.empty() : Optional.of(EtcdMetricSource.string(kvs.get(0).getValue()));
  }

  /** Adds the leadership fence to a write's guards; throws if this engine does not lead. */
  private void fence(List<Cmp> cmps, String what) {
    if (fence != null) {
      Cmp f = fence.fence();
      if (f == null) {
        throw new StateStoreException("not the leader: refusing to write " + what, null);
      }
      cmps.add(f);
    }
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
    fence(cmps, key);
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
    private int historyCapacity = DEFAULT_HISTORY_CAPACITY;

    private Builder() {}

    /**
     * Sets how many decision records are kept per service (default {@value
     * StateStore#DEFAULT_HISTORY_CAPACITY}). Lowering it deletes the oldest records at the next
     * append of each service.
     *
     * @param capacity 1..10,000
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder historyCapacity(int capacity) {
      if (capacity < 1 || capacity > 10_000) {
        throw new IllegalArgumentException("historyCapacity must be 1..10000, got " + capacity);
      }
      this.historyCapacity = capacity;
      return this;
    }

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
