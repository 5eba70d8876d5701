package io.dynamite.core;

import java.util.ArrayList;
import java.util.List;

/**
 * The original's {@code used_port_numbers} table for a template service: {@code max *
 * portsPerInstance} slots, 0 when free, else the number stored in that slot. A new instance takes
 * the lowest free block of {@code portsPerInstance} slots and is numbered {@code base + first
 * slot}, so freed numbers are reused lowest first.
 *
 * <p>Not thread-safe; used on the engine thread only.
 */
final class NumberAllocator {
  private final int base;
  private final int perInstance;
  /** Used-ness per slot; kept apart from numbers because base 0 would make slot 0 look free. */
  private final boolean[] slots;

  /**
   * Creates an empty table.
   *
   * @param base {@code base_instance_prefix_number}
   * @param perInstance {@code ports_per_instance}, at least 1
   * @param maxInstances {@code max_instance}, at least 0
   */
  NumberAllocator(int base, int perInstance, int maxInstances) {
    if (perInstance < 1) {
      throw new IllegalArgumentException("ports_per_instance must be >= 1: " + perInstance);
    }
    this.base = base;
    this.perInstance = perInstance;
    this.slots = new boolean[Math.multiplyExact(maxInstances, perInstance)];
  }

  /**
   * Takes the lowest free block.
   *
   * @return the instance number, or -1 when the table is full
   */
  int allocate() {
    for (int start = 0; start + perInstance <= slots.length; start += perInstance) {
      if (blockFree(start)) {
        fill(start, true);
        return base + start;
      }
    }
    return -1;
  }

  /**
   * Marks a number as used, for instances adopted from stored state.
   *
   * @param number the instance number
   * @return false if the number does not fit the table (another base, or beyond max) or is taken
   */
  boolean claim(int number) {
    int start = number - base;
    if (start < 0 || start % perInstance != 0 || start + perInstance > slots.length || !blockFree(start)) {
      return false;
    }
    fill(start, true);
    return true;
  }

  /**
   * Frees a number; unknown numbers are ignored.
   *
   * @param number the instance number
   */
  void release(int number) {
    int start = number - base;
    if (start < 0 || start % perInstance != 0 || start + perInstance > slots.length) {
      return;
    }
    fill(start, false);
  }

  /** Frees every number, as when the state is rebuilt from the store. */
  void reset() {
    java.util.Arrays.fill(slots, false);
  }

  /**
   * Returns the table as the original stores it.
   *
   * @return one entry per slot: 0 or the number stored there
   */
  List<Integer> table() {
    List<Integer> out = new ArrayList<>(slots.length);
    for (int i = 0; i < slots.length; i++) {
      // The original stores each slot's own number (base + slot), not the instance's first one.
      out.add(slots[i] ? base + i : 0);
    }
    return out;
  }

  private boolean blockFree(int start) {
    for (int i = start; i < start + perInstance; i++) {
      if (slots[i]) {
        return false;
      }
    }
    return true;
  }

  private void fill(int start, boolean used) {
    for (int i = start; i < start + perInstance; i++) {
      slots[i] = used;
    }
  }
}
