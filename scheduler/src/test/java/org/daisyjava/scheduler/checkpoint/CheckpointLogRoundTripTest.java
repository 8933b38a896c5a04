package org.daisyjava.scheduler.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

// SEPARATE_THREAD: flush() deliberately ignores interrupts, so a hang must fail the test, not stall it.
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class CheckpointLogRoundTripTest {

    @TempDir
    Path dir;

    @Test
    void roundTripRestoresHeaderDoneSetsAndCounts() throws Exception {
        Path file = dir.resolve("checkpoint.log");
        Map<Integer, Set<Long>> expectedDone = new HashMap<>();
        Random random = new Random(42);
        Outcome[] outcomes = Outcome.values();
        int n = 10_000;
        long failed = 0;
        RecordingListener listener = new RecordingListener();
        try (CheckpointLog log = CheckpointLog.create(file, LogFiles.HEADER, listener)) {
            for (int i = 0; i < n; i++) {
                int task = random.nextInt(4);
                // Ids straddling 2^31 and 2^32 make sure nothing narrows them to int.
                long block = random.nextInt(3) == 0 ? (1L << 32) + random.nextInt(500)
                        : random.nextInt(5_000);
                Outcome outcome = outcomes[random.nextInt(outcomes.length)];
                assertEquals(i + 1, log.append(task, block, outcome), "sequence numbers");
                if (outcome.countsAsDone()) {
                    expectedDone.computeIfAbsent(task, t -> new HashSet<>()).add(block);
                } else {
                    failed++;
                }
            }
        }
        assertEquals(n, listener.lastDurable(), "close() makes everything durable");

        Recovery r = CheckpointLog.recover(file);
        assertArrayEquals(LogFiles.HEADER, r.header());
        assertEquals(n, r.recordsKept());
        assertEquals(failed, r.records(Outcome.FAILED));
        assertEquals(n, r.records(Outcome.SUCCESS) + r.records(Outcome.SKIPPED) + failed);
        assertEquals(0, r.bytesTruncated());
        assertEquals(Files.size(file), r.validLength());
        assertEquals(LogFiles.recordsStart() + (long) n * LogFormat.RECORD_BYTES, r.validLength());
        assertArrayEquals(new int[] {0, 1, 2, 3}, r.tasks());
        for (int task = 0; task < 4; task++) {
            assertSameIds(expectedDone.get(task), r.done(task), task);
        }
        assertEquals(0, r.done(99).cardinality(), "task without records");
        assertTrue(r.report().startsWith("checkpoint.log: kept 10000 records"), r.report());
        assertTrue(r.report().endsWith("tail clean"), r.report());
    }

    @Test
    void failedBlockIsRetriedButLaterSuccessCountsAndFailureAfterSuccessDoesNotUndoIt()
            throws Exception {
        Path file = dir.resolve("checkpoint.log");
        try (CheckpointLog log = CheckpointLog.create(file, LogFiles.HEADER, new RecordingListener())) {
            log.append(0, 1, Outcome.FAILED);
            log.append(0, 2, Outcome.FAILED);
            log.append(0, 2, Outcome.SUCCESS);
            log.append(0, 3, Outcome.SKIPPED);
            log.append(0, 3, Outcome.FAILED);
        }
        Recovery r = CheckpointLog.recover(file);
        assertEquals(5, r.recordsKept());
        assertEquals(3, r.records(Outcome.FAILED));
        BlockBitSet done = r.done(0);
        assertFalse(done.get(1));
        assertTrue(done.get(2));
        assertTrue(done.get(3));
        assertEquals(2, done.cardinality());
    }

    @Test
    void emptyHeaderAndNoRecords() throws Exception {
        Path file = dir.resolve("checkpoint.log");
        CheckpointLog.create(file, new byte[0], new RecordingListener()).close();
        Recovery r = CheckpointLog.recover(file);
        assertEquals(0, r.header().length);
        assertEquals(0, r.recordsKept());
        assertEquals(0, r.tasks().length);
        assertEquals(Files.size(file), r.validLength());
    }

    @Test
    void appendingAfterCleanRecoveryContinuesTheLog() throws Exception {
        Path file = dir.resolve("checkpoint.log");
        LogFiles.writeLog(file, 100);
        Recovery first = CheckpointLog.recover(file);
        RecordingListener listener = new RecordingListener();
        try (CheckpointLog log = CheckpointLog.append(file, first, listener)) {
            assertEquals(1, log.append(1, 7, Outcome.SUCCESS), "sequences restart per opened log");
        }
        Recovery second = CheckpointLog.recover(file);
        assertEquals(101, second.recordsKept());
        assertEquals(100, second.done(0).cardinality());
        assertTrue(second.done(1).get(7));
        assertArrayEquals(LogFiles.HEADER, second.header());
    }

    @Test
    void createOnExistingFileFailsAndLeavesItUntouched() throws Exception {
        Path file = dir.resolve("checkpoint.log");
        LogFiles.writeLog(file, 10);
        byte[] before = Files.readAllBytes(file);
        assertThrows(FileAlreadyExistsException.class,
                () -> CheckpointLog.create(file, "other".getBytes(), new RecordingListener()));
        assertArrayEquals(before, Files.readAllBytes(file));

        Path text = dir.resolve("notes.txt");
        Files.writeString(text, "not a log");
        assertThrows(FileAlreadyExistsException.class,
                () -> CheckpointLog.create(text, LogFiles.HEADER, new RecordingListener()));
        assertEquals("not a log", Files.readString(text));
    }

    @Test
    void recoveredDoneSetsAreReadOnlyButCopyable() throws Exception {
        Path file = dir.resolve("checkpoint.log");
        LogFiles.writeLog(file, 3);
        Recovery r = CheckpointLog.recover(file);
        BlockBitSet done = r.done(0);
        assertTrue(done.isReadOnly());
        assertThrows(UnsupportedOperationException.class, () -> done.set(10));
        assertThrows(UnsupportedOperationException.class, () -> r.done(5).set(10));
        BlockBitSet mine = done.copy();
        assertTrue(mine.set(10));
        assertFalse(r.done(0).get(10), "copy is independent of the recovery");
        assertEquals(3, r.done(0).cardinality());
        r.header()[0] ^= 1;
        assertArrayEquals(LogFiles.HEADER, r.header(), "header() returns a copy");
    }

    @Test
    void appendAfterCloseAndInvalidArgumentsAreRejected() throws Exception {
        Path file = dir.resolve("checkpoint.log");
        CheckpointLog log = CheckpointLog.create(file, LogFiles.HEADER, new RecordingListener());
        assertThrows(IllegalArgumentException.class, () -> log.append(-1, 0, Outcome.SUCCESS));
        assertThrows(IllegalArgumentException.class, () -> log.append(0, -1, Outcome.SUCCESS));
        assertThrows(NullPointerException.class, () -> log.append(0, 0, null));
        log.close();
        log.close(); // idempotent
        assertThrows(IllegalStateException.class, () -> log.append(0, 0, Outcome.SUCCESS));
        assertEquals(0, CheckpointLog.recover(file).recordsKept());
    }

    private static void assertSameIds(Set<Long> expected, BlockBitSet actual, int task) {
        Set<Long> exp = expected == null ? Set.of() : expected;
        assertEquals(exp.size(), actual.cardinality(), "cardinality of task " + task);
        for (long id : exp) {
            assertTrue(actual.get(id), "task " + task + " block " + id);
        }
    }
}
