package org.daisyjava.scheduler.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the writer on a {@link FaultyFileChannel} through the package-private constructor that
 * the factories use, so failures are real IOExceptions from the channel, not a test-only switch
 * in production code.
 */
// SEPARATE_THREAD: flush() deliberately ignores interrupts, so a hang must fail the test, not stall it.
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class WriterFailureTest {

    @TempDir
    Path dir;

    private FaultyFileChannel channel;

    private CheckpointLog open(DurabilityListener listener) throws IOException {
        Path file = dir.resolve("checkpoint.log");
        CheckpointLog.create(file, LogFiles.HEADER, new RecordingListener()).close();
        channel = new FaultyFileChannel(FileChannel.open(file, StandardOpenOption.WRITE));
        return new CheckpointLog(channel, LogFiles.recordsStart(), listener,
                CheckpointLog.DEFAULT_SYNC_INTERVAL, file.toString());
    }

    @Test
    void writeFailureReachesListenerAppendFlushAndClose() throws Exception {
        RecordingListener listener = new RecordingListener();
        CheckpointLog log = open(listener);
        log.append(0, 1, Outcome.SUCCESS);
        log.flush();
        long durableBefore = listener.lastDurable();
        assertEquals(1, durableBefore);

        IOException diskFull = new IOException("No space left on device");
        channel.failWrites = diskFull;
        log.append(0, 2, Outcome.SUCCESS);

        CheckpointLogFailedException onFlush = assertThrows(CheckpointLogFailedException.class, log::flush);
        assertSame(diskFull, onFlush.getCause());
        assertTrue(onFlush.getMessage().contains("after sequence 1"), onFlush.getMessage());
        listener.awaitFailure();
        assertEquals(List.of(diskFull), listener.failures());
        assertEquals(1, listener.lastDurable(), "the failed batch is never reported durable");

        CheckpointLogFailedException onAppend = assertThrows(CheckpointLogFailedException.class,
                () -> log.append(0, 3, Outcome.SUCCESS));
        assertSame(diskFull, onAppend.getCause());
        CheckpointLogFailedException onClose = assertThrows(CheckpointLogFailedException.class, log::close);
        assertSame(diskFull, onClose.getCause());
        assertFalse(channel.isOpen(), "close still releases the file");
        assertEquals(List.of(), listener.violations());
    }

    @Test
    void forceFailureIsNotSwallowed() throws Exception {
        RecordingListener listener = new RecordingListener();
        CheckpointLog log = open(listener);
        IOException ioError = new IOException("Input/output error");
        channel.failForce = ioError;
        log.append(3, 4, Outcome.SKIPPED);
        listener.awaitFailure();
        assertEquals(List.of(ioError), listener.failures());
        assertEquals(0, listener.lastDurable());
        assertSame(ioError, assertThrows(CheckpointLogFailedException.class, log::flush).getCause());
        assertThrows(CheckpointLogFailedException.class, log::close);
    }

    @Test
    void listenerThatThrowsStopsTheLogInsteadOfKillingTheWriterSilently() throws Exception {
        RuntimeException bug = new IllegalStateException("bug in listener");
        DurabilityListener throwing = new DurabilityListener() {
            @Override
            public void durable(long upToSequence) {
                throw bug;
            }

            @Override
            public void failed(IOException cause) {
            }
        };
        CheckpointLog log = open(throwing);
        log.append(0, 0, Outcome.SUCCESS);
        // Without the failure being recorded, this flush would wait forever.
        assertSame(bug, assertThrows(CheckpointLogFailedException.class, log::flush).getCause());
        assertThrows(CheckpointLogFailedException.class, log::close);
    }

    @Test
    void appendsKeepFlowingWhileAForceIsStuck() throws Exception {
        RecordingListener listener = new RecordingListener();
        CheckpointLog log = open(listener);
        CountDownLatch release = new CountDownLatch(1);
        channel.holdForce = release;
        log.append(0, 0, Outcome.SUCCESS);
        channel.forceEntered.await(); // the writer is now inside a force that does not return

        long last = 0;
        for (int i = 1; i <= 100_000; i++) {
            last = log.append(0, i, Outcome.SUCCESS); // would hang here if append waited for disk
        }
        assertEquals(100_001, last);
        assertEquals(0, listener.lastDurable(), "nothing is durable while the force is stuck");

        channel.holdForce = null;
        release.countDown();
        log.flush();
        assertEquals(last, listener.lastDurable());
        log.close();
        Recovery r = CheckpointLog.recover(dir.resolve("checkpoint.log"));
        assertEquals(100_001, r.recordsKept());
        assertEquals(100_001, r.done(0).cardinality());
    }
}
