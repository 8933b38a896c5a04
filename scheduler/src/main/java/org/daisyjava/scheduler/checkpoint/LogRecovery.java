package org.daisyjava.scheduler.checkpoint;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.zip.CRC32C;

/** Reads a checkpoint log into a {@link Recovery}; the rules are on {@link CheckpointLog}. */
final class LogRecovery {

    /** Records per read: big enough that syscalls do not matter, small enough to stay in cache. */
    private static final int CHUNK_RECORDS = 64 * 1024;

    private LogRecovery() {
    }

    static Recovery read(Path file) throws IOException, CheckpointFormatException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            byte[] header = readHeader(channel, size, file);
            long start = LogFormat.headerRecordBytes(header.length);
            return readRecords(channel, size, start, file, header);
        }
    }

    private static byte[] readHeader(FileChannel channel, long size, Path file)
            throws IOException, CheckpointFormatException {
        if (size == 0) {
            throw new CheckpointFormatException(file + " is empty, so it is not a checkpoint log"
                    + " (a run killed while creating it leaves such a file; delete it to start"
                    + " a fresh run)");
        }
        if (size < LogFormat.HEADER_PREFIX_BYTES) {
            throw new CheckpointFormatException(file + " is not a checkpoint log: only " + size
                    + " bytes, too short for the header");
        }
        byte[] prefix = readFully(channel, 0, LogFormat.HEADER_PREFIX_BYTES);
        byte[] magic = Arrays.copyOf(prefix, LogFormat.MAGIC.length);
        if (!Arrays.equals(magic, LogFormat.MAGIC)) {
            throw new CheckpointFormatException(file + " is not a daisy-java checkpoint log: it"
                    + " starts with bytes " + HexFormat.of().formatHex(magic) + ", expected \"DAISYCKP\"");
        }
        int version = LogFormat.getInt(prefix, LogFormat.MAGIC.length);
        if (version != LogFormat.VERSION) {
            throw new CheckpointFormatException(file + " is a checkpoint log of format version "
                    + Integer.toUnsignedString(version) + "; this build reads only version "
                    + LogFormat.VERSION);
        }
        int length = LogFormat.getInt(prefix, LogFormat.MAGIC.length + 4);
        if (length < 0 || length > LogFormat.MAX_HEADER_BYTES) {
            throw new CheckpointFormatException(file + ": corrupt checkpoint header (declared"
                    + " header length " + Integer.toUnsignedString(length) + " is implausible)");
        }
        long recordLength = LogFormat.headerRecordBytes(length);
        if (size < recordLength) {
            throw new CheckpointFormatException(file + ": truncated checkpoint header (needs "
                    + recordLength + " bytes, file has " + size + ")");
        }
        byte[] record = readFully(channel, 0, (int) recordLength);
        int crcOffset = LogFormat.HEADER_PREFIX_BYTES + length;
        int stored = LogFormat.getInt(record, crcOffset);
        int computed = LogFormat.crc(record, 0, crcOffset);
        if (stored != computed) {
            throw new CheckpointFormatException(String.format(
                    "%s: corrupt checkpoint header (CRC32C stored %08x, computed %08x)", file,
                    stored, computed));
        }
        return Arrays.copyOfRange(record, LogFormat.HEADER_PREFIX_BYTES, crcOffset);
    }

    private static Recovery readRecords(FileChannel channel, long size, long start, Path file,
            byte[] header) throws IOException {
        Map<Integer, BlockBitSet> done = new HashMap<>();
        long[] counts = new long[Outcome.values().length];
        CRC32C crc = new CRC32C();
        byte[] chunk = new byte[CHUNK_RECORDS * LogFormat.RECORD_BYTES];
        // Consecutive records usually belong to the same task; skip the map lookup then.
        int lastTask = -1;
        BlockBitSet lastSet = null;
        long pos = start;
        String damage = null;
        scan:
        while (pos < size) {
            int len = (int) Math.min(chunk.length, size - pos);
            readFully(channel, pos, chunk, len);
            int whole = len - len % LogFormat.RECORD_BYTES;
            for (int off = 0; off < whole; off += LogFormat.RECORD_BYTES) {
                if (!LogFormat.isValidRecord(chunk, off, crc)) {
                    damage = "record failing its CRC32C or field check";
                    pos += off;
                    break scan;
                }
                int task = LogFormat.recordTask(chunk, off);
                Outcome outcome = LogFormat.recordOutcome(chunk, off);
                counts[outcome.ordinal()]++;
                if (task != lastTask || lastSet == null) {
                    lastTask = task;
                    lastSet = done.computeIfAbsent(task, t -> new BlockBitSet());
                }
                if (outcome.countsAsDone()) {
                    lastSet.set(LogFormat.recordBlock(chunk, off));
                }
            }
            pos += whole;
            if (whole < len) {
                damage = "torn record: " + (len - whole) + " of " + LogFormat.RECORD_BYTES
                        + " bytes";
                break;
            }
        }
        Map<Integer, BlockBitSet> views = new HashMap<>();
        done.forEach((task, set) -> views.put(task, set.readOnlyView()));
        EnumMap<Outcome, Long> perOutcome = new EnumMap<>(Outcome.class);
        long kept = 0;
        for (Outcome o : Outcome.values()) {
            perOutcome.put(o, counts[o.ordinal()]);
            kept += counts[o.ordinal()];
        }
        return new Recovery(file, header, views, kept, perOutcome, pos, size - pos, damage);
    }

    private static byte[] readFully(FileChannel channel, long position, int length)
            throws IOException {
        byte[] out = new byte[length];
        readFully(channel, position, out, length);
        return out;
    }

    private static void readFully(FileChannel channel, long position, byte[] into, int length)
            throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(into, 0, length);
        while (buf.hasRemaining()) {
            int n = channel.read(buf, position + buf.position());
            if (n < 0) {
                throw new IOException("unexpected end of file reading " + length + " bytes at "
                        + position + " (was the file truncated while being read?)");
            }
        }
    }
}
