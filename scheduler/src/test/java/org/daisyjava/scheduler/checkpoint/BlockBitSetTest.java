package org.daisyjava.scheduler.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BlockBitSetTest {

    @Test
    void idsAroundAndAbove2To31And2To32() {
        BlockBitSet set = new BlockBitSet();
        long[] ids = {0, 63, 64, (1L << 31) - 1, 1L << 31, (1L << 31) + 1, (1L << 32) - 1,
            1L << 32, (1L << 32) + 64, 1L << 40, Long.MAX_VALUE};
        for (long id : ids) {
            assertFalse(set.get(id));
            assertTrue(set.set(id), "newly set " + id);
        }
        for (long id : ids) {
            assertTrue(set.get(id), "" + id);
            // Neighbours stay clear: catches int truncation or a wrong word/bit split.
            if (id > 0 && !contains(ids, id - 1)) {
                assertFalse(set.get(id - 1), "" + (id - 1));
            }
            if (id < Long.MAX_VALUE && !contains(ids, id + 1)) {
                assertFalse(set.get(id + 1), "" + (id + 1));
            }
        }
        // 2^31 and 2^32 must not alias 0 (what an (int) cast would do).
        assertEquals(ids.length, set.cardinality());
    }

    @Test
    void cardinalityCountsEachIdOnce() {
        BlockBitSet set = new BlockBitSet();
        Set<Long> reference = new HashSet<>();
        Random random = new Random(1);
        for (int i = 0; i < 200_000; i++) {
            long id = random.nextInt(1_000_000) + (random.nextBoolean() ? 0 : 5_000_000_000L);
            assertEquals(reference.add(id), set.set(id));
        }
        assertEquals(reference.size(), set.cardinality());
        for (long id : reference) {
            assertTrue(set.get(id));
        }
    }

    @Test
    void sparseIdsFarApartDoNotAllocateTheRangeBetweenThem() {
        BlockBitSet set = new BlockBitSet();
        long empty = set.bytesUsed();
        for (int i = 0; i < 100; i++) {
            set.set((long) i << 40); // 100 ids spread over 2^46
        }
        assertEquals(100, set.cardinality());
        long perPage = BlockBitSet.PAGE_BITS / 8;
        // Each id costs one page plus a little table; nothing like 2^46 bits (8 TB).
        assertTrue(set.bytesUsed() - empty <= 100 * (perPage + 64), "bytesUsed " + set.bytesUsed());
        Runtime rt = Runtime.getRuntime();
        assertTrue(set.bytesUsed() < rt.maxMemory(), "and it obviously fit in the heap");
    }

    @Test
    void denseSetCostsAboutOneBitPerId() {
        BlockBitSet set = new BlockBitSet();
        int n = 10_000_000;
        for (int i = 0; i < n; i++) {
            set.set(i);
        }
        assertEquals(n, set.cardinality());
        // 10^7 bits = 1.25 MB; allow page rounding and the page table, but not 2x.
        assertTrue(set.bytesUsed() < 1_300_000, "bytesUsed " + set.bytesUsed());
        assertTrue(set.bytesUsed() >= n / 8, "bytesUsed " + set.bytesUsed());
    }

    @Test
    void negativeIdsAreRejected() {
        BlockBitSet set = new BlockBitSet();
        assertThrows(IllegalArgumentException.class, () -> set.set(-1));
        assertThrows(IllegalArgumentException.class, () -> set.get(Long.MIN_VALUE));
    }

    @Test
    void copyIsIndependentAndReadOnlyViewRefusesWrites() {
        BlockBitSet set = new BlockBitSet();
        set.set(5);
        BlockBitSet copy = set.copy();
        copy.set(6);
        set.set(7);
        assertTrue(copy.get(5) && copy.get(6) && !copy.get(7));
        assertTrue(set.get(5) && !set.get(6) && set.get(7));
        BlockBitSet view = set.readOnlyView();
        assertTrue(view.isReadOnly());
        assertTrue(view.get(7));
        assertEquals(2, view.cardinality());
        assertThrows(UnsupportedOperationException.class, () -> view.set(8));
        assertFalse(view.copy().isReadOnly());
    }

    private static boolean contains(long[] ids, long id) {
        for (long x : ids) {
            if (x == id) {
                return true;
            }
        }
        return false;
    }
}
