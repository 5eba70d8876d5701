package io.dynamite.core.policy.tracking;

import com.google.auto.service.AutoService;
import io.dynamite.api.ConfigException;
import io.dynamite.api.ConfigProblem;
import io.dynamite.api.PolicySpec;
import io.dynamite.api.spi.PluginContext;
import io.dynamite.api.spi.ScalingPolicy;
import io.dynamite.api.spi.ScalingPolicyProvider;
import io.dynamite.core.policy.SettingsReader;
import io.dynamite.core.policy.health.HealthSettings;
import io.dynamite.core.policy.health.MetricHealthGuard;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Provider of the built-in {@code target-tracking} policy: keeps a metric at a target by resizing
 * the service proportionally, with the Kubernetes HPA's rules (see {@link TargetTracking} and
 * {@code docs/policies.md}). Settings are described on {@link TargetTrackingSettings}; a metric is
 * required. The policy is wrapped in a {@link MetricHealthGuard} ({@code on_missing}, with the
 * entry's {@code max_sample_age}).
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
    List<ConfigProblem> problems = validate(spec, context);
    if (!problems.isEmpty()) {
      throw new ConfigException(problems);
    }
    TargetTrackingSettings s = TargetTrackingSettings.parse(spec);
    HealthSettings health = HealthSettings.withOnMissing(s.maxSampleAge(), spec.settings(), new SettingsReader());
    return new MetricHealthGuard(new TargetTrackingPolicy(s, spec.direction()), s.metric(), s.aggregated(), health);
  }

  /**
   * Reports every settings problem together, including a missing metric and a bad {@code
   * on_missing}.
   *
   * @param spec the policy's configuration
   * @param context unused
   * @return every problem, with paths relative to the policy entry; empty if valid
   */
  @Override
  public List<ConfigProblem> validate(PolicySpec spec, PluginContext context) {
    List<ConfigProblem> problems = new ArrayList<>();
    try {
      TargetTrackingSettings.parse(spec);
    } catch (ConfigException e) {
      problems.addAll(e.problems());
    }
    SettingsReader r = new SettingsReader();
    HealthSettings.withOnMissing(Duration.ofSeconds(1), spec.settings(), r);
    problems.addAll(r.problems());
    return problems;
  }
}
