package io.dynamite.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dynamite.api.ConfigException;
import io.dynamite.api.Direction;
import io.dynamite.api.InstancePlan;
import io.dynamite.api.InstanceView;
import io.dynamite.api.MetricQuery;
import io.dynamite.api.MetricSeries;
import io.dynamite.api.PolicyInput;
import io.dynamite.api.PolicyOutcome;
import io.dynamite.api.PolicySpec;
import io.dynamite.api.ScalingDecision;
import io.dynamite.api.ServiceId;
import io.dynamite.api.UnitHealth;
import io.dynamite.api.event.DecisionRecord;
import io.dynamite.api.event.EngineEvent;
import io.dynamite.api.spi.PluginContext;
import io.dynamite.api.spi.ScalingPolicy;
import io.dynamite.api.spi.ScalingPolicyProvider;
import io.dynamite.api.state.ActionIntent;
import io.dynamite.api.state.EngineStatus;
import io.dynamite.api.state.InstanceRecord;
import io.dynamite.core.config.DynamiteConfig;
import io.dynamite.core.config.PolicyConfig;
import io.dynamite.testkit.InMemoryStateStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/** The v2 pipeline: desired counts, combination, clamps, feedback, event-driven evaluation, dry run. */
class PipelineTest {
  static final MetricQuery CPU = new MetricQuery("webserver", "cpu", false);

  /** A policy type whose decisions the test scripts, and which remembers what it was given. */
  static final class Scripted implements ScalingPolicyProvider {
    final Map<String, Function<PolicyInput, ScalingDecision>> scripts = new HashMap<>();
    final Map<String, List<PolicyInput>> inputs = new HashMap<>();
    final Map<String, Instant> wakeAt = new HashMap<>();

    @Override
    public String type() {
      return "scripted";
    }

    @Override
    public ScalingPolicy create(PolicySpec spec, PluginContext context) {
      String name = spec.name();
      return new ScalingPolicy() {
        @Override
        public ScalingDecision evaluate(PolicyInput input) {
          // copy what the test inspects later: the lists are views valid only during the call
          inputs.computeIfAbsent(name, k -> new ArrayList<>()).add(new PolicyInput(input.service(),
              List.copyOf(input.instances()), input.samples(), List.copyOf(input.series()), input.previous(), input.now()));
          return scripts.getOrDefault(name, in -> ScalingDecision.hold("no script")).apply(input);
        }

        @Override
        public @Nullable Instant nextEvaluation() {
          return wakeAt.get(name);
        }
      };
    }

    List<PolicyInput> inputs(String name) {
      return inputs.getOrDefault(name, List.of());
    }

    /** The inputs of evaluations caused by samples (not by a completed action or a timer). */
    List<PolicyInput> sampled(String name) {
      return inputs(name).stream().filter(in -> !in.samples().isEmpty()).toList();
    }
  }

  private static PolicyConfig scripted(String name) {
    return new PolicyConfig(name, "scripted", CPU, Map.of());
  }

  private static DynamiteConfig web(int min, int max, String... policies) {
    TestConfigs c = TestConfigs.create().templateWithPolicies("web", min, max, 8080, List.of(policies));
    for (String p : policies) {
      c.policy(scripted(p));
    }
    return c.build();
  }

  private static EngineHarness harness(DynamiteConfig c, Scripted s) {
    return new EngineHarness(c, new InMemoryStateStore(), b -> b.policyProvider(s));
  }

  @Test
  void aDesiredCountIsClampedByMaxAndTheClampIsInTheRecord() {
    Scripted s = new Scripted();
    s.scripts.put("tt", in -> ScalingDecision.scaleTo(9, "cpu 300% of target"));
    try (EngineHarness h = harness(web(1, 4, "tt"), s).start()) {
      h.metrics.push(CPU, "u1", h.clock.instant(), 90);
      h.scheduler.runPending();
      assertThat(h.target.started()).hasSize(4);
      DecisionRecord r = h.events.decisions().stream().filter(d -> d.outcome() == DecisionRecord.Outcome.SCALED)
          .findFirst().orElseThrow();
      assertThat(r.policyId()).isEqualTo("web/tt");
      assertThat(r.direction()).isEqualTo(Direction.UP);
      assertThat(r.desired()).isEqualTo(4);
      assertThat(r.clamps()).containsExactly("max_instance 4");
      assertThat(r.effect()).isEqualTo(io.dynamite.api.PolicyOutcome.Kind.CLAMPED);
      assertThat(r.reason()).contains("cpu 300% of target").contains("started an instance")
          .contains("not scaled because max_instance 4 reached");
    }
  }

  @Test
  void aDesiredCountBelowMinIsClampedToMin() {
    Scripted s = new Scripted();
    try (EngineHarness h = harness(web(2, 6, "tt"), s).start()) {
      s.scripts.put("tt", in -> ScalingDecision.scaleTo(5, "busy"));
      h.metrics.push(CPU, "u1", h.clock.instant(), 90);
      h.scheduler.runPending();
      assertThat(h.target.units().keySet()).filteredOn(u -> u.startsWith("web@")).hasSize(5);
      s.scripts.put("tt", in -> ScalingDecision.scaleTo(0, "idle"));
      h.metrics.push(CPU, "u1", h.clock.instant().plusSeconds(1), 1);
      h.scheduler.runPending();
      assertThat(h.target.stopped()).hasSize(3);
      assertThat(h.engine.snapshot().services().get(0).view().running()).isEqualTo(2);
      DecisionRecord down = h.events.decisions().stream().filter(d -> d.direction() == Direction.DOWN).findFirst().orElseThrow();
      assertThat(down.desired()).isEqualTo(2);
      assertThat(down.clamps()).containsExactly("min_instance 2");
    }
  }

  @Test
  void twoPoliciesCombineUpWinsAndDownOnlyWhenAllAgree() {
    Scripted s = new Scripted();
    try (EngineHarness h = harness(web(1, 10, "a", "b"), s).start()) {
      // a wants 3, b wants 5: the highest wins
      s.scripts.put("a", in -> ScalingDecision.scaleTo(3, "a busy"));
      s.scripts.put("b", in -> ScalingDecision.scaleTo(5, "b busy"));
      h.metrics.push(CPU, "u1", h.clock.instant(), 50);
      h.scheduler.runPending();
      assertThat(h.target.started()).hasSize(5);
      // a wants 2 but b still wants 5: no scale-down
      s.scripts.put("a", in -> ScalingDecision.scaleTo(2, "a idle"));
      h.metrics.push(CPU, "u1", h.clock.instant().plusSeconds(1), 50);
      h.scheduler.runPending();
      assertThat(h.target.stopped()).isEmpty();
      // what each saw of the first round: a wanted 3 and got 5 (b won), b got what it wanted
      assertThat(s.sampled("a")).last().extracting(in -> in.previous().kind()).isEqualTo(PolicyOutcome.Kind.OVERRULED);
      assertThat(s.sampled("b")).last().extracting(in -> in.previous().kind()).isEqualTo(PolicyOutcome.Kind.APPLIED);
      DecisionRecord overruled = h.events.decisions().stream()
          .filter(d -> d.policyId().equals("web/a") && d.direction() == Direction.DOWN).findFirst().orElseThrow();
      assertThat(overruled.outcome()).isEqualTo(DecisionRecord.Outcome.REFUSED);
      assertThat(overruled.reason()).contains("not scaled because web/b recommends 5");
      // a step-down policy that fires while another policy holds is no objection
      s.scripts.put("b", in -> ScalingDecision.hold("b has no opinion"));
      s.scripts.put("a", in -> ScalingDecision.scaleTo(3, "a idle"));
      h.metrics.push(CPU, "u1", h.clock.instant().plusSeconds(2), 50);
      h.scheduler.runPending();
      assertThat(h.target.stopped()).hasSize(2);
      // both agree on less: the higher of the two wins
      s.scripts.put("a", in -> ScalingDecision.scaleTo(1, "a idle"));
      s.scripts.put("b", in -> ScalingDecision.scaleTo(2, "b idle"));
      h.metrics.push(CPU, "u1", h.clock.instant().plusSeconds(3), 50);
      h.scheduler.runPending();
      assertThat(h.engine.snapshot().services().get(0).view().running()).isEqualTo(2);
      assertThat(s.sampled("a")).last().extracting(in -> in.previous().kind()).isEqualTo(PolicyOutcome.Kind.APPLIED);
      h.metrics.push(CPU, "u1", h.clock.instant().plusSeconds(4), 50);
      h.scheduler.runPending();
      // a asked for 1 and got 2: b's higher recommendation won
      assertThat(s.sampled("a")).last().satisfies(in -> {
        assertThat(in.previous().kind()).isEqualTo(PolicyOutcome.Kind.OVERRULED);
        assertThat(in.previous().recommended()).isEqualTo(1);
        assertThat(in.previous().desired()).isEqualTo(2);
      });
    }
  }

  @Test
  void aPolicySeesItsPreviousOutcomeItsInstancesAndItsMetricHistory() {
    Scripted s = new Scripted();
    s.scripts.put("tt", in -> in.samples().isEmpty() ? ScalingDecision.hold("nothing new") : ScalingDecision.scaleTo(7, "want 7"));
    try (EngineHarness h = harness(web(1, 3, "tt"), s).start()) {
      h.metrics.register("webserver", "u1", "web@8080");
      Instant t0 = h.clock.instant();
      h.metrics.push(CPU, "u1", t0, 10);
      h.metrics.push(CPU, "u1", t0.plusSeconds(1), 20);
      h.scheduler.runPending();
      List<PolicyInput> withSamples = s.inputs("tt").stream().filter(in -> !in.samples().isEmpty()).toList();
      PolicyInput first = withSamples.get(0);
      assertThat(first.previousOutcome()).isEmpty();
      assertThat(first.instances()).singleElement().satisfies(i -> {
        assertThat(i.id().unitName()).isEqualTo("web@8080.service");
        assertThat(i.phase()).isEqualTo(InstanceView.Phase.RUNNING);
      });
      MetricSeries u1 = first.series().get(0);
      assertThat(u1.uuid()).isEqualTo("u1");
      assertThat(u1.latestValue()).isEqualTo(20);
      assertThat(u1.latestAt()).isEqualTo(t0.plusSeconds(1));
      assertThat(u1.window()).extracting(x -> x.value()).containsExactly(10.0, 20.0);

      h.metrics.push(CPU, "u1", t0.plusSeconds(2), 30);
      h.scheduler.runPending();
      withSamples = s.inputs("tt").stream().filter(in -> !in.samples().isEmpty()).toList();
      PolicyOutcome previous = withSamples.get(1).previous();
      assertThat(previous.kind()).isEqualTo(PolicyOutcome.Kind.CLAMPED);
      assertThat(previous.recommended()).isEqualTo(7);
      assertThat(previous.desired()).isEqualTo(3);
      assertThat(previous.clamps()).containsExactly("max_instance 3");
      assertThat(withSamples.get(1).instances()).hasSize(3);
    }
  }

  @Test
  void holdRecordsAreBuiltOnlyForListenersThatWantThemAndHoldsAreCountedEitherWay() {
    int[] described = new int[1];
    ScalingPolicyProvider holding = new ScalingPolicyProvider() {
      @Override
      public String type() {
        return "scripted";
      }

      @Override
      public ScalingPolicy create(PolicySpec spec, PluginContext context) {
        return new ScalingPolicy() {
          @Override
          public ScalingDecision evaluate(PolicyInput input) {
            boolean busy = !input.samples().isEmpty() && input.samples().get(0).value() > 80;
            return busy ? ScalingDecision.scaleTo(2, "busy") : ScalingDecision.hold("calm");
          }

          @Override
          public String describeState() {
            described[0]++;
            return "state";
          }
        };
      }
    };
    List<EngineEvent> quiet = new ArrayList<>();
    io.dynamite.api.event.EngineListener noHolds = new io.dynamite.api.event.EngineListener() {
      @Override
      public void onEvent(EngineEvent event) {
        quiet.add(event);
      }

      @Override
      public boolean receivesHolds() {
        return false;
      }
    };
    try (EngineHarness h = new EngineHarness(web(1, 4, "tt"), new InMemoryStateStore(),
        io.dynamite.testkit.ManualClock.atDefaultStart(), new io.dynamite.testkit.FakeScalingTarget(),
        b -> b.policyProvider(holding).listener(noHolds), false).start()) {
      for (int i = 0; i < 3; i++) {
        h.metrics.push(CPU, "u1", h.clock.instant(), 10);
        h.scheduler.advance(Duration.ofSeconds(1));
      }
      assertThat(h.engine.snapshot().counters()).containsEntry("holds", 3L);
      assertThat(described[0]).as("no record of a hold is built when no listener wants one").isZero();
      h.metrics.push(CPU, "u1", h.clock.instant(), 90);
      h.scheduler.runPending();
      assertThat(quiet).filteredOn(EngineEvent.DecisionMade.class::isInstance)
          .map(e -> ((EngineEvent.DecisionMade) e).record().outcome())
          .containsExactly(DecisionRecord.Outcome.SCALED);
      assertThat(described[0]).isEqualTo(1);
    }
    // the same with a listener that keeps the default: it gets every hold, the other one still none
    quiet.clear();
    described[0] = 0;
    try (EngineHarness h = new EngineHarness(web(1, 4, "tt"), new InMemoryStateStore(),
        b -> b.policyProvider(holding).listener(noHolds)).start()) {
      for (int i = 0; i < 3; i++) {
        h.metrics.push(CPU, "u1", h.clock.instant(), 10);
        h.scheduler.advance(Duration.ofSeconds(1));
      }
      assertThat(h.events.decisions()).extracting(DecisionRecord::outcome).containsExactly(
          DecisionRecord.Outcome.HOLD, DecisionRecord.Outcome.HOLD, DecisionRecord.Outcome.HOLD);
      assertThat(quiet).noneMatch(EngineEvent.DecisionMade.class::isInstance);
      assertThat(h.engine.snapshot().counters()).containsEntry("holds", 3L);
      assertThat(described[0]).isEqualTo(3);
    }
  }

  @Test
  void aBreachActsWithoutAnyTickHavingPassed() {
    DynamiteConfig c = TestConfigs.create()
        .template("web", 1, 5, 8080, 1, "up", null)
        .threshold("up", "webserver", "cpu", false, "gt", 50, 0, 0)
        .build();
    try (EngineHarness h = new EngineHarness(c).start()) {
      Instant t = h.clock.instant();
      h.metrics.push(CPU, "u1", t, 90);
      h.metrics.push(CPU, "u1", t.plusMillis(1), 90); // period 0: the second sample fires
      int before = h.scheduler.tasksRun();
      h.scheduler.runPending(); // runs what the signal queued; the clock does not move
      assertThat(h.clock.instant()).isEqualTo(t);
      assertThat(h.target.started()).containsExactly("web@8080.service", "web@8081.service");
      assertThat(h.scheduler.tasksRun() - before).isLessThanOrEqualTo(4); // one coalesced pass, then the completion
    }
  }

  @Test
  void aSignallingSourceIsNeverPolledOnATimer() {
    DynamiteConfig c = TestConfigs.create().template("web", 1, 5, 8080, 1, "up", null)
        .threshold("up", "webserver", "cpu", false, "gt", 50, 10, 0).build();
    try (EngineHarness h = new EngineHarness(c).start()) {
      int polls = h.metrics.polls();
      h.scheduler.advance(Duration.ofMinutes(5));
      assertThat(h.metrics.polls() - polls).isLessThanOrEqualTo(10); // reconciliation passes only, no 1 s polling
      h.metrics.push(CPU, "u1", h.clock.instant(), 1);
      h.scheduler.runPending();
      assertThat(h.metrics.polls()).isGreaterThan(polls);
    }
  }

  @Test
  void aSourceThatCannotSignalIsPolledAtTheEvaluationInterval() {
    DynamiteConfig c = TestConfigs.create().template("web", 1, 5, 8080, 1, "up", null)
        .threshold("up", "webserver", "cpu", false, "gt", 50, 0, 0).build();
    EngineHarness h = new EngineHarness(c, new InMemoryStateStore(), b -> {});
    h.metrics.signals(false);
    try (h) {
      h.start();
      Instant t = h.clock.instant();
      h.metrics.push(CPU, "u1", t, 90);
      h.metrics.push(CPU, "u1", t.plusMillis(1), 90);
      h.scheduler.runPending();
      assertThat(h.target.started()).hasSize(1);
      h.scheduler.advance(Duration.ofSeconds(1));
      assertThat(h.target.started()).hasSize(2);
    }
  }

  @Test
  void aPolicyIsEvaluatedAgainWhenItAsksToBeWithoutNewSamples() {
    Scripted s = new Scripted();
    try (EngineHarness h = harness(web(1, 5, "w"), s).start()) {
      Instant wake = h.clock.instant().plusSeconds(30);
      s.wakeAt.put("w", wake);
      s.scripts.put("w", in -> in.now().isBefore(wake) ? ScalingDecision.hold("window open") : ScalingDecision.scaleTo(2, "window over"));
      h.metrics.push(CPU, "u1", h.clock.instant(), 50);
      h.scheduler.runPending();
      assertThat(h.target.started()).hasSize(1);
      h.scheduler.advance(Duration.ofSeconds(29));
      assertThat(h.target.started()).hasSize(1);
      h.scheduler.advance(Duration.ofSeconds(1));
      assertThat(h.target.started()).hasSize(2);
      assertThat(s.inputs("w")).last().satisfies(in -> assertThat(in.samples()).isEmpty());
    }
  }

  @Test
  void aDryRunNeverCallsTheTargetNorWritesTheStoreAndReportsWhatItWouldDo() {
    DynamiteConfig c = TestConfigs.create()
        .template("web", 2, 5, 8080, 1, "up", null)
        .threshold("up", "webserver", "cpu", false, "gt", 50, 0, 0)
        .build();
    ServiceState plans = new ServiceState(c.service(ServiceId.of("web")), List.of(), 0);
    InstancePlan failed = plans.plan(8080);
    InstancePlan interrupted = plans.plan(8081);
    InMemoryStateStore store = new InMemoryStateStore();
    store.saveStatus(EngineStatus.RUNNING);
    store.saveInstance(new InstanceRecord(failed.id(), 8080, List.of(), InstanceRecord.LAUNCHED));
    store.saveIntent(new ActionIntent("i1", ActionIntent.Kind.START, interrupted, Instant.EPOCH));
    int writesBefore = store.writes().size();
    EngineHarness h = new EngineHarness(c, store, b -> b.dryRun(true).reconcileInterval(Duration.ofSeconds(5)));
    h.target.setUnit("web@8080.service", UnitHealth.FAILED);
    try (h) {
      h.start();
      h.metrics.push(CPU, "u1", h.clock.instant(), 90);
      h.metrics.push(CPU, "u1", h.clock.instant().plusMillis(1), 90);
      h.scheduler.advance(Duration.ofSeconds(30));
      assertThat(h.target.actions()).isEmpty();
      assertThat(h.target.unitOperations()).isEmpty();
      assertThat(store.writes()).hasSize(writesBefore);
      assertThat(store.intents()).extracting(ActionIntent::id).containsExactly("i1");
      List<String> would = h.events.events(EngineEvent.DryRunAction.class).stream().map(EngineEvent.DryRunAction::action).toList();
      assertThat(would).contains("stop web@8081.service", "stop web@8080.service");
      assertThat(h.events.events(EngineEvent.DriftDetected.class)).anyMatch(d -> d.drift() == EngineEvent.DriftDetected.Drift.FAILED);
      assertThat(h.events.decisions()).anyMatch(d -> d.reason().contains("dry run: would start an instance"));
      assertThat(h.engine.snapshot().counters()).containsKey("dryrun.writes");
    }
  }

  @Test
  void theRegistryRejectsTwoProvidersOfOneTypeWithAClearMessage() {
    ScalingPolicyProvider other = new ScalingPolicyProvider() {
      @Override
      public String type() {
        return "scripted";
      }

      @Override
      public ScalingPolicy create(PolicySpec spec, PluginContext context) {
        return in -> ScalingDecision.hold("x");
      }
    };
    assertThatThrownBy(() -> PluginRegistry.builder().policy(new Scripted()).policy(other).policy(new Scripted()).build())
        .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).singleElement()
            .satisfies(p -> assertThat(p.toString()).isEqualTo("plugins: policy type 'scripted' is provided twice: by "
                + Scripted.class.getName() + " and " + other.getClass().getName())));
  }

  @Test
  void theRegistryResolvesTheScheduleAliasAndRejectsProvidersThatClaimIt() {
    PluginRegistry builtIn = PluginRegistry.builtIn();
    assertThat(builtIn.policies()).containsKey("schedule").doesNotContainKey("scheduled");
    assertThat(builtIn.policyAliases()).containsExactly(org.assertj.core.api.Assertions.entry("scheduled", "schedule"));
    assertThat(builtIn.policy("scheduled")).containsSame(builtIn.policy("schedule").orElseThrow());
    ScalingPolicyProvider claimsAlias = new ScalingPolicyProvider() {
      @Override
      public String type() {
        return "scheduled";
      }

      @Override
      public ScalingPolicy create(PolicySpec spec, PluginContext context) {
        return in -> ScalingDecision.hold("x");
      }
    };
    ScalingPolicyProvider aliasOfAType = new ScalingPolicyProvider() {
      @Override
      public String type() {
        return "mine";
      }

      @Override
      public java.util.Set<String> aliases() {
        return java.util.Set.of("step", "scheduled");
      }

      @Override
      public ScalingPolicy create(PolicySpec spec, PluginContext context) {
        return in -> ScalingDecision.hold("x");
      }
    };
    assertThatThrownBy(() -> PluginRegistry.builder().policy(claimsAlias).policy(aliasOfAType).build())
        .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).extracting(Object::toString)
            .containsExactlyInAnyOrder(
                "plugins: policy type 'scheduled' of " + claimsAlias.getClass().getName() + " is an alias of type"
                    + " 'schedule' of io.dynamite.core.policy.scheduled.ScheduledPolicyProvider",
                "plugins: policy type alias 'step' of " + aliasOfAType.getClass().getName() + " is the type of"
                    + " io.dynamite.core.policy.step.StepPolicyProvider",
                "plugins: policy type alias 'scheduled' is used by both"
                    + " io.dynamite.core.policy.scheduled.ScheduledPolicyProvider and " + aliasOfAType.getClass().getName()));
    // registering the built-in provider again (found twice on a class path) is no clash
    assertThat(PluginRegistry.builder().addAll(builtIn).build().policyAliases()).containsOnlyKeys("scheduled");
  }

  @Test
  void aThresholdPolicyListedWithoutDirectionIsRejectedWithItsPath() {
    DynamiteConfig c = TestConfigs.create().templateWithPolicies("web", 1, 5, 8080, List.of("up"))
        .threshold("up", "webserver", "cpu", false, "gt", 50, 0, 0).build();
    assertThatThrownBy(() -> ScalingEngine.builder().config(c).target(new io.dynamite.testkit.FakeScalingTarget()).build())
        .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).extracting(Object::toString)
            .containsExactly("Dynamite.ScalingPolicy.up.direction: required key is missing: a threshold policy listed"
                + " under a service's policies needs direction: up or down"));
  }
}
