package org.daisyjava.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Locale;
import java.util.stream.Stream;
import org.daisyjava.scheduler.checkpoint.BlockBitSet;
import org.daisyjava.scheduler.checkpoint.CheckpointLog;
import org.daisyjava.scheduler.checkpoint.DurabilityListener;
import org.daisyjava.scheduler.checkpoint.Outcome;
import org.daisyjava.scheduler.checkpoint.Recovery;

/**
 * Measures the checkpoint log against its targets: durable append throughput (>= 10^6
 * records/s), recovery of 10^7 records (<= 2 s), and memory of a 10^8-block done set (<= 32 MB).
 *
 * <p>Usage: {@code CheckpointBench [dir]}. Files go to a fresh temporary directory (inside
 * {@code dir} if given, which should be on the file system whose fsync you want to measure) and
 * are deleted at the end. Sizes can be changed with {@code -Dbench.append=N},
 * {@code -Dbench.recover=N}, {@code -Dbench.bits=N}, {@code -Dbench.rate=N} (appends/s for the
 * latency measurement).
 */
public final class CheckpointBench {

    private static final byte[] HEADER =
            "bench: roi [0:100000, 0:100000, 0:100000] block [64, 64, 64]\n".getBytes();

    private CheckpointBench() {
    }

    public static void main(String[] args) throws Exception {
        long appendN = Long.getLong("bench.append", 5_000_000L);
        long recoverN = Long.getLong("bench.recover", 10_000_000L);
        long bitsN = Long.getLong("bench.bits", 100_000_000L);
        Path dir = args.length > 0
                ? Files.createTempDirectory(Path.of(args[0]), "checkpoint-bench")
                : Files.createTempDirectory("checkpoint-bench");
        System.out.printf("checkpoint bench in %s (%d cpus, java %s, max heap %d MB)%n", dir,
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"),
                Runtime.getRuntime().maxMemory() >> 20);
        try {
            // Warm-up so the measured run is not dominated by the JIT.
            appendThroughput(dir.resolve("warmup.log"), Math.min(appendN, 1_000_000L), false);
            for (int round = 1; round <= 3; round++) {
                appendThroughput(dir.resolve("append-" + round + ".log"), appendN, true);
            }
            durabilityLatency(dir.resolve("latency.log"), Long.getLong("bench.rate", 100_000L), 2);
            recovery(dir.resolve("recover.log"), recoverN);
            memory(bitsN);
        } finally {
            deleteRecursively(dir);
        }
    }

    /** Counts group commits; all calls come from the log's writer thread. */
    private static final class CountingListener implements DurabilityListener {
        volatile long forces;
        volatile long lastDurable;

        @Override
        public void durable(long upToSequence) {
            forces++;
            lastDurable = upToSequence;
        }

        @Override
        public void failed(IOException cause) {
            System.err.println("checkpoint writer failed: " + cause);
        }
    }

    private static void appendThroughput(Path file, long n, boolean print) throws IOException {
        CountingListener listener = new CountingListener();
        try (CheckpointLog log = CheckpointLog.create(file, HEADER, listener)) {
            long start = System.nanoTime();
            long last = 0;
            for (long i = 0; i < n; i++) {
                last = log.append((int) (i & 3), i, Outcome.SUCCESS);
            }
            long appended = System.nanoTime();
            log.flush(); // returns once durable() has covered `last`
            long durable = System.nanoTime();
            if (listener.lastDurable != last) {
                throw new AssertionError("durable " + listener.lastDurable + " != " + last);
            }
            if (print) {
                double total = (durable - start) / 1e9;
                System.out.printf(Locale.ROOT,
                        "append: %,d records durable in %.3f s = %,.0f records/s"
                                + " (appends returned after %.3f s); %,d forces,"
                                + " avg batch %,.0f records; file %,d bytes%n",
                        n, total, n / total, (appended - start) / 1e9, listener.forces,
                        (double) n / listener.forces, Files.size(file));
            }
        }
        Files.delete(file);
    }

    /**
     * How long a record waits until it is reported durable when appends arrive at a steady
     * {@code rate} per second, as they do from workers (not in one burst): about one sync
     * interval plus one force.
     */
    private static void durabilityLatency(Path file, long rate, int seconds) throws IOException {
        int n = (int) (rate * seconds);
        long[] appendedAt = new long[n + 1];
        long[] latency = new long[n + 1];
        DurabilityListener listener = new DurabilityListener() {
            private long covered;

            @Override
            public void durable(long upToSequence) {
                long now = System.nanoTime();
                for (long seq = covered + 1; seq <= upToSequence; seq++) {
                    latency[(int) seq] = now - appendedAt[(int) seq];
                }
                covered = upToSequence;
            }

            @Override
            public void failed(IOException cause) {
                System.err.println("checkpoint writer failed: " + cause);
            }
        };
        try (CheckpointLog log = CheckpointLog.create(file, HEADER, listener)) {
            long start = System.nanoTime();
            for (int i = 1; i <= n; i++) {
                long due = start + (long) (i * (1e9 / rate));
                while (System.nanoTime() < due) {
                    Thread.onSpinWait();
                }
                // Written before append(), whose lock hands it to the writer thread.
                appendedAt[i] = System.nanoTime();
                log.append(0, i, Outcome.SUCCESS);
            }
        }
        long[] sorted = java.util.Arrays.copyOfRange(latency, 1, n + 1);
        java.util.Arrays.sort(sorted);
        System.out.printf(Locale.ROOT,
                "latency: %,d appends/s for %d s: append-to-durable p50 %.2f ms, p99 %.2f ms,"
                        + " max %.2f ms%n",
                rate, seconds, sorted[n / 2] / 1e6, sorted[(int) (n * 0.99)] / 1e6,
                sorted[n - 1] / 1e6);
        Files.delete(file);
    }

    private static void recovery(Path file, long n) throws Exception {
        CountingListener listener = new CountingListener();
        try (CheckpointLog log = CheckpointLog.create(file, HEADER, listener)) {
            for (long i = 0; i < n; i++) {
                // A few tasks, ~1% failed records, ids past 2^32 for one task.
                int task = (int) (i % 3);
                long id = task == 2 ? (1L << 32) + i : i;
                log.append(task, id, i % 100 == 99 ? Outcome.FAILED : Outcome.SUCCESS);
            }
        }
        System.out.printf(Locale.ROOT, "recover: log of %,d records, %,d bytes%n", n,
                Files.size(file));
        for (int round = 1; round <= 3; round++) {
            long start = System.nanoTime();
            Recovery r = CheckpointLog.recover(file);
            double seconds = (System.nanoTime() - start) / 1e9;
            long done = r.done(0).cardinality() + r.done(1).cardinality() + r.done(2).cardinality();
            System.out.printf(Locale.ROOT,
                    "recover: round %d: %.3f s (%,.0f records/s); %,d done; %s%n", round, seconds,
                    r.recordsKept() / seconds, done, r.report());
            if (r.recordsKept() != n) {
                throw new AssertionError(r.report());
            }
        }
        Files.delete(file);
    }

    private static void memory(long n) {
        long before = usedHeapAfterGc();
        BlockBitSet dense = new BlockBitSet();
        for (long i = 0; i < n; i++) {
            dense.set(i);
        }
        long after = usedHeapAfterGc();
        System.out.printf(Locale.ROOT,
                "memory: %,d done blocks (ids 0..%,d): bytesUsed %.1f MB; heap delta after GC"
                        + " %.1f MB%n",
                dense.cardinality(), n - 1, dense.bytesUsed() / 1e6, (after - before) / 1e6);
        dense = null;

        // Memory follows the id range, not the count: half of a 2n grid done costs 2x.
        before = usedHeapAfterGc();
        BlockBitSet half = new BlockBitSet();
        for (long i = 0; i < 2 * n; i += 2) {
            half.set(i);
        }
        after = usedHeapAfterGc();
        System.out.printf(Locale.ROOT,
                "memory: %,d done blocks (every other id of 0..%,d): bytesUsed %.1f MB;"
                        + " heap delta after GC %.1f MB%n",
                half.cardinality(), 2 * n - 1, half.bytesUsed() / 1e6, (after - before) / 1e6);
    }

    private static long usedHeapAfterGc() {
        Runtime rt = Runtime.getRuntime();
        long used = Long.MAX_VALUE;
        // A few rounds: one System.gc() does not always settle the heap.
        for (int i = 0; i < 4; i++) {
            System.gc();
            used = Math.min(used, rt.totalMemory() - rt.freeMemory());
        }
        return used;
    }

    private static void deleteRecursively(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        }
    }
}
