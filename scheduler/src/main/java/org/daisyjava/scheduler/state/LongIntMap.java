package org.daisyjava.scheduler.state;

import java.util.Arrays;

/**
 * An open-addressing hash map from non-negative {@code long} keys to {@code int} values, without
 * boxing: the frontier of the scheduler holds up to millions of block ids and must not cost an
 * object per entry. Linear probing; deletion by backward shift, so no tombstones pile up.
 */
final class LongIntMap {
  private static final long EMPTY = -1;
  private long[] keys;
  private int[] values;
  private int size;
  private int mask;

  LongIntMap() {
    allocate(16);
  }

  private void allocate(int capacity) {
    keys = new long[capacity];
    Arrays.fill(keys, EMPTY);
    values = new int[capacity];
    mask = capacity - 1;
  }

  int size() {
    return size;
  }

  private static int hash(long key) {
    long h = key * 0x9E3779B97F4A7C15L; // Fibonacci hashing spreads sequential ids
    return (int) (h ^ (h >>> 32));
  }

  private int slot(long key) {
    int i = hash(key) & mask;
    while (keys[i] != EMPTY && keys[i] != key) {
      i = (i + 1) & mask;
    }
    return i;
  }

  boolean containsKey(long key) {
    return keys[slot(key)] == key;
  }

  /** The value for {@code key}, or {@code absent}. */
  int get(long key, int absent) {
    int i = slot(key);
    return keys[i] == key ? values[i] : absent;
  }

  void put(long key, int value) {
    if (key < 0) {
      throw new IllegalArgumentException("key must be >= 0, got " + key);
    }
    int i = slot(key);
    if (keys[i] != key) {
      keys[i] = key;
      size++;
    }
    values[i] = value;
    if (size * 4 > keys.length * 3) {
      grow();
    }
  }

  /** Adds {@code delta} to the value of a present key and returns the new value. */
  int add(long key, int delta) {
    int i = slot(key);
    if (keys[i] != key) {
      throw new IllegalStateException("no entry for " + key);
    }
    values[i] += delta;
    return values[i];
  }

  /** Removes {@code key}; true if it was present. */
  boolean remove(long key) {
    int i = slot(key);
    if (keys[i] != key) {
      return false;
    }
    size--;
    // backward-shift deletion: move later entries of the probe run into the hole
    int hole = i;
    int j = i;
    while (true) {
      j = (j + 1) & mask;
      if (keys[j] == EMPTY) {
        break;
      }
      int home = hash(keys[j]) & mask;
      // entry j may move to the hole if the hole lies cyclically in [home, j)
      if (((j - home) & mask) >= ((j - hole) & mask)) {
        keys[hole] = keys[j];
        values[hole] = values[j];
        hole = j;
      }
    }
    keys[hole] = EMPTY;
    shrinkIfSparse();
    return true;
  }

  private void grow() {
    rehash(keys.length * 2);
  }

  /** Gives memory back once a big frontier has drained. */
  private void shrinkIfSparse() {
    if (keys.length > 1024 && size * 8 < keys.length) {
      rehash(keys.length / 2);
    }
  }

  private void rehash(int capacity) {
    long[] oldKeys = keys;
    int[] oldValues = values;
    allocate(capacity);
    size = 0;
    for (int i = 0; i < oldKeys.length; i++) {
      if (oldKeys[i] != EMPTY) {
        int s = slot(oldKeys[i]);
        keys[s] = oldKeys[i];
        values[s] = oldValues[i];
        size++;
      }
    }
  }

  /** Bytes held by the arrays (for the frontier-size measurements). */
  long bytes() {
    return keys.length * 12L;
  }
}
