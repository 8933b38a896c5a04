package org.daisyjava.scheduler.checkpoint;

/**
 * Open-addressing hash map from a non-negative page index to that page's words, for
 * {@link BlockBitSet}. A flat directory indexed by page would cost memory proportional to the
 * largest block id (ids can exceed 2^40 for sparse grids); this costs memory proportional to the
 * pages actually touched, and a lookup is a multiply and usually one probe. Not thread-safe.
 */
final class PageMap {

    private static final long EMPTY = -1L;
    /** Fibonacci hashing spreads consecutive page indices across the table. */
    private static final long MIX = 0x9E3779B97F4A7C15L;

    private long[] keys;
    private long[][] values;
    private int size;
    private int shift;

    PageMap() {
        allocate(16);
    }

    /** The page with this index, or {@code null}. */
    long[] get(long index) {
        long[] k = keys;
        int mask = k.length - 1;
        for (int i = slot(index); ; i = (i + 1) & mask) {
            long key = k[i];
            if (key == index) {
                return values[i];
            }
            if (key == EMPTY) {
                return null;
            }
        }
    }

    /** Adds a page for an index that is not yet present. */
    void putNew(long index, long[] page) {
        // Grow at 1/2 load: keeps probe chains short, and the table stays tiny next to the pages.
        if (2 * (size + 1) > keys.length) {
            rehash(keys.length * 2);
        }
        insert(index, page);
        size++;
    }

    int size() {
        return size;
    }

    /** Approximate heap footprint of the table itself (not the pages). */
    long tableBytes() {
        // Two arrays with 16-byte headers; a reference counts 8 bytes to stay an upper bound.
        return 2 * 16L + keys.length * 16L;
    }

    /** The indices of the pages present, ascending. */
    long[] sortedIndices() {
        long[] out = new long[size];
        int n = 0;
        for (long key : keys) {
            if (key != EMPTY) {
                out[n++] = key;
            }
        }
        java.util.Arrays.sort(out);
        return out;
    }

    /** A copy sharing nothing with this map. */
    PageMap deepCopy() {
        PageMap copy = new PageMap();
        copy.allocate(keys.length);
        for (int i = 0; i < keys.length; i++) {
            if (keys[i] != EMPTY) {
                copy.insert(keys[i], values[i].clone());
            }
        }
        copy.size = size;
        return copy;
    }

    private int slot(long index) {
        return (int) ((index * MIX) >>> shift);
    }

    private void insert(long index, long[] page) {
        int mask = keys.length - 1;
        int i = slot(index);
        while (keys[i] != EMPTY) {
            i = (i + 1) & mask;
        }
        keys[i] = index;
        values[i] = page;
    }

    private void rehash(int capacity) {
        long[] oldKeys = keys;
        long[][] oldValues = values;
        allocate(capacity);
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldKeys[i] != EMPTY) {
                insert(oldKeys[i], oldValues[i]);
            }
        }
    }

    private void allocate(int capacity) {
        keys = new long[capacity];
        java.util.Arrays.fill(keys, EMPTY);
        values = new long[capacity][];
        shift = 64 - Integer.numberOfTrailingZeros(capacity);
    }
}
