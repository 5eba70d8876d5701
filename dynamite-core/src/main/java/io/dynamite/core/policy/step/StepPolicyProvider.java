package io.dynamite.core.policy.step;

import com.google.auto.service.AutoService;
import io.dynamite.api.ConfigException;
import io.dynamite.api.ConfigProblem;
import io.dynamite.api.PolicySpec;
import io.dynamite.api.spi.PluginContext;
import io.dynamite.api.spi.ScalingPolicy;
import io.dynamite.api.spi.ScalingPolicyProvider;
import io.dynamite.core.policy.health.MetricHealthGuard;
import java.util.List;
import java.util.Set;

/**
 * Provider of the built-in {@code step} policy: AWS-style step scaling. A metric (per-instance,
 * averaged over the running instances, or aggregated) is compared with {@code threshold}; the
 * step whose interval holds the difference gives the adjustment ({@code change_in_capacity},
 * {@code exact_capacity} or {@code percent_change_in_capacity}). Honours {@code cooldown} and
 * {@code estimated_instance_warmup}, and is wrapped in a {@link MetricHealthGuard} ({@code
 * max_sample_age}, {@code on_missing}). See {@code docs/policies.md}.
 *
 * @since 0.3
 */
@AutoService(ScalingPolicyProvider.class)
public final class StepPolicyProvider implements ScalingPolicyProvider {
  /** The type name. */
  public static final String TYPE = "step";

  /** Creates the provider; stateless. */
  public StepPolicyProvider() {}

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public Set<String> settingsKeys() {
    return StepSettings.KEYS;
  }

  @Override
  public ScalingPolicy create(PolicySpec spec, PluginContext context) {
    StepSettings s = StepSettings.parse(spec);
    return new MetricHealthGuard(new StepPolicy(s, spec.direction()), s.metric(), s.aggregated(), s.health());
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
      StepSettings.parse(spec);
      return List.of();
    } catch (ConfigException e) {
      return e.problems();
    }
  }
}
