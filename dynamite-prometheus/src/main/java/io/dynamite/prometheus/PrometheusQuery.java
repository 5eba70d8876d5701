package io.dynamite.prometheus;

import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The PromQL query behind one policy metric, and how its series map to Dynamite instances.
 *
 * <p>A policy that reads its metric aggregated ({@code metric_aggregated: true}) needs a query
 * that returns exactly one series or a scalar, for example {@code
 * avg(rate(http_requests_total{job="web"}[1m]))}. A policy that reads per instance needs one
 * series per instance and {@link #instanceLabel()}, the label whose value identifies the instance:
 * the value becomes the sample's uuid. {@link #unitName()} turns that value into the instance's
 * unit name, so that the engine can tell which instance breached (for example {@code
 * web@{}.service} for a label carrying the instance number, or {@code {}} for a label carrying the
 * whole unit name).
 *
 * @param promql the PromQL expression, evaluated as an instant query; not blank
 * @param instanceLabel the label naming the instance, or null for aggregated queries
 * @param unitName a unit-name template with one {@code {}} for the label value, or null when the
 *     label values are not to be resolved to units
 * @since 0.3
 */
public record PrometheusQuery(String promql, @Nullable String instanceLabel, @Nullable String unitName) {
  private static final Pattern LABEL = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");

  /**
   * Validates the components.
   *
   * @param promql the PromQL expression
   * @param instanceLabel the label naming the instance, or null
   * @param unitName the unit-name template, or null
   * @throws IllegalArgumentException if the query is blank, the label is not a Prometheus label
   *     name, or the template lacks its single {@code {}} or comes without a label
   */
  public PrometheusQuery {
    Objects.requireNonNull(promql, "promql");
    if (promql.isBlank()) {
      throw new IllegalArgumentException("the PromQL query must not be blank");
    }
    if (instanceLabel != null && !LABEL.matcher(instanceLabel).matches()) {
      throw new IllegalArgumentException("instance_label must be a Prometheus label name ([a-zA-Z_][a-zA-Z0-9_]*): "
          + instanceLabel);
    }
    if (unitName != null) {
      if (instanceLabel == null) {
        throw new IllegalArgumentException("unit_name needs instance_label: it names the unit from that label's value");
      }
      int at = unitName.indexOf("{}");
      if (at < 0 || unitName.indexOf("{}", at + 2) >= 0) {
        throw new IllegalArgumentException("unit_name must contain {} exactly once, for the label value: " + unitName);
      }
    }
  }

  /**
   * Creates a query for a policy that reads the metric aggregated.
   *
   * @param promql the expression; it must return one series or a scalar
   * @return the query
   */
  public static PrometheusQuery aggregated(String promql) {
    return new PrometheusQuery(promql, null, null);
  }

  /**
   * Creates a query for a policy that reads the metric per instance.
   *
   * @param promql the expression; one series per instance
   * @param instanceLabel the label whose value identifies the instance
   * @return the query
   */
  public static PrometheusQuery perInstance(String promql, String instanceLabel) {
    return new PrometheusQuery(promql, Objects.requireNonNull(instanceLabel, "instanceLabel"), null);
  }

  /**
   * Returns a copy that names units from the label value.
   *
   * @param template a unit name with {@code {}} where the label value goes, for example {@code
   *     web@{}.service}
   * @return the copy
   */
  public PrometheusQuery withUnitName(String template) {
    return new PrometheusQuery(promql, instanceLabel, Objects.requireNonNull(template, "template"));
  }

  /**
   * Returns the unit name for a label value, with the {@code .service} suffix added when the
   * template lacks one.
   *
   * @param labelValue the value of {@link #instanceLabel()}
   * @return the unit name, or empty without a template or for an empty value
   */
  public Optional<String> unitFor(String labelValue) {
    if (unitName == null || labelValue.isEmpty()) {
      return Optional.empty();
    }
    String name = unitName.replace("{}", labelValue);
    return Optional.of(name.endsWith(".service") ? name : name + ".service");
  }
}
