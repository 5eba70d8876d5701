package io.dynamite.core;

import io.dynamite.api.Direction;
import io.dynamite.api.PolicyOutcome;
import io.dynamite.api.ScalingDecision;
import io.dynamite.api.event.DecisionRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One service's way from its policies to actions, each stage once: evaluate policies, combine
 * their recommendations, apply bounds and gates, plan and run the actions, record the decision and
 * tell each policy what became of its recommendation. Then set the service's timer for the
 * earliest time a policy or a backoff wants another look. Engine thread only.
 */
final class Pipeline {
  private static final Logger log = LoggerFactory.getLogger(ScalingEngine.class);

  private final PolicyStage policies;
  private final Bounds bounds = new Bounds();
  private final Planner planner;
  private final Recorder recorder;
  private final EngineLoop loop;
  private final boolean dryRun;

  Pipeline(PolicyStage policies, Planner planner, Recorder recorder, EngineLoop loop, boolean dryRun) {
    this.policies = policies;
    this.planner = planner;
    this.recorder = recorder;
    this.loop = loop;
    this.dryRun = dryRun;
  }

  /** Evaluates one service now. */
  void evaluate(ServiceState s, Instant now) {
    s.dirty = false;
    if (s.pendingUpRetries > 0) {
      retryFailedUps(s, now);
    }
    List<Recommendation> recs = policies.evaluate(s, now);
    if (recs.isEmpty() && s.projected() >= s.config.minInstance()) {
      arm(s, now); // nothing recommended and nothing to top up: the common case, kept cheap
      return;
    }
    Recommendation winner;
    if (Combiner.hasBounds(recs)) {
      List<Recommendation> bounded = new ArrayList<>(recs.size());
      winner = Combiner.bounded(recs, s.projected(), bounded);
      recs = bounded;
    } else {
      winner = Combiner.winner(recs);
    }
    Bounds.Decision d = bounds.apply(s, winner == null ? null : winner.count(), now);
    List<ActionRunner.Result> results = act(s, d, winner);
    if (!recs.isEmpty()) {
      record(s, now, recs, winner, d, results);
    }
    arm(s, now);
  }

  /** Publishes the counts of the evaluations since the last call; once per evaluation pass. */
  void endOfPass() {
    policies.flushCounts();
  }

  private List<ActionRunner.Result> act(ServiceState s, Bounds.Decision d, @Nullable Recommendation winner) {
    int delta = d.delta();
    if (delta == 0) {
      return List.of();
    }
    if (d.topUp()) {
      String reason = "below min_instance " + s.config.minInstance() + " (" + s.describeCounts() + ")";
      if (dryRun) {
        // reported once per shortfall: a dry run evaluates again and again without changing anything
        if (s.reportedShortfall != delta) {
          s.reportedShortfall = delta;
          log.info("dry run: would start {} instance(s) of service={} to reach min_instance {} ({})",
              delta, s.id(), s.config.minInstance(), s.describeCounts());
        }
        return List.of();
      }
      return planner.scaleUp(s, delta, reason, 1);
    }
    String reason = winner == null ? "" : winner.decision().reason();
    if (delta > 0) {
      return planner.scaleUp(s, delta, reason, 1);
    }
    return planner.scaleDown(s, -delta, reason, winner.triggers(), winner.binding().query);
  }

  /** One decision record per recommending policy, and its outcome for its next evaluation. */
  private void record(ServiceState s, Instant now, List<Recommendation> recs, @Nullable Recommendation winner,
      Bounds.Decision d, List<ActionRunner.Result> results) {
    boolean begun = false;
    boolean simulated = false;
    for (ActionRunner.Result r : results) {
      begun |= r.began() == ActionRunner.Began.BEGUN;
      simulated |= r.began() == ActionRunner.Began.SIMULATED;
    }
    for (Recommendation rec : recs) {
      if (rec.count() == d.current()) {
        // a policy content with the current count: a hold, whatever the others wanted
        if (!rec.samples().isEmpty()) {
          policies.hold(rec.binding(), now, rec.before(), rec.samples(), rec.decision().reason());
        }
        rec.binding().previous = new PolicyOutcome(now, winner == rec || winner.count() == rec.count()
            ? PolicyOutcome.Kind.APPLIED : PolicyOutcome.Kind.OVERRULED, rec.count(), d.desired(), List.of(), "");
        continue;
      }
      Direction dir = rec.count() > d.current() ? Direction.UP : Direction.DOWN;
      int wantedSteps = Math.abs(rec.count() - d.current());
      List<String> texts = new ArrayList<>();
      // the winner went the same way (up, or down) as this recommendation; staying put is neither
      boolean sameWay = winner != null
          && Integer.compare(winner.count(), d.current()) == Integer.compare(rec.count(), d.current());
      if (!sameWay) {
        texts.add("not scaled because " + winner.binding().id + " recommends " + winner.count());
      } else {
        for (ActionRunner.Result r : results) {
          texts.add(r.began() == ActionRunner.Began.BEGUN ? r.text() : "not scaled because " + r.text());
        }
        String why = d.refusal() != null ? d.refusal()
            : d.limit() != null ? d.limit()
            : d.clamps().isEmpty() ? null : String.join(", ", d.clamps()) + " reached (" + s.describeCounts() + ")";
        for (int i = results.size(); i < wantedSteps && why != null; i++) {
          texts.add("not scaled because " + why);
        }
        if (texts.isEmpty()) {
          texts.add("already at " + d.desired());
        }
      }
      String reason = rec.decision().reason() + " -> " + String.join("; ", texts);
      boolean scaled = sameWay && begun;
      log.info("decision policy={} outcome={} reason={}", rec.binding().id, scaled ? "scaled" : "refused", reason);
      PolicyOutcome.Kind kind = !sameWay ? PolicyOutcome.Kind.OVERRULED
          : simulated ? PolicyOutcome.Kind.DRY_RUN
          : !begun ? PolicyOutcome.Kind.REFUSED
          : rec != winner && rec.count() != d.desired() ? PolicyOutcome.Kind.OVERRULED
          : !d.clamps().isEmpty() ? PolicyOutcome.Kind.CLAMPED
          : PolicyOutcome.Kind.APPLIED;
      policies.record(rec.binding(), now, rec.before(), rec.samples(), dir,
          scaled ? DecisionRecord.Outcome.SCALED : DecisionRecord.Outcome.REFUSED, reason,
          d.refusal() != null ? d.current() : d.desired(), d.clamps(), kind);
      rec.binding().previous = new PolicyOutcome(now, kind, rec.count(), d.refusal() != null ? d.current() : d.desired(),
          d.clamps(), String.join("; ", texts));
    }
  }

  private void retryFailedUps(ServiceState s, Instant now) {
    while (s.pendingUpRetries > 0 && (s.backoffUntil == null || !now.isBefore(s.backoffUntil))) {
      s.pendingUpRetries--;
      int max = s.config.effectiveMax();
      String refused;
      if (s.projected() >= max) {
        refused = "max_instance " + max + " reached (" + s.describeCounts() + ")";
      } else {
        ActionRunner.Result r = planner.scaleUp(s, 1, "retry of a failed scale-up", s.nextUpAttempt).get(0);
        refused = r.began() == ActionRunner.Began.BEGUN ? null : r.text();
      }
      if (refused != null) {
        log.info("dropping a failed scale-up of service={}: not scaled because {}", s.id(), refused);
        s.pendingUpRetries = 0;
      }
    }
  }

  /** Sets the service's timer for the earliest time a policy or the backoff asks for. */
  private void arm(ServiceState s, Instant now) {
    if (s.backoffUntil == null && !s.asksForTime) {
      return; // no policy has ever asked for a timer, no backoff: nothing to arm
    }
    Instant next = null;
    for (var b : s.bindings) {
      Instant t;
      try {
        t = b.policy.nextEvaluation();
      } catch (RuntimeException e) {
        recorder.pluginFailed(b.id, s.id(), "nextEvaluation failed: " + ScalingEngine.describe(e));
        t = null;
      }
      if (t != null && t.isAfter(now) && (next == null || t.isBefore(next))) {
        next = t;
      }
    }
    if (s.backoffUntil != null && s.backoffUntil.isAfter(now) && (next == null || s.backoffUntil.isBefore(next))) {
      next = s.backoffUntil;
    }
    if (next == null || (s.timerAt != null && !s.timerAt.isAfter(next) && s.timerAt.isAfter(now))) {
      return; // nothing wanted, or an earlier timer is already set
    }
    if (s.timer != null) {
      s.timer.cancel(false);
    }
    s.timerAt = next;
    s.timer = loop.schedule("timer of " + s.id(), Duration.between(now, next), () -> {
      s.timer = null;
      s.timerAt = null;
      s.dirty = true;
      loop.wake();
    });
  }

  /**
   * Combines recommendations as HPA does: the highest wins, so a scale-down needs every policy's
   * consent. Bounds ({@link ScalingDecision.Bound}) then limit that result: the highest floor and
   * the lowest ceiling (the floor wins when they cross); without any recommendation they limit the
   * current count. A bound that changes the result becomes the winner.
   */
  static final class Combiner {
    private Combiner() {}

    static boolean hasBounds(List<Recommendation> recs) {
      for (Recommendation r : recs) {
        if (r.decision() instanceof ScalingDecision.Bound) {
          return true;
        }
      }
      return false;
    }

    /**
     * The winner with bounds applied. {@code out} receives the recommendations to record: the
     * ordinary ones, the desired counts of bounds, and the bound that decided, if one did.
     */
    static @Nullable Recommendation bounded(List<Recommendation> recs, int current, List<Recommendation> out) {
      Recommendation floor = null;
      Recommendation ceiling = null;
      for (Recommendation r : recs) {
        if (r.decision() instanceof ScalingDecision.Bound b) {
          if (floor == null || b.floor() > ((ScalingDecision.Bound) floor.decision()).floor()) {
            floor = r;
          }
          if (ceiling == null || b.ceiling() < ((ScalingDecision.Bound) ceiling.decision()).ceiling()) {
            ceiling = r;
          }
          if (b.desired() != null) {
            out.add(r);
          }
        } else {
          out.add(r);
        }
      }
      Recommendation winner = winner(out);
      int lo = ((ScalingDecision.Bound) floor.decision()).floor();
      int hi = Math.max(lo, ((ScalingDecision.Bound) ceiling.decision()).ceiling());
      int base = winner == null ? current : winner.count();
      Recommendation decider = null;
      int count = base;
      if (base < lo) {
        decider = floor;
        count = lo;
      } else if (base > hi) {
        decider = ceiling;
        count = hi;
      }
      if (decider == null) {
        return winner;
      }
      Recommendation d = decider;
      out.removeIf(r -> r.binding() == d.binding()); // its desired count was limited by its own bound
      Recommendation bound = new Recommendation(d.binding(), d.decision(), count, List.of(), d.before(), d.samples());
      out.add(bound);
      return bound;
    }

    static @Nullable Recommendation winner(List<Recommendation> recs) {
      Recommendation best = null;
      for (Recommendation r : recs) {
        if (best == null || r.count() > best.count()) {
          best = r;
        }
      }
      return best;
    }
  }
}
