package org.daisyjava.scheduler.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

// SEPARATE_THREAD: flush() deliberately ignores interrupts, so a hang must fail the test, not stall it.
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ConcurrentAppendTest {

    @TempDir
    Path dir;

    @Test
    void recordsFromConcurrentAppendersAreAllRecoveredExactlyOnce() throws Exception {
        int threads = 6;
        int perThread = 40_000;
        Path file = dir.resolve("checkpoint.log");
        RecordingListener listener = new RecordingListener();
        List<long[]> sequences = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try (CheckpointLog log = CheckpointLog.create(file, LogFiles.HEADER, listener)) {
            List<Future<long[]>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                Callable<long[]> appender = () -> {
                    long[] seqs = new long[perThread];
                    for (int i = 0; i < perThread; i++) {
                        // Thread t owns task t % 3 and the ids congruent to t / 3 mod 2, so every
                        // (task, block) pair is appended by exactly one thread, exactly once.
                        long block = 2L * i + thread / 3;
                        Outcome outcome = i % 10 == 9 ? Outcome.FAILED : Outcome.SUCCESS;
                        seqs[i] = log.append(thread % 3, block, outcome);
                        if (i % 5000 == 0) {
                            log.flush();
                        }
                    }
                    return seqs;
                };
                futures.add(pool.submit(appender));
            }
            for (Future<long[]> f : futures) {
                sequences.add(f.get());
            }
        } finally {
            pool.shutdownNow();
        }

        long total = (long) threads * perThread;
        BitSet seen = new BitSet();
        for (long[] seqs : sequences) {
            for (int i = 0; i < seqs.length; i++) {
                assertTrue(seqs[i] >= 1 && seqs[i] <= total, "sequence " + seqs[i]);
                assertTrue(!seen.get((int) seqs[i]), "sequence handed out twice: " + seqs[i]);
                seen.set((int) seqs[i]);
                if (i > 0) {
                    assertTrue(seqs[i] > seqs[i - 1], "sequences grow within a thread");
                }
            }
        }
        assertEquals(total, listener.lastDurable());
        assertEquals(List.of(), listener.violations());

        Recovery r = CheckpointLog.recover(file);
        assertEquals(total, r.recordsKept());
        assertEquals(0, r.bytesTruncated());
        assertEquals(total / 10, r.records(Outcome.FAILED));
        for (int task = 0; task < 3; task++) {
            BlockBitSet done = r.done(task);
            assertEquals(2L * perThread * 9 / 10, done.cardinality(), "task " + task);
            for (int i = 0; i < perThread; i++) {
                boolean expectDone = i % 10 != 9;
                assertEquals(expectDone, done.get(2L * i), "task " + task + " block " + 2L * i);
                assertEquals(expectDone, done.get(2L * i + 1), "task " + task + " block " + (2L * i + 1));
            }
        }
    }
}
