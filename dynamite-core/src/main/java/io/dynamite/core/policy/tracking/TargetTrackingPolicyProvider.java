package io.dynamite.core.policy.tracking;

import com.google.auto.service.AutoService;
import io.dynamite.api.ConfigException;
import io.dynamite.api.ConfigProblem;
import io.dynamite.api.PolicySpec;
import io.dynamite.api.spi.PluginContext;
import io.dynamite.api.spi.ScalingPolicy;
import io.dynamite.api.spi.ScalingPolicyProvider;
import java.util.List;
import java.util.Set;

/**
 * Provider of the built-in {@code target-tracking} policy: keeps a metric at a target by resizing
 * the service proportionally, with the Kubernetes HPA's rules (see {@link TargetTracking} and
 * {@code docs/policies.md}). Settings are described on {@link TargetTrackingSettings}; a metric is
 * required.
 *
 * @since 0.2
 */
@AutoService(ScalingPolicyProvider.class)
public final class TargetTrackingPolicyProvider implements ScalingPolicyProvider {
  /** The type name. */
  public static final String TYPE = "target-tracking";

  /** Creates the provider; stateless. */
  public TargetTrackingPolicyProvider() {}

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public Set<String> settingsKeys() {
    return TargetTrackingSettings.KEYS;
  }

  @Override
  public ScalingPolicy create(PolicySpec spec, PluginContext context) {
    return new TargetTrackingPolicy(TargetTrackingSettings.parse(spec), spec.direction());
  }

  /**
   * Reports every settings problem together, including a missing metric.
   *
   * @param spec the policy's configuration
   * @param context unused
   * @return every problem, with paths relative to the policy entry; empty if valid
   */
  @Override
  public List<ConfigProblem> validate(PolicySpec spec, PluginContext context) {
    try {
      TargetTrackingSettings.parse(spec);
      return List.of();
    } catch (ConfigException e) {
      return e.problems();
    }
  }
}
