package org.daisyjava.scheduler.server;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import org.daisyjava.core.protocol.Message.Assign;
import org.daisyjava.core.protocol.ProtocolVersion;

/**
 * One connected worker, known by its ZeroMQ routing id. Owned by the loop thread. Its name, job
 * and log come from the peer and are stored already escaped and cut ({@code PeerText}).
 */
final class WorkerSession {
  final byte[] routingId;
  final long id;
  final int task;
  final String name;
  final String job;
  final String log;
  /**
   * Blocks held, in the order handed out. The worker starts them in this order, {@link #slots} at
   * a time: the first {@code slots} leases are running (their clocks run), the rest wait.
   */
  final ArrayDeque<Lease> leases = new ArrayDeque<>();
  /** How many blocks the worker runs at once (its hello's {@code slots}). */
  final int slots;
  /** Acquires not yet answered with a block. */
  int waiting;
  /** The protocol version of the session: the newest the worker's hello said it speaks. */
  final ProtocolVersion version;
  /**
   * Version 2: blocks handed out during the engine's current step, sent as one message when the
   * step ends ({@code ProtocolEngine.flush}); always empty for a version-1 session.
   */
  final ArrayList<Assign> batch = new ArrayList<>();
  /** Version 2: the current step found the task finished; one no_more_blocks goes at its end. */
  boolean noMoreBlocksDue;
  /** Listed in the engine's sessions to flush at the end of the current step. */
  boolean flushListed;
  /** Its place in the engine's list of workers by when they were last heard from. */
  final RecencyList.Node heard = new RecencyList.Node(this);
  /** Its place in the engine's list of workers by when they were last sent anything. */
  final RecencyList.Node sent = new RecencyList.Node(this);
  /** Malformed or disallowed messages so far (see {@link ProtocolEngine#ERROR_BUDGET}). */
  int protocolErrors;
  boolean gone;

  WorkerSession(byte[] routingId, long id, int task, String name, String job, String log, int slots,
      ProtocolVersion version, long now) {
    if (slots < 1) {
      throw new IllegalArgumentException("slots must be >= 1, got " + slots);
    }
    this.slots = slots;
    this.version = version;
    this.routingId = routingId;
    this.id = id;
    this.task = task;
    this.name = name;
    this.job = job;
    this.log = log;
    this.heard.stamp = now;
    this.sent.stamp = now;
  }

  /** Removes and returns the lease of {@code blockId}, or null if the worker does not hold it. */
  Lease release(long blockId, long now) {
    int position = 0;
    for (Iterator<Lease> it = leases.iterator(); it.hasNext(); position++) {
      Lease l = it.next();
      if (l.blockId == blockId) {
        it.remove();
        if (position < slots && leases.size() >= slots) {
          // a slot became free: the first waiting block (now the last of the running ones) starts
          nth(slots - 1).clockStart = now;
        }
        return l;
      }
    }
    return null;
  }

  /** The lease at {@code index} (0 = the oldest); index must be below {@code leases.size()}. */
  private Lease nth(int index) {
    if (index == 0) {
      return leases.peekFirst();
    }
    Iterator<Lease> it = leases.iterator();
    for (int i = 0; i < index; i++) {
      it.next();
    }
    return it.next();
  }

  /** How the summary names this worker: id, name, job, log file. */
  String describe() {
    StringBuilder s = new StringBuilder("worker ").append(id).append(" (").append(name);
    if (job != null) {
      s.append(", job ").append(job);
    }
    s.append(")");
    if (log != null) {
      s.append(", log ").append(log);
    }
    return s.toString();
  }
}
