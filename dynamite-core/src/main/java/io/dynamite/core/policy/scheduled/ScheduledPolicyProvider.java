package io.dynamite.core.policy.scheduled;

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
 * Provider of the built-in {@code schedule} policy (also accepted under its earlier name {@code
 * scheduled}): {@code schedule:} entries, by five-field cron
 * expression (with a time zone) or at a fixed time, that put a floor ({@code min}), a ceiling
 * ({@code max}) and a one-off {@code desired} count in force for a window ({@code duration},
 * {@code until}) or until the next setting entry fires. Reads no metric. See {@code
 * docs/policies.md}.
 *
 * @since 0.3
 */
@AutoService(ScalingPolicyProvider.class)
public final class ScheduledPolicyProvider implements ScalingPolicyProvider {
  /** The type name. */
  public static final String TYPE = "schedule";

  /** The earlier type name, still accepted in {@code type:}. */
  public static final String ALIAS = "scheduled";

  /** Creates the provider; stateless. */
  public ScheduledPolicyProvider() {}

  @Override
  public String type() {
    return TYPE;
  }

  /** {@code scheduled}, the name of this type before 0.3, so that existing configurations load unchanged. */
  @Override
  public Set<String> aliases() {
    return Set.of(ALIAS);
  }

  @Override
  public Set<String> settingsKeys() {
    return ScheduledSettings.KEYS;
  }

  @Override
  public ScalingPolicy create(PolicySpec spec, PluginContext context) {
    return new ScheduledPolicy(ScheduledSettings.parse(spec));
  }

  /**
   * Reports every settings problem together.
   *
   * @param spec the policy's configuration
   * @param context unused
   * @return every problem, with paths relative to the policy entry; empty if valid
   */
  @Override
  public List<ConfigProblem> validate(PolicySpec spec, PluginContext context) {
    try {
      ScheduledSettings.parse(spec);
      return List.of();
    } catch (ConfigException e) {
      return e.problems();
    }
  }
}
