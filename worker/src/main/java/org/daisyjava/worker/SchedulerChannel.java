package org.daisyjava.worker;

import org.daisyjava.core.protocol.Message;
import org.daisyjava.core.protocol.MessageCodec;
import org.daisyjava.core.protocol.ProtocolException;
import org.zeromq.ZMQ;
import org.zeromq.ZMQException;
import zmq.ZError;

/**
 * The worker's end of the wire to one scheduler address: a DEALER socket, messages in and out
 * through the core codec, and when something was last sent and received (for heartbeats and
 * liveness). Used only by the poll-loop thread, which owns the socket.
 */
final class SchedulerChannel {
  private final ZMQ.Socket socket;
  private final String address;
  private final DroppedFrames dropped;
  private long lastSent;
  private long lastReceived;

  SchedulerChannel(ZMQ.Socket socket, String address, DroppedFrames dropped) {
    this.socket = socket;
    this.address = address;
    this.dropped = dropped;
    this.lastSent = System.nanoTime();
    this.lastReceived = lastSent;
  }

  ZMQ.Socket socket() {
    return socket;
  }

  String address() {
    return address;
  }

  /** Sends without blocking; false if the socket's queue is full (the scheduler is not reading). */
  boolean send(Message message) {
    boolean sent = socket.send(MessageCodec.encode(message), ZMQ.DONTWAIT);
    if (sent) {
      lastSent = System.nanoTime();
    }
    return sent;
  }

  /**
   * The next well-formed message waiting on the socket, or null if there is none. Anything else
   * that arrives is logged (rate-limited) and dropped, but still counts as a sign of life.
   */
  Message receive() {
    while (true) {
      byte[] frame;
      try {
        frame = socket.recv(ZMQ.DONTWAIT);
      } catch (ZMQException e) {
        if (e.getErrorCode() == ZError.EINTR) {
          return null; // an interrupt of this thread: the loop looks at it next
        }
        throw e;
      }
      if (frame == null) {
        return null;
      }
      lastReceived = System.nanoTime();
      if (socket.hasReceiveMore()) {
        int parts = 1;
        while (socket.hasReceiveMore()) {
          socket.recv(ZMQ.DONTWAIT);
          parts++;
        }
        dropped.drop("a message of " + parts + " frames (the protocol uses one)");
        continue;
      }
      try {
        return MessageCodec.decode(frame);
      } catch (ProtocolException e) {
        dropped.drop(e.getMessage());
      }
    }
  }

  /** {@link System#nanoTime()} when a message was last sent. */
  long lastSent() {
    return lastSent;
  }

  /**
   * The poll loop itself did not run for {@code nanos} (a GC pause, an overloaded machine): that
   * time does not count as the scheduler's silence, since its heartbeats may be waiting unread.
   */
  void excuse(long nanos, long now) {
    lastReceived = Math.min(now, lastReceived + nanos);
  }

  /** {@link System#nanoTime()} when a frame last arrived (or the channel was opened). */
  long lastReceived() {
    return lastReceived;
  }
}
