package io.dynamite.core.policy;

import com.google.auto.service.AutoService;
import io.dynamite.api.ConfigException;
import io.dynamite.api.ConfigProblem;
import io.dynamite.api.PolicySpec;
import io.dynamite.api.spi.PluginContext;
import io.dynamite.api.spi.ScalingPolicy;
import io.dynamite.api.spi.ScalingPolicyProvider;
import java.util.List;

/**
 * Provider of the built-in {@code threshold} policy: the original Dynamite rule. Settings are the
 * original keys ({@code comparative_operator}, {@code threshold}, {@code period}, {@code
 * period_unit}, {@code cooldown_period}, {@code cooldown_period_unit}) plus the extension {@code
 * legacy_rule: true} that reproduces the original's defect B7. A metric is required.
 *
 * @since 0.1
 */
@AutoService(ScalingPolicyProvider.class)
public final class ThresholdPolicyProvider implements ScalingPolicyProvider {
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
    if (spec.query() == null) {
      throw new ConfigException(List.of(new ConfigProblem("metric",
          "required key is missing: a threshold policy needs service_type and metric")));
    }
    return new ThresholdPolicy(spec.direction(), spec.query().metric(), ThresholdSettings.parse(spec));
  }
}
