package org.daisyjava.scheduler.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

// SEPARATE_THREAD: flush() deliberately ignores interrupts, so a hang must fail the test, not stall it.
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class DurabilityListenerTest {

    @TempDir
    Path dir;

    @Test
    void everySequenceIsEventuallyCoveredWithoutFlush() throws Exception {
        RecordingListener listener = new RecordingListener();
        try (CheckpointLog log = CheckpointLog.create(dir.resolve("checkpoint.log"),
                LogFiles.HEADER, listener)) {
            long last = 0;
            for (int i = 0; i < 50_000; i++) {
                last = log.append(i % 3, i, Outcome.SUCCESS);
            }
            // No flush: the background writer alone must get there.
            listener.awaitDurable(last);
            assertEquals(last, listener.lastDurable(), "never beyond what was appended");
        }
        assertEquals(List.of(), listener.violations());
        assertEquals(List.of(), listener.failures());
    }

    /**
     * Forces are paced only while records keep coming: with an interval of an hour, a record
     * appended after the log went quiet is forced at once (before the pacing rule, this test
     * hung past its 60 s timeout). Deterministic: the writer decides whether to pace under the
     * lock it signals the flush from, before the next append can take it.
     */
    @Test
    void aQuietLogForcesTheNextRecordWithoutWaitingOutTheInterval() throws Exception {
        RecordingListener listener = new RecordingListener();
        try (CheckpointLog log = CheckpointLog.create(dir.resolve("checkpoint.log"),
                LogFiles.HEADER, listener, Duration.ofHours(1))) {
            for (int i = 0; i < 5; i++) {
                long seq = log.append(0, i, Outcome.SUCCESS);
                log.flush();
                assertEquals(seq, listener.lastDurable());
            }
        }
        assertEquals(List.of(), listener.violations());
    }

    @Test
    void flushReturnsOnlyAfterTheListenerCoveredEverythingAppended() throws Exception {
        // A slow listener widens the window in which a premature flush return would be seen.
        AtomicLong reported = new AtomicLong();
        DurabilityListener slow = new DurabilityListener() {
            @Override
            public void durable(long upToSequence) {
                sleep(5);
                reported.set(upToSequence);
            }

            @Override
            public void failed(IOException cause) {
            }
        };
        try (CheckpointLog log = CheckpointLog.create(dir.resolve("checkpoint.log"),
                LogFiles.HEADER, slow)) {
            for (int round = 1; round <= 20; round++) {
                long last = 0;
                for (int i = 0; i < round * 10; i++) {
                    last = log.append(0, round * 1000L + i, Outcome.SUCCESS);
                }
                log.flush();
                assertEquals(last, reported.get(), "after flush in round " + round);
            }
            log.flush(); // nothing new appended: returns at once
        }
    }

    @Test
    void listenerNeverSeesMoreThanWasAppended() throws Exception {
        // Append in bursts with quiet gaps; in each gap the writer catches up exactly to the
        // last sequence handed out, and must not report anything larger.
        RecordingListener listener = new RecordingListener();
        try (CheckpointLog log = CheckpointLog.create(dir.resolve("checkpoint.log"),
                LogFiles.HEADER, listener, Duration.ZERO)) {
            long last = 0;
            for (int burst = 0; burst < 30; burst++) {
                for (int i = 0; i <= burst; i++) {
                    last = log.append(1, last, Outcome.SKIPPED);
                }
                listener.awaitDurable(last);
                sleep(2);
                assertEquals(last, listener.lastDurable());
            }
        }
        List<Long> calls = listener.durableCalls();
        assertEquals(List.of(), listener.violations(), "strictly increasing, from the writer thread");
        assertTrue(calls.get(calls.size() - 1) <= 30 * 31 / 2);
    }

    @Test
    void reportedRecordsAreAlreadyInTheFile() throws Exception {
        // We cannot pull the power plug in a unit test, but we can check the promise's visible
        // half: when durable(n) is called, a recovery of the file sees at least n records.
        Path file = dir.resolve("checkpoint.log");
        List<String> problems = new ArrayList<>();
        DurabilityListener checking = new DurabilityListener() {
            @Override
            public void durable(long upToSequence) {
                try {
                    long kept = CheckpointLog.recover(file).recordsKept();
                    if (kept < upToSequence) {
                        problems.add("durable(" + upToSequence + ") but file has " + kept);
                    }
                } catch (Exception e) {
                    problems.add(e.toString());
                }
            }

            @Override
            public void failed(IOException cause) {
                problems.add(cause.toString());
            }
        };
        try (CheckpointLog log = CheckpointLog.create(file, LogFiles.HEADER, checking)) {
            for (int i = 0; i < 2_000; i++) {
                log.append(0, i, Outcome.SUCCESS);
                if (i % 100 == 0) {
                    log.flush();
                }
            }
        }
        synchronized (problems) {
            assertEquals(List.of(), problems);
        }
    }

    @Test
    void flushOrCloseFromTheListenerIsRefusedInsteadOfDeadlocking() throws Exception {
        List<String> refused = new ArrayList<>();
        CheckpointLog[] self = new CheckpointLog[1];
        DurabilityListener reentrant = new DurabilityListener() {
            @Override
            public void durable(long upToSequence) {
                for (Runnable call : List.<Runnable>of(() -> self[0].flush(), () -> self[0].close())) {
                    try {
                        call.run();
                        refused.add("not refused");
                    } catch (IllegalStateException e) {
                        refused.add(e.getMessage());
                    }
                }
            }

            @Override
            public void failed(IOException cause) {
            }
        };
        try (CheckpointLog log = CheckpointLog.create(dir.resolve("checkpoint.log"),
                LogFiles.HEADER, reentrant)) {
            self[0] = log;
            log.append(0, 0, Outcome.SUCCESS);
            log.flush();
        }
        assertEquals(2, refused.size(), refused.toString());
        assertTrue(refused.get(0).contains("flush called from the durability listener"), refused.get(0));
        assertTrue(refused.get(1).contains("close called from the durability listener"), refused.get(1));
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
