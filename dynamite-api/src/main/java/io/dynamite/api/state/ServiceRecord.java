package io.dynamite.api.state;

import io.dynamite.api.ServiceId;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What is stored per scalable service: its unit file, the unit files of its attached services,
 * its configuration entry and its instance-number table.
 *
 * @param service the service
 * @param unit its unit file
 * @param attached its attached services' unit files, in configuration order
 * @param config the service's YAML entry as parsed
 * @param usedNumbers the original's {@code used_port_numbers} table: {@code max_instance *
 *     ports_per_instance} slots, 0 for a free slot, otherwise the number occupying it; empty for
 *     single-instance services
 * @since 0.1
 */
public record ServiceRecord(
    ServiceId service,
    UnitDefinition unit,
    List<UnitDefinition> attached,
    Map<String, Object> config,
    List<Integer> usedNumbers) {
  /**
   * Validates and copies the components.
   *
   * @param service the service
   * @param unit its unit file
   * @param attached its attached services' unit files, in configuration order
   * @param config the service's YAML entry as parsed
   * @param usedNumbers the original's {@code used_port_numbers} table: {@code max_instance *
   *     ports_per_instance} slots, 0 for a free slot, otherwise the number occupying it; empty for
   *     single-instance services
   */
  public ServiceRecord {
    Objects.requireNonNull(service, "service");
    Objects.requireNonNull(unit, "unit");
    attached = List.copyOf(attached);
    config = Collections.unmodifiableMap(new LinkedHashMap<>(config));
    usedNumbers = List.copyOf(usedNumbers);
  }
}
