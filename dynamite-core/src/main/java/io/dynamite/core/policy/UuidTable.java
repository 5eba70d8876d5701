package io.dynamite.core.policy;

import java.util.function.IntPredicate;

/**
 * The threshold rule's per-uuid memory: an open-addressing table from uuid to three primitive
 * columns. A policy sees every sample of its stream, so this lookup runs once per sample per
 * policy; compared with a {@code HashMap<String, State>} it avoids the map node and the state
 * object, two of the cache misses that dominate an evaluation tick over many instances.
 *
 * <p>Not thread-safe; owned by one policy, which the engine calls from one thread at a time.
 */
final class UuidTable {
  /** Marks an unset timestamp; samples are never that old. */
  static final long NONE = Long.MIN_VALUE;

  private String[] keys;
  /** Newest processed timestamp per slot, epoch nanos, or {@link #NONE}. */
  long[] latest;
  /** Start of the open window per slot, epoch nanos, or {@link #NONE}. */
  long[] windowStart;
  /** Samples in the open window per slot. */
  int[] windowSamples;
  private int size;
  /**
   * The slots in the order the previous pass met them. A source delivers a stream's uuids in the
   * same order poll after poll, so the slot of the pass's next sample is usually the next one here;
   * checking it by identity ({@code ==}) never touches the uuid string, whose hash would otherwise
   * be read from memory that is cold on a large fleet (one cache miss per sample per policy).
   */
  private int[] order = new int[16];
  /** How many entries of {@link #order} the previous passes filled. */
  private int orderLength;
  private int cursor;

  UuidTable() {
    allocate(16);
  }

  private void allocate(int capacity) {
    keys = new String[capacity];
    latest = new long[capacity];
    windowStart = new long[capacity];
    windowSamples = new int[capacity];
  }

  int size() {
    return size;
  }

  int capacity() {
    return keys.length;
  }

  /** Returns whether a slot holds a uuid. */
  boolean used(int slot) {
    return keys[slot] != null;
  }

  /**
   * Returns the slot of a uuid, adding it (with unset timestamps) when absent.
   *
   * @param uuid the uuid
   * @return the slot; valid until the next call that adds or removes
   */
  int slot(String uuid) {
    int mask = keys.length - 1;
    int i = spread(uuid.hashCode()) & mask;
    while (true) {
      String k = keys[i];
      if (k == null) {
        break;
      }
      if (k == uuid || k.equals(uuid)) {
        return i;
      }
      i = (i + 1) & mask;
    }
    if (size + 1 > keys.length / 2) {
      resize(keys.length * 2);
      return slot(uuid);
    }
    keys[i] = uuid;
    latest[i] = NONE;
    windowStart[i] = NONE;
    windowSamples[i] = 0;
    size++;
    return i;
  }

  /** Starts a pass over one evaluation's samples; see {@link #slotInPass}. */
  void beginPass() {
    cursor = 0;
  }

  /**
   * As {@link #slot}, for the samples of a pass in their order: tries the slot the previous pass
   * had at this position first. Always correct: a hint is taken only when its slot holds this very
   * string, and a uuid has one slot.
   *
   * @param uuid the uuid
   * @return the slot; valid until the next call that adds or removes
   */
  int slotInPass(String uuid) {
    int c = cursor++;
    if (c < orderLength) {
      int hint = order[c];
      if (hint < keys.length && keys[hint] == uuid) {
        return hint;
      }
    }
    int s = slot(uuid);
    if (c >= order.length) {
      order = java.util.Arrays.copyOf(order, Math.max(order.length * 2, c + 1));
    }
    order[c] = s;
    if (c >= orderLength) {
      orderLength = c + 1;
    }
    return s;
  }

  /** Calls {@code action} with every uuid and its slot. */
  void forEach(java.util.function.ObjIntConsumer<String> action) {
    for (int i = 0; i < keys.length; i++) {
      if (keys[i] != null) {
        action.accept(keys[i], i);
      }
    }
  }

  /**
   * Removes every uuid whose slot matches.
   *
   * @param remove tested exactly once with each used slot
   * @return how many were removed
   */
  int removeIf(IntPredicate remove) {
    String[] oldKeys = keys;
    long[] oldLatest = latest;
    long[] oldStart = windowStart;
    int[] oldSamples = windowSamples;
    boolean[] drop = new boolean[oldKeys.length];
    int removed = 0;
    for (int i = 0; i < oldKeys.length; i++) {
      if (oldKeys[i] != null && remove.test(i)) {
        drop[i] = true;
        removed++;
      }
    }
    if (removed == 0) {
      return 0;
    }
    int keep = size - removed;
    int capacity = 16;
    while (keep + 1 > capacity / 2) {
      capacity *= 2;
    }
    allocate(capacity);
    size = 0;
    for (int i = 0; i < oldKeys.length; i++) {
      if (oldKeys[i] != null && !drop[i]) {
        copy(oldKeys[i], oldLatest[i], oldStart[i], oldSamples[i]);
      }
    }
    return removed;
  }

  private void resize(int capacity) {
    String[] oldKeys = keys;
    long[] oldLatest = latest;
    long[] oldStart = windowStart;
    int[] oldSamples = windowSamples;
    allocate(capacity);
    size = 0;
    for (int i = 0; i < oldKeys.length; i++) {
      if (oldKeys[i] != null) {
        copy(oldKeys[i], oldLatest[i], oldStart[i], oldSamples[i]);
      }
    }
  }

  private void copy(String key, long lat, long start, int samples) {
    int s = slot(key);
    latest[s] = lat;
    windowStart[s] = start;
    windowSamples[s] = samples;
  }

  private static int spread(int h) {
    return h ^ (h >>> 16);
  }
}
