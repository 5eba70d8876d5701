package io.dynamite.core.policy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class UuidTableTest {
  @Test
  void findsEqualKeysThatAreNotTheSameObject() {
    UuidTable t = new UuidTable();
    int a = t.slot(new String("uuid-1"));
    t.latest[a] = 42;
    int b = t.slot(new String("uuid-1"));
    assertThat(b).isEqualTo(a);
    assertThat(t.latest[b]).isEqualTo(42);
    assertThat(t.size()).isEqualTo(1);
  }

  @Test
  void keepsEveryColumnAcrossResizesAndRemovals() {
    UuidTable t = new UuidTable();
    for (int i = 0; i < 1000; i++) {
      int s = t.slot("u" + i);
      t.latest[s] = i;
      t.windowStart[s] = -i;
      t.windowSamples[s] = i % 7;
    }
    assertThat(t.size()).isEqualTo(1000);
    assertThat(t.capacity()).isGreaterThanOrEqualTo(2000);
    int removed = t.removeIf(s -> t.latest[s] % 2 == 0);
    assertThat(removed).isEqualTo(500);
    assertThat(t.size()).isEqualTo(500);
    for (int i = 1; i < 1000; i += 2) {
      int s = t.slot("u" + i);
      assertThat(t.latest[s]).isEqualTo(i);
      assertThat(t.windowStart[s]).isEqualTo(-i);
      assertThat(t.windowSamples[s]).isEqualTo(i % 7);
    }
    assertThat(t.size()).isEqualTo(500);
    int fresh = t.slot("u0");
    assertThat(t.latest[fresh]).isEqualTo(UuidTable.NONE);
    assertThat(t.windowStart[fresh]).isEqualTo(UuidTable.NONE);
  }

  @Test
  void aPassFindsTheSameSlotsAsTheLookupWhateverTheOrderAndAcrossResizesAndRemovals() {
    UuidTable t = new UuidTable();
    java.util.List<String> uuids = new java.util.ArrayList<>();
    for (int i = 0; i < 12; i++) {
      uuids.add("u" + i);
    }
    java.util.Random random = new java.util.Random(7);
    for (int pass = 0; pass < 200; pass++) {
      if (pass % 10 == 3) {
        java.util.Collections.shuffle(uuids, random); // a source that changed its order
      }
      if (pass == 50) {
        for (int i = 12; i < 100; i++) {
          uuids.add("u" + i); // the table grows under the hints
        }
      }
      if (pass == 120) {
        t.removeIf(s -> t.latest[s] % 3 == 0); // and is rebuilt smaller
        uuids.removeIf(u -> Integer.parseInt(u.substring(1)) % 3 == 0);
      }
      t.beginPass();
      for (String u : uuids) {
        // equal strings that are not the same object must still find their slot
        String asDelivered = pass % 4 == 0 ? new String(u) : u;
        int s = t.slotInPass(asDelivered);
        assertThat(s).isEqualTo(t.slot(u));
        t.latest[s] = Integer.parseInt(u.substring(1));
      }
      assertThat(t.size()).isEqualTo(uuids.size());
    }
  }
}
