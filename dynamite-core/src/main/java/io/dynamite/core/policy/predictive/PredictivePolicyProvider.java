package io.dynamite.core.policy.predictive;

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
 * Provider of the built-in {@code predictive} policy: a seasonal (daily or weekly) forecast of a
 * metric, kept in the policy, that raises a floor of {@code ceil(forecast / target)} instances
 * {@code forecast_window} ahead of a recurring peak once {@code min_history} has been collected.
 * It only ever adds capacity. Wrapped in a {@link MetricHealthGuard}. See {@code docs/policies.md}.
 *
 * @since 0.3
 */
@AutoService(ScalingPolicyProvider.class)
public final class PredictivePolicyProvider implements ScalingPolicyProvider {
  /** The type name. */
  public static final String TYPE = "predictive";

  /** Creates the provider; stateless. */
  public PredictivePolicyProvider() {}

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public Set<String> settingsKeys() {
    return PredictiveSettings.KEYS;
  }

  @Override
  public ScalingPolicy create(PolicySpec spec, PluginContext context) {
    PredictiveSettings s = PredictiveSettings.parse(spec);
    return new MetricHealthGuard(new PredictivePolicy(s), s.metric(), s.aggregated(), s.health());
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
      PredictiveSettings.parse(spec);
      return List.of();
    } catch (ConfigException e) {
      return e.problems();
    }
  }
}
