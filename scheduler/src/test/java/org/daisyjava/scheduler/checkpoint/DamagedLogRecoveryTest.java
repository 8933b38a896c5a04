package org.daisyjava.scheduler.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

// SEPARATE_THREAD: flush() deliberately ignores interrupts, so a hang must fail the test, not stall it.
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class DamagedLogRecoveryTest {

    private static final int R = LogFormat.RECORD_BYTES;
    private static final int N = 1000;

    @TempDir
    Path dir;

    private Path file;

    /** The kinds of damage a crash or a bad disk leaves, each applied to a log of N records. */
    enum Damage {
        /** The last record was only partly written: 7 of its bytes are missing. */
        TORN_LAST_RECORD(N - 1, 13),
        /** Unrelated bytes after the last record (e.g. preallocated space, another writer). */
        GARBAGE_APPENDED(N, 37),
        /** A zero-filled block after the last record, as some file systems leave after a crash. */
        ZEROS_APPENDED(N, 4096),
        /** One byte flipped inside record 400: it and the 599 records after it are dropped. */
        FLIPPED_BYTE_IN_MIDDLE(400, (N - 400) * R),
        /** The CRC field itself damaged in the first record. */
        FLIPPED_CRC_OF_FIRST_RECORD(0, N * R);

        final int keptRecords;
        final long truncatedBytes;

        Damage(int keptRecords, long truncatedBytes) {
            this.keptRecords = keptRecords;
            this.truncatedBytes = truncatedBytes;
        }
    }

    private void damage(Damage d) throws IOException {
        long start = LogFiles.recordsStart();
        switch (d) {
            case TORN_LAST_RECORD:
                LogFiles.truncate(file, start + (long) N * R - 7);
                break;
            case GARBAGE_APPENDED:
                byte[] garbage = new byte[37];
                new Random(7).nextBytes(garbage);
                LogFiles.appendBytes(file, garbage);
                break;
            case ZEROS_APPENDED:
                LogFiles.appendBytes(file, new byte[4096]);
                break;
            case FLIPPED_BYTE_IN_MIDDLE:
                LogFiles.flipByte(file, start + 400L * R + LogFormat.OFF_BLOCK + 2);
                break;
            case FLIPPED_CRC_OF_FIRST_RECORD:
                LogFiles.flipByte(file, start + LogFormat.OFF_CRC);
                break;
            default:
                throw new AssertionError(d);
        }
    }

    @ParameterizedTest
    @EnumSource(Damage.class)
    void recoveryKeepsTheIntactPrefixAndReportsTheRest(Damage d) throws Exception {
        file = dir.resolve("checkpoint.log");
        LogFiles.writeLog(file, N);
        damage(d);
        byte[] damaged = Files.readAllBytes(file);

        Recovery r = CheckpointLog.recover(file);

        assertEquals(d.keptRecords, r.recordsKept());
        assertEquals(d.truncatedBytes, r.bytesTruncated());
        long validLength = LogFiles.recordsStart() + (long) d.keptRecords * R;
        assertEquals(validLength, r.validLength());
        assertEquals(Files.size(file), r.validLength() + r.bytesTruncated());
        assertArrayEquals(LogFiles.HEADER, r.header());
        BlockBitSet done = r.done(0);
        assertEquals(d.keptRecords, done.cardinality());
        for (int i = 0; i < N; i++) {
            assertEquals(i < d.keptRecords, done.get(i), "block " + i);
        }
        assertTrue(r.report().contains("kept " + d.keptRecords + " records"), r.report());
        assertTrue(r.report().contains("truncated " + d.truncatedBytes
                + " bytes of a torn/corrupt tail at offset " + validLength), r.report());
        assertArrayEquals(damaged, Files.readAllBytes(file), "recover() must not modify the file");
    }

    @ParameterizedTest
    @EnumSource(Damage.class)
    void reopeningCutsOffTheDamageSoNewRecordsAreReadBack(Damage d) throws Exception {
        file = dir.resolve("checkpoint.log");
        LogFiles.writeLog(file, N);
        damage(d);
        Recovery first = CheckpointLog.recover(file);

        RecordingListener listener = new RecordingListener();
        try (CheckpointLog log = CheckpointLog.append(file, first, listener)) {
            assertEquals(first.validLength(), Files.size(file), "damaged tail cut off on reopen");
            for (int i = 0; i < 50; i++) {
                log.append(2, 1_000_000 + i, Outcome.SUCCESS);
            }
            log.append(2, 5, Outcome.FAILED);
        }

        Recovery second = CheckpointLog.recover(file);
        assertEquals(0, second.bytesTruncated(), second.report());
        assertEquals(d.keptRecords + 51, second.recordsKept());
        assertEquals(d.keptRecords, second.done(0).cardinality());
        assertEquals(50, second.done(2).cardinality());
        assertTrue(second.done(2).get(1_000_049));
        assertFalse(second.done(2).get(5));
        assertEquals(1, second.records(Outcome.FAILED));
        assertEquals(first.validLength() + 51L * R, Files.size(file));
    }

    @Test
    void tornRecordIsNamedInTheReport() throws Exception {
        file = dir.resolve("checkpoint.log");
        LogFiles.writeLog(file, 3);
        LogFiles.appendBytes(file, new byte[] {1, 2, 3, 4, 5});
        Recovery r = CheckpointLog.recover(file);
        assertEquals(3, r.recordsKept());
        assertEquals(5, r.bytesTruncated());
        assertTrue(r.report().endsWith("(torn record: 5 of 20 bytes)"), r.report());
    }

    @Test
    void appendRefusesARecoveryOfAnotherFileOrAFileThatShrank() throws Exception {
        file = dir.resolve("checkpoint.log");
        LogFiles.writeLog(file, 10);
        Path other = dir.resolve("other.log");
        LogFiles.writeLog(other, 10);
        Recovery r = CheckpointLog.recover(file);
        assertThrows(IllegalArgumentException.class,
                () -> CheckpointLog.append(other, r, new RecordingListener()));
        LogFiles.truncate(file, r.validLength() - 1);
        assertThrows(IOException.class, () -> CheckpointLog.append(file, r, new RecordingListener()));
    }
}
