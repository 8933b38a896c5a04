package org.daisyjava.worker;

import java.util.logging.Logger;
import org.daisyjava.core.protocol.ZmqSockets;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

/**
 * Works around a JeroMQ 0.6.0 fault: now and then (2-5 % of connects on these machines, loopback
 * or not) a DEALER's new TCP connection is accepted by the peer but never registered with the I/O
 * thread's selector, so nothing is ever sent or received on it. Any registration on that I/O
 * thread repairs it. A nudge makes one: it binds a throwaway socket to an ephemeral loopback port
 * and closes it again, which touches no peer.
 */
final class IoThreadNudge {
  private static final Logger LOG = Logger.getLogger(IoThreadNudge.class.getName());

  private IoThreadNudge() {}

  /** Makes the context's I/O thread re-register its channels. Never fails. */
  static void nudge(ZContext zmq) {
    try {
      ZMQ.Socket throwaway = zmq.createSocket(SocketType.PAIR);
      try {
        ZmqSockets.limit(throwaway); // it listens on a port, however briefly
        throwaway.setLinger(0);
        throwaway.bind("tcp://127.0.0.1:*");
      } finally {
        throwaway.close();
      }
    } catch (RuntimeException e) {
      LOG.fine(() -> "nudging the ZeroMQ I/O thread failed: " + e);
    }
  }
}
