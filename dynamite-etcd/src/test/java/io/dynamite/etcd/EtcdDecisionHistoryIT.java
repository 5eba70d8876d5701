package io.dynamite.etcd;

import static io.dynamite.etcd.EtcdTestSupport.dump;
import static io.dynamite.etcd.EtcdTestSupport.put;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.dynamite.api.ServiceId;
import io.dynamite.api.ServiceView;
import io.dynamite.api.StateStoreException;
import io.dynamite.api.event.DecisionRecord;
import io.dynamite.api.spi.StateStore;
import io.dynamite.api.state.EngineStatus;
import io.dynamite.testkit.etcd.EtcdExtension;
import io.etcd.jetcd.Client;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The decision history rings and policy states of {@link EtcdStateStore} on a real etcd: the key
 * layout and the bound, order across writers and across a leader change, fencing, the state load
 * leaving the history out, and records or states that cannot be read or stored.
 */
@ExtendWith(EtcdExtension.class)
class EtcdDecisionHistoryIT {
  private static final ServiceId WEB = ServiceId.of("web");
  private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");
  static String endpoint;
  static Client client;

  @BeforeAll
  static void connect(String url) {
    endpoint = url;
    client = Client.builder().endpoints(url).build();
  }

  @AfterAll
  static void disconnect() {
    client.close();
  }

  /**
   * A candidate with a connection of its own, as in a process of its own. The lease TTL is long so
   * that a loaded machine's late keep-alives cannot depose the leader in the middle of the test
   * (the hand-over below is a resignation, which does not wait for the TTL).
   */
  private static EtcdLeadership candidate(String id) {
    return EtcdLeadership.builder().settings(EtcdSettings.builder().endpoints(endpoint).build())
        .election("/history-e").candidateId(id).ttl(Duration.ofSeconds(20)).retryDelay(Duration.ofMillis(100)).build();
  }

  private static EtcdStateStore.Builder store(String root) {
    return EtcdStateStore.builder().client(client).root(root);
  }

  private static DecisionRecord record(ServiceId service, int i) {
    return new DecisionRecord(T0.plusSeconds(i), service + "/p", null, new ServiceView(service, 2, 0, 0, 1, 5), 1,
        (double) i, "", DecisionRecord.Outcome.REFUSED, "record " + i, 5, List.of("max_instance 5"));
  }

  private static List<DecisionRecord> records(ServiceId service, int from, int to) {
    return IntStream.range(from, to).mapToObj(i -> record(service, i)).toList();
  }

  @Test
  void aRingKeepsTheNewestRecordsInOrderUnderOneKeyEachAndItsNextSequence() {
    String root = "/ring/_dynamite";
    try (EtcdStateStore s = store(root).historyCapacity(5).build()) {
      assertThat(s.historyCapacity()).isEqualTo(5);
      s.appendDecisions(records(WEB, 0, 3));
      s.appendDecisions(records(WEB, 3, 8));
      List<DecisionRecord> mixed = new ArrayList<>(records(WEB, 8, 12));
      mixed.add(1, record(ServiceId.of("db"), 100));
      s.appendDecisions(mixed);
      assertThat(s.loadDecisions(WEB)).isEqualTo(records(WEB, 7, 12));
      assertThat(s.loadDecisions(ServiceId.of("db"))).containsExactly(record(ServiceId.of("db"), 100));
      assertThat(s.loadDecisions(ServiceId.of("none"))).isEmpty();
      Map<String, String> keys = dump(client, root + "/history/decisions/web");
      assertThat(keys.keySet()).containsExactly(root + "/history/decisions/web",
          root + "/history/decisions/web/00000000000000000007", root + "/history/decisions/web/00000000000000000008",
          root + "/history/decisions/web/00000000000000000009", root + "/history/decisions/web/00000000000000000010",
          root + "/history/decisions/web/00000000000000000011");
      assertThat(keys.get(root + "/history/decisions/web")).isEqualTo("12");
      assertThat(keys.get(root + "/history/decisions/web/00000000000000000011")).startsWith("{\"at\":\"2030-01-01T00:00:11Z\"");
    }
    // a batch larger than the ring writes only what stays, and a smaller capacity prunes the rest
    try (EtcdStateStore s = store(root).historyCapacity(3).build()) {
      s.appendDecisions(records(WEB, 20, 30));
      assertThat(s.loadDecisions(WEB)).isEqualTo(records(WEB, 27, 30));
      assertThat(dump(client, root + "/history/decisions/web/")).hasSize(3);
    }
    // a long batch is split into transactions etcd accepts (at most 128 operations each)
    try (EtcdStateStore s = store(root).build()) {
      s.appendDecisions(records(WEB, 100, 100 + 3 * EtcdStateStore.RING_OPS + 7));
      assertThat(s.loadDecisions(WEB)).hasSize(StateStore.DEFAULT_HISTORY_CAPACITY)
          .last().isEqualTo(record(WEB, 100 + 3 * EtcdStateStore.RING_OPS + 6));
    }
  }

  @Test
  void twoWritersOneAfterTheOtherNeverInterleaveOrOverwrite() {
    String root = "/writers/_dynamite";
    try (EtcdStateStore a = store(root).build(); EtcdStateStore b = store(root).build()) {
      a.appendDecisions(records(WEB, 0, 3));
      b.appendDecisions(records(WEB, 3, 5)); // b reads the sequence a left
      a.appendDecisions(records(WEB, 5, 6)); // a's cached sequence is stale: it continues after b's
      assertThat(a.loadDecisions(WEB)).isEqualTo(records(WEB, 0, 6));
      // the sequence key deleted by hand: the next append continues after the newest record
      EtcdTestSupport.delete(client, root + "/history/decisions/web");
      try (EtcdStateStore c = store(root).build()) {
        c.appendDecisions(records(WEB, 6, 7));
      }
      assertThat(a.loadDecisions(WEB)).isEqualTo(records(WEB, 0, 7));
    }
  }

  @Test
  void onlyTheLeaderWritesAndTheNextLeaderContinuesTheRing() {
    String root = "/fenced-history/_dynamite";
    EtcdLeadership first = candidate("first");
    try (EtcdLeadership second = candidate("second")) {
      first.start(l -> {});
      await().atMost(Duration.ofSeconds(30)).until(first::isLeader);
      second.start(l -> {});
      try (EtcdStateStore leader = store(root).fencedBy(first).build();
          EtcdStateStore standby = store(root).fencedBy(second).build()) {
        leader.appendDecisions(records(WEB, 0, 2));
        leader.savePolicyState("web/p", "{\"v\":1}");
        assertThatThrownBy(() -> standby.appendDecisions(records(WEB, 50, 51))).isInstanceOf(StateStoreException.class)
            .hasMessageContaining("not the leader");
        assertThatThrownBy(() -> standby.savePolicyState("web/p", "{\"v\":2}")).isInstanceOf(StateStoreException.class)
            .hasMessageContaining("not the leader");
        assertThat(standby.loadDecisions(WEB)).isEqualTo(records(WEB, 0, 2));
        assertThat(standby.loadPolicyState("web/p")).contains("{\"v\":1}");

        first.close(); // resigns: the standby leads
        await().atMost(Duration.ofSeconds(30)).until(second::isLeader);
        standby.appendDecisions(records(WEB, 2, 4));
        standby.savePolicyState("web/p", "{\"v\":2}");
        assertThatThrownBy(() -> leader.appendDecisions(records(WEB, 60, 61))).isInstanceOf(StateStoreException.class);
        assertThat(leader.loadDecisions(WEB)).isEqualTo(records(WEB, 0, 4));
        assertThat(leader.loadPolicyState("web/p")).contains("{\"v\":2}");
      }
    }
  }

  @Test
  void theStateLoadLeavesTheHistoryOutSoALongHistoryNeverBreaksIt() {
    String root = "/big/_dynamite";
    try (EtcdStateStore s = store(root).build()) {
      s.saveStatus(EngineStatus.RUNNING);
      // 3 x 1.4 MB in one range would exceed gRPC's 4 MiB message limit
      String big = "x".repeat(1_400_000);
      for (int i = 0; i < 3; i++) {
        put(client, root + "/history/policy/big-" + i, big);
      }
      put(client, root + "/run/zzz", "after the history keys");
      assertThat(s.load().status()).isEqualTo(EngineStatus.RUNNING);
      assertThat(s.loadPolicyState("big-0")).hasValueSatisfying(v -> assertThat(v).hasSize(1_400_000));
    }
    try (EtcdStateStore s = store("/big-control/_dynamite").build()) {
      // the same keys outside the history: the load cannot read them (which is why they stay apart)
      String big = "x".repeat(1_400_000);
      for (int i = 0; i < 3; i++) {
        put(client, "/big-control/_dynamite/policy/big-" + i, big);
      }
      assertThatThrownBy(s::load).isInstanceOf(StateStoreException.class);
    }
  }

  @Test
  void anUnreadableRecordIsSkippedAndATooLargeStateIsRefused() {
    String root = "/odd/_dynamite";
    try (EtcdStateStore s = store(root).build()) {
      s.appendDecisions(records(WEB, 0, 3));
      put(client, root + "/history/decisions/web/00000000000000000001", "{not json");
      assertThat(s.loadDecisions(WEB)).containsExactly(record(WEB, 0), record(WEB, 2));
      String tooLarge = "y".repeat(StateStore.MAX_POLICY_STATE_BYTES + 1);
      assertThatThrownBy(() -> s.savePolicyState("web/p", tooLarge)).isInstanceOf(IllegalArgumentException.class)
          .hasMessage("the state of policy web/p is 65537 bytes; the limit is 65536");
      assertThat(s.loadPolicyState("web/p")).isEmpty();
      s.savePolicyStates(Map.of("web/p", "a", "web/up/q", "b"));
      assertThat(dump(client, root + "/history/policy/")).containsOnlyKeys(root + "/history/policy/web/p",
          root + "/history/policy/web/up/q");
    }
  }
}
