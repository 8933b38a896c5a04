package org.daisyjava.core.protocol;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;
import org.zeromq.ZMQException;

/**
 * The ZeroMQ authentication handler (ZAP, RFC 27) of a CURVE server socket: a REP socket bound to
 * {@code inproc://zeromq.zap.01} in the server's context, on a thread of its own, answering each
 * handshake's request. It admits exactly one client public key — the run's — and refuses every
 * other, so a peer without {@code worker.key} never gets a single message through to the
 * scheduler (ZeroMQ closes the connection after the refusal). It must be bound before the server
 * socket accepts a connection: without a handler, a CURVE server admits every client key.
 *
 * <p>Requests are frames: version {@code 1.0}, request id, domain, peer address, routing id,
 * mechanism, then the credentials ({@code CURVE}: the client's 32-byte public key). The reply:
 * version, the request id, status {@code 200} or {@code 400}, status text, user id, metadata.
 */
final class ZapAuthenticator implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(ZapAuthenticator.class.getName());
  static final String ENDPOINT = "inproc://zeromq.zap.01";
  /** The ZAP domain the scheduler's socket sets (ZeroMQ asks the handler only when one is set). */
  static final String DOMAIN = "daisy";
  private static final byte[] VERSION = "1.0".getBytes(StandardCharsets.US_ASCII);
  private static final int POLL_MS = 200;

  private final byte[] admitted;
  private final ZContext context;
  private final ZMQ.Socket socket;
  private final Thread thread;
  private final AtomicLong refusedCount = new AtomicLong();
  private final AtomicLong admittedCount = new AtomicLong();
  private final LogBudget refusals = new LogBudget(LOG, 10, TimeUnit.MINUTES.toNanos(1));
  private volatile boolean closing;

  /** Binds the handler in {@code context} (calling thread) and starts answering (own thread). */
  ZapAuthenticator(ZContext context, String clientPublicKey) {
    this.admitted = CurveKeyPair.raw(clientPublicKey);
    this.context = context;
    this.socket = context.createSocket(SocketType.REP);
    socket.setLinger(0);
    socket.setReceiveTimeOut(POLL_MS);
    socket.bind(ENDPOINT);
    // from here on the socket belongs to the thread; Thread.start is the memory barrier ZeroMQ needs
    thread = new Thread(this::serve, "daisy-zap");
    thread.setDaemon(true);
    thread.start();
  }

  /** Handshakes refused so far (wrong or missing client key). Any thread. */
  long refused() {
    return refusedCount.get();
  }

  /** Handshakes admitted so far. Any thread. */
  long admitted() {
    return admittedCount.get();
  }

  private void serve() {
    try {
      while (!closing) {
        byte[] version;
        try {
          version = socket.recv(0);
        } catch (ZMQException e) {
          return; // context terminated
        }
        if (version == null) {
          continue; // receive timeout: look at closing
        }
        if (closing) {
          return; // the wake-up close() sent, or a request that nobody waits for any more
        }
        byte[][] frames = new byte[7][];
        frames[0] = version;
        int n = 1;
        while (socket.hasReceiveMore()) {
          byte[] frame = socket.recv(0);
          if (n < frames.length) {
            frames[n] = frame;
          }
          n++;
        }
        answer(frames, n);
      }
    } finally {
      socket.close();
    }
  }

  private void answer(byte[][] f, int n) {
    byte[] requestId = n > 1 && f[1] != null ? f[1] : new byte[0];
    String mechanism = n > 5 && f[5] != null ? new String(f[5], StandardCharsets.US_ASCII) : "";
    boolean ok = n == 7 && Arrays.equals(f[0], VERSION) && mechanism.equals("CURVE")
        && f[6] != null && Arrays.equals(f[6], admitted);
    if (ok) {
      admittedCount.incrementAndGet();
    } else {
      long count = refusedCount.incrementAndGet();
      String address = n > 3 && f[3] != null ? new String(f[3], StandardCharsets.UTF_8) : "?";
      String why = !mechanism.equals("CURVE") ? "not a CURVE handshake"
          : "a client key that is not this run's (no or another worker.key)";
      refusals.warn(() -> "refused a connection from " + PeerText.quote(address) + ": " + why
          + " (" + count + " refused so far)");
    }
    socket.sendMore(VERSION);
    socket.sendMore(requestId);
    socket.sendMore(ok ? "200" : "400");
    socket.sendMore(ok ? "OK" : "not this run's worker key");
    socket.sendMore(ok ? "daisy-worker" : "");
    socket.send(new byte[0], 0);
  }

  @Override
  public void close() {
    closing = true;
    // wake the thread now rather than at its next receive timeout (a run's end waited for it:
    // 100-190 ms of every launch): a message on the handler's own endpoint, which it reads,
    // sees closing set, and leaves unanswered
    try (ZMQ.Socket wake = context.createSocket(SocketType.DEALER)) {
      wake.setLinger(0);
      wake.connect(ENDPOINT);
      wake.sendMore(new byte[0]);
      wake.send("wake");
    } catch (RuntimeException e) {
      // the context is closing already: the receive timeout ends the thread
    }
    try {
      thread.join(TimeUnit.SECONDS.toMillis(5));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
