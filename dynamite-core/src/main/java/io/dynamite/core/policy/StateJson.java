package io.dynamite.core.policy;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The small JSON the built-in policies export their state as ({@code ScalingPolicy.exportState}):
 * a strict parser into maps, lists, strings, numbers ({@code Long} or {@code Double}), booleans and
 * null, with a nesting limit, and the typed reads a restore needs, each failing with an {@link
 * IllegalArgumentException} that names the key. A state text comes from the store, so anything may
 * be in it: nothing here throws anything else. Stateless.
 *
 * @since 0.3
 */
public final class StateJson {
  /** Deeper documents are refused rather than parsed (the built-in states nest 4 levels). */
  private static final int MAX_DEPTH = 16;

  private final String text;
  private int pos;

  private StateJson(String text) {
    this.text = text;
  }

  /**
   * Parses a JSON object.
   *
   * @param text the text
   * @return the object's members in document order
   * @throws IllegalArgumentException if the text is not one JSON object
   */
  public static Map<String, Object> parseObject(String text) {
    StateJson p = new StateJson(text);
    p.space();
    Object v = p.value(0);
    p.space();
    if (p.pos != text.length()) {
      throw p.error("text after the end of the document");
    }
    if (!(v instanceof Map<?, ?>)) {
      throw new IllegalArgumentException("not a JSON object");
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> m = (Map<String, Object>) v;
    return m;
  }

  /**
   * Quotes a string as a JSON string literal.
   *
   * @param s the string
   * @return {@code "..."} with quotes, backslashes and control characters escaped
   */
  public static String quote(String s) {
    StringBuilder b = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          if (c < 0x20) {
            b.append(String.format("\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.append('"').toString();
  }

  // ---- typed reads -------------------------------------------------------------------------------

  /**
   * Reads a member that must be present.
   *
   * @param m the object
   * @param key the member
   * @return its value, never null
   * @throws IllegalArgumentException if absent or null
   */
  public static Object required(Map<String, Object> m, String key) {
    Object v = m.get(key);
    if (v == null) {
      throw new IllegalArgumentException("'" + key + "' is missing");
    }
    return v;
  }

  /**
   * Reads a whole number.
   *
   * @param v a parsed value
   * @param what what it is, for the message
   * @return the number
   * @throws IllegalArgumentException if it is not a whole number
   */
  public static long whole(@Nullable Object v, String what) {
    if (v instanceof Long l) {
      return l;
    }
    throw new IllegalArgumentException(what + " is not a whole number: " + v);
  }

  /**
   * Reads an {@code int}.
   *
   * @param v a parsed value
   * @param what what it is, for the message
   * @return the number
   * @throws IllegalArgumentException if it is not a whole number in {@code int} range
   */
  public static int integer(@Nullable Object v, String what) {
    long l = whole(v, what);
    if (l < Integer.MIN_VALUE || l > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(what + " is out of range: " + l);
    }
    return (int) l;
  }

  /**
   * Reads a finite number.
   *
   * @param v a parsed value
   * @param what what it is, for the message
   * @return the number
   * @throws IllegalArgumentException if it is not a number
   */
  public static double number(@Nullable Object v, String what) {
    if (v instanceof Long l) {
      return l;
    }
    if (v instanceof Double d) {
      return d;
    }
    throw new IllegalArgumentException(what + " is not a number: " + v);
  }

  /**
   * Reads a boolean.
   *
   * @param v a parsed value
   * @param what what it is, for the message
   * @return the boolean
   * @throws IllegalArgumentException if it is not a boolean
   */
  public static boolean bool(@Nullable Object v, String what) {
    if (v instanceof Boolean b) {
      return b;
    }
    throw new IllegalArgumentException(what + " is not a boolean: " + v);
  }

  /**
   * Reads a string.
   *
   * @param v a parsed value
   * @param what what it is, for the message
   * @return the string
   * @throws IllegalArgumentException if it is not a string
   */
  public static String string(@Nullable Object v, String what) {
    if (v instanceof String s) {
      return s;
    }
    throw new IllegalArgumentException(what + " is not a string: " + v);
  }

  /**
   * Reads an ISO-8601 instant.
   *
   * @param v a parsed value
   * @param what what it is, for the message
   * @return the instant
   * @throws IllegalArgumentException if it is not an instant
   */
  public static Instant instant(@Nullable Object v, String what) {
    try {
      return Instant.parse(string(v, what));
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(what + " is not an instant: " + v);
    }
  }

  /**
   * Reads an array.
   *
   * @param v a parsed value
   * @param what what it is, for the message
   * @return the elements
   * @throws IllegalArgumentException if it is not an array
   */
  public static List<?> list(@Nullable Object v, String what) {
    if (v instanceof List<?> l) {
      return l;
    }
    throw new IllegalArgumentException(what + " is not an array: " + v);
  }

  // ---- parser ------------------------------------------------------------------------------------

  private IllegalArgumentException error(String what) {
    return new IllegalArgumentException("invalid JSON at offset " + pos + ": " + what);
  }

  private void space() {
    while (pos < text.length() && " \t\r\n".indexOf(text.charAt(pos)) >= 0) {
      pos++;
    }
  }

  private @Nullable Object value(int depth) {
    if (depth > MAX_DEPTH) {
      throw error("nested deeper than " + MAX_DEPTH);
    }
    if (pos >= text.length()) {
      throw error("unexpected end");
    }
    char c = text.charAt(pos);
    switch (c) {
      case '{':
        return object(depth);
      case '[':
        return array(depth);
      case '"':
        return str();
      case 't':
        return literal("true", Boolean.TRUE);
      case 'f':
        return literal("false", Boolean.FALSE);
      case 'n':
        return literal("null", null);
      default:
        if (c == '-' || (c >= '0' && c <= '9')) {
          return num();
        }
        throw error("unexpected character '" + c + "'");
    }
  }

  private Map<String, Object> object(int depth) {
    Map<String, Object> m = new LinkedHashMap<>();
    pos++;
    space();
    if (peek('}')) {
      pos++;
      return m;
    }
    while (true) {
      space();
      if (!peek('"')) {
        throw error("expected a member name");
      }
      String k = str();
      space();
      expect(':');
      space();
      m.put(k, value(depth + 1));
      space();
      if (peek(',')) {
        pos++;
      } else {
        expect('}');
        return m;
      }
    }
  }

  private List<Object> array(int depth) {
    List<Object> l = new ArrayList<>();
    pos++;
    space();
    if (peek(']')) {
      pos++;
      return l;
    }
    while (true) {
      space();
      l.add(value(depth + 1));
      space();
      if (peek(',')) {
        pos++;
      } else {
        expect(']');
        return l;
      }
    }
  }

  private String str() {
    pos++;
    StringBuilder b = new StringBuilder();
    while (true) {
      if (pos >= text.length()) {
        throw error("unterminated string");
      }
      char c = text.charAt(pos++);
      if (c == '"') {
        return b.toString();
      }
      if (c != '\\') {
        b.append(c);
        continue;
      }
      if (pos >= text.length()) {
        throw error("unterminated escape");
      }
      char e = text.charAt(pos++);
      switch (e) {
        case '"', '\\', '/' -> b.append(e);
        case 'b' -> b.append('\b');
        case 'f' -> b.append('\f');
        case 'n' -> b.append('\n');
        case 'r' -> b.append('\r');
        case 't' -> b.append('\t');
        case 'u' -> {
          if (pos + 4 > text.length()) {
            throw error("short \\u escape");
          }
          try {
            b.append((char) Integer.parseInt(text.substring(pos, pos + 4), 16));
          } catch (NumberFormatException ex) {
            throw error("bad \\u escape");
          }
          pos += 4;
        }
        default -> throw error("bad escape '\\" + e + "'");
      }
    }
  }

  private Object num() {
    int start = pos;
    boolean fraction = false;
    while (pos < text.length() && "+-0123456789.eE".indexOf(text.charAt(pos)) >= 0) {
      char c = text.charAt(pos);
      fraction |= c == '.' || c == 'e' || c == 'E';
      pos++;
    }
    String n = text.substring(start, pos);
    try {
      if (!fraction) {
        return Long.parseLong(n);
      }
      double d = Double.parseDouble(n);
      if (!Double.isFinite(d)) {
        throw error("number out of range: " + n);
      }
      return d;
    } catch (NumberFormatException e) {
      throw error("bad number '" + n + "'");
    }
  }

  private @Nullable Object literal(String word, @Nullable Object v) {
    if (!text.startsWith(word, pos)) {
      throw error("unexpected word");
    }
    pos += word.length();
    return v;
  }

  private boolean peek(char c) {
    return pos < text.length() && text.charAt(pos) == c;
  }

  private void expect(char c) {
    if (!peek(c)) {
      throw error("expected '" + c + "'");
    }
    pos++;
  }
}
