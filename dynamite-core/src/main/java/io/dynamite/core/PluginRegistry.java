package io.dynamite.core;

import io.dynamite.api.ConfigException;
import io.dynamite.api.ConfigProblem;
import io.dynamite.api.spi.MetricSourceProvider;
import io.dynamite.api.spi.ScalingPolicyProvider;
import io.dynamite.api.spi.ScalingTargetProvider;
import io.dynamite.core.policy.ThresholdPolicyProvider;
import io.dynamite.core.policy.predictive.PredictivePolicyProvider;
import io.dynamite.core.policy.scheduled.ScheduledPolicyProvider;
import io.dynamite.core.policy.step.StepPolicyProvider;
import io.dynamite.core.policy.tracking.TargetTrackingPolicyProvider;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Every plugin type an engine knows: policy, metric-source and target providers, by type name.
 * Built once (from the built-ins, {@link ServiceLoader} discovery and explicit registrations) and
 * handed to both the {@link io.dynamite.core.config.ConfigLoader} and the {@link ScalingEngine}, so
 * that a configuration is validated and run against the same plugins.
 *
 * <p>Immutable and thread-safe.
 *
 * @since 0.2
 */
public final class PluginRegistry {
  private final Map<String, ScalingPolicyProvider> policies;
  /** Policy type aliases ({@link ScalingPolicyProvider#aliases()}) to their canonical type. */
  private final Map<String, String> policyAliases;
  private final Map<String, MetricSourceProvider> sources;
  private final Map<String, ScalingTargetProvider> targets;

  private PluginRegistry(Builder b) {
    this.policies = Collections.unmodifiableMap(new TreeMap<>(b.policies));
    this.policyAliases = Collections.unmodifiableMap(new TreeMap<>(b.policyAliases));
    this.sources = Collections.unmodifiableMap(new TreeMap<>(b.sources));
    this.targets = Collections.unmodifiableMap(new TreeMap<>(b.targets));
  }

  /**
   * Returns a registry with the built-in policy types only.
   *
   * @return the registry
   */
  public static PluginRegistry builtIn() {
    return builder().build();
  }

  /**
   * Starts a registry with the built-in policy types.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns the policy providers by type. Aliases are not keys here; see {@link #policyAliases()}.
   *
   * @return an unmodifiable map, sorted by type
   */
  public Map<String, ScalingPolicyProvider> policies() {
    return policies;
  }

  /**
   * Returns the policy type aliases with the type each stands for, for example {@code scheduled
   * -> schedule}.
   *
   * @return an unmodifiable map, sorted by alias
   * @since 0.3
   */
  public Map<String, String> policyAliases() {
    return policyAliases;
  }

  /**
   * Returns the metric-source providers by type.
   *
   * @return an unmodifiable map, sorted by type
   */
  public Map<String, MetricSourceProvider> metricSources() {
    return sources;
  }

  /**
   * Returns the target providers by type.
   *
   * @return an unmodifiable map, sorted by type
   */
  public Map<String, ScalingTargetProvider> targets() {
    return targets;
  }

  /**
   * Looks up a policy type by its name or one of its aliases.
   *
   * @param type the type name or alias
   * @return the provider, if registered
   */
  public Optional<ScalingPolicyProvider> policy(String type) {
    ScalingPolicyProvider p = policies.get(type);
    if (p == null) {
      String canonical = policyAliases.get(type);
      p = canonical == null ? null : policies.get(canonical);
    }
    return Optional.ofNullable(p);
  }

  /**
   * Looks up a metric-source type.
   *
   * @param type the type name
   * @return the provider, if registered
   */
  public Optional<MetricSourceProvider> metricSource(String type) {
    return Optional.ofNullable(sources.get(type));
  }

  /**
   * Looks up a target type.
   *
   * @param type the type name
   * @return the provider, if registered
   */
  public Optional<ScalingTargetProvider> target(String type) {
    return Optional.ofNullable(targets.get(type));
  }

  /** A copy in which the given policy providers replace those of their types. */
  PluginRegistry overriding(java.util.Collection<ScalingPolicyProvider> explicit) {
    Builder b = new Builder();
    b.policies.clear();
    b.policies.putAll(policies);
    b.policyAliases.clear();
    b.policyAliases.putAll(policyAliases);
    for (ScalingPolicyProvider p : explicit) {
      b.policies.put(p.type(), p);
      for (String alias : p.aliases()) {
        if (!b.policies.containsKey(alias)) {
          b.policyAliases.put(alias, p.type());
        }
      }
    }
    b.sources.putAll(sources);
    b.targets.putAll(targets);
    return new PluginRegistry(b);
  }

  @Override
  public String toString() {
    return "PluginRegistry[policies=" + policies.keySet() + ", metricSources=" + sources.keySet()
        + ", targets=" + targets.keySet() + "]";
  }

  /**
   * Composes a {@link PluginRegistry}. Not thread-safe. Registering another instance of an already
   * registered provider class is a no-op (a class found twice on a class path is not a clash);
   * two different classes of one kind with the same type name are a clash, and so is a policy
   * type alias ({@link ScalingPolicyProvider#aliases()}) that another provider uses as its type or
   * alias; {@link #build()} reports them as one {@link ConfigException} listing every clash.
   */
  public static final class Builder {
    private final Map<String, ScalingPolicyProvider> policies = new TreeMap<>();
    private final Map<String, String> policyAliases = new TreeMap<>();
    private final Map<String, MetricSourceProvider> sources = new TreeMap<>();
    private final Map<String, ScalingTargetProvider> targets = new TreeMap<>();
    private final List<ConfigProblem> clashes = new ArrayList<>();

    private Builder() {
      policy(new ThresholdPolicyProvider());
      policy(new TargetTrackingPolicyProvider());
      policy(new StepPolicyProvider());
      policy(new ScheduledPolicyProvider());
      policy(new PredictivePolicyProvider());
    }

    /**
     * Registers every provider of the three kinds that {@link ServiceLoader} finds on a class
     * loader.
     *
     * @param loader where to look, for example a class loader over a plugins folder
     * @return this builder
     */
    public Builder discover(ClassLoader loader) {
      Objects.requireNonNull(loader, "loader");
      ServiceLoader.load(ScalingPolicyProvider.class, loader).forEach(this::policy);
      ServiceLoader.load(MetricSourceProvider.class, loader).forEach(this::metricSource);
      ServiceLoader.load(ScalingTargetProvider.class, loader).forEach(this::target);
      return this;
    }

    /**
     * Registers every provider of another registry.
     *
     * @param other the registry
     * @return this builder
     */
    public Builder addAll(PluginRegistry other) {
      other.policies.values().forEach(this::policy);
      other.sources.values().forEach(this::metricSource);
      other.targets.values().forEach(this::target);
      return this;
    }

    /**
     * Registers a policy provider.
     *
     * @param provider the provider
     * @return this builder
     */
    public Builder policy(ScalingPolicyProvider provider) {
      Objects.requireNonNull(provider, "provider");
      String type = provider.type();
      if (type != null && policyAliases.containsKey(type)) {
        clashes.add(new ConfigProblem("plugins", "policy type '" + type + "' of " + provider.getClass().getName()
            + " is an alias of type '" + policyAliases.get(type) + "' of " + policies.get(policyAliases.get(type))
                .getClass().getName()));
        return this;
      }
      int before = clashes.size();
      add("policy", policies, provider, ScalingPolicyProvider::type);
      if (clashes.size() != before || policies.get(type) != provider) {
        return this; // a clash, or the same class again: its aliases are known already
      }
      for (String alias : provider.aliases()) {
        ScalingPolicyProvider owner = policies.get(alias);
        String aliased = policyAliases.get(alias);
        if (alias == null || alias.isBlank()) {
          clashes.add(new ConfigProblem("plugins", "policy provider " + provider.getClass().getName()
              + " has a blank alias"));
        } else if (owner != null) {
          clashes.add(new ConfigProblem("plugins", "policy type alias '" + alias + "' of " + provider.getClass().getName()
              + " is the type of " + owner.getClass().getName()));
        } else if (aliased != null) {
          clashes.add(new ConfigProblem("plugins", "policy type alias '" + alias + "' is used by both "
              + policies.get(aliased).getClass().getName() + " and " + provider.getClass().getName()));
        } else {
          policyAliases.put(alias, type);
        }
      }
      return this;
    }

    /**
     * Registers a metric-source provider.
     *
     * @param provider the provider
     * @return this builder
     */
    public Builder metricSource(MetricSourceProvider provider) {
      add("metric source", sources, provider, MetricSourceProvider::type);
      return this;
    }

    /**
     * Registers a target provider.
     *
     * @param provider the provider
     * @return this builder
     */
    public Builder target(ScalingTargetProvider provider) {
      add("target", targets, provider, ScalingTargetProvider::type);
      return this;
    }

    private <P> void add(String kind, Map<String, P> into, P provider, Function<P, String> typeOf) {
      Objects.requireNonNull(provider, "provider");
      String type = typeOf.apply(provider);
      if (type == null || type.isBlank()) {
        clashes.add(new ConfigProblem("plugins", kind + " provider " + provider.getClass().getName() + " has no type name"));
        return;
      }
      P known = into.get(type);
      if (known == null) {
        into.put(type, provider);
      } else if (known.getClass() != provider.getClass()) {
        clashes.add(new ConfigProblem("plugins", kind + " type '" + type + "' is provided twice: by "
            + known.getClass().getName() + " and " + provider.getClass().getName()));
      }
    }

    /**
     * Builds the registry.
     *
     * @return the registry
     * @throws ConfigException if two providers of one kind share a type name (every clash at once)
     */
    public PluginRegistry build() {
      if (!clashes.isEmpty()) {
        throw new ConfigException(clashes);
      }
      return new PluginRegistry(this);
    }
  }
}
