package io.dynamite.core;

import io.dynamite.api.ConfigException;
import io.dynamite.api.event.EngineListener;
import io.dynamite.api.spi.Leadership;
import io.dynamite.api.spi.MetricSource;
import io.dynamite.api.spi.ScalingPolicyProvider;
import io.dynamite.api.spi.ScalingTarget;
import io.dynamite.api.spi.StateStore;
import io.dynamite.api.spi.VictimSelector;
import io.dynamite.core.config.ConfigLoader;
import io.dynamite.core.config.DynamiteConfig;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import org.jspecify.annotations.Nullable;

/**
 * Composes a {@link ScalingEngine}: the configuration and the target are required, everything
 * else has a default. Obtained from {@link ScalingEngine#builder()}. Not thread-safe: configure it
 * on one thread.
 *
 * @since 0.1
 */
public final class ScalingEngineBuilder {
  @Nullable DynamiteConfig config;
  @Nullable ScalingTarget target;
  final List<MetricSource> sources = new ArrayList<>();
  @Nullable StateStore store;
  Leadership leadership = Leadership.ALWAYS;
  Clock clock = Clock.systemUTC();
  @Nullable ScheduledExecutorService scheduler;
  final List<EngineListener> listeners = new ArrayList<>();
  final Map<String, ScalingPolicyProvider> extraProviders = new LinkedHashMap<>();
  @Nullable ClassLoader discoveryLoader;
  @Nullable PluginRegistry plugins;
  Duration window = Duration.ofSeconds(30);
  VictimSelector victimSelector = VictimSelector.BREACHING_ELSE_HIGHEST;
  Duration interval = Duration.ofSeconds(1);
  Duration reconcileInterval = Duration.ofSeconds(30);
  Duration backoffInitial = Duration.ofSeconds(1);
  Duration backoffMax = Duration.ofMinutes(1);
  int maxAttempts = 5;
  boolean dryRun;
  boolean legacyRouting;
  Duration shutdownTimeout = Duration.ofSeconds(30);
  @Nullable Executor historyExecutor;
  Duration policyStateInterval = Duration.ofSeconds(10);

  ScalingEngineBuilder() {}

  /**
   * Sets the configuration (required).
   *
   * @param config a loaded configuration
   * @return this builder
   */
  public ScalingEngineBuilder config(DynamiteConfig config) {
    this.config = Objects.requireNonNull(config, "config");
    return this;
  }

  /**
   * Adds a metric source. The engine polls it when it signals new samples (or at the evaluation
   * interval if it cannot signal) and never closes it.
   *
   * @param source the source
   * @return this builder
   */
  public ScalingEngineBuilder metricSource(MetricSource source) {
    sources.add(Objects.requireNonNull(source, "source"));
    return this;
  }

  /**
   * Sets the target instances run on (required). The engine never closes it.
   *
   * @param target the target
   * @return this builder
   */
  public ScalingEngineBuilder target(ScalingTarget target) {
    this.target = Objects.requireNonNull(target, "target");
    return this;
  }

  /**
   * Sets the state store; default an in-memory store (state is lost at exit).
   *
   * @param store the store; never closed by the engine
   * @return this builder
   */
  public ScalingEngineBuilder stateStore(StateStore store) {
    this.store = Objects.requireNonNull(store, "store");
    return this;
  }

  /**
   * Sets the leadership; default {@link Leadership#ALWAYS}. Never closed by the engine.
   *
   * @param leadership the leadership
   * @return this builder
   */
  public ScalingEngineBuilder leadership(Leadership leadership) {
    this.leadership = Objects.requireNonNull(leadership, "leadership");
    return this;
  }

  /**
   * Sets the clock; default the UTC system clock.
   *
   * @param clock the clock
   * @return this builder
   */
  public ScalingEngineBuilder clock(Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
    return this;
  }

  /**
   * Sets the scheduler all engine work runs on; default a daemon thread the engine owns and
   * shuts down. A scheduler passed here is never shut down by the engine.
   *
   * @param scheduler the scheduler
   * @return this builder
   */
  public ScalingEngineBuilder scheduler(ScheduledExecutorService scheduler) {
    this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
    return this;
  }

  /**
   * Adds a listener. A listener that also implements {@link SampleObserver} is told about every
   * run of ingested samples as well (telemetry of ingest counts and sample lag).
   *
   * @param listener the listener
   * @return this builder
   */
  public ScalingEngineBuilder listener(EngineListener listener) {
    listeners.add(Objects.requireNonNull(listener, "listener"));
    return this;
  }

  /**
   * Adds a policy provider, overriding a discovered or built-in one of the same type.
   *
   * @param provider the provider
   * @return this builder
   */
  public ScalingEngineBuilder policyProvider(ScalingPolicyProvider provider) {
    extraProviders.put(Objects.requireNonNull(provider, "provider").type(), provider);
    return this;
  }

  /**
   * Discovers plugin providers with {@link java.util.ServiceLoader} on a class loader; a
   * shorthand for {@link #plugins(PluginRegistry)} with {@link PluginRegistry.Builder#discover}.
   *
   * @param loader where to look
   * @return this builder
   */
  public ScalingEngineBuilder discoverPlugins(ClassLoader loader) {
    this.discoveryLoader = Objects.requireNonNull(loader, "loader");
    return this;
  }

  /**
   * Sets the plugin registry the configuration was loaded with; default the built-in policy
   * types (plus {@link #discoverPlugins} when set). Providers added with {@link
   * #policyProvider} override the registry's of the same type.
   *
   * @param registry the registry
   * @return this builder
   */
  public ScalingEngineBuilder plugins(PluginRegistry registry) {
    this.plugins = Objects.requireNonNull(registry, "registry");
    return this;
  }

  /**
   * Sets how much metric history the engine keeps per stream for policies ({@link
   * io.dynamite.api.MetricSeries#window()}); default 30 s, and never more than {@value
   * SeriesTable#MAX_SAMPLES} samples per series. The newest value is always kept.
   *
   * @param window not negative
   * @return this builder
   */
  public ScalingEngineBuilder metricWindow(Duration window) {
    if (Objects.requireNonNull(window, "window").isNegative()) {
      throw new IllegalArgumentException("metricWindow must not be negative: " + window);
    }
    this.window = window;
    return this;
  }

  /**
   * Sets how the scale-down victim is chosen; default {@link
   * VictimSelector#BREACHING_ELSE_HIGHEST}.
   *
   * @param selector the selector
   * @return this builder
   */
  public ScalingEngineBuilder victimSelector(VictimSelector selector) {
    this.victimSelector = Objects.requireNonNull(selector, "selector");
    return this;
  }

  /**
   * Sets how often metric sources that cannot signal new samples are polled; default 1 s.
   * Sources that signal (the etcd sources, the testkit's fake) are polled only when they do.
   *
   * @param interval positive
   * @return this builder
   */
  public ScalingEngineBuilder evaluationInterval(Duration interval) {
    this.interval = positive(interval, "evaluationInterval");
    return this;
  }

  /**
   * Sets how often the target's units are listed to reconcile counts; default 30 s.
   *
   * @param interval positive
   * @return this builder
   */
  public ScalingEngineBuilder reconcileInterval(Duration interval) {
    this.reconcileInterval = positive(interval, "reconcileInterval");
    return this;
  }

  /**
   * Sets the per-service backoff after failed actions: {@code initial}, doubling up to {@code
   * max}; defaults 1 s and 1 min.
   *
   * @param initial first delay, positive
   * @param max cap, not below initial
   * @return this builder
   */
  public ScalingEngineBuilder retryBackoff(Duration initial, Duration max) {
    positive(initial, "initial");
    positive(max, "max");
    if (max.compareTo(initial) < 0) {
      throw new IllegalArgumentException("max backoff " + max + " is below initial " + initial);
    }
    this.backoffInitial = initial;
    this.backoffMax = max;
    return this;
  }

  /**
   * Sets how many times one scale action is tried before it is dropped; default 5.
   *
   * @param attempts at least 1
   * @return this builder
   */
  public ScalingEngineBuilder maxAttempts(int attempts) {
    if (attempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be >= 1: " + attempts);
    }
    this.maxAttempts = attempts;
    return this;
  }

  /**
   * In dry-run mode the engine decides and reports, but never starts or stops an instance.
   *
   * @param dryRun true for dry run
   * @return this builder
   */
  public ScalingEngineBuilder dryRun(boolean dryRun) {
    this.dryRun = dryRun;
    return this;
  }

  /**
   * Routes samples to policies by metric name alone, as the original did (defect B5), instead of
   * by (service type, metric, aggregation). Only for reproducing the original.
   *
   * @param legacy true for the original's routing
   * @return this builder
   */
  public ScalingEngineBuilder legacyRouting(boolean legacy) {
    this.legacyRouting = legacy;
    return this;
  }

  /**
   * Sets how long {@link ScalingEngine#close()} waits for actions in flight (own scheduler
   * only); default 30 s.
   *
   * @param timeout not negative
   * @return this builder
   */
  public ScalingEngineBuilder shutdownTimeout(Duration timeout) {
    if (timeout.isNegative()) {
      throw new IllegalArgumentException("shutdownTimeout must not be negative: " + timeout);
    }
    this.shutdownTimeout = timeout;
    return this;
  }

  /**
   * Sets where decision records and policy states are written to the state store; default a
   * daemon thread the engine owns, which {@link ScalingEngine#close()} waits for (up to the
   * shutdown timeout) and stops. An executor passed here is never shut down, and close() does not
   * wait for it. The writes never run on the engine's own thread unless this executor does so.
   *
   * @param executor runs the writes, one at a time
   * @return this builder
   * @since 0.3
   */
  public ScalingEngineBuilder historyExecutor(Executor executor) {
    this.historyExecutor = Objects.requireNonNull(executor, "executor");
    return this;
  }

  /**
   * Sets how often, at most, a policy's state ({@link
   * io.dynamite.api.spi.ScalingPolicy#exportState()}) is exported after an evaluation and stored
   * when it changed; default 10 s. It is exported once more when the engine is closed, so this is
   * what a crash can lose of a policy's memory.
   *
   * @param interval positive
   * @return this builder
   * @since 0.3
   */
  public ScalingEngineBuilder policyStateInterval(Duration interval) {
    this.policyStateInterval = positive(interval, "policyStateInterval");
    return this;
  }

  private PluginRegistry registry() {
    PluginRegistry.Builder rb = PluginRegistry.builder();
    if (plugins != null) {
      rb.addAll(plugins);
    }
    if (discoveryLoader != null) {
      rb.discover(discoveryLoader);
    }
    PluginRegistry r = rb.build();
    return extraProviders.isEmpty() ? r : r.overriding(extraProviders.values());
  }

  /**
   * Checks the configuration, builds the engine and creates every policy instance. The
   * configuration is checked with {@link ConfigLoader#validate(DynamiteConfig)} against this
   * builder's plugins, so a configuration assembled from records by hand is held to the rules
   * of a YAML file and reported with the same paths and messages.
   *
   * @return the engine, not yet started
   * @throws ConfigException if the configuration breaks a rule of the YAML format, a policy's
   *     type is unknown or a provider rejects its settings (every problem at once)
   * @throws IllegalStateException if the configuration or target is missing
   */
  public ScalingEngine build() {
    if (config == null) {
      throw new IllegalStateException("config is required");
    }
    if (target == null) {
      throw new IllegalStateException("target is required");
    }
    PluginRegistry registry = registry();
    ConfigLoader.builder().plugins(registry).clock(clock).build().validate(config);
    return new ScalingEngine(this, registry);
  }

  private static Duration positive(Duration d, String name) {
    Objects.requireNonNull(d, name);
    if (d.isZero() || d.isNegative()) {
      throw new IllegalArgumentException(name + " must be positive: " + d);
    }
    return d;
  }
}
