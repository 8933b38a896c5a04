package org.daisyjava.scheduler.checkpoint;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.zip.CRC32C;

/**
 * A growable batch of encoded records: appenders fill one while the writer thread writes the
 * other. Not thread-safe; {@link CheckpointLog} hands each instance to one side at a time.
 */
final class RecordBuffer {

    /**
     * Heap buffers are written in slices of this size: the JDK copies heap buffers through a
     * cached per-thread direct buffer as large as the largest write, and a burst of a few hundred
     * MB of records must not pin that much native memory for the rest of the run.
     */
    private static final int WRITE_SLICE_BYTES = 1 << 20;
    private static final int INITIAL_BYTES = 16 * 1024 * LogFormat.RECORD_BYTES;
    /** After a burst, a buffer this much larger than what it carried is given back to the GC. */
    private static final int SHRINK_FACTOR = 4;

    private byte[] bytes = new byte[INITIAL_BYTES];
    private int used;

    void add(int task, long blockId, Outcome outcome) {
        if (used == bytes.length) {
            grow();
        }
        LogFormat.encodeRecord(bytes, used, task, blockId, outcome);
        used += LogFormat.RECORD_BYTES;
    }

    boolean isEmpty() {
        return used == 0;
    }

    int records() {
        return used / LogFormat.RECORD_BYTES;
    }

    /** Computes the checksums, writes the batch at {@code position}; returns the new end. */
    long sealAndWrite(FileChannel channel, long position, CRC32C crc) throws IOException {
        LogFormat.seal(bytes, 0, records(), crc);
        long pos = position;
        for (int off = 0; off < used; off += WRITE_SLICE_BYTES) {
            ByteBuffer slice = ByteBuffer.wrap(bytes, off, Math.min(WRITE_SLICE_BYTES, used - off));
            while (slice.hasRemaining()) {
                pos += channel.write(slice, pos);
            }
        }
        return pos;
    }

    /** Empties the buffer for reuse, giving back memory left over from an unusual burst. */
    void clear() {
        if (bytes.length > INITIAL_BYTES && bytes.length / SHRINK_FACTOR > used) {
            bytes = new byte[Math.max(INITIAL_BYTES, roundToRecords(2L * used))];
        }
        used = 0;
    }

    private void grow() {
        long wanted = 2L * bytes.length;
        int limit = roundToRecords(Integer.MAX_VALUE - 16);
        if (bytes.length >= limit) {
            // ~2 GB of records not yet written means the disk has stalled for a long time;
            // failing the append is better than an OutOfMemoryError somewhere random.
            throw new IllegalStateException(
                    "checkpoint log: more than " + records() + " records waiting for the disk");
        }
        byte[] bigger = new byte[(int) Math.min(wanted, limit)];
        System.arraycopy(bytes, 0, bigger, 0, used);
        bytes = bigger;
    }

    private static int roundToRecords(long n) {
        long r = LogFormat.RECORD_BYTES;
        return (int) Math.min((n + r - 1) / r * r, (Integer.MAX_VALUE - 16) / r * r);
    }
}
