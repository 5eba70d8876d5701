package io.dynamite.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dynamite.testkit.etcd.EtcdExtension;
import io.etcd.jetcd.Client;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(EtcdExtension.class)
class EtcdLeadershipIT {
  static final Duration TTL = Duration.ofSeconds(2);
  static String endpoint;

  @BeforeAll
  static void endpoint(String url) {
    endpoint = url;
  }

  static EtcdLeadership candidate(String election, String id) {
    return EtcdLeadership.builder()
        .settings(EtcdSettings.builder().endpoints(endpoint).build())
        .election(election)
        .candidateId(id)
        .ttl(TTL)
        .retryDelay(Duration.ofMillis(100))
        .build();
  }

  @Test
  void onlyOneLeadsAndResignationHandsOverAtOnce() {
    List<Boolean> aEvents = new CopyOnWriteArrayList<>();
    List<Boolean> bEvents = new CopyOnWriteArrayList<>();
    try (EtcdLeadership a = candidate("/e1", "a"); EtcdLeadership b = candidate("/e1", "b")) {
      a.start(aEvents::add);
      await().atMost(Duration.ofSeconds(5)).until(a::isLeader);
      b.start(bEvents::add);
      await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2)).until(() -> !b.isLeader());
      long t0 = System.nanoTime();
      a.close();
      await().atMost(Duration.ofSeconds(2)).until(b::isLeader);
      assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(1));
      assertThat(aEvents).containsExactly(true, false);
      assertThat(bEvents).containsExactly(true);
    }
  }

  @Test
  void standbyTakesOverWithinTtlWhenTheLeadersProcessDies() {
    Client leaderClient = Client.builder().endpoints(endpoint).build();
    EtcdLeadership a =
        EtcdLeadership.builder().client(leaderClient).election("/e2").candidateId("a").ttl(TTL).build();
    try (EtcdLeadership b = candidate("/e2", "b")) {
      a.start(l -> {});
      await().atMost(Duration.ofSeconds(5)).until(a::isLeader);
      b.start(l -> {});
      // the process dies: its connection goes away without resigning or revoking
      long t0 = System.nanoTime();
      leaderClient.close();
      await().atMost(TTL.plusSeconds(1)).until(b::isLeader);
      assertThat(a.isLeader()).isFalse();
      assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(TTL.plusSeconds(1));
    } finally {
      a.close();
    }
  }

  @Test
  void aLeaderThatCannotRenewStopsActingBeforeTheStandbyWins() {
    List<Long> aLost = new CopyOnWriteArrayList<>();
    List<Long> bWon = new CopyOnWriteArrayList<>();
    EtcdLeadership a = candidate("/e3", "a");
    try (EtcdLeadership b = candidate("/e3", "b")) {
      a.start(l -> {
        if (!l) {
          aLost.add(System.nanoTime());
        }
      });
      await().atMost(Duration.ofSeconds(5)).until(a::isLeader);
      b.start(l -> {
        if (l) {
          bWon.add(System.nanoTime());
        }
      });
      long t0 = System.nanoTime();
      // SIGKILL-like freeze: keep-alives stop, nothing is revoked
      a.partitionForTest();
      await().atMost(TTL.plusSeconds(1)).until(b::isLeader);
      assertThat(aLost).hasSize(1);
      assertThat(aLost.get(0)).isLessThan(bWon.get(0));
      assertThat(Duration.ofNanos(bWon.get(0) - t0)).isLessThan(TTL.plusSeconds(1));
      // the frozen leader never believed it led while the standby did
      assertThat(a.isLeader()).isFalse();
    } finally {
      a.close();
    }
  }
}
