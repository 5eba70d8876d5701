package io.dynamite.etcd.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dynamite.api.InstanceId;
import io.dynamite.api.InstancePlan;
import io.dynamite.api.ServiceId;
import io.dynamite.api.UnitOption;
import io.dynamite.api.UnitSpec;
import io.dynamite.api.state.ActionIntent;
import io.dynamite.api.state.InstanceRecord;
import io.dynamite.api.state.ServiceRecord;
import io.dynamite.api.state.UnitDefinition;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The JSON of the original {@code /_dynamite} records (spec §5.3) and of Dynamite's intent records.
 *
 * <p>Reading is tolerant: both {@code attached_services} (what the original wrote) and {@code
 * attached_service} (what it read back, B6) are accepted, nulls where the original wrote nulls, a
 * {@code service_config_details.attached_services} lost to B6 is restored from the template's
 * attached entries. Writing produces the original's shapes, and keeps fields Dynamite does not model
 * (for example {@code desiredState} and the attached services' {@code fleet_service_instances})
 * from the previous value. Stateless and thread-safe.
 */
public final class StateCodec {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonNodeFactory F = JsonNodeFactory.instance;
  private static final Pattern NUMBER = Pattern.compile("@(\\d+)\\.service$");
  private static final List<String> CONFIG_KEYS =
      List.of(
          "name",
          "name_of_unit_file",
          "type",
          "min_instance",
          "max_instance",
          "base_instance_prefix_number",
          "ports_per_instance",
          "attached_services",
          "service_dependency",
          "scale_up_policy",
          "scale_down_policy");

  private StateCodec() {}

  /**
   * Parses a JSON object into a map.
   *
   * @param json the text
   * @return the map
   * @throws IllegalArgumentException if the text is not a JSON object
   */
  public static Map<String, Object> parseMap(String json) {
    try {
      return JSON.readValue(json, new TypeReference<LinkedHashMap<String, Object>>() {});
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not a JSON object: " + e.getOriginalMessage(), e);
    }
  }

  /**
   * Writes a map as JSON.
   *
   * @param map the map
   * @return the text
   */
  public static String writeMap(Map<String, Object> map) {
    try {
      return JSON.writeValueAsString(map);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("cannot write JSON: " + e.getOriginalMessage(), e);
    }
  }

  private static JsonNode tree(String json) {
    try {
      return JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage(), e);
    }
  }

  private static String write(JsonNode n) {
    try {
      return JSON.writeValueAsString(n);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("cannot write JSON: " + e.getOriginalMessage(), e);
    }
  }

  private static @Nullable JsonNode attached(JsonNode n) {
    JsonNode a = n.get("attached_services");
    if (a == null || a.isNull()) {
      a = n.get("attached_service");
    }
    return a == null || a.isNull() ? null : a;
  }

  private static @Nullable String text(JsonNode n, String field) {
    JsonNode v = n.get(field);
    return v == null || v.isNull() ? null : v.asText();
  }

  // ---------------------------------------------------------------- templates

  /**
   * Reads a {@code fleet_service_template}.
   *
   * @param service the service key from the etcd key
   * @param json the value
   * @return the record
   */
  public static ServiceRecord readService(String service, String json) {
    JsonNode n = tree(json);
    UnitDefinition unit = readUnit(service, n);
    List<UnitDefinition> attached = new ArrayList<>();
    List<String> attachedNames = new ArrayList<>();
    JsonNode a = attached(n);
    if (a != null) {
      for (JsonNode e : a) {
        String name = text(e, "name");
        UnitDefinition u = readUnit(name == null ? "" : name, e);
        attached.add(u);
        attachedNames.add(u.service());
      }
    }
    Map<String, Object> config = new LinkedHashMap<>();
    JsonNode details = n.get("service_config_details");
    if (details != null && details.isObject()) {
      Map<String, Object> d = JSON.convertValue(details, new TypeReference<LinkedHashMap<String, Object>>() {});
      for (Map.Entry<String, Object> e : d.entrySet()) {
        if (e.getValue() == null || e.getKey().equals("name")) {
          continue;
        }
        // the YAML key is attached_service; the original wrote attached_services (B6)
        String k = e.getKey().equals("attached_services") ? "attached_service" : e.getKey();
        config.put(k, e.getValue());
      }
    }
    if (!config.containsKey("attached_service") && !attachedNames.isEmpty()) {
      config.put("attached_service", attachedNames);
    }
    List<Integer> used = new ArrayList<>();
    JsonNode u = n.get("used_port_numbers");
    if (u != null && u.isArray()) {
      for (JsonNode p : u) {
        used.add(p.asInt());
      }
    }
    return new ServiceRecord(ServiceId.of(service), unit, attached, config, used);
  }

  private static UnitDefinition readUnit(String service, JsonNode n) {
    String path = text(n, "path_on_filesystem");
    JsonNode details = n.get("service_config_details");
    String file = details == null ? null : text(details, "name_of_unit_file");
    if (file == null && path != null) {
      file = path.substring(path.lastIndexOf('/') + 1);
    }
    if (file == null) {
      file = service + ".service";
    }
    List<UnitOption> options = new ArrayList<>();
    JsonNode dict = n.get("unit_file_details_json_dict");
    JsonNode opts = dict == null ? null : dict.get("options");
    if (opts != null && opts.isArray()) {
      for (JsonNode o : opts) {
        options.add(
            UnitOption.of(
                nonNull(text(o, "section")), nonNull(text(o, "name")), nonNull(text(o, "value"))));
      }
    }
    return new UnitDefinition(service, file, path == null ? "" : path, options);
  }

  private static String nonNull(@Nullable String s) {
    return s == null ? "" : s;
  }

  /**
   * Writes a {@code fleet_service_template} in the original's shape.
   *
   * @param r the record
   * @param previous the stored value to keep unmodelled fields from, or null
   * @return the JSON text
   */
  public static String writeService(ServiceRecord r, @Nullable String previous) {
    JsonNode prev = null;
    if (previous != null) {
      try {
        prev = tree(previous);
      } catch (IllegalArgumentException e) {
        prev = null;
      }
    }
    ObjectNode n = F.objectNode();
    n.put("name", r.service().name());
    n.set("unit_file_details_json_dict", unitDict(r.unit(), prev));
    n.put("path_on_filesystem", r.unit().path());
    n.set("service_config_details", serviceDetails(r));
    n.put("is_template", r.unit().isTemplate());
    if (r.unit().isTemplate() && !r.usedNumbers().isEmpty()) {
      ArrayNode used = n.putArray("used_port_numbers");
      r.usedNumbers().forEach(used::add);
    }
    ArrayNode att = n.putArray("attached_services");
    JsonNode prevAtt = prev == null ? null : attached(prev);
    for (UnitDefinition u : r.attached()) {
      JsonNode pa = null;
      if (prevAtt != null) {
        for (JsonNode e : prevAtt) {
          if (u.service().equals(text(e, "name"))) {
            pa = e;
          }
        }
      }
      ObjectNode a = att.addObject();
      a.put("name", u.service());
      a.set("unit_file_details_json_dict", unitDict(u, pa));
      a.put("path_on_filesystem", u.path());
      ObjectNode d = a.putObject("service_config_details");
      for (String k : CONFIG_KEYS) {
        d.putNull(k);
      }
      d.put("name", u.service());
      d.put("name_of_unit_file", u.unitFileName());
      d.put("type", "attached_service");
      a.put("is_template", u.isTemplate());
      a.putArray("attached_services");
      JsonNode fsi = pa == null ? null : pa.get("fleet_service_instances");
      a.set("fleet_service_instances", fsi == null ? F.nullNode() : fsi.deepCopy());
    }
    n.putObject("fleet_service_instances");
    return write(n);
  }

  private static ObjectNode unitDict(UnitDefinition u, @Nullable JsonNode prev) {
    ObjectNode d = F.objectNode();
    JsonNode pd = prev == null ? null : prev.get("unit_file_details_json_dict");
    JsonNode ds = pd == null ? null : pd.get("desiredState");
    d.set("desiredState", ds == null ? F.nullNode() : ds.deepCopy());
    ArrayNode opts = d.putArray("options");
    for (UnitOption o : u.options()) {
      ObjectNode on = opts.addObject();
      on.put("section", o.section());
      on.put("name", o.name());
      on.put("value", o.value());
    }
    return d;
  }

  private static ObjectNode serviceDetails(ServiceRecord r) {
    Map<String, Object> c = r.config();
    ObjectNode d = F.objectNode();
    for (String k : CONFIG_KEYS) {
      d.putNull(k);
    }
    d.put("name", r.service().name());
    d.put("name_of_unit_file", r.unit().unitFileName());
    Object attachedCfg = c.containsKey("attached_service") ? c.get("attached_service") : c.get("attached_services");
    for (Map.Entry<String, Object> e : c.entrySet()) {
      String k = e.getKey();
      if (k.equals("attached_service") || k.equals("attached_services") || k.equals("name") || k.equals("name_of_unit_file")) {
        continue;
      }
      d.set(k, JSON.valueToTree(e.getValue()));
    }
    if (attachedCfg == null && !r.attached().isEmpty()) {
      List<String> names = new ArrayList<>();
      r.attached().forEach(u -> names.add(u.service()));
      attachedCfg = names;
    }
    // written under the key the original wrote, with the values it lost (B6 fixed on our side)
    d.set("attached_services", JSON.valueToTree(attachedCfg));
    return d;
  }

  // ---------------------------------------------------------------- instances

  /**
   * Reads an instance key.
   *
   * @param service the service key from the etcd key
   * @param unitName the instance name from the etcd key
   * @param json the value
   * @return the record
   */
  public static InstanceRecord readInstance(String service, String unitName, String json) {
    JsonNode n = tree(json);
    List<String> attached = new ArrayList<>();
    JsonNode a = attached(n);
    if (a != null) {
      for (JsonNode e : a) {
        String name = e.isTextual() ? e.asText() : text(e, "name");
        if (name != null) {
          attached.add(name);
        }
      }
    }
    String state = text(n, "state");
    return new InstanceRecord(
        new InstanceId(ServiceId.of(service), unitName),
        numberOf(unitName),
        attached,
        state == null ? "" : state);
  }

  /**
   * Returns the instance number of a unit name such as {@code a@12021.service}.
   *
   * @param unitName the name
   * @return the number or {@link InstancePlan#NO_NUMBER}
   */
  public static int numberOf(String unitName) {
    Matcher m = NUMBER.matcher(unitName);
    if (m.find()) {
      try {
        return Integer.parseInt(m.group(1));
      } catch (NumberFormatException e) {
        return InstancePlan.NO_NUMBER;
      }
    }
    return InstancePlan.NO_NUMBER;
  }

  /**
   * Writes an instance key in the original's shape.
   *
   * @param r the record
   * @return the JSON text
   */
  public static String writeInstance(InstanceRecord r) {
    ObjectNode n = F.objectNode();
    n.put("name", r.id().unitName());
    putState(n, r.state());
    ArrayNode att = n.putArray("attached_services");
    for (String u : r.attachedUnits()) {
      ObjectNode a = att.addObject();
      a.put("name", u);
      putState(a, r.state());
      a.putArray("attached_services");
    }
    return write(n);
  }

  private static void putState(ObjectNode n, String state) {
    if (state.isEmpty()) {
      n.putNull("state");
    } else {
      n.put("state", state);
    }
  }

  // ---------------------------------------------------------------- intents

  /**
   * Writes an intent record.
   *
   * @param i the intent
   * @return the JSON text
   */
  public static String writeIntent(ActionIntent i) {
    ObjectNode n = F.objectNode();
    n.put("id", i.id());
    n.put("kind", i.kind().name());
    n.put("created_at", i.createdAt().toString());
    ObjectNode p = n.putObject("plan");
    p.put("service", i.plan().id().service().name());
    p.put("unit", i.plan().id().unitName());
    p.put("number", i.plan().number());
    p.set("main", unitSpec(i.plan().main()));
    ArrayNode a = p.putArray("attached");
    i.plan().attached().forEach(u -> a.add(unitSpec(u)));
    return write(n);
  }

  private static ObjectNode unitSpec(UnitSpec u) {
    ObjectNode n = F.objectNode();
    n.put("name", u.name());
    ArrayNode opts = n.putArray("options");
    for (UnitOption o : u.options()) {
      ObjectNode on = opts.addObject();
      on.put("section", o.section());
      on.put("name", o.name());
      on.put("value", o.value());
    }
    return n;
  }

  /**
   * Reads an intent record.
   *
   * @param json the value
   * @return the intent
   */
  public static ActionIntent readIntent(String json) {
    JsonNode n = tree(json);
    JsonNode p = n.get("plan");
    InstanceId id =
        new InstanceId(ServiceId.of(p.get("service").asText()), p.get("unit").asText());
    List<UnitSpec> attached = new ArrayList<>();
    for (Iterator<JsonNode> it = p.get("attached").elements(); it.hasNext(); ) {
      attached.add(readSpec(it.next()));
    }
    InstancePlan plan = new InstancePlan(id, p.get("number").asInt(), readSpec(p.get("main")), attached);
    return new ActionIntent(
        n.get("id").asText(),
        ActionIntent.Kind.valueOf(n.get("kind").asText()),
        plan,
        Instant.parse(n.get("created_at").asText()));
  }

  private static UnitSpec readSpec(JsonNode n) {
    List<UnitOption> opts = new ArrayList<>();
    for (JsonNode o : n.get("options")) {
      opts.add(UnitOption.of(o.get("section").asText(), o.get("name").asText(), o.get("value").asText()));
    }
    return new UnitSpec(n.get("name").asText(), opts);
  }
}
