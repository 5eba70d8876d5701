package io.dynamite.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.dynamite.api.ServiceId;
import io.dynamite.api.ServiceView;
import io.dynamite.api.StateStoreException;
import io.dynamite.api.event.DecisionRecord;
import io.dynamite.api.spi.StateStore;
import io.dynamite.api.state.ActionIntent;
import io.dynamite.api.state.EngineStatus;
import io.dynamite.api.state.InstanceRecord;
import io.dynamite.api.state.ServiceRecord;
import io.dynamite.api.state.StoredState;
import io.dynamite.api.InstanceId;
import io.dynamite.testkit.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * The asynchronous lane of decision records and policy states to the store, on a direct executor
 * and a captured retry timer: batching, the bound on what waits while the store fails, what a
 * deposed leader does with what waits, and the latest-wins policy states.
 */
class HistoryWriterTest {
  private static final ServiceView WEB = new ServiceView(ServiceId.of("web"), 2, 0, 0, 1, 5);

  /** A store that records the history calls and fails them on demand. */
  static final class Store implements StateStore {
    final List<List<DecisionRecord>> appends = new ArrayList<>();
    final List<Map<String, String>> states = new ArrayList<>();
    boolean fail;

    @Override
    public int historyCapacity() {
      return 200;
    }

    @Override
    public void appendDecisions(List<DecisionRecord> records) {
      if (fail) {
        throw new StateStoreException("store down", null);
      }
      appends.add(records);
    }

    @Override
    public void savePolicyStates(Map<String, String> s) {
      if (fail) {
        throw new StateStoreException("store down", null);
      }
      states.add(s);
    }

    @Override
    public StoredState load() {
      return StoredState.EMPTY;
    }

    @Override
    public void saveStatus(EngineStatus status) {}

    @Override
    public void saveConfiguration(Map<String, Object> document) {}

    @Override
    public void saveService(ServiceRecord record) {}

    @Override
    public void saveInstance(InstanceRecord record) {}

    @Override
    public void deleteInstance(InstanceId id) {}

    @Override
    public void saveIntent(ActionIntent intent) {}

    @Override
    public void deleteIntent(String intentId) {}
  }

  private final Store store = new Store();
  private final Recorder recorder = new Recorder(ManualClock.atDefaultStart(), List.of(), new DecisionLog(10));
  private final List<Runnable> retries = new ArrayList<>();
  private final List<Duration> delays = new ArrayList<>();
  private final AtomicBoolean leading = new AtomicBoolean(true);
  private final HistoryWriter writer = new HistoryWriter(store, Runnable::run, null, leading::get, recorder,
      new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(30)), (delay, retry) -> {
        delays.add(delay);
        retries.add(retry);
        return true;
      });

  private static DecisionRecord record(int i) {
    return new DecisionRecord(Instant.EPOCH.plusSeconds(i), "web/p", null, WEB, 1, (double) i, "",
        DecisionRecord.Outcome.REFUSED, "record " + i, 5, List.of("max_instance 5"));
  }

  private void retry() {
    Runnable r = retries.remove(0);
    r.run();
  }

  @Test
  void withAWorkingStoreEveryRecordIsWrittenAtOnceInOrder() {
    writer.offer(record(1));
    writer.offer(record(2));
    assertThat(store.appends).containsExactly(List.of(record(1)), List.of(record(2)));
    assertThat(recorder.counters()).containsEntry("history.written", 2L);
  }

  @Test
  void whileTheStoreFailsTheOldestRecordsBeyondTheBoundAreDroppedAndTheRestGoInBatchesOnRetry() {
    store.fail = true;
    int n = HistoryWriter.MAX_WAITING + 100;
    for (int i = 0; i < n; i++) {
      writer.offer(record(i));
    }
    // one attempt failed; the others waited behind its retry timer
    assertThat(retries).hasSize(1);
    assertThat(delays).containsExactly(Duration.ofSeconds(1));
    assertThat(writer.waiting()).isEqualTo(HistoryWriter.MAX_WAITING);
    assertThat(recorder.counters()).containsEntry("history.dropped", 100L).containsEntry("history.write_failures", 1L);

    retry(); // still down: the backoff doubles
    assertThat(delays).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2));
    assertThat(writer.waiting()).isEqualTo(HistoryWriter.MAX_WAITING);

    store.fail = false;
    retry();
    assertThat(retries).isEmpty();
    assertThat(writer.waiting()).isZero();
    assertThat(store.appends).hasSize(HistoryWriter.MAX_WAITING / HistoryWriter.MAX_BATCH)
        .allSatisfy(batch -> assertThat(batch).hasSize(HistoryWriter.MAX_BATCH));
    List<DecisionRecord> written = store.appends.stream().flatMap(List::stream).toList();
    assertThat(written.get(0)).isEqualTo(record(100)); // the oldest 100 were dropped
    assertThat(written.get(written.size() - 1)).isEqualTo(record(n - 1));
    assertThat(written).extracting(DecisionRecord::at).isSorted();
  }

  @Test
  void aDeposedLeaderDropsWhatWaitsInsteadOfWritingIt() {
    store.fail = true;
    writer.offer(record(1));
    writer.offerState("web/p", "{}");
    leading.set(false);
    store.fail = false;
    retry();
    assertThat(store.appends).isEmpty();
    assertThat(store.states).isEmpty();
    assertThat(writer.waiting()).isZero();
    assertThat(recorder.counters()).containsEntry("history.dropped", 1L).containsEntry("policy_state.dropped", 1L);
  }

  @Test
  void onlyThePolicysLatestStateWaitsAndAFailedOneIsWrittenOnRetryUnlessANewerCame() {
    store.fail = true;
    writer.offerState("web/a", "a1");
    writer.offerState("web/b", "b1");
    writer.offerState("web/a", "a2");
    store.fail = false;
    retry();
    assertThat(store.states).containsExactly(Map.of("web/a", "a2", "web/b", "b1"));
    assertThat(recorder.counters()).containsEntry("policy_state.saved", 2L);
  }

  @Test
  void flushMakesOneLastAttemptWithoutWaitingForTheBackoff() {
    store.fail = true;
    writer.offer(record(1));
    store.fail = false;
    writer.flush(Duration.ofSeconds(1).toNanos());
    assertThat(store.appends).containsExactly(List.of(record(1)));
  }
}
