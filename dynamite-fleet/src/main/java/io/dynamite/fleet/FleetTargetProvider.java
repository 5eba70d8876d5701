package io.dynamite.fleet;

import com.google.auto.service.AutoService;
import io.dynamite.api.ConfigException;
import io.dynamite.api.ConfigProblem;
import io.dynamite.api.spi.PluginContext;
import io.dynamite.api.spi.ScalingTarget;
import io.dynamite.api.spi.ScalingTargetProvider;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Creates {@link FleetTarget}s of type {@code fleet} from settings:
 *
 * <ul>
 *   <li>{@code endpoint} (required): {@code http://host:port} or {@code unix:///var/run/fleet.sock}
 *   <li>{@code connect_timeout_ms} (5000), {@code read_timeout_ms} (15000), {@code
 *       call_timeout_ms} (30000)
 *   <li>{@code max_in_flight} (16): concurrent HTTP calls
 *   <li>{@code max_attempts} (6), {@code initial_backoff_ms} (200), {@code max_backoff_ms} (5000)
 *   <li>{@code poll_interval_ms} (1000), {@code start_timeout_ms} (90000), {@code
 *       stop_timeout_ms} (30000)
 *   <li>{@code unit_name_pattern}: a regular expression; {@code list()} reports only matching units
 * </ul>
 *
 * <p>Values are whole numbers (integers or strings holding one), at least 1. Unknown keys, a missing
 * or unusable endpoint and bad values are reported together in one {@link ConfigException}, each
 * problem under its key. Stateless and thread-safe.
 *
 * @since 0.1
 */
@AutoService(ScalingTargetProvider.class)
public final class FleetTargetProvider implements ScalingTargetProvider {
  private static final Set<String> KEYS = Set.of(
      "endpoint", "connect_timeout_ms", "read_timeout_ms", "call_timeout_ms", "max_in_flight",
      "max_attempts", "initial_backoff_ms", "max_backoff_ms", "poll_interval_ms", "start_timeout_ms",
      "stop_timeout_ms", "unit_name_pattern");

  /** Creates the provider; used by {@link java.util.ServiceLoader}. */
  public FleetTargetProvider() {}

  @Override
  public String type() {
    return "fleet";
  }

  @Override
  public ScalingTarget create(Map<String, Object> settings, PluginContext context) {
    List<ConfigProblem> problems = new ArrayList<>();
    for (String k : settings.keySet()) {
      if (!KEYS.contains(k)) {
        problems.add(new ConfigProblem(k, "unknown setting; known: " + new java.util.TreeSet<>(KEYS)));
      }
    }
    String endpoint = endpoint(settings.get("endpoint"), problems);
    long connect = millis(settings, "connect_timeout_ms", 5000, problems);
    long read = millis(settings, "read_timeout_ms", 15000, problems);
    long call = millis(settings, "call_timeout_ms", 30000, problems);
    long inFlight = millis(settings, "max_in_flight", 16, problems);
    long attempts = millis(settings, "max_attempts", 6, problems);
    long initial = millis(settings, "initial_backoff_ms", 200, problems);
    long maxBackoff = millis(settings, "max_backoff_ms", 5000, problems);
    long poll = millis(settings, "poll_interval_ms", 1000, problems);
    long startTimeout = millis(settings, "start_timeout_ms", 90000, problems);
    long stopTimeout = millis(settings, "stop_timeout_ms", 30000, problems);
    Pattern pattern = null;
    Object p = settings.get("unit_name_pattern");
    if (p instanceof String regex) {
      try {
        pattern = Pattern.compile(regex);
      } catch (PatternSyntaxException e) {
        problems.add(new ConfigProblem("unit_name_pattern", "not a regular expression: " + e.getDescription()));
      }
    } else if (p != null) {
      problems.add(new ConfigProblem("unit_name_pattern", "must be a regular expression (a string): " + p));
    }
    if (!problems.isEmpty()) {
      throw new ConfigException(problems);
    }
    FleetClient client;
    try {
      client = FleetClient.builder(endpoint)
          .connectTimeout(Duration.ofMillis(connect))
          .readTimeout(Duration.ofMillis(read))
          .callTimeout(Duration.ofMillis(call))
          .maxInFlight((int) inFlight)
          .retryPolicy(RetryPolicy.builder()
              .maxAttempts((int) attempts)
              .initialBackoff(Duration.ofMillis(initial))
              .maxBackoff(Duration.ofMillis(maxBackoff))
              .build())
          .build();
    } catch (IllegalArgumentException e) {
      throw new ConfigException("endpoint", e.getMessage());
    }
    FleetTarget.Builder b = FleetTarget.builder(client)
        .closeClient(true)
        .pollInterval(Duration.ofMillis(poll))
        .startTimeout(Duration.ofMillis(startTimeout))
        .stopTimeout(Duration.ofMillis(stopTimeout));
    if (pattern != null) {
      Pattern compiled = pattern;
      b.unitFilter(n -> compiled.matcher(n).matches());
    }
    return b.build();
  }

  private static String endpoint(Object value, List<ConfigProblem> problems) {
    String usage = "http://host:port, https://host:port or unix:///var/run/fleet.sock";
    if (value == null) {
      problems.add(new ConfigProblem("endpoint", "required: " + usage));
      return "";
    }
    if (!(value instanceof String s) || s.isBlank()) {
      problems.add(new ConfigProblem("endpoint", "must be " + usage + ": " + value));
      return "";
    }
    String endpoint = s.strip();
    try {
      FleetClient.checkEndpoint(endpoint);
    } catch (IllegalArgumentException e) {
      problems.add(new ConfigProblem("endpoint", e.getMessage()));
    }
    return endpoint;
  }

  private static long millis(Map<String, Object> settings, String key, long dflt, List<ConfigProblem> problems) {
    Object v = settings.get(key);
    if (v == null) {
      return dflt;
    }
    long n;
    if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
      n = ((Number) v).longValue();
    } else if (v instanceof java.math.BigInteger big) {
      n = big.bitLength() < 63 ? big.longValue() : Long.MAX_VALUE;
    } else if (v instanceof Number) {
      // 1.5 or 1e3 from YAML: never round silently
      problems.add(new ConfigProblem(key, "not a whole number: " + v));
      return dflt;
    } else {
      try {
        n = Long.parseLong(String.valueOf(v).strip());
      } catch (NumberFormatException e) {
        problems.add(new ConfigProblem(key, "not a whole number: " + v));
        return dflt;
      }
    }
    if (n < 1 || n > Integer.MAX_VALUE) {
      problems.add(new ConfigProblem(key, "must be between 1 and " + Integer.MAX_VALUE + ": " + v));
      return dflt;
    }
    return n;
  }
}
