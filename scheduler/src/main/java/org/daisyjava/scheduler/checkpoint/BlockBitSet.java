package org.daisyjava.scheduler.checkpoint;

import java.util.function.LongConsumer;
import org.daisyjava.scheduler.state.DoneBlocks;

/**
 * The set of done block ids of one task: a bitset over non-negative {@code long} ids, so grids
 * with more than 2^31 blocks work.
 *
 * <p>Bits live in pages of {@value #PAGE_BITS} bits (4 KiB) that are allocated on first
 * {@link #set}, so memory follows the id ranges actually touched: 10^8 dense ids take about
 * 12.5 MB, and two ids 2^40 apart take two pages, not a 2^40-bit array.
 *
 * <p>A mutable set is not thread-safe. The sets handed out by {@link Recovery#done(int)} are
 * read-only ({@link #set} throws) and may be read from several threads; {@link #copy()} gives a
 * mutable copy to keep marking blocks as they finish.
 */
public final class BlockBitSet implements DoneBlocks {

    static final int PAGE_SHIFT = 15;
    static final int PAGE_BITS = 1 << PAGE_SHIFT;
    private static final int WORDS_PER_PAGE = PAGE_BITS / Long.SIZE;
    private static final int OFFSET_MASK = PAGE_BITS - 1;
    /** Approximate size of a long[] header, for {@link #bytesUsed()}. */
    private static final int ARRAY_HEADER_BYTES = 16;
    private static final int OBJECT_BYTES = 64;

    private final PageMap pages;
    private final boolean readOnly;
    private long cardinality;
    /**
     * Last page used, as one immutable object so that concurrent readers of a read-only set can
     * never pair one page's index with another page's words. Block ids are handed out and
     * recovered in nearly sequential order, so this skips most hash lookups.
     */
    private CachedPage cache;

    private record CachedPage(long index, long[] words) {
    }

    /** An empty, mutable set. */
    public BlockBitSet() {
        this(new PageMap(), false, 0);
    }

    private BlockBitSet(PageMap pages, boolean readOnly, long cardinality) {
        this.pages = pages;
        this.readOnly = readOnly;
        this.cardinality = cardinality;
    }

    /**
     * Adds {@code id}.
     *
     * @return whether the id was not in the set before
     * @throws IllegalArgumentException if {@code id} is negative
     * @throws UnsupportedOperationException if this set is read-only
     */
    public boolean set(long id) {
        if (readOnly) {
            throw new UnsupportedOperationException(
                    "read-only done set; use copy() to get a mutable one");
        }
        checkId(id);
        long index = id >>> PAGE_SHIFT;
        long[] words = page(index);
        if (words == null) {
            words = new long[WORDS_PER_PAGE];
            pages.putNew(index, words);
            cache = new CachedPage(index, words);
        }
        int word = ((int) id & OFFSET_MASK) >>> 6;
        long old = words[word];
        long updated = old | (1L << id); // shifts use the low 6 bits of id
        if (old == updated) {
            return false;
        }
        words[word] = updated;
        cardinality++;
        return true;
    }

    /**
     * Whether {@code id} is in the set.
     *
     * @throws IllegalArgumentException if {@code id} is negative
     */
    public boolean get(long id) {
        checkId(id);
        long[] words = page(id >>> PAGE_SHIFT);
        return words != null && (words[((int) id & OFFSET_MASK) >>> 6] & (1L << id)) != 0;
    }

    /** Number of ids in the set. */
    public long cardinality() {
        return cardinality;
    }

    @Override
    public boolean contains(long id) {
        return get(id);
    }

    @Override
    public long count() {
        return cardinality;
    }

    /** Every id in the set, ascending: pages in index order, then set bits word by word. */
    @Override
    public void forEach(LongConsumer action) {
        for (long index : pages.sortedIndices()) {
            long[] words = pages.get(index);
            long base = index << PAGE_SHIFT;
            for (int w = 0; w < words.length; w++) {
                for (long bits = words[w]; bits != 0; bits &= bits - 1) {
                    action.accept(base + ((long) w << 6) + Long.numberOfTrailingZeros(bits));
                }
            }
        }
    }

    /** Estimated heap bytes held by this set (pages, page table, object overhead). */
    public long bytesUsed() {
        return pages.size() * (WORDS_PER_PAGE * (long) Long.BYTES + ARRAY_HEADER_BYTES)
                + pages.tableBytes() + OBJECT_BYTES;
    }

    /** Whether {@link #set} is refused. */
    public boolean isReadOnly() {
        return readOnly;
    }

    /** A mutable copy, independent of this set. */
    public BlockBitSet copy() {
        return new BlockBitSet(pages.deepCopy(), false, cardinality);
    }

    /**
     * A read-only set sharing this set's pages. Only safe if this set is never modified again,
     * which is how {@link Recovery} uses it (no copy of possibly 10^8 bits).
     */
    BlockBitSet readOnlyView() {
        return new BlockBitSet(pages, true, cardinality);
    }

    @Override
    public String toString() {
        return "BlockBitSet[cardinality=" + cardinality + ", pages=" + pages.size()
                + (readOnly ? ", read-only]" : "]");
    }

    private long[] page(long index) {
        CachedPage c = cache;
        if (c != null && c.index == index) {
            return c.words;
        }
        long[] words = pages.get(index);
        if (words != null) {
            cache = new CachedPage(index, words);
        }
        return words;
    }

    private static void checkId(long id) {
        if (id < 0) {
            throw new IllegalArgumentException("negative block id " + id);
        }
    }
}
