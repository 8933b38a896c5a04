package org.daisyjava.scheduler.server;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.daisyjava.scheduler.checkpoint.CheckpointLog;
import org.daisyjava.scheduler.checkpoint.DurabilityListener;
import org.daisyjava.scheduler.checkpoint.Outcome;
import org.daisyjava.scheduler.checkpoint.Recovery;

/**
 * The checkpoint log as the server's {@link DoneRecorder}: finished blocks are appended, and the
 * log's writer thread reports durability straight to the server. The server is attached after
 * the log is open (the log exists before the server that it reports to).
 */
public final class CheckpointRecorder implements DoneRecorder, AutoCloseable {
  private static final Logger LOG = Logger.getLogger(CheckpointRecorder.class.getName());
  private final AtomicReference<SchedulerServer> server = new AtomicReference<>();
  private final CheckpointLog log;

  private CheckpointRecorder(Path file, byte[] header, Recovery recovered) throws IOException {
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
        LOG.log(Level.SEVERE, "the checkpoint log " + file + " failed; no block is counted done"
            + " any more", cause);
      }
    };
    log = recovered == null
        ? CheckpointLog.create(file, header, listener)
        : CheckpointLog.append(file, recovered, listener);
  }

  /** A new log with {@code header} (the file must not exist). */
  public static CheckpointRecorder create(Path file, byte[] header) throws IOException {
    return new CheckpointRecorder(file, header, null);
  }

  /** The recovered log, continued. */
  public static CheckpointRecorder resume(Path file, Recovery recovered) throws IOException {
    return new CheckpointRecorder(file, null, recovered);
  }

  /** The server that is told about durability; set once, before it starts. */
  public void attach(SchedulerServer s) {
    server.set(s);
  }

  @Override
  public long record(int task, long blockId, boolean skipped) {
    return log.append(task, blockId, skipped ? Outcome.SKIPPED : Outcome.SUCCESS);
  }

  @Override
  public void flush() {
    log.flush();
  }

  /** Flushes and closes the log; a failure is logged, not thrown (the run is ending anyway). */
  @Override
  public void close() {
    try {
      log.close();
    } catch (RuntimeException e) {
      LOG.log(Level.SEVERE, "closing the checkpoint log failed", e);
    }
  }
}
