package io.dynamite.core.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/** The policies' state JSON: what it reads, and that anything else fails with an IllegalArgumentException only. */
class StateJsonTest {
  @Test
  void readsObjectsArraysStringsNumbersBooleansAndNull() {
    Map<String, Object> m = StateJson.parseObject(
        " {\"a\": [1, -2, 3.5, 1e3], \"b\": {\"c\": null, \"d\": true, \"e\": false}, \"s\": \"x\\\"\\u00e9\\n\"} ");
    assertThat(m.get("a")).isEqualTo(List.of(1L, -2L, 3.5, 1000.0));
    @SuppressWarnings("unchecked")
    Map<String, Object> b = (Map<String, Object>) m.get("b");
    assertThat(b).containsEntry("c", null).containsEntry("d", true).containsEntry("e", false);
    assertThat(m.get("s")).isEqualTo("x\"\u00e9\n");
    assertThat(StateJson.parseObject("{\"q\":" + StateJson.quote("a\"b\\c\n\u0001") + "}").get("q"))
        .isEqualTo("a\"b\\c\n\u0001");
  }

  @Test
  void refusesWhatIsNotOneObjectAndDeepNesting() {
    assertThatThrownBy(() -> StateJson.parseObject("[1]")).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("not a JSON object");
    assertThatThrownBy(() -> StateJson.parseObject("{} {}")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("text after the end");
    assertThatThrownBy(() -> StateJson.parseObject("{\"a\":" + "[".repeat(100_000) + "]".repeat(100_000) + "}"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("nested deeper than 16");
    assertThatThrownBy(() -> StateJson.parseObject("{\"a\":1e999}")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("out of range");
  }

  @Provide
  Arbitrary<String> jsonish() {
    return Arbitraries.strings().withChars("{}[]\":,0123456789.-+eEtruefalsn \\u\t").ofMaxLength(60)
        .map(s -> "{" + s);
  }

  @Property(tries = 1000)
  void anyTextParsesOrFailsWithAnIllegalArgumentException(@ForAll("jsonish") String text) {
    try {
      StateJson.parseObject(text);
    } catch (IllegalArgumentException expected) {
      assertThat(expected.getMessage()).isNotBlank();
    }
  }
}
