package io.dynamite.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import io.dynamite.api.MetricQuery;
import io.dynamite.api.event.DecisionRecord;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/**
 * {@link DynamiteExtension}, both ways, and the failures it adds to a test: the example classes
 * below are run with the JUnit launcher (their names do not end in {@code Test}, so the build does
 * not run them on its own) and their results checked.
 */
class DynamiteExtensionTest {

  /** Declared: the configuration on the class, the harness as a parameter. */
  @ExtendWith(DynamiteExtension.class)
  @DynamiteYaml(DynamiteTestHarnessTest.YAML)
  static class DeclaredExample {
    static DynamiteTestHarness seen;

    @Test
    void scalesUp(DynamiteTestHarness h) {
      seen = h;
      DynamiteTestHarnessTest.busy(h, 95, 12);
      assertThat(h.takeDecision().outcome()).isEqualTo(DecisionRecord.Outcome.SCALED);
    }
  }

  /** Registered: the configuration in code, the harness from the field. */
  static class RegisteredExample {
    @RegisterExtension
    final DynamiteExtension dynamite = DynamiteExtension.config(DynamiteTestHarnessTest::webInCode);

    static int started;

    @Test
    void scalesUp() {
      DynamiteTestHarnessTest.busy(dynamite.harness(), 95, 12);
      started = dynamite.harness().started().size();
    }

    @Test
    void takesTheSameHarnessAsAParameter(DynamiteTestHarness h) {
      assertThat(h).isSameAs(dynamite.harness());
    }
  }

  /** A test that pushes a sample no policy reads past the harness and never calls it again. */
  @ExtendWith(DynamiteExtension.class)
  static class UnmatchedExample {
    @Test
    @DynamiteYaml(DynamiteTestHarnessTest.YAML)
    void pushesOnTheWrongStream(DynamiteTestHarness h) {
      // the service's name, not the policies' service type; only closing the harness finds it
      h.metrics().push(new MetricQuery("web", "cpu_user", false), "u1", h.now(), 95);
    }
  }

  /** A test whose engine hits an internal error it never notices. */
  static class InternalErrorExample {
    @RegisterExtension
    final DynamiteExtension dynamite = DynamiteExtension.of(() -> DynamiteTestHarness.builder()
        .yaml(DynamiteTestHarnessTest.YAML)
        .engine(b -> b.metricSource(new DynamiteTestHarnessTest.BrokenSource())));

    @Test
    void passesItsOwnAssertions() {
      dynamite.harness().scheduler().advance(Duration.ofSeconds(2)); // past the harness's checks
      assertThat(dynamite.harness().started()).hasSize(1);
    }
  }

  /** Warnings instead of failures, from the annotation. */
  @ExtendWith(DynamiteExtension.class)
  static class WarnExample {
    @Test
    @DynamiteYaml(value = DynamiteTestHarnessTest.YAML, unmatchedSamples = UnmatchedSamples.WARN)
    void pushesOnTheWrongStream(DynamiteTestHarness h) {
      h.push("web", "cpu_user", "u1", 95);
    }
  }

  /** No configuration anywhere: a parameter cannot be resolved. */
  @ExtendWith(DynamiteExtension.class)
  static class NoConfigurationExample {
    @Test
    void wantsAHarness(DynamiteTestHarness h) {}
  }

  private static TestExecutionSummary run(Class<?> example) {
    LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request().selectors(selectClass(example)).build();
    Launcher launcher = LauncherFactory.create();
    SummaryGeneratingListener listener = new SummaryGeneratingListener();
    launcher.execute(request, listener);
    return listener.getSummary();
  }

  private static List<Throwable> failures(TestExecutionSummary s) {
    return s.getFailures().stream().map(TestExecutionSummary.Failure::getException).toList();
  }

  @Test
  void injectsAStartedHarnessFromTheAnnotationAndClosesItAfterTheTest() {
    TestExecutionSummary s = run(DeclaredExample.class);
    assertThat(failures(s)).isEmpty();
    assertThat(s.getTestsSucceededCount()).isEqualTo(1);
    assertThat(DeclaredExample.seen.started()).hasSize(2);
    // closed after the test
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> DeclaredExample.seen.advance(Duration.ofSeconds(1)))
        .isInstanceOf(IllegalStateException.class).hasMessage("the harness is closed");
  }

  @Test
  void givesEachTestOfARegisteredExtensionItsOwnHarness() {
    TestExecutionSummary s = run(RegisteredExample.class);
    assertThat(failures(s)).isEmpty();
    assertThat(s.getTestsSucceededCount()).isEqualTo(2);
    assertThat(RegisteredExample.started).isEqualTo(2);
  }

  @Test
  void failsATestThatPushedASampleNoPolicyReads() {
    TestExecutionSummary s = run(UnmatchedExample.class);
    assertThat(s.getTestsFailedCount()).isEqualTo(1);
    assertThat(failures(s)).singleElement().isInstanceOf(AssertionError.class)
        .extracting(Throwable::getMessage).asString()
        .startsWith("the sample of web/cpu_user (per instance) for uuid 'u1' = 95.0");
  }

  @Test
  void failsATestWhoseEngineCountedAnInternalError() {
    TestExecutionSummary s = run(InternalErrorExample.class);
    assertThat(s.getTestsFailedCount()).isEqualTo(1);
    assertThat(failures(s)).singleElement().isInstanceOf(AssertionError.class)
        .extracting(Throwable::getMessage).asString()
        .startsWith("the engine reported 2 internal error(s):")
        .contains("metric poll: java.lang.NullPointerException");
  }

  @Test
  void onlyWarnsWhenTheAnnotationSaysSo() {
    TestExecutionSummary s = run(WarnExample.class);
    assertThat(failures(s)).isEmpty();
    assertThat(s.getTestsSucceededCount()).isEqualTo(1);
  }

  @Test
  void explainsAMissingConfiguration() {
    TestExecutionSummary s = run(NoConfigurationExample.class);
    assertThat(failures(s)).singleElement().extracting(Throwable::getMessage).asString()
        .contains("annotate the test or its class with @DynamiteYaml");
  }
}
