package io.dynamite.etcd;

import static io.dynamite.etcd.EtcdTestSupport.JSON;
import static io.dynamite.etcd.EtcdTestSupport.dump;
import static io.dynamite.etcd.EtcdTestSupport.fixture;
import static io.dynamite.etcd.EtcdTestSupport.put;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.dynamite.api.InstanceId;
import io.dynamite.api.InstancePlan;
import io.dynamite.api.ServiceId;
import io.dynamite.api.StateStoreException;
import io.dynamite.api.UnitOption;
import io.dynamite.api.UnitSpec;
import io.dynamite.api.state.ActionIntent;
import io.dynamite.api.state.EngineStatus;
import io.dynamite.api.state.InstanceRecord;
import io.dynamite.api.state.ServiceRecord;
import io.dynamite.api.state.StoredState;
import io.dynamite.testkit.etcd.EtcdExtension;
import io.dynamite.testkit.etcd.EtcdProcess;
import io.etcd.jetcd.Client;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(EtcdExtension.class)
class EtcdStateStoreIT {
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

  static EtcdStateStore store(String root) {
    return EtcdStateStore.builder()
        .settings(EtcdSettings.builder().endpoints(endpoint).build())
        .root(root)
        .build();
  }

  /** Writes the golden etcd_after tree of the last step under {@code root} as the original did. */
  static JsonNode loadGolden(String root) throws Exception {
    JsonNode after = fixture("etcd-fleet-golden-test-config.json").get("steps").get(3).get("etcd_after");
    for (Iterator<Map.Entry<String, JsonNode>> it = after.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String value = e.getValue().isTextual() ? e.getValue().asText() : JSON.writeValueAsString(e.getValue());
      put(client, e.getKey().replaceFirst("^/_dynamite", root), value);
    }
    return after;
  }

  @Test
  void adoptsTheOriginalsTreeAsItIs() throws Exception {
    String root = "/adopt/_dynamite";
    loadGolden(root);
    try (EtcdStateStore store = store(root)) {
      StoredState s = store.load();
      assertThat(s.status()).isEqualTo(EngineStatus.RUNNING);
      assertThat(s.configurationDocument()).get().extracting(d -> d.containsKey("Dynamite")).isEqualTo(true);
      assertThat(s.services()).extracting(r -> r.service().name()).containsExactly("a", "example");
      ServiceRecord a = s.services().get(0);
      assertThat(a.unit().unitFileName()).isEqualTo("a@.service");
      assertThat(a.unit().isTemplate()).isTrue();
      assertThat(a.unit().path()).isEqualTo("<SERVICE_FILES_DIR>/a@.service");
      assertThat(a.unit().options()).hasSize(11).first().isEqualTo(UnitOption.of("Unit", "Description", "MyApp"));
      assertThat(a.attached()).extracting(u -> u.service()).containsExactly("a_service_announcer", "a_logger");
      assertThat(a.attached().get(0).options()).hasSize(8);
      assertThat(a.usedNumbers()).containsExactly(0, 12022, 0, 0, 0);
      // B6: the original lost attached_services on the round trip; restored from the template
      assertThat(a.config()).containsEntry("attached_service", List.of("a_service_announcer", "a_logger"));
      assertThat(a.config()).containsEntry("min_instance", 2).containsEntry("max_instance", 5);
      ServiceRecord example = s.services().get(1);
      assertThat(example.unit().isTemplate()).isFalse();
      assertThat(example.usedNumbers()).isEmpty();
      assertThat(s.instances()).singleElement().satisfies(i -> {
        assertThat(i.id()).isEqualTo(new InstanceId(ServiceId.of("a"), "a@12022.service"));
        assertThat(i.number()).isEqualTo(12022);
        assertThat(i.attachedUnits()).containsExactly("a_service_announcer@12022.service", "a_logger@12022.service");
        assertThat(i.state()).isEqualTo("launched");
      });
      assertThat(s.intents()).isEmpty();
    }
  }

  @Test
  void writesTheOriginalsShapesAndKeepsWhatItDoesNotModel() throws Exception {
    String root = "/shapes/_dynamite";
    JsonNode golden = loadGolden(root);
    try (EtcdStateStore store = store(root)) {
      StoredState s = store.load();
      ServiceRecord a = s.services().get(0);
      store.saveService(a);
      store.saveInstance(s.instances().get(0));
      Map<String, String> tree = dump(client, root + "/");
      JsonNode written = JSON.readTree(tree.get(root + "/run/service/a/fleet_service_template"));
      JsonNode original = golden.get("/_dynamite/run/service/a/fleet_service_template");
      assertThat(fieldNames(written)).containsExactlyInAnyOrderElementsOf(fieldNames(original));
      assertThat(written.get("used_port_numbers")).isEqualTo(original.get("used_port_numbers"));
      assertThat(written.get("unit_file_details_json_dict")).isEqualTo(original.get("unit_file_details_json_dict"));
      assertThat(written.get("attached_services")).isEqualTo(original.get("attached_services"));
      assertThat(written.get("service_config_details").get("attached_services"))
          .isEqualTo(JSON.readTree("[\"a_service_announcer\",\"a_logger\"]"));
      assertThat(JSON.readTree(tree.get(root + "/run/service/a/a@12022.service")))
          .isEqualTo(golden.get("/_dynamite/run/service/a/a@12022.service"));
      assertThat(tree.get(root + "/state/application_status")).isEqualTo("Running");
      // and it reads back the same
      try (EtcdStateStore again = store(root)) {
        assertThat(again.load().services().get(0)).isEqualTo(a);
      }
    }
  }

  static List<String> fieldNames(JsonNode n) {
    List<String> out = new java.util.ArrayList<>();
    n.fieldNames().forEachRemaining(out::add);
    return out;
  }

  static ActionIntent intent(String id) {
    InstanceId iid = new InstanceId(ServiceId.of("a"), "a@12023.service");
    InstancePlan plan =
        new InstancePlan(
            iid,
            12023,
            new UnitSpec("a@12023.service", List.of(UnitOption.of("Service", "ExecStart", "/bin/true"))),
            List.of(new UnitSpec("a_logger@12023.service", List.of())));
    return new ActionIntent(id, ActionIntent.Kind.START, plan, Instant.parse("2026-01-01T00:00:00Z"));
  }

  @Test
  void anIntentSurvivesACrashOfEngineAndEtcdAndRecoveryFinishesIt(EtcdProcess etcd) {
    String root = "/crash/_dynamite";
    ActionIntent intent = intent("i-1");
    try (EtcdStateStore store = store(root)) {
      store.saveStatus(EngineStatus.RUNNING);
      store.saveIntent(intent);
      // the engine dies here, before the outcome; etcd is killed too (SIGKILL)
    }
    etcd.kill();
    etcd.restart();
    try (EtcdStateStore store = store(root)) {
      StoredState s =
          await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(store::load, st -> st != null);
      assertThat(s.status()).isEqualTo(EngineStatus.RUNNING);
      assertThat(s.intents()).containsExactly(intent);
      assertThat(s.instances()).isEmpty();
      // recovery finishes the action: outcome first, then the intent goes
      InstanceRecord outcome =
          new InstanceRecord(intent.plan().id(), 12023, List.of("a_logger@12023.service"), InstanceRecord.LAUNCHED);
      store.saveInstance(outcome);
      store.deleteIntent(intent.id());
      // repeating the outcome (a retried recovery) is harmless
      store.saveInstance(outcome);
      store.deleteIntent(intent.id());
      StoredState after = store.load();
      assertThat(after.intents()).isEmpty();
      assertThat(after.instances()).containsExactly(outcome);
      // rolled back the other way: the instance record goes and nothing else is touched
      store.deleteInstance(outcome.id());
      assertThat(store.load().instances()).isEmpty();
      assertThat(dump(client, root + "/")).containsOnlyKeys(root + "/state/application_status");
    }
  }

  @Test
  void aConcurrentWriterLosesTheCompareAndSwap() {
    String root = "/cas/_dynamite";
    try (EtcdStateStore a = store(root); EtcdStateStore b = store(root)) {
      a.load();
      b.load();
      a.saveStatus(EngineStatus.INITIALIZING);
      assertThatThrownBy(() -> b.saveStatus(EngineStatus.RUNNING))
          .isInstanceOf(StateStoreException.class)
          .hasMessageContaining("lost a race");
      // after re-reading, b may write
      b.load();
      b.saveStatus(EngineStatus.RUNNING);
      assertThat(a.load().status()).isEqualTo(EngineStatus.RUNNING);
    }
  }

  @Test
  void aStandbyCannotWriteWhenFenced() {
    String root = "/fenced/_dynamite";
    try (EtcdLeadership leader = EtcdLeadership.builder().client(client).election("/fence-e").ttl(Duration.ofSeconds(2)).build();
        EtcdLeadership standby = EtcdLeadership.builder().client(client).election("/fence-e").ttl(Duration.ofSeconds(2)).build()) {
      leader.start(l -> {});
      await().atMost(Duration.ofSeconds(5)).until(leader::isLeader);
      standby.start(l -> {});
      try (EtcdStateStore ls = EtcdStateStore.builder().client(client).root(root).fencedBy(leader).build();
          EtcdStateStore ss = EtcdStateStore.builder().client(client).root(root).fencedBy(standby).build()) {
        ls.saveStatus(EngineStatus.RUNNING);
        assertThatThrownBy(() -> ss.saveStatus(EngineStatus.NONE)).isInstanceOf(StateStoreException.class).hasMessageContaining("not the leader");
        assertThat(ls.load().status()).isEqualTo(EngineStatus.RUNNING);
      }
    }
  }

  @Test
  void everyStoredStatusLoads() {
    String root = "/status/_dynamite";
    for (String v : List.of("Initializing", "Running", "Recovering", "Dead", "", "garbage")) {
      put(client, root + "/state/application_status", v);
      try (EtcdStateStore store = store(root)) {
        assertThat(store.load().status()).isEqualTo(EngineStatus.fromStoredValue(v));
      }
    }
    try (EtcdStateStore store = store("/nothing/_dynamite")) {
      assertThat(store.load()).isEqualTo(StoredState.EMPTY);
    }
  }
}
