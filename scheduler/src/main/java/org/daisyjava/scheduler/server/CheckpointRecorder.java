package org.daisyjava.scheduler.server;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.daisyjava.scheduler.checkpoint.CheckpointLog;
import org.daisyjava.scheduler.checkpoint.CheckpointLogFailedException;
import org.daisyjava.scheduler.checkpoint.DurabilityListener;
import org.daisyjava.scheduler.checkpoint.Outcome;
import org.daisyjava.scheduler.checkpoint.Recovery;

/**
 * The checkpoint log as the server's {@link DoneRecorder}: finished blocks are appended, and the
 * log's writer thread reports durability straight to the server. The server is attached after
 * the log is open (the log exists before the server that it reports to).
 *
 * <p>When the log fails (disk full, read-only, I/O error) the run has to stop, and the launcher
 * does that: it polls {@link #failure()}. Until it has, releases keep arriving; each one is
 * accepted with a sequence number that never becomes durable, so its block is simply not
 * counted done (it runs again on resume), instead of a stack trace per release from the
 * scheduler loop.
 */
public final class CheckpointRecorder implements DoneRecorder, AutoCloseable {
  private static final Logger LOG = Logger.getLogger(CheckpointRecorder.class.getName());
  /** The sequence of a record appended after the log failed: no durable() ever covers it. */
  static final long NEVER_DURABLE = Long.MAX_VALUE;
  private final AtomicReference<SchedulerServer> server = new AtomicReference<>();
  private final CheckpointLog log;

  private CheckpointRecorder(Path file, byte[] header, Recovery recovered, Duration syncInterval)
      throws IOException {
    DurabilityListener listener = new DurabilityListener() {
      @Override
      public void durable(long upToSequence) {
        SchedulerServer s = server.get();
        if (s != null) {
          s.durable(upToSequence);
        }
      }

      @Override
      public void failed(IOException cause) {
        LOG.severe("the checkpoint log " + file + " failed (" + cause + "); no block is counted"
            + " done any more");
      }
    };
    log = recovered == null
        ? CheckpointLog.create(file, header, listener, syncInterval)
        : CheckpointLog.append(file, recovered, listener);
  }

  /** A new log with {@code header} (the file must not exist). */
  public static CheckpointRecorder create(Path file, byte[] header) throws IOException {
    return create(file, header, CheckpointLog.DEFAULT_SYNC_INTERVAL);
  }

  /**
   * A new log whose forces start at least {@code syncInterval} apart while records keep coming
   * (see {@link CheckpointLog}); for benchmarks of what that pacing costs.
   */
  public static CheckpointRecorder create(Path file, byte[] header, Duration syncInterval) throws IOException {
    return new CheckpointRecorder(file, header, null, syncInterval);
  }

  /** The recovered log, continued. */
  public static CheckpointRecorder resume(Path file, Recovery recovered) throws IOException {
    return new CheckpointRecorder(file, null, recovered, null);
  }

  /** The server that is told about durability; set once, before it starts. */
  public void attach(SchedulerServer s) {
    server.set(s);
  }

  /** What stopped the log's writer, or null while it works. Any thread. */
  public Throwable failure() {
    return log.failure();
  }

  @Override
  public long record(int task, long blockId, boolean skipped) {
    try {
      return log.append(task, blockId, skipped ? Outcome.SKIPPED : Outcome.SUCCESS);
    } catch (CheckpointLogFailedException e) {
      return NEVER_DURABLE; // reported once through failure(); see the class comment
    }
  }

  /** Waits for durability; returns at once once the log has failed (see {@link #failure()}). */
  @Override
  public void flush() {
    try {
      log.flush();
    } catch (CheckpointLogFailedException e) {
      // already reported; what was durable before the failure is all there is
    }
  }

  /** Flushes and closes the log; a failure is logged, not thrown (the run is ending anyway). */
  @Override
  public void close() {
    try {
      log.close();
    } catch (CheckpointLogFailedException e) {
      LOG.severe("the checkpoint log was closed after its writer had failed: " + e.getMessage());
    } catch (RuntimeException e) {
      LOG.log(Level.SEVERE, "closing the checkpoint log failed", e);
    }
  }
}
