package org.daisyjava.scheduler.state;

import java.util.NoSuchElementException;

/** A FIFO of {@code long}s on a growable ring buffer (no boxing). */
final class LongQueue {
  private long[] items = new long[16];
  private int head;
  private int size;

  int size() {
    return size;
  }

  boolean isEmpty() {
    return size == 0;
  }

  void addLast(long v) {
    if (size == items.length) {
      resize(items.length * 2);
    }
    items[(head + size) & (items.length - 1)] = v;
    size++;
  }

  void addFirst(long v) {
    if (size == items.length) {
      resize(items.length * 2);
    }
    head = (head - 1) & (items.length - 1);
    items[head] = v;
    size++;
  }

  long removeFirst() {
    if (size == 0) {
      throw new NoSuchElementException();
    }
    long v = items[head];
    head = (head + 1) & (items.length - 1);
    size--;
    if (items.length > 1024 && size * 8 < items.length) {
      resize(items.length / 2);
    }
    return v;
  }

  private void resize(int capacity) {
    long[] next = new long[capacity];
    for (int i = 0; i < size; i++) {
      next[i] = items[(head + i) & (items.length - 1)];
    }
    items = next;
    head = 0;
  }

  long bytes() {
    return items.length * 8L;
  }
}
