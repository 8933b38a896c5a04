package org.daisyjava.scheduler.server;

/**
 * Where finished blocks are made durable (the checkpoint log). {@link #record} must not block;
 * the recorder later tells the server, from any thread, through
 * {@link SchedulerServer#durable(long)} that every record up to a sequence number is on disk.
 * Only then does the server count the block done and release its downstream blocks.
 */
public interface DoneRecorder {
  /** Appends a record and returns its sequence number (increasing from 1). */
  long record(int task, long blockId, boolean skipped);

  /** Blocks until everything recorded so far is durable. */
  void flush();
}
