package org.daisyjava.scheduler.checkpoint;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.zip.CRC32C;

/**
 * Crash-safe, append-only log of finished blocks ({@code run_dir/checkpoint.log}), so that a run
 * resumed after SIGKILL or a reboot skips the blocks that were already done.
 *
 * <h2>Usage</h2>
 * A fresh run calls {@link #create}; a resumed run calls {@link #recover} to learn which blocks
 * are done and then {@link #append(Path, Recovery, DurabilityListener)} to continue the same
 * file. {@link #append(int, long, Outcome)} never waits for the disk: it copies the record into
 * an in-memory batch and returns a sequence number (1, 2, 3, ... per opened log). A single
 * background thread repeatedly takes the whole batch, writes it, forces it to disk and then
 * reports {@link DurabilityListener#durable(long)}. <b>A block counts as done for the scheduler
 * only once {@code durable} has covered its sequence number</b>; until then a crash may lose it.
 *
 * <h2>Group commit</h2>
 * Forcing a file costs from microseconds (SSD with write cache) to tens of milliseconds (network
 * file systems). Because appends go to a second buffer while the writer forces the previous one,
 * every force makes all records appended meanwhile durable at once, so append throughput does not
 * depend on force latency; a slow disk only means bigger batches. To keep a fast disk from being
 * forced for every handful of records, consecutive forces start at least {@code syncInterval}
 * apart (default {@link #DEFAULT_SYNC_INTERVAL}) while records keep coming (some arrived during
 * the force just done), which bounds how long a record waits to become durable to roughly one
 * interval plus one force. A log that went quiet during its force is not paced: the next record
 * is forced as soon as it comes, so a lone record (a block that others wait for, in a pipeline
 * that has run dry) waits one force, not an interval (the dependency latency of {@code
 * LatencyBench}: 2.0 ms median, ~1.8 ms of it the pacing, before this).
 *
 * <h2>File format, version 1</h2>
 * All integers are little-endian (the native order of the machines this runs on). CRCs are
 * CRC32C (Castagnoli, {@link java.util.zip.CRC32C}).
 * <pre>
 * Header record, once at offset 0:
 *   offset  size  field
 *   0       8     magic, ASCII "DAISYCKP"
 *   8       4     format version, u32 = 1
 *   12      4     header length L, u32 (at most 16 MiB)
 *   16      L     caller's header bytes (opaque to the log; the scheduler stores the run geometry)
 *   16+L    4     CRC32C of bytes [0, 16+L)
 *
 * Block records, fixed 20 bytes each, back to back from offset 20+L to the end of the file:
 *   0       4     CRC32C of bytes [4, 20) of this record
 *   4       4     task index, u32 below 2^31
 *   8       8     block id, u64 below 2^63
 *   16      1     outcome: 1 = SUCCESS, 2 = SKIPPED, 3 = FAILED
 *   17      3     reserved, zero
 * </pre>
 * Fixed-size records make recovery a tight loop with no framing to parse, and a torn write can
 * only damage the last record. Each record carries its own checksum (rather than one per batch)
 * so that recovery keeps every intact record before the damage. Outcome codes start at 1 so a
 * zero-filled region (left by some file systems after a crash) never passes as a record.
 *
 * <h2>Recovery rules</h2>
 * Records are read in order up to the first one that is incomplete (torn write at the end),
 * fails its CRC, or has an out-of-range field; that record and everything after it is reported
 * as truncated and cut off when the log is reopened for appending. Damage after the header is
 * therefore never fatal: at worst some blocks are processed again. A missing, foreign or corrupt
 * header is fatal ({@link CheckpointFormatException}), because then we do not know which run the
 * file belongs to. A block is done if it has at least one SUCCESS or SKIPPED record; FAILED
 * records are counted but do not mark the block done, so it is retried.
 *
 * <p>The log does not lock the file against a second process: run directories often live on
 * network file systems where file locks are unreliable; the launcher owns that concern.
 */
public final class CheckpointLog implements AutoCloseable {

    /** Default minimum time between the starts of two consecutive forces. */
    public static final Duration DEFAULT_SYNC_INTERVAL = Duration.ofMillis(2);

    private final FileChannel channel;
    private final DurabilityListener listener;
    private final long syncIntervalNanos;
    private final String name;
    private final Thread writer;

    private final ReentrantLock lock = new ReentrantLock();
    /** Signalled when records arrive for an idle writer, or on close. */
    private final Condition workAvailable = lock.newCondition();
    /** Signalled when {@link #durable} advances or the writer fails. */
    private final Condition durableAdvanced = lock.newCondition();

    // Guarded by lock.
    private RecordBuffer pending = new RecordBuffer();
    private long appended;
    private long durable;
    /** The writer is waiting for work; lets append skip the signal (a syscall) otherwise. */
    private boolean writerIdle;
    private boolean closing;
    private Throwable failure;

    // Owned by the writer thread.
    private RecordBuffer spare = new RecordBuffer();
    private long position;

    /**
     * Takes ownership of {@code channel}, positioned so that records go at {@code position}.
     * Package-private so that tests can inject a channel that fails on demand.
     */
    CheckpointLog(FileChannel channel, long position, DurabilityListener listener,
            Duration syncInterval, String name) {
        this.channel = channel;
        this.position = position;
        this.listener = Objects.requireNonNull(listener, "listener");
        if (syncInterval.isNegative()) {
            throw new IllegalArgumentException("syncInterval must not be negative: " + syncInterval);
        }
        this.syncIntervalNanos = syncInterval.toNanos();
        this.name = name;
        this.writer = new Thread(this::runWriter, "checkpoint-writer " + name);
        // Daemon, so a forgotten close() cannot keep the JVM alive. Records it loses were never
        // reported durable, so the scheduler never counted their blocks as done.
        writer.setDaemon(true);
        writer.start();
    }

    /** {@link #create(Path, byte[], DurabilityListener, Duration)} with the default interval. */
    public static CheckpointLog create(Path file, byte[] header, DurabilityListener listener)
            throws IOException {
        return create(file, header, listener, DEFAULT_SYNC_INTERVAL);
    }

    /**
     * Creates a new log holding only the header record, and forces it (and the directory entry)
     * to disk before returning, so that a later recovery never sees a log without its header.
     *
     * @param header opaque bytes stored verbatim (the scheduler's description of the run)
     * @throws java.nio.file.FileAlreadyExistsException if {@code file} exists; it is untouched
     */
    public static CheckpointLog create(Path file, byte[] header, DurabilityListener listener,
            Duration syncInterval) throws IOException {
        Objects.requireNonNull(listener, "listener");
        Objects.requireNonNull(syncInterval, "syncInterval");
        byte[] headerRecord = LogFormat.encodeHeader(header);
        // CREATE_NEW: refusing to overwrite is what protects a previous run's progress.
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE);
        try {
            ByteBuffer buf = ByteBuffer.wrap(headerRecord);
            while (buf.hasRemaining()) {
                channel.write(buf, buf.position());
            }
            channel.force(true);
            syncParentDirectory(file);
            return new CheckpointLog(channel, headerRecord.length, listener, syncInterval,
                    file.toString());
        } catch (Throwable e) {
            // The file is ours (CREATE_NEW), and a half-written header would make the next
            // attempt fail with "not a checkpoint log", so remove it.
            try {
                channel.close();
                Files.deleteIfExists(file);
            } catch (IOException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
    }

    /** {@link #append(Path, Recovery, DurabilityListener, Duration)} with the default interval. */
    public static CheckpointLog append(Path file, Recovery recovered, DurabilityListener listener)
            throws IOException {
        return append(file, recovered, listener, DEFAULT_SYNC_INTERVAL);
    }

    /**
     * Reopens a log for appending after {@link #recover}: cuts off the torn or corrupt tail that
     * recovery reported (and forces the truncation), then appends after the last valid record.
     * Without the cut, new records would follow the damage and be unreachable on the next
     * recovery.
     *
     * @param recovered the result of {@code recover(file)}, taken with no writer in between
     * @throws IOException if the file is now shorter than recovery saw (it was changed since)
     */
    public static CheckpointLog append(Path file, Recovery recovered, DurabilityListener listener,
            Duration syncInterval) throws IOException {
        Objects.requireNonNull(listener, "listener");
        Objects.requireNonNull(syncInterval, "syncInterval");
        if (!Files.isSameFile(file, recovered.file())) {
            throw new IllegalArgumentException(
                    "recovery of " + recovered.file() + " cannot be used to append to " + file);
        }
        long valid = recovered.validLength();
        FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE);
        try {
            long size = channel.size();
            if (size < valid) {
                throw new IOException(file + " is " + size + " bytes, shorter than the " + valid
                        + " valid bytes found by recovery; it was modified since");
            }
            if (size > valid) {
                channel.truncate(valid);
                channel.force(true);
            }
            return new CheckpointLog(channel, valid, listener, syncInterval, file.toString());
        } catch (Throwable e) {
            try {
                channel.close();
            } catch (IOException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
    }

    /**
     * Reads a log: its header, the done set of each task, and where the valid part ends. Never
     * modifies the file (truncation happens in {@link #append(Path, Recovery,
     * DurabilityListener)}), so it is safe to run on a log another process still writes, e.g. for
     * a status report.
     *
     * @throws CheckpointFormatException if the file is empty or its header is missing, foreign or
     *     corrupt
     * @throws IOException if the file cannot be read
     */
    public static Recovery recover(Path file) throws IOException, CheckpointFormatException {
        return LogRecovery.read(file);
    }

    /**
     * Queues a record and returns its sequence number without waiting for the disk. Thread-safe.
     * The block is durable once the listener's {@code durable} has reported a sequence at least
     * this large.
     *
     * @throws CheckpointLogFailedException if the writer has failed; nothing more gets durable
     * @throws IllegalStateException if the log is closed
     */
    public long append(int task, long blockId, Outcome outcome) {
        if (task < 0) {
            throw new IllegalArgumentException("negative task index " + task);
        }
        if (blockId < 0) {
            throw new IllegalArgumentException("negative block id " + blockId);
        }
        Objects.requireNonNull(outcome, "outcome");
        lock.lock();
        try {
            if (failure != null) {
                throw failedException();
            }
            if (closing) {
                throw new IllegalStateException(name + ": append after close");
            }
            pending.add(task, blockId, outcome);
            long sequence = ++appended;
            if (writerIdle) {
                writerIdle = false;
                workAvailable.signal();
            }
            return sequence;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Blocks until every record appended before this call is durable (and reported to the
     * listener). For SIGTERM handlers and the end of a run. Keeps waiting if interrupted (a
     * shutdown that gives up here would lose finished work) and re-asserts the interrupt after.
     *
     * @throws CheckpointLogFailedException if the writer has failed
     * @throws IllegalStateException if called from the listener (it would wait for itself)
     */
    public void flush() {
        refuseWriterThread("flush");
        boolean interrupted = false;
        lock.lock();
        try {
            long target = appended;
            while (durable < target && failure == null) {
                try {
                    durableAdvanced.await();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (failure != null) {
                throw failedException();
            }
        } finally {
            lock.unlock();
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Makes everything appended durable, stops the writer thread and closes the file. Appends
     * racing with close either make it into the final batch or fail with
     * IllegalStateException. Calling close again does nothing.
     *
     * @throws CheckpointLogFailedException if the writer failed (now or earlier)
     * @throws UncheckedIOException if closing the file failed
     * @throws IllegalStateException if called from the listener (it would wait for itself)
     */
    @Override
    public void close() {
        refuseWriterThread("close");
        lock.lock();
        try {
            if (closing) {
                return;
            }
            closing = true;
            writerIdle = false;
            workAvailable.signal();
        } finally {
            lock.unlock();
        }
        // The writer drains all pending records before it exits, so joining it is the flush.
        boolean interrupted = false;
        while (true) {
            try {
                writer.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        IOException closeError = null;
        try {
            channel.close();
        } catch (IOException e) {
            closeError = e;
        }
        lock.lock();
        try {
            if (failure != null) {
                CheckpointLogFailedException e = failedException();
                if (closeError != null) {
                    e.addSuppressed(closeError);
                }
                throw e;
            }
        } finally {
            lock.unlock();
        }
        if (closeError != null) {
            throw new UncheckedIOException(name + ": closing the checkpoint log failed", closeError);
        }
    }

    /**
     * What stopped the writer (usually an {@link IOException} such as "No space left on device"),
     * or null while it works. Any thread; lets a caller that polls (the launcher's loop) notice a
     * failure that no append has run into yet, and see failures other than I/O errors, which
     * {@link DurabilityListener#failed} does not report.
     */
    public Throwable failure() {
        lock.lock();
        try {
            return failure;
        } finally {
            lock.unlock();
        }
    }

    private void runWriter() {
        CRC32C crc = new CRC32C();
        try {
            while (true) {
                RecordBuffer batch;
                long upTo;
                lock.lock();
                try {
                    while (pending.isEmpty() && !closing) {
                        writerIdle = true;
                        workAvailable.awaitUninterruptibly();
                    }
                    writerIdle = false;
                    if (pending.isEmpty()) {
                        return; // closing, and everything is durable
                    }
                    batch = pending;
                    pending = spare;
                    spare = null;
                    upTo = appended;
                } finally {
                    lock.unlock();
                }
                long syncStart = System.nanoTime();
                position = batch.sealAndWrite(channel, position, crc);
                // force(false): file size changes still reach the disk (fdatasync semantics),
                // only timestamps may be lost, and the log does not depend on them.
                channel.force(false);
                listener.durable(upTo);
                batch.clear();
                spare = batch;
                boolean busy;
                lock.lock();
                try {
                    durable = upTo;
                    durableAdvanced.signalAll();
                    busy = !pending.isEmpty();
                } finally {
                    lock.unlock();
                }
                if (busy) {
                    pace(syncStart);
                }
            }
        } catch (Throwable t) {
            fail(t);
            if (t instanceof Error) {
                throw (Error) t; // still let the uncaught-exception handler see it
            }
        }
    }

    private void refuseWriterThread(String operation) {
        if (Thread.currentThread() == writer) {
            throw new IllegalStateException(name + ": " + operation
                    + " called from the durability listener would wait for itself forever");
        }
    }

    /** Sleeps until {@code syncIntervalNanos} after the last force started; see class doc. */
    private void pace(long syncStart) {
        long deadline = syncStart + syncIntervalNanos;
        for (long now = System.nanoTime(); now - deadline < 0; now = System.nanoTime()) {
            LockSupport.parkNanos(deadline - now);
        }
    }

    private void fail(Throwable t) {
        lock.lock();
        try {
            failure = t;
            durableAdvanced.signalAll();
        } finally {
            lock.unlock();
        }
        if (t instanceof IOException) {
            try {
                listener.failed((IOException) t);
            } catch (RuntimeException e) {
                t.addSuppressed(e);
            }
        }
    }

    /** Called with the lock held. */
    private CheckpointLogFailedException failedException() {
        return new CheckpointLogFailedException(
                name + ": checkpoint log writer failed; records after sequence " + durable
                        + " are not durable (" + failure + ")", failure);
    }

    /**
     * Forces the directory so the new file's entry survives a power loss; forcing the file alone
     * does not persist its name on POSIX file systems. Skipped where directories cannot be opened
     * (Windows), whose file systems journal the entry with the file.
     */
    private static void syncParentDirectory(Path file) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        if (dir == null || !FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            return;
        }
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        }
    }
}
