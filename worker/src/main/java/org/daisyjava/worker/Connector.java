package org.daisyjava.worker;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;
import org.daisyjava.core.protocol.Message;
import org.daisyjava.core.protocol.Message.Goodbye;
import org.daisyjava.core.protocol.Message.Hello;
import org.daisyjava.core.protocol.Message.Refuse;
import org.daisyjava.core.protocol.Message.Welcome;
import org.daisyjava.core.protocol.WorkerKeyFile;
import org.daisyjava.core.protocol.WorkerSecurity;
import org.daisyjava.core.protocol.ZmqSockets;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

/**
 * Finds a scheduler that answers (PROTOCOL.md, "Connecting"): tries the candidate addresses in
 * order, each getting {@link #HANDSHAKE_WINDOW} to answer its hello while the earlier ones are still
 * listened to; the first to answer wins and the others are closed. Rounds repeat with growing pauses
 * until the connect timeout.
 *
 * <p>With CURVE ({@link WorkerKeyFile}) a welcome can only come from a scheduler that completed
 * the handshake with the run's server key: ZeroMQ delivers nothing from a peer that failed it, so
 * an impostor on the address (a port taken over after the launcher died) is never heard, and the
 * worker gives up after its connect timeout without running anything.
 */
final class Connector {
  private static final Logger LOG = Logger.getLogger(Connector.class.getName());
  /** How long an address gets to answer before the next is tried (no welcome has told us more). */
  static final Duration HANDSHAKE_WINDOW = Duration.ofSeconds(2);
  static final Duration FIRST_PAUSE = Duration.ofMillis(250);
  static final Duration MAX_PAUSE = Duration.ofSeconds(5);
  /** How often a hello still unanswered gets its connection nudged ({@link IoThreadNudge}). */
  static final Duration NUDGE_EVERY = Duration.ofMillis(300);
  private static final int ROUTING_ID_LENGTH = 16;

  private final ZContext zmq;
  private final List<String> addresses;
  private final WorkerSecurity security;
  private final Hello hello;
  private final Duration timeout;
  private final Wakeup wakeup;
  private final StopRequest stop;
  private final DroppedFrames dropped;
  private final String who;
  private final SecureRandom random = new SecureRandom();

  Connector(
      ZContext zmq,
      List<String> addresses,
      WorkerSecurity security,
      Hello hello,
      Duration timeout,
      Wakeup wakeup,
      StopRequest stop,
      DroppedFrames dropped,
      String who) {
    this.zmq = zmq;
    this.addresses = List.copyOf(addresses);
    this.security = security;
    this.hello = hello;
    this.timeout = timeout;
    this.wakeup = wakeup;
    this.stop = stop;
    this.dropped = dropped;
    this.who = who;
  }

  HandshakeResult connect() {
    long deadline = System.nanoTime() + timeout.toNanos();
    long pause = FIRST_PAUSE.toNanos();
    Duration jitter = ConnectJitter.draw(System.getenv(), timeout, random);
    if (!jitter.isZero()) {
      LOG.fine(() -> who + ": one of a job array; first connect in " + jitter.toMillis() + " ms");
      if (pauseUntil(System.nanoTime() + jitter.toNanos())) {
        LOG.info(who + ": stopped while connecting");
        return new HandshakeResult.NotConnected(WorkerExitCodes.STOPPED);
      }
    }
    while (true) {
      if (System.nanoTime() - deadline >= 0) {
        return gaveUp();
      }
      List<SchedulerChannel> open = new ArrayList<>();
      SchedulerChannel winner = null;
      try {
        for (String address : addresses) {
          SchedulerChannel channel = open(address);
          if (channel != null) {
            channel.send(hello);
            open.add(channel);
          }
          long windowEnd = Math.min(System.nanoTime() + HANDSHAKE_WINDOW.toNanos(), deadline);
          Answer answer = awaitAnswer(open, windowEnd);
          if (answer != null && answer.message() instanceof Welcome welcome) {
            winner = answer.channel();
            LOG.info(who + ": connected to the scheduler at " + winner.address()
                + " as worker " + welcome.workerId());
            return new HandshakeResult.Connected(winner, welcome);
          }
          if (answer != null && answer.message() instanceof Refuse refuse) {
            LOG.severe(who + ": the scheduler at " + answer.channel().address()
                + " refused this worker: " + refuse.reason());
            return new HandshakeResult.NotConnected(WorkerExitCodes.NO_SCHEDULER);
          }
          if (stop.isRequested()) {
            LOG.info(who + ": stopped while connecting");
            return new HandshakeResult.NotConnected(WorkerExitCodes.STOPPED);
          }
          if (System.nanoTime() - deadline >= 0) {
            return gaveUp();
          }
        }
      } finally {
        for (SchedulerChannel channel : open) {
          if (channel != winner) {
            // its hello may still be delivered: let that scheduler forget us at once
            channel.send(new Goodbye("connected elsewhere or gave up"));
            channel.socket().close();
          }
        }
      }
      long wait = Math.min(pause, deadline - System.nanoTime());
      LOG.warning(who + ": no scheduler answered at " + String.join(", ", addresses)
          + "; trying again in " + Math.max(0, wait / 1_000_000) + " ms");
      if (pauseUntil(System.nanoTime() + wait)) {
        LOG.info(who + ": stopped while connecting");
        return new HandshakeResult.NotConnected(WorkerExitCodes.STOPPED);
      }
      pause = Math.min(pause * 2, MAX_PAUSE.toNanos());
    }
  }

  private HandshakeResult gaveUp() {
    LOG.severe(WorkerExitCodes.NEVER_CONNECTED_LINE + who + ": no scheduler answered at "
        + String.join(", ", addresses) + " within the connect timeout of " + timeout.toMillis()
        + " ms; this node cannot reach the head at those addresses (set scheduler.host to an address"
        + " of the head that compute nodes reach, and scheduler.port to a range the firewall lets through)"
        + (security instanceof WorkerKeyFile
            ? "; a scheduler that does not hold this run's server key cannot answer either: is the key"
                + " file from this run?"
            : ""));
    return new HandshakeResult.NotConnected(WorkerExitCodes.NEVER_CONNECTED);
  }

  /** A new DEALER connected to {@code address}, or null (logged) if ZeroMQ rejects the address. */
  private SchedulerChannel open(String address) {
    ZMQ.Socket socket = ZmqSockets.dealer(zmq, security, routingId());
    try {
      socket.connect(address);
    } catch (RuntimeException e) {
      LOG.warning(who + ": cannot connect to " + address + ": " + e);
      socket.close();
      return null;
    }
    return new SchedulerChannel(socket, address, dropped);
  }

  /**
   * A random routing id, new for each socket: two addresses may lead to the same scheduler, whose
   * ROUTER would refuse a second connection with the same id.
   */
  private byte[] routingId() {
    byte[] id = new byte[ROUTING_ID_LENGTH];
    random.nextBytes(id);
    id[0] = (byte) (1 + random.nextInt(255)); // ZeroMQ reserves ids that start with a zero byte
    return id;
  }

  private record Answer(SchedulerChannel channel, Message message) {}

  /**
   * Waits until one of {@code open} answers with welcome or refuse, stop is requested, or
   * {@code until} (nanoTime) passes. Other messages are dropped: nothing else may come before welcome.
   */
  private Answer awaitAnswer(List<SchedulerChannel> open, long until) {
    ZMQ.Poller poller = zmq.createPoller(open.size() + 1);
    try {
      for (SchedulerChannel channel : open) {
        poller.register(channel.socket(), ZMQ.Poller.POLLIN);
      }
      poller.register(wakeup.channel(), ZMQ.Poller.POLLIN);
      long nextNudge = System.nanoTime() + NUDGE_EVERY.toNanos();
      while (true) {
        boolean leave = stop.isRequested(); // before the pipe is read: takes up an interrupt
        wakeup.clear(); // before looking again, so that a stop signalled now is not lost
        if (leave || stop.isRequested()) {
          return null;
        }
        for (SchedulerChannel channel : open) {
          Message message;
          while ((message = channel.receive()) != null) {
            if (message instanceof Welcome || message instanceof Refuse) {
              return new Answer(channel, message);
            }
            dropped.drop("a " + message.type() + " message before welcome");
          }
        }
        long now = System.nanoTime();
        if (until - now <= 0) {
          return null;
        }
        if (now - nextNudge >= 0) {
          IoThreadNudge.nudge(zmq);
          nextNudge = now + NUDGE_EVERY.toNanos();
        }
        long wait = Math.min(until - now, nextNudge - now);
        if (poller.poll(Math.max(1, wait / 1_000_000)) < 0) {
          stop.interrupted(); // JeroMQ took an interrupt of this thread and answered -1
        }
      }
    } finally {
      poller.close();
    }
  }

  /** Sleeps until {@code until} (nanoTime); true if stop was requested meanwhile. */
  private boolean pauseUntil(long until) {
    ZMQ.Poller poller = zmq.createPoller(1);
    try {
      poller.register(wakeup.channel(), ZMQ.Poller.POLLIN);
      while (true) {
        boolean leave = stop.isRequested();
        wakeup.clear();
        if (leave || stop.isRequested()) {
          return true;
        }
        long left = until - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        if (poller.poll(Math.max(1, left / 1_000_000)) < 0) {
          stop.interrupted(); // JeroMQ took an interrupt of this thread and answered -1
        }
      }
    } finally {
      poller.close();
    }
  }
}
