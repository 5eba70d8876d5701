package io.dynamite.core.policy;

import com.google.auto.service.AutoService;
import io.dynamite.api.ConfigException;
import io.dynamite.api.ConfigProblem;
import io.dynamite.api.PolicySpec;
import io.dynamite.api.spi.PluginContext;
import io.dynamite.api.spi.ScalingPolicy;
import io.dynamite.api.spi.ScalingPolicyProvider;
import io.dynamite.core.policy.health.HealthSettings;
import io.dynamite.core.policy.health.MetricHealthGuard;
import java.util.ArrayList;
import java.util.List;

/**
 * Provider of the built-in {@code threshold} policy: the original Dynamite rule. Settings are the
 * original keys ({@code comparative_operator}, {@code threshold}, {@code period}, {@code
 * period_unit}, {@code cooldown_period}, {@code cooldown_period_unit}) plus the extension {@code
 * legacy_rule: true} that reproduces the original's defect B7. A metric is required.
 *
 * <p>In the default mode the policy is wrapped in a {@link MetricHealthGuard} ({@code
 * max_sample_age}, {@code on_missing}); with {@code legacy_rule: true} it is not, so that the
 * original's behaviour is kept exactly, and those two keys are rejected.
 *
 * @since 0.1
 */
@AutoService(ScalingPolicyProvider.class)
public final class ThresholdPolicyProvider implements ScalingPolicyProvider {
  private static final ConfigProblem MISSING_METRIC = new ConfigProblem("metric",
      "required key is missing: a threshold policy needs service_type and metric");

  private static final ConfigProblem MISSING_DIRECTION = new ConfigProblem("direction",
      "required key is missing: a threshold policy listed under a service's policies needs direction: up or down");

  /** The type name. */
  public static final String TYPE = "threshold";

  /** Creates the provider; stateless. */
  public ThresholdPolicyProvider() {}

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public ScalingPolicy create(PolicySpec spec, PluginContext context) {
    List<ConfigProblem> problems = validate(spec, context);
    if (!problems.isEmpty()) {
      throw new ConfigException(problems);
    }
    ThresholdSettings settings = ThresholdSettings.parse(spec);
    ThresholdPolicy policy = new ThresholdPolicy(spec.direction(), spec.query().metric(), settings);
    if (settings.legacy()) {
      return policy;
    }
    HealthSettings health = HealthSettings.parse(spec.settings(), new SettingsReader());
    // the rule fires per uuid on that uuid's own samples: a silent instance is no input to a fire
    return MetricHealthGuard.perInstanceRule(policy, spec.query().metric(), spec.query().aggregated(), health);
  }

  /**
   * Reports a missing metric, a missing direction and every settings problem together, including
   * {@code max_sample_age} and {@code on_missing} (and their use with {@code legacy_rule: true}).
   *
   * @param spec the policy's configuration
   * @param context unused
   * @return every problem, with paths relative to the policy entry; empty if valid
   */
  @Override
  public List<ConfigProblem> validate(PolicySpec spec, PluginContext context) {
    List<ConfigProblem> problems = new ArrayList<>();
    if (spec.query() == null) {
      problems.add(MISSING_METRIC);
    }
    if (spec.direction() == null) {
      problems.add(MISSING_DIRECTION);
    }
    boolean legacy = false;
    try {
      legacy = ThresholdSettings.parse(spec).legacy();
    } catch (ConfigException e) {
      problems.addAll(e.problems());
      legacy = Boolean.TRUE.equals(spec.settings().get("legacy_rule"));
    }
    if (legacy) {
      for (String key : HealthSettings.KEYS) {
        if (spec.settings().containsKey(key)) {
          problems.add(new ConfigProblem(key, "not available with legacy_rule: true, which keeps the original rule"
              + " exactly (without metric health); remove " + key + " or legacy_rule"));
        }
      }
    } else {
      SettingsReader r = new SettingsReader();
      HealthSettings.parse(spec.settings(), r);
      problems.addAll(r.problems());
    }
    return problems;
  }
}
