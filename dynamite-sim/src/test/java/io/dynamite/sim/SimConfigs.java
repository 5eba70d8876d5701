package io.dynamite.sim;

import io.dynamite.core.config.ConfigLoader;
import io.dynamite.core.config.DynamiteConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Configurations and trace excerpts the simulator's tests share. */
final class SimConfigs {
  private SimConfigs() {}

  /** The original's threshold rule: cpu > 70 % for 30 s adds one (cooldown 1 min), < 25 % for 2 min removes one. */
  static String threshold(int min, int max) {
    return """
        Dynamite:
          ServiceFiles:
            PathList: [units]
          ETCD:
            application_base_path: /services
            metrics_base_path: /metrics
          Service:
            web:
              name_of_unit_file: web@.service
              type: webserver
              min_instance: %d
              max_instance: %d
              base_instance_prefix_number: 8080
              ports_per_instance: 1
              scale_up_policy:
                ScalingPolicy: cpu_high
              scale_down_policy:
                ScalingPolicy: cpu_low
          ScalingPolicy:
            cpu_high:
              service_type: webserver
              metric: cpu_user
              metric_aggregated: false
              comparative_operator: gt
              threshold: 70
              period: 30
              cooldown_period: 1
              cooldown_period_unit: minute
            cpu_low:
              service_type: webserver
              metric: cpu_user
              metric_aggregated: false
              comparative_operator: lt
              threshold: 25
              period: 2
              period_unit: minute
              cooldown_period: 2
              cooldown_period_unit: minute
        """.formatted(min, max);
  }

  /** Target tracking of per-instance CPU at 60 %, HPA behavior defaults. */
  static String tracking(int min, int max) {
    return """
        Dynamite:
          ServiceFiles:
            PathList: [units]
          ETCD:
            application_base_path: /services
            metrics_base_path: /metrics
          Service:
            web:
              name_of_unit_file: web@.service
              type: webserver
              min_instance: %d
              max_instance: %d
              base_instance_prefix_number: 8080
              ports_per_instance: 1
              policies:
                - cpu
          ScalingPolicy:
            cpu:
              type: target-tracking
              service_type: webserver
              metric: cpu_user
              target: 60
        """.formatted(min, max);
  }

  static DynamiteConfig load(Path dir, String yaml) {
    try {
      Path units = Files.createDirectories(dir.resolve("units"));
      Files.writeString(units.resolve("web@.service"), "[Unit]\nDescription=web %i\n[Service]\nExecStart=/bin/true\n");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return ConfigLoader.builder().build().load(yaml, dir);
  }

  static Trace trace(String resource) {
    try (InputStream in = SimConfigs.class.getResourceAsStream("/sim/" + resource)) {
      if (in == null) {
        throw new IllegalStateException("missing test resource /sim/" + resource);
      }
      return Trace.parseCsv(new InputStreamReader(in, StandardCharsets.UTF_8), resource);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
