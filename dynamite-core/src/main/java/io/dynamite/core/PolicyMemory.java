package io.dynamite.core;

import io.dynamite.api.event.DecisionRecord;
import io.dynamite.api.spi.StateStore;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the engine remembers across restarts and failovers besides instances and intents: each
 * service's decision history and each policy's exported state ({@code ScalingPolicy.exportState}).
 * At leadership it reads both back from the store (into the {@link DecisionLog} and the policies);
 * after an evaluation it exports a policy's state once its interval has passed, and hands a changed
 * one to the actuator's asynchronous lane. Engine thread only.
 */
final class PolicyMemory {
  private static final Logger log = LoggerFactory.getLogger(ScalingEngine.class);

  private final Actuator actuator;
  private final Recorder recorder;
  private final Duration interval;
  /** False in a dry run: nothing is exported, because nothing would be stored. */
  private final boolean writes;

  PolicyMemory(Actuator actuator, Recorder recorder, Duration interval, boolean writes) {
    this.actuator = actuator;
    this.recorder = recorder;
    this.interval = interval;
    this.writes = writes;
  }

  /**
   * Reads the stored decision history of every service and restores every policy that keeps a
   * state from what is stored for it. A store that cannot be read is reported and leaves the
   * service's history or the policy's memory as it was: scaling goes on without it.
   */
  void restore(List<ServiceState> services) {
    if (actuator.historyCapacity() > 0) {
      for (ServiceState s : services) {
        try {
          List<DecisionRecord> stored = actuator.loadDecisions(s.id());
          recorder.history().replace(s.id(), stored);
        } catch (RuntimeException e) {
          recorder.pluginFailed("state-store", s.id(), "reading the decision history failed: " + ScalingEngine.describe(e));
        }
      }
    }
    for (ServiceState s : services) {
      for (PolicyBinding b : s.bindings) {
        if (b.keepsState) {
          restore(s, b);
        }
      }
    }
  }

  private void restore(ServiceState s, PolicyBinding b) {
    Optional<String> stored;
    try {
      stored = actuator.loadPolicyState(b.id);
    } catch (RuntimeException e) {
      recorder.pluginFailed("state-store", s.id(), "reading the state of policy " + b.id + " failed: "
          + ScalingEngine.describe(e));
      return;
    }
    b.exportDue = null; // export at the next evaluation
    if (stored.isEmpty()) {
      return;
    }
    try {
      b.policy.restoreState(stored.get());
      b.exported = stored.get();
      recorder.count("policy_state.restored");
      log.info("policy {} restored its state ({} bytes)", b.id, utf8Length(stored.get()));
    } catch (RuntimeException e) {
      recorder.count("policy.errors");
      recorder.pluginFailed(b.id, s.id(), "restoring its stored state failed, going on without it: "
          + ScalingEngine.describe(e));
    }
  }

  /** After an evaluation: exports the policy's state if it keeps one and its interval has passed. */
  void evaluated(PolicyBinding b, Instant now) {
    if (!b.keepsState || !writes || (b.exportDue != null && now.isBefore(b.exportDue))) {
      return;
    }
    b.exportDue = now.plus(interval);
    export(b);
  }

  /** Exports every policy's state now, whatever the interval; when the engine is closed. */
  void exportAll(List<ServiceState> services) {
    if (!writes) {
      return;
    }
    for (ServiceState s : services) {
      for (PolicyBinding b : s.bindings) {
        if (b.keepsState) {
          export(b);
        }
      }
    }
  }

  private void export(PolicyBinding b) {
    String text;
    try {
      text = b.policy.exportState();
    } catch (RuntimeException e) {
      recorder.count("policy.errors");
      recorder.pluginFailed(b.id, b.service.id(), "exportState failed: " + ScalingEngine.describe(e));
      return;
    }
    if (text == null || text.equals(b.exported)) {
      return;
    }
    int bytes = utf8Length(text);
    if (bytes > StateStore.MAX_POLICY_STATE_BYTES) {
      recorder.count("policy_state.too_large");
      if (!b.tooLargeReported) {
        b.tooLargeReported = true;
        recorder.pluginFailed(b.id, b.service.id(), "its state is " + bytes + " bytes; the limit is "
            + StateStore.MAX_POLICY_STATE_BYTES + " bytes, so it is not stored and a restart starts it afresh");
      }
      return;
    }
    b.exported = text;
    actuator.keep(b.id, text);
  }

  /** The UTF-8 length of a string, without encoding it. */
  static int utf8Length(String s) {
    int n = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        n++;
      } else if (c < 0x800) {
        n += 2;
      } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
        n += 4;
        i++;
      } else {
        n += 3;
      }
    }
    return n;
  }
}
