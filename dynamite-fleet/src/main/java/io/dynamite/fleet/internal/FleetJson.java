package io.dynamite.fleet.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dynamite.api.UnitOption;
import io.dynamite.fleet.FleetMachine;
import io.dynamite.fleet.FleetUnit;
import io.dynamite.fleet.FleetUnitState;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * JSON mapping of fleet's v1 shapes. Reads leniently, as fleet writes: every field is omitted when
 * empty, so an empty list is {@code {}} without the array, an empty option is {@code {}}, a global
 * unit has no {@code currentState}. Missing means empty, never an error.
 */
public final class FleetJson {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private FleetJson() {}

  /** One page of a list: its items and the token of the next page (empty when last). */
  public record Page<T>(List<T> items, String nextPageToken) {}

  /**
   * Parses a JSON document.
   *
   * @param body the bytes
   * @return the tree, never null
   * @throws IOException if the body is not JSON
   */
  public static JsonNode parse(byte[] body) throws IOException {
    JsonNode n = MAPPER.readTree(body);
    if (n == null || n.isMissingNode()) {
      throw new IOException("empty body where JSON was expected");
    }
    return n;
  }

  /**
   * Reads a page of units.
   *
   * @param body the body of {@code GET /units}
   * @return the page
   * @throws IOException if the body is not a JSON object
   */
  public static Page<FleetUnit> unitPage(byte[] body) throws IOException {
    return page(body, "units", FleetJson::unit);
  }

  /**
   * Reads a page of unit states.
   *
   * @param body the body of {@code GET /state}
   * @return the page
   * @throws IOException if the body is not a JSON object
   */
  public static Page<FleetUnitState> statePage(byte[] body) throws IOException {
    return page(body, "states", FleetJson::state);
  }

  /**
   * Reads a page of machines.
   *
   * @param body the body of {@code GET /machines}
   * @return the page
   * @throws IOException if the body is not a JSON object
   */
  public static Page<FleetMachine> machinePage(byte[] body) throws IOException {
    return page(body, "machines", FleetJson::machine);
  }

  private static <T> Page<T> page(byte[] body, String key, Function<JsonNode, T> item)
      throws IOException {
    JsonNode root = object(body);
    List<T> items = new ArrayList<>();
    JsonNode arr = root.get(key);
    if (arr != null && !arr.isNull()) {
      if (!arr.isArray()) {
        throw new IOException("'" + key + "' is not an array");
      }
      for (JsonNode n : arr) {
        items.add(item.apply(n));
      }
    }
    return new Page<>(List.copyOf(items), text(root, "nextPageToken"));
  }

  /**
   * Reads a single unit.
   *
   * @param body the body of {@code GET /units/{name}}
   * @return the unit
   * @throws IOException if the body is not a JSON object with a name
   */
  public static FleetUnit unit(byte[] body) throws IOException {
    FleetUnit u = unit(object(body));
    if (u.name().isEmpty()) {
      throw new IOException("unit without a name");
    }
    return u;
  }

  private static JsonNode object(byte[] body) throws IOException {
    JsonNode root = parse(body);
    if (!root.isObject()) {
      throw new IOException("expected a JSON object, got " + root.getNodeType());
    }
    return root;
  }

  private static FleetUnit unit(JsonNode n) {
    List<UnitOption> options = new ArrayList<>();
    JsonNode opts = n.get("options");
    if (opts != null && opts.isArray()) {
      for (JsonNode o : opts) {
        options.add(UnitOption.of(text(o, "section"), text(o, "name"), text(o, "value")));
      }
    }
    return new FleetUnit(
        text(n, "name"),
        options,
        nullable(n, "desiredState"),
        nullable(n, "currentState"),
        nullable(n, "machineID"));
  }

  private static FleetUnitState state(JsonNode n) {
    return new FleetUnitState(
        text(n, "name"),
        text(n, "hash"),
        text(n, "machineID"),
        text(n, "systemdLoadState"),
        text(n, "systemdActiveState"),
        text(n, "systemdSubState"));
  }

  private static FleetMachine machine(JsonNode n) {
    Map<String, String> md = new LinkedHashMap<>();
    JsonNode m = n.get("metadata");
    if (m != null && m.isObject()) {
      m.fields().forEachRemaining(e -> md.put(e.getKey(), e.getValue().asText()));
    }
    return new FleetMachine(text(n, "id"), text(n, "primaryIP"), md);
  }

  /**
   * Reads fleet's error body {@code {"error":{"code":N,"message":"..."}}}.
   *
   * @param body the body of an error answer
   * @return the message, or null if the body is not fleet's error shape
   */
  public static @Nullable String errorMessage(byte[] body) {
    try {
      JsonNode root = MAPPER.readTree(body);
      JsonNode err = root == null ? null : root.get("error");
      if (err == null || !err.isObject()) {
        return null;
      }
      return text(err, "message");
    } catch (IOException e) {
      return null;
    }
  }

  /**
   * Writes a PUT body: {@code {"desiredState":...}} plus the options when given.
   *
   * @param desiredState the wire value
   * @param options the options, or null for a state-only update
   * @return the JSON bytes
   */
  public static byte[] putBody(String desiredState, @Nullable List<UnitOption> options) {
    ObjectNode root = MAPPER.createObjectNode();
    root.put("desiredState", desiredState);
    if (options != null) {
      ArrayNode arr = root.putArray("options");
      for (UnitOption o : options) {
        ObjectNode on = arr.addObject();
        on.put("section", o.section());
        on.put("name", o.name());
        on.put("value", o.value());
      }
    }
    try {
      return MAPPER.writeValueAsBytes(root);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise a JSON tree", e);
    }
  }

  private static String text(JsonNode n, String field) {
    JsonNode v = n.get(field);
    return v == null || v.isNull() ? "" : v.asText();
  }

  private static @Nullable String nullable(JsonNode n, String field) {
    JsonNode v = n.get(field);
    return v == null || v.isNull() || v.asText().isEmpty() ? null : v.asText();
  }
}
