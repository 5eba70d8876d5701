package io.dynamite.core.policy.scheduled;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

class CronExpressionTest {
  static final ZoneId UTC = ZoneId.of("UTC");
  static final ZoneId ZURICH = ZoneId.of("Europe/Zurich");

  private static Instant next(String cron, String after, ZoneId zone) {
    return CronExpression.parse(cron).next(Instant.parse(after), zone);
  }

  @Test
  void weekdaysAtEightSkipTheWeekend() {
    // 2015-06-19 is a Friday
    assertThat(next("0 8 * * MON-FRI", "2015-06-19T08:00:00Z", UTC)).isEqualTo("2015-06-22T08:00:00Z");
    assertThat(next("0 8 * * MON-FRI", "2015-06-19T07:59:59Z", UTC)).isEqualTo("2015-06-19T08:00:00Z");
    assertThat(next("0 8 * * mon-fri", "2015-06-19T07:59:59Z", UTC)).isEqualTo("2015-06-19T08:00:00Z");
  }

  @Test
  void nextIsStrictlyAfterAndPreviousIsAtOrBefore() {
    CronExpression c = CronExpression.parse("30 * * * *");
    assertThat(c.next(Instant.parse("2015-06-18T10:30:00Z"), UTC)).isEqualTo("2015-06-18T11:30:00Z");
    assertThat(c.previous(Instant.parse("2015-06-18T10:30:00Z"), UTC)).isEqualTo("2015-06-18T10:30:00Z");
    assertThat(c.previous(Instant.parse("2015-06-18T10:29:59Z"), UTC)).isEqualTo("2015-06-18T09:30:00Z");
  }

  @Test
  void stepsListsRangesAndNames() {
    CronExpression c = CronExpression.parse("*/15 8-18/2 1,15 JAN,jul-AUG *");
    assertThat(c.matches(LocalDateTime.parse("2015-07-15T10:45"))).isTrue();
    assertThat(c.matches(LocalDateTime.parse("2015-07-15T09:45"))).isFalse(); // 9 is not in 8-18/2
    assertThat(c.matches(LocalDateTime.parse("2015-07-15T10:50"))).isFalse();
    assertThat(c.matches(LocalDateTime.parse("2015-06-15T10:45"))).isFalse(); // June
    assertThat(c.matches(LocalDateTime.parse("2015-01-01T18:00"))).isTrue();
    assertThat(CronExpression.parse("5/20 * * * *").matches(LocalDateTime.parse("2015-01-01T00:45"))).isTrue();
    assertThat(CronExpression.parse("5/20 * * * *").matches(LocalDateTime.parse("2015-01-01T00:40"))).isFalse();
  }

  @Test
  void sundayIsZeroOrSeven() {
    // 2015-06-21 is a Sunday
    assertThat(CronExpression.parse("0 0 * * 0").matches(LocalDateTime.parse("2015-06-21T00:00"))).isTrue();
    assertThat(CronExpression.parse("0 0 * * 7").matches(LocalDateTime.parse("2015-06-21T00:00"))).isTrue();
    assertThat(CronExpression.parse("0 0 * * SUN").matches(LocalDateTime.parse("2015-06-20T00:00"))).isFalse();
  }

  @Test
  void restrictedDayOfMonthAndDayOfWeekMatchEither() {
    CronExpression c = CronExpression.parse("0 0 1 * MON");
    assertThat(c.matches(LocalDateTime.parse("2015-06-01T00:00"))).isTrue(); // a Monday and the 1st
    assertThat(c.matches(LocalDateTime.parse("2015-07-01T00:00"))).isTrue(); // the 1st, a Wednesday
    assertThat(c.matches(LocalDateTime.parse("2015-06-08T00:00"))).isTrue(); // a Monday
    assertThat(c.matches(LocalDateTime.parse("2015-06-09T00:00"))).isFalse();
    // with one day field unrestricted, both must match
    assertThat(CronExpression.parse("0 0 * * MON").matches(LocalDateTime.parse("2015-07-01T00:00"))).isFalse();
  }

  @Test
  void zonesAndDaylightSaving() {
    // 08:00 in Zurich is 06:00 UTC in summer and 07:00 UTC in winter
    assertThat(next("0 8 * * *", "2015-06-18T00:00:00Z", ZURICH)).isEqualTo("2015-06-18T06:00:00Z");
    assertThat(next("0 8 * * *", "2015-12-18T00:00:00Z", ZURICH)).isEqualTo("2015-12-18T07:00:00Z");
    // 2015-03-29 02:30 does not exist in Zurich: it fires at 03:30 local (01:30 UTC)
    assertThat(next("30 2 * * *", "2015-03-29T00:00:00Z", ZURICH)).isEqualTo("2015-03-29T01:30:00Z");
    // 2015-10-25 02:30 occurs twice: it fires once, at the first (00:30 UTC)
    CronExpression c = CronExpression.parse("30 2 * * *");
    Instant first = c.next(Instant.parse("2015-10-24T23:00:00Z"), ZURICH);
    assertThat(first).isEqualTo("2015-10-25T00:30:00Z");
    assertThat(c.next(first, ZURICH)).isEqualTo("2015-10-26T01:30:00Z");
  }

  @Test
  void anImpossibleDateNeverFires() {
    assertThat(next("0 0 30 2 *", "2015-01-01T00:00:00Z", UTC)).isNull();
    assertThat(CronExpression.parse("0 0 30 2 *").previous(Instant.parse("2015-01-01T00:00:00Z"), UTC)).isNull();
  }

  @Test
  void errorsNameTheField() {
    assertThatThrownBy(() -> CronExpression.parse("0 8 * *")).hasMessageContaining("expected 5 fields");
    assertThatThrownBy(() -> CronExpression.parse("60 8 * * *")).hasMessageContaining("minute field '60'")
        .hasMessageContaining("out of range 0-59");
    assertThatThrownBy(() -> CronExpression.parse("0 18-8 * * *")).hasMessageContaining("goes backwards");
    assertThatThrownBy(() -> CronExpression.parse("0 8 * FOO *")).hasMessageContaining("month field 'FOO'");
    assertThatThrownBy(() -> CronExpression.parse("*/0 8 * * *")).hasMessageContaining("step '0'");
    assertThatThrownBy(() -> CronExpression.parse("0 8 , * *")).hasMessageContaining("day-of-month");
    assertThatThrownBy(() -> CronExpression.parse("x 25 * * *")).hasMessageContaining("minute field")
        .hasMessageContaining("hour field");
  }
}
