package org.daisyjava.scheduler.checkpoint;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

/**
 * Byte layout of the checkpoint log; the prose description lives on {@link CheckpointLog}. Every
 * piece of code that reads or writes log bytes goes through here, so the writer and recovery
 * cannot drift apart.
 */
final class LogFormat {

    /** First bytes of every log; lets recovery refuse to "repair" an unrelated file. */
    static final byte[] MAGIC = "DAISYCKP".getBytes(StandardCharsets.US_ASCII);
    static final int VERSION = 1;

    /** magic + version + header length. */
    static final int HEADER_PREFIX_BYTES = MAGIC.length + 4 + 4;
    static final int CRC_BYTES = 4;
    /**
     * Upper bound on the caller's header. The header describes geometry as text, a few kB at
     * most; the bound only stops a corrupt length field from making recovery allocate gigabytes.
     */
    static final int MAX_HEADER_BYTES = 16 << 20;

    static final int RECORD_BYTES = 20;
    static final int OFF_CRC = 0;
    static final int OFF_TASK = 4;
    static final int OFF_BLOCK = 8;
    static final int OFF_OUTCOME = 16;
    static final int OFF_RESERVED = 17;
    /** The record CRC covers everything after the CRC field itself. */
    static final int RECORD_CRC_COVERED = RECORD_BYTES - OFF_TASK;

    // Little-endian because that is the native order of every machine we run on, so the
    // view handles compile to plain loads and stores.
    private static final VarHandle INT =
            MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle LONG =
            MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private LogFormat() {
    }

    /** Length of the header record holding {@code headerLength} caller bytes. */
    static long headerRecordBytes(int headerLength) {
        return (long) HEADER_PREFIX_BYTES + headerLength + CRC_BYTES;
    }

    /** The complete header record for the caller's opaque header bytes. */
    static byte[] encodeHeader(byte[] header) {
        if (header.length > MAX_HEADER_BYTES) {
            throw new IllegalArgumentException(
                    "checkpoint header is " + header.length + " bytes; at most " + MAX_HEADER_BYTES
                            + " are allowed");
        }
        byte[] out = new byte[(int) headerRecordBytes(header.length)];
        System.arraycopy(MAGIC, 0, out, 0, MAGIC.length);
        putInt(out, MAGIC.length, VERSION);
        putInt(out, MAGIC.length + 4, header.length);
        System.arraycopy(header, 0, out, HEADER_PREFIX_BYTES, header.length);
        int crcOffset = HEADER_PREFIX_BYTES + header.length;
        putInt(out, crcOffset, crc(out, 0, crcOffset));
        return out;
    }

    /**
     * Writes the fields of one record at {@code offset}, leaving the CRC for {@link #seal}: the
     * appending thread only copies fields, the writer thread pays for the checksum.
     */
    static void encodeRecord(byte[] buf, int offset, int task, long blockId, Outcome outcome) {
        putInt(buf, offset + OFF_TASK, task);
        putLong(buf, offset + OFF_BLOCK, blockId);
        buf[offset + OFF_OUTCOME] = outcome.code();
        buf[offset + OFF_RESERVED] = 0;
        buf[offset + OFF_RESERVED + 1] = 0;
        buf[offset + OFF_RESERVED + 2] = 0;
    }

    /** Fills in the CRC of {@code count} consecutive records starting at {@code offset}. */
    static void seal(byte[] buf, int offset, int count, CRC32C crc) {
        for (int i = 0; i < count; i++) {
            int rec = offset + i * RECORD_BYTES;
            crc.reset();
            crc.update(buf, rec + OFF_TASK, RECORD_CRC_COVERED);
            putInt(buf, rec + OFF_CRC, (int) crc.getValue());
        }
    }

    /**
     * Whether the record at {@code offset} is intact: the CRC matches and every field is in
     * range. Field checks matter beyond the CRC because an all-valid CRC over nonsense (e.g. a
     * record written by a future format) must not be loaded as a block id.
     */
    static boolean isValidRecord(byte[] buf, int offset, CRC32C crc) {
        crc.reset();
        crc.update(buf, offset + OFF_TASK, RECORD_CRC_COVERED);
        if ((int) crc.getValue() != getInt(buf, offset + OFF_CRC)) {
            return false;
        }
        return recordTask(buf, offset) >= 0
                && recordBlock(buf, offset) >= 0
                && Outcome.fromCode(buf[offset + OFF_OUTCOME]) != null
                && buf[offset + OFF_RESERVED] == 0
                && buf[offset + OFF_RESERVED + 1] == 0
                && buf[offset + OFF_RESERVED + 2] == 0;
    }

    static int recordTask(byte[] buf, int offset) {
        return getInt(buf, offset + OFF_TASK);
    }

    static long recordBlock(byte[] buf, int offset) {
        return getLong(buf, offset + OFF_BLOCK);
    }

    static Outcome recordOutcome(byte[] buf, int offset) {
        return Outcome.fromCode(buf[offset + OFF_OUTCOME]);
    }

    static int crc(byte[] buf, int offset, int length) {
        CRC32C crc = new CRC32C();
        crc.update(buf, offset, length);
        return (int) crc.getValue();
    }

    static int getInt(byte[] buf, int offset) {
        return (int) INT.get(buf, offset);
    }

    static long getLong(byte[] buf, int offset) {
        return (long) LONG.get(buf, offset);
    }

    static void putInt(byte[] buf, int offset, int value) {
        INT.set(buf, offset, value);
    }

    static void putLong(byte[] buf, int offset, long value) {
        LONG.set(buf, offset, value);
    }
}
