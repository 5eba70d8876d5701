package io.dynamite.sandbox.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * How fleetd, a Go server, spells things on the wire, apart from the fake's state: its unit-name
 * rules and their messages, Go's quoting, its page tokens and the position Go's base64 decoder
 * reports, query strings, and JSON keys matched case-insensitively as Go's encoding/json does.
 */
final class FleetWire {
  private static final Set<String> UNIT_TYPES =
      Set.of(
          "automount", "busname", "device", "mount", "path", "scope", "service", "slice",
          "snapshot", "socket", "swap", "target", "timer");
  private static final Set<String> TEMPLATE_TYPES =
      Set.of("path", "service", "socket", "target", "timer");
  private static final Pattern NAME_CHARS = Pattern.compile("[A-Za-z0-9:_.@\\-\\\\]");

  static @Nullable String validateName(String name) {
    if (name.isEmpty()) {
      return "unit name cannot be empty";
    }
    if (name.length() > 256) {
      return "unit name exceeds maximum length (256)";
    }
    int dot = name.lastIndexOf('.');
    if (dot < 0) {
      return "unit name must contain \".\"";
    }
    if (dot == name.length() - 1) {
      return "unit name cannot end in \".\"";
    }
    String type = name.substring(dot + 1);
    if (!UNIT_TYPES.contains(type)) {
      return "invalid unit type: " + goQuote(type);
    }
    String base = name.substring(0, dot);
    if (base.contains("@") && !TEMPLATE_TYPES.contains(type)) {
      return "invalid unit type for template: " + goQuote(type);
    }
    for (int i = 0; i < base.length(); i++) {
      char c = base.charAt(i);
      if (!NAME_CHARS.matcher(String.valueOf(c)).matches()) {
        return "invalid character " + quoteRune(c) + " in unit name";
      }
    }
    if (name.startsWith("@")) {
      return "unit name cannot start in \"@\"";
    }
    return null;
  }

  static @Nullable JsonNode field(@Nullable JsonNode obj, String name) {
    // Go's encoding/json matches keys case-insensitively.
    if (obj == null || !obj.isObject()) {
      return null;
    }
    JsonNode exact = obj.get(name);
    if (exact != null) {
      return exact;
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = obj.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (e.getKey().equalsIgnoreCase(name)) {
        return e.getValue();
      }
    }
    return null;
  }

  static String text(@Nullable JsonNode n) {
    return n == null || n.isNull() ? "" : n.asText();
  }

  static String goQuote(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  static String quoteRune(char c) {
    return c == '\'' ? "'\\''" : "'" + c + "'";
  }

  static char firstBadChar(String text) {
    String t = text.strip();
    return t.isEmpty() ? ' ' : t.charAt(0);
  }

  static String token(int limit, int page) {
    byte[] raw = {(byte) limit, (byte) (limit >> 8), (byte) page, (byte) (page >> 8)};
    return Base64.getUrlEncoder().encodeToString(raw);
  }

  /** Go's base64 URLEncoding error position: first illegal byte, or the dangling quantum. */
  static int badBase64Index(String tok) {
    int n = tok.length();
    int pad = tok.indexOf('=');
    int dataEnd = pad < 0 ? n : pad;
    for (int i = 0; i < dataEnd; i++) {
      char c = tok.charAt(i);
      boolean ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
      if (!ok) {
        return i;
      }
    }
    for (int i = dataEnd; i < n; i++) {
      if (tok.charAt(i) != '=') {
        return i;
      }
    }
    if (dataEnd % 4 == 1) {
      return dataEnd - 1;
    }
    if (n % 4 != 0) {
      return n;
    }
    return -1;
  }

  static Map<String, List<String>> parseQuery(@Nullable String raw) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    if (raw == null || raw.isEmpty()) {
      return out;
    }
    for (String part : raw.split("&")) {
      if (part.isEmpty()) {
        continue;
      }
      int eq = part.indexOf('=');
      String k = URLDecoder.decode(eq < 0 ? part : part.substring(0, eq), StandardCharsets.UTF_8);
      String v = eq < 0 ? "" : URLDecoder.decode(part.substring(eq + 1), StandardCharsets.UTF_8);
      out.computeIfAbsent(k, x -> new ArrayList<>()).add(v);
    }
    return out;
  }

  static String first(Map<String, List<String>> q, String key) {
    List<String> v = q.get(key);
    return v == null || v.isEmpty() ? "" : v.get(0);
  }

  private FleetWire() {}
}
