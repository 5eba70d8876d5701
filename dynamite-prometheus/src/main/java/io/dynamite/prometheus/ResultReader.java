package io.dynamite.prometheus;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Reads the {@code data} of an instant query's answer into points: a vector gives one point per
 * series, a scalar one point without labels. Values and timestamps are read but not judged here;
 * {@link Binding} decides what is usable.
 */
final class ResultReader {
  private static final ObjectNode NO_LABELS = JsonNodeFactory.instance.objectNode();

  private ResultReader() {}

  /**
   * One series' value.
   *
   * @param labels the series' labels (an object of strings)
   * @param at the evaluation time, or null if the answer's timestamp is unreadable
   * @param value the value as Prometheus wrote it ({@code "1.5"}, {@code "NaN"}, {@code "+Inf"})
   */
  record Point(JsonNode labels, @Nullable Instant at, String value) {
    /** Returns a label's value, or null when the series lacks it. */
    @Nullable String label(String name) {
      JsonNode v = labels.get(name);
      return v == null || !v.isTextual() ? null : v.asText();
    }

    /** The labels as {@code {a="1", b="2"}}, for messages and rejected-value keys. */
    String describeLabels() {
      StringBuilder b = new StringBuilder("{");
      for (Iterator<Map.Entry<String, JsonNode>> it = labels.properties().iterator(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        b.append(e.getKey()).append("=\"").append(e.getValue().asText()).append('"');
        if (it.hasNext()) {
          b.append(", ");
        }
      }
      return b.append('}').toString();
    }

    /** The value as a double: NaN and the infinities as Prometheus spells them, null if not a number. */
    @Nullable Double number() {
      return switch (value) {
        case "NaN" -> Double.NaN;
        case "+Inf", "Inf" -> Double.POSITIVE_INFINITY;
        case "-Inf" -> Double.NEGATIVE_INFINITY;
        default -> {
          try {
            yield Double.parseDouble(value);
          } catch (NumberFormatException e) {
            yield null;
          }
        }
      };
    }
  }

  /**
   * Reads the points of an answer.
   *
   * @param data the answer's {@code data} object
   * @return the points, in the answer's order
   * @throws QueryFailure if the result is not an instant vector or a scalar, or malformed
   */
  static List<Point> read(JsonNode data) throws QueryFailure {
    String type = data.path("resultType").asText("");
    JsonNode result = data.get("result");
    switch (type) {
      case "vector" -> {
        if (result == null || !result.isArray()) {
          throw new QueryFailure("vector answer without a result array", false);
        }
        List<Point> out = new ArrayList<>(result.size());
        for (JsonNode series : result) {
          JsonNode labels = series.get("metric");
          out.add(point(labels != null && labels.isObject() ? labels : NO_LABELS, series.get("value")));
        }
        return out;
      }
      case "scalar" -> {
        return List.of(point(NO_LABELS, result));
      }
      case "matrix" -> throw new QueryFailure("the query returns a range vector (matrix); use an instant vector,"
          + " for example wrap the range selector in rate() or avg_over_time()", false);
      default -> throw new QueryFailure("unsupported result type '" + type + "'; an instant vector or a scalar is needed", false);
    }
  }

  private static Point point(JsonNode labels, @Nullable JsonNode pair) throws QueryFailure {
    if (pair == null || !pair.isArray() || pair.size() != 2) {
      throw new QueryFailure("series " + labels + " without a [time, value] pair", false);
    }
    return new Point(labels, instant(pair.get(0)), pair.get(1).asText());
  }

  /** Seconds since the epoch, with fractions, as Prometheus writes timestamps. */
  private static @Nullable Instant instant(JsonNode ts) {
    if (!ts.isNumber()) {
      return null;
    }
    try {
      BigDecimal s = ts.decimalValue();
      BigDecimal whole = new BigDecimal(s.toBigInteger());
      long nanos = s.subtract(whole).movePointRight(9).longValue();
      return Instant.ofEpochSecond(whole.longValueExact(), nanos);
    } catch (ArithmeticException | java.time.DateTimeException e) {
      return null;
    }
  }
}
