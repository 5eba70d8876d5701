package io.dynamite.api.spi;

import java.time.Clock;

/**
 * The narrow view of the engine a plugin gets at creation. It never hands out the engine itself.
 *
 * <p>Implementations are immutable and thread-safe.
 *
 * @since 0.1
 */
public interface PluginContext {
  /**
   * Returns the engine's clock. Plugins read time only from here, never from the system clock,
   * so that tests can drive them with a manual clock.
   *
   * @return the clock
   */
  Clock clock();

  /**
   * Returns the id of the plugin instance, unique within an engine: for a policy, {@code
   * <service>/<direction>/<policy name>}.
   *
   * @return the id
   */
  String pluginId();

  /**
   * Returns the provider type the plugin was created from.
   *
   * @return the type, for example {@code threshold}
   */
  String type();

  /**
   * Returns the logger name the plugin should log under, so that operators can tune one plugin's
   * level.
   *
   * @return a dotted logger name under {@code io.dynamite.plugin}
   */
  default String loggerName() {
    return "io.dynamite.plugin." + type();
  }

  /**
   * Creates a simple context.
   *
   * @param clock the clock
   * @param pluginId the id
   * @param type the type
   * @return the context
   */
  static PluginContext of(Clock clock, String pluginId, String type) {
    java.util.Objects.requireNonNull(clock, "clock");
    java.util.Objects.requireNonNull(pluginId, "pluginId");
    java.util.Objects.requireNonNull(type, "type");
    return new PluginContext() {
      @Override
      public Clock clock() {
        return clock;
      }

      @Override
      public String pluginId() {
        return pluginId;
      }

      @Override
      public String type() {
        return type;
      }

      @Override
      public String toString() {
        return "PluginContext[" + pluginId + ", " + type + "]";
      }
    };
  }
}
