package io.dynamite.harness;

import io.dynamite.core.config.DynamiteConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.AnnotatedElement;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives each JUnit 5 test a fresh, started {@link DynamiteTestHarness} and closes it after the
 * test, so that a sample that matched no policy or an internal engine error fails the test even
 * when its assertions passed.
 *
 * <p>Two ways to use it. Declared, with the configuration in {@link DynamiteYaml} and the harness
 * as a parameter:
 *
 * <pre>{@code
 * @ExtendWith(DynamiteExtension.class)
 * class WebScalingTest {
 *   @Test
 *   @DynamiteYaml("""
 *       Dynamite: ...
 *       """)
 *   void scalesUp(DynamiteTestHarness h) { ... }
 * }
 * }</pre>
 *
 * <p>Or registered, with the configuration in code:
 *
 * <pre>{@code
 * @RegisterExtension
 * final DynamiteExtension dynamite = DynamiteExtension.of(() -> DynamiteTestHarness.builder()
 *     .config(DynamiteConfig.builder().service(...).policy(...)));
 *
 * @Test
 * void scalesUp() {
 *   DynamiteTestHarness h = dynamite.harness(); // or take it as a parameter
 * }
 * }</pre>
 *
 * <p>Register it on an instance field (one extension per test instance); a static field shares
 * {@link #harness()} between tests running in parallel.
 *
 * @since 0.3
 */
public final class DynamiteExtension implements BeforeEachCallback, AfterEachCallback, ParameterResolver {
  private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(DynamiteExtension.class);
  private static final String KEY = "harness";

  private final @Nullable Supplier<DynamiteTestHarness.Builder> setup;
  private volatile @Nullable DynamiteTestHarness current;

  /** Creates the declared form, which reads {@link DynamiteYaml} from the test method or class. */
  public DynamiteExtension() {
    this.setup = null;
  }

  private DynamiteExtension(Supplier<DynamiteTestHarness.Builder> setup) {
    this.setup = setup;
  }

  /**
   * Creates an extension that builds each test's harness from a fresh builder.
   *
   * @param setup returns the builder of one test's harness; called once per test
   * @return the extension
   */
  public static DynamiteExtension of(Supplier<DynamiteTestHarness.Builder> setup) {
    return new DynamiteExtension(Objects.requireNonNull(setup, "setup"));
  }

  /**
   * Creates an extension whose tests run on a YAML configuration.
   *
   * @param yaml the configuration text
   * @return the extension
   */
  public static DynamiteExtension yaml(String yaml) {
    Objects.requireNonNull(yaml, "yaml");
    return of(() -> DynamiteTestHarness.builder().yaml(yaml));
  }

  /**
   * Creates an extension whose tests run on a configuration built in code.
   *
   * @param config returns a fresh configuration builder; called once per test
   * @return the extension
   */
  public static DynamiteExtension config(Supplier<DynamiteConfig.Builder> config) {
    Objects.requireNonNull(config, "config");
    return of(() -> DynamiteTestHarness.builder().config(config.get()));
  }

  /**
   * Returns the harness of the test running now.
   *
   * @return the harness
   * @throws IllegalStateException outside a test, or when the test has no configuration
   */
  public DynamiteTestHarness harness() {
    DynamiteTestHarness h = current;
    if (h == null) {
      throw new IllegalStateException("no harness: call harness() inside a test of a class that registers this"
          + " extension, with a configuration (DynamiteExtension.of/yaml/config, or @DynamiteYaml)");
    }
    return h;
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    DynamiteTestHarness.Builder b = setup != null ? setup.get() : fromAnnotation(context);
    if (b == null) {
      return; // a test without @DynamiteYaml that does not ask for a harness
    }
    DynamiteTestHarness h = b.build();
    context.getStore(NAMESPACE).put(KEY, h);
    current = h;
  }

  @Override
  public void afterEach(ExtensionContext context) {
    DynamiteTestHarness h = context.getStore(NAMESPACE).remove(KEY, DynamiteTestHarness.class);
    current = null;
    if (h != null) {
      h.close(); // may throw AssertionError: the test fails
    }
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == DynamiteTestHarness.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    DynamiteTestHarness h = context.getStore(NAMESPACE).get(KEY, DynamiteTestHarness.class);
    if (h == null) {
      throw new ParameterResolutionException("no DynamiteTestHarness for " + context.getDisplayName()
          + ": annotate the test or its class with @DynamiteYaml, or register DynamiteExtension.of(...)");
    }
    return h;
  }

  private static DynamiteTestHarness.@Nullable Builder fromAnnotation(ExtensionContext context) {
    Optional<DynamiteYaml> a = find(context.getTestMethod().orElse(null));
    if (a.isEmpty()) {
      a = find(context.getTestClass().orElse(null));
    }
    if (a.isEmpty()) {
      return null;
    }
    DynamiteYaml y = a.get();
    Class<?> testClass = context.getRequiredTestClass();
    String text = yamlText(y, testClass);
    DynamiteTestHarness.Builder b = DynamiteTestHarness.builder().yaml(text).unmatchedSamples(y.unmatchedSamples());
    if (y.discoverPlugins()) {
      b.discoverPlugins(testClass.getClassLoader());
    }
    return b;
  }

  private static Optional<DynamiteYaml> find(@Nullable AnnotatedElement e) {
    return e == null ? Optional.empty() : Optional.ofNullable(e.getAnnotation(DynamiteYaml.class));
  }

  private static String yamlText(DynamiteYaml y, Class<?> testClass) {
    if (y.value().isEmpty() == y.resource().isEmpty()) {
      throw new IllegalStateException("@DynamiteYaml on " + testClass.getName() + " needs exactly one of value and resource");
    }
    if (!y.value().isEmpty()) {
      return y.value();
    }
    try (InputStream in = testClass.getResourceAsStream(y.resource())) {
      if (in == null) {
        throw new IllegalStateException("@DynamiteYaml resource '" + y.resource() + "' not found from " + testClass.getName());
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read @DynamiteYaml resource " + y.resource(), e);
    }
  }
}
