package io.dynamite.core;

import io.dynamite.api.MetricQuery;
import io.dynamite.api.ServiceId;
import io.dynamite.api.UnitOption;
import io.dynamite.api.state.UnitDefinition;
import io.dynamite.core.config.DynamiteConfig;
import io.dynamite.core.config.PolicyConfig;
import io.dynamite.core.config.ServiceConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** Builds configurations in code for engine tests that are not about YAML loading. */
final class TestConfigs {
  private final Map<ServiceId, ServiceConfig> services = new LinkedHashMap<>();
  private final Map<String, PolicyConfig> policies = new LinkedHashMap<>();

  static TestConfigs create() {
    return new TestConfigs();
  }

  TestConfigs template(String name, int min, int max, int base, int ppi, @Nullable String up, @Nullable String down, String... attached) {
    List<ServiceId> att = new ArrayList<>();
    for (String a : attached) {
      att.add(ServiceId.of(a));
    }
    String file = name + "@.service";
    services.put(ServiceId.of(name), new ServiceConfig(ServiceId.of(name), file, "test", min, max, base, ppi,
        att, List.of(), up, down, unit(name, file), Map.of("name_of_unit_file", file)));
    return this;
  }

  /** A template service whose policies are listed under policies: (the v2 form). */
  TestConfigs templateWithPolicies(String name, int min, int max, int base, List<String> policies) {
    String file = name + "@.service";
    services.put(ServiceId.of(name), new ServiceConfig(ServiceId.of(name), file, "test", min, max, base, 1,
        List.of(), List.of(), null, null, unit(name, file), Map.of("name_of_unit_file", file), policies));
    return this;
  }

  /** Sets {@code adopt_unknown} of a service added before. */
  TestConfigs adoptUnknown(String name, boolean adopt) {
    ServiceConfig c = services.get(ServiceId.of(name));
    services.put(c.id(), new ServiceConfig(c.id(), c.unitFileName(), c.type(), c.minInstance(), c.maxInstance(),
        c.baseNumber(), c.portsPerInstance(), c.attached(), c.dependencies(), c.scaleUpPolicy(), c.scaleDownPolicy(),
        c.unit(), c.raw(), c.policies(), adopt));
    return this;
  }

  TestConfigs single(String name, int min) {
    String file = name + ".service";
    services.put(ServiceId.of(name), new ServiceConfig(ServiceId.of(name), file, "test", min, null, null, null,
        List.of(), List.of(), null, null, unit(name, file), Map.of("name_of_unit_file", file)));
    return this;
  }

  TestConfigs attached(String name) {
    String file = name + "@.service";
    services.put(ServiceId.of(name), new ServiceConfig(ServiceId.of(name), file, ServiceConfig.ATTACHED_TYPE, 0, null, null, null,
        List.of(), List.of(), null, null, unit(name, file), Map.of("name_of_unit_file", file, "type", "attached_service")));
    return this;
  }

  TestConfigs threshold(String name, String serviceType, String metric, boolean aggregated, String op, double threshold,
      double periodSeconds, double cooldownSeconds) {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("service_type", serviceType);
    s.put("metric", metric);
    s.put("metric_aggregated", aggregated);
    s.put("comparative_operator", op);
    s.put("threshold", threshold);
    s.put("period", periodSeconds);
    s.put("period_unit", "second");
    s.put("cooldown_period", cooldownSeconds);
    s.put("cooldown_period_unit", "second");
    policies.put(name, new PolicyConfig(name, PolicyConfig.DEFAULT_TYPE, new MetricQuery(serviceType, metric, aggregated), s));
    return this;
  }

  TestConfigs policy(PolicyConfig p) {
    policies.put(p.name(), p);
    return this;
  }

  DynamiteConfig build() {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("Dynamite", Map.of("services", new ArrayList<>(services.keySet()).toString()));
    return new DynamiteConfig(doc, List.of(), null, "/services", "/metrics", services, policies);
  }

  private static UnitDefinition unit(String name, String file) {
    return new UnitDefinition(name, file, "/units/" + file,
        List.of(UnitOption.of("Unit", "Description", name), UnitOption.of("Service", "ExecStart", "/bin/run %i")));
  }
}
