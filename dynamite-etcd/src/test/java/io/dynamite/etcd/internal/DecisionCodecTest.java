package io.dynamite.etcd.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dynamite.api.Direction;
import io.dynamite.api.ServiceId;
import io.dynamite.api.ServiceView;
import io.dynamite.api.event.DecisionRecord;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The JSON of a decision record in the history ring: every component, old and new versions, limits. */
class DecisionCodecTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final DecisionRecord FULL = new DecisionRecord(Instant.parse("2030-01-01T00:00:05.123456789Z"),
      "a/up/scale_up", Direction.UP, new ServiceView(ServiceId.of("a"), 2, 1, 0, 2, 5), 18, 400.5,
      "u1: triggered since 00:00:00", DecisionRecord.Outcome.SCALED, "p95 > 250 for 15 s -> started an instance",
      3, List.of("max_instance 5"), io.dynamite.api.MetricHealth.PARTIAL, io.dynamite.api.PolicyOutcome.Kind.CLAMPED);
  private static final DecisionRecord SPARSE = new DecisionRecord(Instant.parse("2030-01-01T00:00:06Z"),
      "a/tt", null, new ServiceView(ServiceId.of("a"), 0, 0, 0, 0, Integer.MAX_VALUE), 0, null, "",
      DecisionRecord.Outcome.ERROR, "policy failed: boom", null, List.of());

  @Test
  void everyComponentSurvivesTheRoundTrip() {
    assertThat(DecisionCodec.read(DecisionCodec.write(FULL))).isEqualTo(FULL);
    assertThat(DecisionCodec.read(DecisionCodec.write(SPARSE))).isEqualTo(SPARSE);
  }

  @Test
  void theJsonNamesEachComponentOfTheRecord() throws Exception {
    JsonNode o = JSON.readTree(DecisionCodec.write(FULL));
    List<String> members = new ArrayList<>();
    o.fieldNames().forEachRemaining(members::add);
    assertThat(members).containsExactlyElementsOf(
        Arrays.stream(DecisionRecord.class.getRecordComponents()).map(RecordComponent::getName).toList());
    assertThat(o.get("direction").asText()).isEqualTo("up");
    assertThat(o.get("service").toString())
        .isEqualTo("{\"service\":\"a\",\"running\":2,\"starting\":1,\"stopping\":0,\"min\":2,\"max\":5}");
  }

  @Test
  void aRecordWithoutNewerMembersReadsWithTheirAbsentValuesAndUnknownMembersAreIgnored() throws Exception {
    com.fasterxml.jackson.databind.node.ObjectNode o = (com.fasterxml.jackson.databind.node.ObjectNode)
        JSON.readTree(DecisionCodec.write(FULL));
    // as 0.1 wrote it: no desired count and no clamps; and a member of a later version
    o.remove("desired");
    o.remove("clamps");
    o.remove("metricHealth");
    o.put("somethingNewer", "STALE");
    DecisionRecord r = DecisionCodec.read(o.toString());
    assertThat(r.desired()).isNull();
    assertThat(r.clamps()).isEmpty();
    assertThat(r.metricHealth()).isEqualTo(io.dynamite.api.MetricHealth.NONE);
    assertThat(r.reason()).isEqualTo(FULL.reason());
  }

  @Test
  void whatIsNotARecordIsRefusedWithTheReason() {
    assertThatThrownBy(() -> DecisionCodec.read("nope")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("not JSON");
    assertThatThrownBy(() -> DecisionCodec.read("[]")).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("not a JSON object");
    assertThatThrownBy(() -> DecisionCodec.read("{\"at\":\"yesterday\"}")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("bad at");
    // a required component missing: the record's own validation refuses it
    assertThatThrownBy(() -> DecisionCodec.read("{\"at\":\"2030-01-01T00:00:00Z\"}"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a decision record");
  }

  @Test
  void aHugeRecordHasItsLongTextsCut() {
    DecisionRecord huge = new DecisionRecord(FULL.at(), FULL.policyId(), FULL.direction(), FULL.service(), 1, 1.0,
        "s".repeat(50_000), DecisionRecord.Outcome.REFUSED, "r".repeat(50_000), 2, List.of());
    String json = DecisionCodec.write(huge);
    assertThat(json.getBytes(StandardCharsets.UTF_8).length).isLessThan(DecisionCodec.MAX_RECORD_BYTES);
    DecisionRecord back = DecisionCodec.read(json);
    assertThat(back.reason()).startsWith("rrrr").endsWith("… (cut)").hasSize(DecisionCodec.MAX_TEXT_CHARS + 7);
    assertThat(back.policyState()).hasSize(DecisionCodec.MAX_TEXT_CHARS + 7);
    assertThat(back.desired()).isEqualTo(2);
  }

  @Test
  void unusualTextsAndNumbersSurvive() {
    DecisionRecord odd = new DecisionRecord(FULL.at(), "a/\"quoted\"\\", Direction.DOWN, FULL.service(), 1,
        -1.5e-300, "line\nbreak \u00e9 \u4e2d \ud83d\ude00", DecisionRecord.Outcome.HOLD, "\u0000\t", 0, List.of("x", ""));
    assertThat(DecisionCodec.read(DecisionCodec.write(odd))).isEqualTo(odd);
  }
}
