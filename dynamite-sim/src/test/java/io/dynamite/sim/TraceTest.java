package io.dynamite.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.StringReader;
import org.junit.jupiter.api.Test;

class TraceTest {
  private static Trace parse(String csv) throws Exception {
    return Trace.parseCsv(new StringReader(csv), "t.csv");
  }

  @Test
  void readsHeaderCommentsAndRebasesTime() throws Exception {
    Trace t = parse("t_seconds,demand\n# a comment\n\n100,1\n110,3\n120, 2 \n");
    assertThat(t.rows()).isEqualTo(3);
    assertThat(t.durationSeconds()).isEqualTo(30.0); // last row lasts as long as the step before it
    assertThat(t.demandAt(0)).isEqualTo(1.0);
    assertThat(t.demandAt(5)).isCloseTo(2.0, within(1e-12)); // linear between rows
    assertThat(t.demandAt(20)).isEqualTo(2.0);
    assertThat(t.demandAt(29)).isEqualTo(2.0);
    assertThat(t.peak()).isEqualTo(3.0);
    assertThat(t.mean()).isEqualTo(2.0);
  }

  @Test
  void scalesDemandAndTime() throws Exception {
    Trace t = parse("0,100\n60,200\n");
    Trace fast = t.speedup(60);
    assertThat(fast.durationSeconds()).isEqualTo(2.0);
    assertThat(fast.demandAt(0.5)).isEqualTo(150.0);
    Trace slow = t.speedup(1.0 / 2);
    assertThat(slow.durationSeconds()).isEqualTo(240.0);
    assertThat(t.scaleDemand(0.01).demandAt(60)).isEqualTo(2.0);
    assertThatThrownBy(() -> t.scaleDemand(0)).hasMessageContaining("positive");
  }

  @Test
  void reportsTheLineOfABadRow() {
    assertThatThrownBy(() -> parse("t_seconds,demand\n0,1\n0,2\n")).hasMessageContaining("line 3").hasMessageContaining("not after");
    assertThatThrownBy(() -> parse("0,1\n5,x\n")).hasMessageContaining("line 2");
    assertThatThrownBy(() -> parse("0,1\n5,-1\n")).hasMessageContaining("line 2").hasMessageContaining("not negative");
    assertThatThrownBy(() -> parse("0,1,2\n")).hasMessageContaining("line 1");
    assertThatThrownBy(() -> parse("t_seconds,demand\n")).hasMessageContaining("no rows");
  }

  @Test
  void theTestExcerptsAreWhatTheirProvenanceSays() {
    Trace jump = SimConfigs.trace("twitter-jump-25min.csv");
    assertThat(jump.rows()).isEqualTo(1500);
    assertThat(jump.durationSeconds()).isEqualTo(1500.0);
    Trace day = SimConfigs.trace("nab-elb-1day.csv");
    assertThat(day.rows()).isEqualTo(288);
    assertThat(day.durationSeconds()).isEqualTo(86_700.0);
  }

  @Test
  void theCursorGivesWhatTheSearchGivesForRisingTimes() throws Exception {
    Trace t = parse("0,4\n10,8\n20,2\n25,2\n40,10\n");
    Trace.Cursor c = t.cursor();
    for (double x = -1; x <= 60; x += 0.25) {
      assertThat(c.demandAt(x)).as("at %s", x).isEqualTo(t.demandAt(x));
    }
    // a cursor asked for an earlier time stays correct
    assertThat(c.demandAt(5)).isEqualTo(6.0);
    Trace day = SimConfigs.trace("nab-elb-1day.csv");
    Trace.Cursor dc = day.cursor();
    for (double x = 0; x < day.durationSeconds(); x += 7) {
      assertThat(dc.demandAt(x)).isEqualTo(day.demandAt(x));
    }
  }

  @Test
  void exposesItsRowsAsCopies() throws Exception {
    Trace t = parse("100,1\n110,3\n");
    assertThat(t.seconds()).containsExactly(0.0, 10.0);
    assertThat(t.demands()).containsExactly(1.0, 3.0);
    t.demands()[0] = 99;
    assertThat(t.demandAt(0)).isEqualTo(1.0);
  }
}
