package io.dynamite.harness;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The configuration of the {@link DynamiteTestHarness} that {@code @ExtendWith(DynamiteExtension.class)}
 * injects into a test: on the test method, or on the test class for all its methods (the method's
 * wins). Give the YAML text or a class-path resource.
 *
 * <pre>{@code
 * @ExtendWith(DynamiteExtension.class)
 * @DynamiteYaml(resource = "/dynamite.yaml")
 * class WebScalingTest {
 *   @Test
 *   void scalesUp(DynamiteTestHarness h) { ... }
 * }
 * }</pre>
 *
 * @since 0.3
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.TYPE})
public @interface DynamiteYaml {
  /**
   * The YAML text, in the format of {@code ConfigLoader}; unit files are stand-ins unless a
   * {@code PathList} folder (relative to the working directory) holds them.
   *
   * @return the text, or empty to use {@link #resource()}
   */
  String value() default "";

  /**
   * A class-path resource holding the YAML, looked up with the test class's {@link
   * Class#getResourceAsStream(String)} (so {@code /dynamite.yaml} is at the root).
   *
   * @return the resource, or empty to use {@link #value()}
   */
  String resource() default "";

  /**
   * Whether policy, metric-source and target plugins on the test's class path (registered for
   * {@link java.util.ServiceLoader}) are registered.
   *
   * @return true (the default) to discover them
   */
  boolean discoverPlugins() default true;

  /**
   * What a pushed sample that matched no policy does.
   *
   * @return {@link UnmatchedSamples#FAIL} by default
   */
  UnmatchedSamples unmatchedSamples() default UnmatchedSamples.FAIL;
}
