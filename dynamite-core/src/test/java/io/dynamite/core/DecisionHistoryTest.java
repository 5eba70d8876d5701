package io.dynamite.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.dynamite.api.PolicyInput;
import io.dynamite.api.PolicySpec;
import io.dynamite.api.ScalingDecision;
import io.dynamite.api.ServiceId;
import io.dynamite.api.event.DecisionRecord;
import io.dynamite.api.event.EngineEvent;
import io.dynamite.api.spi.Leadership;
import io.dynamite.api.spi.PluginContext;
import io.dynamite.api.spi.ScalingPolicy;
import io.dynamite.api.spi.ScalingPolicyProvider;
import io.dynamite.api.spi.StateStore;
import io.dynamite.core.config.DynamiteConfig;
import io.dynamite.core.config.PolicyConfig;
import io.dynamite.testkit.InMemoryStateStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * The durable decision history and the policies' stored state, through the real engine on a manual
 * clock: where and when records are written (off the engine thread, never in a dry run, never by a
 * standby), what a restart on the same store shows at once, the bound, a failing store, and the
 * export, restore and limits of a policy's state.
 */
class DecisionHistoryTest {
  private static final ServiceId WEB = ServiceId.of("web");

  /** Scripted policies whose state is a counter of their evaluations, exported as text. */
  static final class Counting implements ScalingPolicyProvider {
    final Map<String, Function<PolicyInput, ScalingDecision>> scripts = new HashMap<>();
    final Map<String, Integer> evaluations = new HashMap<>();
    final List<String> restored = new ArrayList<>();
    /** What exportState returns instead of the counter, if set. */
    @Nullable String exportOverride;

    @Override
    public String type() {
      return "counting";
    }

    @Override
    public ScalingPolicy create(PolicySpec spec, PluginContext context) {
      String name = spec.name();
      return new ScalingPolicy() {
        @Override
        public ScalingDecision evaluate(PolicyInput input) {
          evaluations.merge(name, 1, Integer::sum);
          return scripts.getOrDefault(name, in -> ScalingDecision.hold("no script")).apply(input);
        }

        @Override
        public @Nullable String exportState() {
          return exportOverride != null ? exportOverride : "{\"evaluations\":" + evaluations.getOrDefault(name, 0) + "}";
        }

        @Override
        public void restoreState(String state) {
          restored.add(state);
          if (!state.startsWith("{\"evaluations\":")) {
            throw new IllegalArgumentException("not a counter: " + state);
          }
          evaluations.put(name, Integer.parseInt(state.replaceAll("[^0-9]", "")));
        }
      };
    }
  }

  private static DynamiteConfig web(int min, int max) {
    return TestConfigs.create().templateWithPolicies("web", min, max, 8080, List.of("p"))
        .policy(new PolicyConfig("p", "counting", PipelineTest.CPU, Map.of())).build();
  }

  private static EngineHarness harness(DynamiteConfig c, InMemoryStateStore store, Counting policies,
      java.util.function.Consumer<ScalingEngineBuilder> more) {
    return new EngineHarness(c, store, b -> {
      b.policyProvider(policies).reconcileInterval(Duration.ofHours(1));
      more.accept(b);
    });
  }

  /** One sample, evaluated at once. */
  private static void sample(EngineHarness h, double value) {
    h.metrics.push(PipelineTest.CPU, "u1", h.clock.instant(), value);
    h.scheduler.advance(Duration.ofSeconds(1));
  }

  private static List<String> appends(InMemoryStateStore store) {
    return store.writes().stream().filter(w -> w.startsWith("appendDecisions")).toList();
  }

  private static List<String> stateSaves(InMemoryStateStore store) {
    return store.writes().stream().filter(w -> w.startsWith("savePolicyState")).toList();
  }

  /** Runs what waits on a queued executor, like a history thread would. */
  private static void runAll(List<Runnable> lane) {
    while (!lane.isEmpty()) {
      lane.remove(0).run();
    }
  }

  // ---- decision history --------------------------------------------------------------------------

  @Test
  void theActionDoesNotWaitForTheHistoryWriteWhichRunsOnItsOwnExecutor() {
    Counting p = new Counting();
    List<Runnable> lane = new ArrayList<>();
    InMemoryStateStore store = new InMemoryStateStore();
    try (EngineHarness h = harness(web(1, 5), store, p, b -> b.historyExecutor(lane::add)).start()) {
      runAll(lane); // the policy's state exported at the first evaluation
      p.scripts.put("p", in -> ScalingDecision.scaleTo(3, "busy"));
      sample(h, 90);
      // the instances were started and recorded (intents, records) while the record waits
      assertThat(h.target.started()).hasSize(3);
      assertThat(store.writes()).anyMatch(w -> w.startsWith("saveIntent")).noneMatch(w -> w.startsWith("appendDecisions"));
      assertThat(store.loadDecisions(WEB)).isEmpty();
      assertThat(h.engine.decisionHistory(WEB)).singleElement()
          .satisfies(r -> assertThat(r.outcome()).isEqualTo(DecisionRecord.Outcome.SCALED));
      assertThat(lane).hasSize(1);

      runAll(lane);
      assertThat(store.loadDecisions(WEB)).singleElement().satisfies(r -> {
        assertThat(r.policyId()).isEqualTo("web/p");
        assertThat(r.reason()).startsWith("busy -> ");
        assertThat(r.desired()).isEqualTo(3);
      });
      assertThat(appends(store)).containsExactly("appendDecisions 1");
    }
  }

  @Test
  void recordsWaitingWhileAWriteRunsAreCoalescedIntoTheNextAppend() {
    Counting p = new Counting();
    List<Runnable> lane = new ArrayList<>();
    InMemoryStateStore store = new InMemoryStateStore();
    try (EngineHarness h = harness(web(1, 2), store, p, b -> b.historyExecutor(lane::add)).start()) {
      p.scripts.put("p", in -> ScalingDecision.scaleTo(5, "wants 5"));
      for (int i = 0; i < 4; i++) {
        sample(h, 90); // each evaluation is refused at max_instance 2 (after the first start)
      }
      assertThat(h.engine.decisionHistory(WEB)).hasSize(4);
      // one drain is submitted (for the state the policy exported at its first evaluation) and
      // nothing more while it waits; when it runs it takes every record that waits
      assertThat(lane).hasSize(1);
      lane.remove(0).run();
      assertThat(lane).isEmpty();
      assertThat(appends(store)).containsExactly("appendDecisions 4");
      assertThat(store.loadDecisions(WEB)).extracting(DecisionRecord::at)
          .containsExactlyElementsOf(h.engine.decisionHistory(WEB).stream().map(DecisionRecord::at).toList());
    }
  }

  @Test
  void aRestartOnTheSameStoreShowsTheStoredHistoryBeforeItsFirstDecision() {
    Counting p = new Counting();
    InMemoryStateStore store = new InMemoryStateStore();
    List<DecisionRecord> before;
    EngineHarness first = harness(web(1, 3), store, p, b -> {}).start();
    try (first) {
      p.scripts.put("p", in -> ScalingDecision.scaleTo(2, "up to 2"));
      sample(first, 90);
      p.scripts.put("p", in -> ScalingDecision.scaleTo(9, "up to 9"));
      sample(first, 95); // clamped at 3
      p.scripts.put("p", in -> ScalingDecision.hold("fine"));
      sample(first, 50); // holds are not kept
      before = first.engine.decisionHistory(WEB);
      assertThat(before).extracting(DecisionRecord::outcome)
          .containsExactly(DecisionRecord.Outcome.SCALED, DecisionRecord.Outcome.SCALED);
    }
    first.scheduler.runPending(); // the last writes queued at close
    assertThat(store.loadDecisions(WEB)).isEqualTo(before);

    try (EngineHarness second = new EngineHarness(web(1, 3), store, first.clock, first.target,
        b -> b.policyProvider(p).reconcileInterval(Duration.ofHours(1))).start()) {
      assertThat(second.events.decisions()).isEmpty();
      assertThat(second.engine.decisionHistory(WEB)).isEqualTo(before);
      p.scripts.put("p", in -> ScalingDecision.scaleTo(1, "down to 1"));
      sample(second, 5);
      List<DecisionRecord> now = second.engine.decisionHistory(WEB);
      assertThat(now).hasSize(3).startsWith(before.toArray(DecisionRecord[]::new));
      assertThat(now.get(2).reason()).startsWith("down to 1");
      assertThat(store.loadDecisions(WEB)).isEqualTo(now);
    }
  }

  @Test
  void theRingKeepsTheNewestRecordsUpToItsCapacity() {
    Counting p = new Counting();
    InMemoryStateStore store = new InMemoryStateStore(3);
    try (EngineHarness h = harness(web(1, 2), store, p, b -> {}).start()) {
      assertThat(h.engine.decisionHistoryCapacity()).isEqualTo(3);
      assertThat(h.engine.decisionHistoryDurable()).isTrue();
      for (int i = 0; i < 5; i++) {
        int n = i;
        p.scripts.put("p", in -> ScalingDecision.scaleTo(5, "try " + n));
        sample(h, 90);
      }
      assertThat(store.loadDecisions(WEB)).extracting(r -> r.reason().substring(0, 5))
          .containsExactly("try 2", "try 3", "try 4");
      assertThat(h.engine.decisionHistory(WEB)).isEqualTo(store.loadDecisions(WEB));
    }
  }

  @Test
  void aStoreWithoutHistoryKeepsItInMemoryOnly() {
    Counting p = new Counting();
    InMemoryStateStore store = new InMemoryStateStore(0);
    try (EngineHarness h = harness(web(1, 2), store, p, b -> {}).start()) {
      p.scripts.put("p", in -> ScalingDecision.scaleTo(2, "up"));
      sample(h, 90);
      assertThat(h.engine.decisionHistoryDurable()).isFalse();
      assertThat(h.engine.decisionHistoryCapacity()).isEqualTo(StateStore.DEFAULT_HISTORY_CAPACITY);
      assertThat(h.engine.decisionHistory(WEB)).hasSize(1);
      assertThat(appends(store)).isEmpty();
    }
  }

  @Test
  void whileHistoryWritesFailActionsGoOnAndTheRecordsAreWrittenAfterTheBackoff() {
    Counting p = new Counting();
    InMemoryStateStore store = new InMemoryStateStore();
    try (EngineHarness h = harness(web(1, 5), store, p, b -> b.retryBackoff(Duration.ofSeconds(2), Duration.ofSeconds(8)))
        .start()) {
      store.failHistoryWrites(true);
      p.scripts.put("p", in -> ScalingDecision.scaleTo(2, "up to 2"));
      sample(h, 90);
      p.scripts.put("p", in -> ScalingDecision.scaleTo(3, "up to 3"));
      sample(h, 91);
      assertThat(h.target.started()).hasSize(3);
      assertThat(store.loadDecisions(WEB)).isEmpty();
      assertThat(h.engine.snapshot().counters()).containsKey("history.write_failures");
      assertThat(h.engine.decisionHistory(WEB)).hasSize(2);

      store.failHistoryWrites(false);
      h.scheduler.advance(Duration.ofSeconds(8)); // the backoff (2 s, then 4 s) runs out
      assertThat(store.loadDecisions(WEB)).extracting(DecisionRecord::reason)
          .satisfiesExactly(r -> assertThat(r).startsWith("up to 2"), r -> assertThat(r).startsWith("up to 3"));
      assertThat(h.engine.snapshot().counters()).containsEntry("history.written", 2L).doesNotContainKey("history.dropped");
    }
  }

  @Test
  void aStandbyShowsWhatTheStoreHoldsAndWritesNothing() {
    Counting p = new Counting();
    InMemoryStateStore store = new InMemoryStateStore();
    List<DecisionRecord> leaderRecords;
    EngineHarness leader = harness(web(1, 3), store, p, b -> {}).start();
    try (leader) {
      p.scripts.put("p", in -> ScalingDecision.scaleTo(2, "up to 2"));
      sample(leader, 90);
      leaderRecords = leader.engine.decisionHistory(WEB);
    }
    leader.scheduler.runPending();
    Leadership never = new Leadership() {
      @Override
      public void start(Listener listener) {
        listener.leadershipChanged(false);
      }

      @Override
      public boolean isLeader() {
        return false;
      }
    };
    int writes = store.writes().size();
    try (EngineHarness standby = harness(web(1, 3), store, p, b -> b.leadership(never)).start()) {
      sample(standby, 90);
      assertThat(standby.engine.snapshot().leader()).isFalse();
      assertThat(standby.engine.decisionHistory(WEB)).isEqualTo(leaderRecords).hasSize(1);
      // the store changes (another leader writes): a standby reads it again
      store.appendDecisions(List.of(leaderRecords.get(0)));
      assertThat(standby.engine.decisionHistory(WEB)).hasSize(2);
    }
    assertThat(store.writes()).hasSize(writes + 1); // only the test's own append
  }

  // ---- policy state ------------------------------------------------------------------------------

  @Test
  void aPolicysStateIsStoredAtMostOncePerIntervalAndAtCloseAndRestoredBeforeTheFirstEvaluation() {
    Counting p = new Counting();
    InMemoryStateStore store = new InMemoryStateStore();
    EngineHarness first = harness(web(1, 3), store, p, b -> b.policyStateInterval(Duration.ofSeconds(10))).start();
    try (first) {
      for (int i = 0; i < 25; i++) {
        sample(first, 50); // one evaluation a second
      }
      // evaluation 1 when the engine became ready, then one per sample, 26 in all; the state was
      // exported at the first and then once per 10 s: evaluations 1, 12 (10 s) and 22 (20 s)
      assertThat(p.evaluations.get("p")).isEqualTo(26);
      assertThat(stateSaves(store)).hasSize(3);
      assertThat(store.loadPolicyState("web/p")).contains("{\"evaluations\":22}");
    }
    first.scheduler.runPending(); // the write of the state exported at close
    assertThat(stateSaves(store)).hasSize(4);
    assertThat(store.loadPolicyState("web/p")).contains("{\"evaluations\":26}");

    p.evaluations.clear();
    try (EngineHarness second = new EngineHarness(web(1, 3), store, first.clock, first.target,
        b -> b.policyProvider(p).reconcileInterval(Duration.ofHours(1))).start()) {
      assertThat(p.restored).containsExactly("{\"evaluations\":26}");
      // the first evaluation of the new engine counted on from the restored state
      assertThat(p.evaluations.get("p")).isEqualTo(27);
      assertThat(second.engine.snapshot().counters()).containsEntry("policy_state.restored", 1L);
    }
  }

  @Test
  void aStateTheStoreCannotTakeIsReportedOnceAndNotStored() {
    Counting p = new Counting();
    p.exportOverride = "x".repeat(StateStore.MAX_POLICY_STATE_BYTES + 1);
    InMemoryStateStore store = new InMemoryStateStore();
    try (EngineHarness h = harness(web(1, 3), store, p, b -> b.policyStateInterval(Duration.ofSeconds(1))).start()) {
      for (int i = 0; i < 5; i++) {
        sample(h, 50);
      }
      assertThat(store.loadPolicyState("web/p")).isEmpty();
      assertThat(h.events.events(EngineEvent.PluginFailed.class)).filteredOn(e -> e.plugin().equals("web/p"))
          .singleElement().satisfies(e -> assertThat(e.error()).contains("the limit is 65536 bytes"));
      assertThat(h.engine.snapshot().counters().get("policy_state.too_large")).isGreaterThanOrEqualTo(5L);
    }
  }

  @Test
  void aStoredStateThePolicyRejectsIsReportedAndThePolicyGoesOnWithoutIt() {
    Counting p = new Counting();
    InMemoryStateStore store = new InMemoryStateStore();
    store.savePolicyState("web/p", "garbage");
    p.scripts.put("p", in -> ScalingDecision.scaleTo(2, "up"));
    try (EngineHarness h = harness(web(1, 3), store, p, b -> {}).start()) {
      sample(h, 90);
      assertThat(p.restored).containsExactly("garbage");
      assertThat(h.events.events(EngineEvent.PluginFailed.class)).anyMatch(e -> e.plugin().equals("web/p")
          && e.error().contains("restoring its stored state failed, going on without it: not a counter: garbage"));
      assertThat(h.target.started()).hasSize(2);
      assertThat(store.loadPolicyState("web/p")).contains("{\"evaluations\":1}");
    }
  }

  @Test
  void aDryRunReadsTheStoredMemoryButWritesNeitherHistoryNorState() {
    Counting p = new Counting();
    InMemoryStateStore store = new InMemoryStateStore();
    store.savePolicyState("web/p", "{\"evaluations\":7}");
    int writes = store.writes().size();
    p.scripts.put("p", in -> ScalingDecision.scaleTo(3, "up"));
    try (EngineHarness h = harness(web(1, 3), store, p, b -> b.dryRun(true)).start()) {
      for (int i = 0; i < 15; i++) {
        sample(h, 90);
      }
      assertThat(p.restored).containsExactly("{\"evaluations\":7}");
      assertThat(h.engine.decisionHistory(WEB)).isNotEmpty();
    }
    assertThat(store.writes()).hasSize(writes);
    assertThat(store.loadDecisions(WEB)).isEmpty();
    assertThat(store.loadPolicyState("web/p")).contains("{\"evaluations\":7}");
  }
}
