package org.daisyjava.scheduler.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link CheckpointLog#failure()}: what a caller that polls (the launcher) learns about a failed
 * writer without appending or flushing — the disk error itself, and also failures that the
 * listener's {@code failed} never hears of.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class FailureReportTest {
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
    void aDiskErrorIsVisibleThroughFailureWithoutAnotherAppend() throws Exception {
        RecordingListener listener = new RecordingListener();
        CheckpointLog log = open(listener);
        log.append(0, 1, Outcome.SUCCESS);
        log.flush();
        assertNull(log.failure(), "a working log has no failure");

        IOException diskFull = new IOException("No space left on device");
        channel.failForce = diskFull;
        log.append(0, 2, Outcome.SUCCESS);
        listener.awaitFailure();
        assertSame(diskFull, log.failure());
        CheckpointLogFailedException e = assertThrows(CheckpointLogFailedException.class,
                () -> log.append(0, 3, Outcome.SUCCESS));
        assertSame(diskFull, e.getCause());
        assertThrows(CheckpointLogFailedException.class, log::close);
        assertSame(diskFull, log.failure(), "still reported after close");
    }

    @Test
    void aListenerThatThrowsStopsTheLogAndFailureSaysWhy() throws Exception {
        CountDownLatch thrown = new CountDownLatch(1);
        RuntimeException bug = new IllegalStateException("listener bug");
        DurabilityListener listener = new DurabilityListener() {
            @Override
            public void durable(long upToSequence) {
                thrown.countDown();
                throw bug;
            }

            @Override
            public void failed(IOException cause) {
                throw new AssertionError("failed() is for I/O errors only: " + cause);
            }
        };
        CheckpointLog log = open(listener);
        log.append(0, 1, Outcome.SUCCESS);
        assertTrue(thrown.await(30, TimeUnit.SECONDS));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (log.failure() == null && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertSame(bug, log.failure());
        assertThrows(CheckpointLogFailedException.class, log::flush);
        assertEquals(bug, assertThrows(CheckpointLogFailedException.class, log::close).getCause());
    }
}
