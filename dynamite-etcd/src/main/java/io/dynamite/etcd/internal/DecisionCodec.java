package io.dynamite.etcd.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dynamite.api.Direction;
import io.dynamite.api.ServiceId;
import io.dynamite.api.ServiceView;
import io.dynamite.api.event.DecisionRecord;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * A {@link DecisionRecord} as the JSON object kept in a service's history ring, one member per
 * record component, named like the component:
 *
 * <pre>
 * {"at":"2030-01-01T00:00:05Z","policyId":"a/up/scale_up","direction":"up",
 *  "service":{"service":"a","running":2,"starting":0,"stopping":0,"min":2,"max":5},
 *  "samples":18,"lastValue":400.0,"policyState":"...","outcome":"SCALED",
 *  "reason":"... -> started an instance","desired":3,"clamps":[]}
 * </pre>
 *
 * <p><b>Adding a component to DecisionRecord is one line here</b>: a {@link Field} in {@link
 * #FIELDS}, at the component's position, saying how its value is written and read back. The
 * record is rebuilt through its canonical constructor from the fields in that order; the class
 * refuses to load if the fields do not name the record's components in order, so a forgotten line
 * fails every test that touches the history instead of silently losing a field. A member missing
 * from a stored object (a record written before the component existed) reads as the field's
 * absent value; members this version does not know are ignored.
 *
 * <p>A record whose JSON is larger than {@value #MAX_RECORD_BYTES} bytes is written with its
 * {@code reason} and {@code policyState} cut to {@value #MAX_TEXT_CHARS} characters (marked
 * {@code "… (cut)"}), so that a policy with a huge description cannot make a batch exceed etcd's
 * request limit. Stateless and thread-safe.
 */
public final class DecisionCodec {
  /** Larger records have their long texts cut. */
  public static final int MAX_RECORD_BYTES = 16_384;
  /** How long a cut text is. */
  public static final int MAX_TEXT_CHARS = 4_096;

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  /** How one component is written and read back. */
  private record Field(String name, Function<DecisionRecord, JsonNode> write, Function<JsonNode, @Nullable Object> read,
      @Nullable Object absent) {
    static Field of(String name, Function<DecisionRecord, JsonNode> write, Function<JsonNode, @Nullable Object> read) {
      return new Field(name, write, read, null);
    }

    Field orElse(Object absentValue) {
      return new Field(name, write, read, absentValue);
    }
  }

  /** One line per component of {@link DecisionRecord}, in component order. */
  private static final List<Field> FIELDS = List.of(
      Field.of("at", r -> F.textNode(r.at().toString()), n -> Instant.parse(n.asText())),
      Field.of("policyId", r -> F.textNode(r.policyId()), JsonNode::asText),
      Field.of("direction", r -> lower(r.direction()), n -> Direction.valueOf(n.asText().toUpperCase(Locale.ROOT))),
      Field.of("service", r -> view(r.service()), DecisionCodec::view),
      Field.of("samples", r -> F.numberNode(r.samples()), JsonNode::asInt).orElse(0),
      Field.of("lastValue", r -> r.lastValue() == null ? NullNode.instance : F.numberNode(r.lastValue()),
          JsonNode::asDouble),
      Field.of("policyState", r -> F.textNode(r.policyState()), JsonNode::asText).orElse(""),
      Field.of("outcome", r -> F.textNode(r.outcome().name()), n -> DecisionRecord.Outcome.valueOf(n.asText())),
      Field.of("reason", r -> F.textNode(r.reason()), JsonNode::asText).orElse(""),
      Field.of("desired", r -> r.desired() == null ? NullNode.instance : F.numberNode(r.desired()), JsonNode::asInt),
      Field.of("clamps", r -> strings(r.clamps()), DecisionCodec::strings).orElse(List.of()),
      // records written before the metric health existed read as NONE (the policy did not judge it)
      Field.of("metricHealth", r -> F.textNode(r.metricHealth().name()),
          n -> io.dynamite.api.MetricHealth.valueOf(n.asText())).orElse(io.dynamite.api.MetricHealth.NONE),
      // null for holds, errors and records written before the effect existed
      Field.of("effect", r -> r.effect() == null ? NullNode.instance : F.textNode(r.effect().name()),
          n -> io.dynamite.api.PolicyOutcome.Kind.valueOf(n.asText())));

  private static final Constructor<DecisionRecord> CANONICAL = canonical();

  private DecisionCodec() {}

  private static Constructor<DecisionRecord> canonical() {
    RecordComponent[] components = DecisionRecord.class.getRecordComponents();
    List<String> names = Arrays.stream(components).map(RecordComponent::getName).toList();
    List<String> fields = FIELDS.stream().map(Field::name).toList();
    if (!names.equals(fields)) {
      throw new IllegalStateException("DecisionCodec.FIELDS " + fields + " must name DecisionRecord's components "
          + names + " in order: add a Field line for each new component");
    }
    try {
      return DecisionRecord.class.getDeclaredConstructor(
          Arrays.stream(components).map(RecordComponent::getType).toArray(Class<?>[]::new));
    } catch (NoSuchMethodException e) {
      throw new IllegalStateException("DecisionRecord has no canonical constructor", e);
    }
  }

  /**
   * Writes a record as JSON.
   *
   * @param r the record
   * @return the JSON text, at most about {@value #MAX_RECORD_BYTES} bytes unless its short
   *     components alone are larger
   */
  public static String write(DecisionRecord r) {
    ObjectNode o = F.objectNode();
    for (Field f : FIELDS) {
      o.set(f.name(), f.write().apply(r));
    }
    String text = o.toString();
    if (text.length() * 3L > MAX_RECORD_BYTES && utf8(text) > MAX_RECORD_BYTES) {
      cut(o, "reason");
      cut(o, "policyState");
      text = o.toString();
    }
    return text;
  }

  /**
   * Reads a record written by {@link #write} (by this or an earlier version).
   *
   * @param json the text
   * @return the record
   * @throws IllegalArgumentException if the text is not such a record
   */
  public static DecisionRecord read(String json) {
    JsonNode o;
    try {
      o = JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage(), e);
    }
    if (o == null || !o.isObject()) {
      throw new IllegalArgumentException("not a JSON object");
    }
    Object[] args = new Object[FIELDS.size()];
    for (int i = 0; i < args.length; i++) {
      Field f = FIELDS.get(i);
      JsonNode n = o.get(f.name());
      try {
        args[i] = n == null || n.isNull() ? f.absent() : f.read().apply(n);
      } catch (RuntimeException e) {
        throw new IllegalArgumentException("bad " + f.name() + ": " + e.getMessage(), e);
      }
    }
    try {
      return CANONICAL.newInstance(args);
    } catch (InvocationTargetException e) {
      throw new IllegalArgumentException("not a decision record: " + e.getCause(), e.getCause());
    } catch (ReflectiveOperationException | IllegalArgumentException e) {
      throw new IllegalArgumentException("not a decision record: " + e, e);
    }
  }

  private static JsonNode lower(@Nullable Enum<?> e) {
    return e == null ? NullNode.instance : F.textNode(e.name().toLowerCase(Locale.ROOT));
  }

  private static JsonNode view(ServiceView v) {
    ObjectNode o = F.objectNode();
    o.put("service", v.service().name());
    o.put("running", v.running());
    o.put("starting", v.starting());
    o.put("stopping", v.stopping());
    o.put("min", v.min());
    o.put("max", v.max());
    return o;
  }

  private static ServiceView view(JsonNode n) {
    return new ServiceView(ServiceId.of(n.path("service").asText()), n.path("running").asInt(),
        n.path("starting").asInt(), n.path("stopping").asInt(), n.path("min").asInt(),
        n.path("max").asInt(Integer.MAX_VALUE));
  }

  private static JsonNode strings(List<String> list) {
    ArrayNode a = F.arrayNode();
    list.forEach(a::add);
    return a;
  }

  private static List<String> strings(JsonNode n) {
    List<String> out = new ArrayList<>();
    n.forEach(e -> out.add(e.asText()));
    return out;
  }

  private static void cut(ObjectNode o, String member) {
    String s = o.path(member).asText();
    if (s.length() > MAX_TEXT_CHARS) {
      o.put(member, s.substring(0, MAX_TEXT_CHARS) + "… (cut)");
    }
  }

  private static long utf8(String s) {
    return s.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
  }
}
