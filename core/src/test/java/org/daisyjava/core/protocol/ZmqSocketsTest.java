package org.daisyjava.core.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

/**
 * The factory's sockets refuse a frame header that claims more than the protocol allows before
 * the body is reserved. Without the limit (the control case) JeroMQ reserves the claimed size and
 * waits for the body: six headers claiming 2 GB each were enough to kill the scheduler's I/O
 * thread with OutOfMemoryError.
 */
class ZmqSocketsTest {
  /** Modest, so that the control case (which does reserve it) stays cheap. */
  private static final long CONTROL_CLAIM = 64L << 20;

  @Test
  void headersClaimingGigabytesAreRefusedBeforeTheBodyIsReserved() throws Exception {
    for (ServerSecurity security : new ServerSecurity[] {ServerSecurity.PLAIN,
        new ServerKeys(CurveKeyPair.generate(), CurveKeyPair.generate().publicKey())}) {
      try (ZContext context = ZmqSockets.context();
          ZmqSockets.ServerEndpoint server = ZmqSockets.router(context, security)) {
        int port = server.socket().bindToRandomPort("tcp://127.0.0.1");
        String mechanism = security instanceof ServerKeys ? "CURVE" : "NULL";
        long before = usedHeap();
        for (int i = 0; i < 6; i++) {
          try (Socket s = claim(port, mechanism, Integer.MAX_VALUE - 1)) {
            assertTrue(closedByPeer(s), "the " + mechanism + " server kept a connection that claimed 2 GB");
          }
        }
        long grown = usedHeap() - before;
        System.out.printf("%s: 6 headers claiming 2 GB refused; heap grew by %d MiB%n", mechanism, grown >> 20);
        assertTrue(grown < 1L << 30, "heap grew by " + (grown >> 20) + " MiB");
      }
    }
  }

  @Test
  void withoutTheLimitTheClaimedSizeIsReservedAndAwaited() throws Exception {
    try (ZContext context = new ZContext(1)) {
      ZMQ.Socket bare = context.createSocket(SocketType.ROUTER); // not from the factory: no limits
      bare.setLinger(0);
      int port = bare.bindToRandomPort("tcp://127.0.0.1");
      try (Socket s = claim(port, "NULL", CONTROL_CLAIM)) {
        assertEquals(false, closedByPeer(s), "control: a socket without the limit waits for the body");
      }
      try (ZContext limitedContext = ZmqSockets.context();
          ZmqSockets.ServerEndpoint limited = ZmqSockets.router(limitedContext, ServerSecurity.PLAIN)) {
        int limitedPort = limited.socket().bindToRandomPort("tcp://127.0.0.1");
        try (Socket s = claim(limitedPort, "NULL", CONTROL_CLAIM)) {
          assertTrue(closedByPeer(s), "the factory's socket refuses the same header");
        }
      }
      bare.close();
    }
  }

  /** A ZMTP 3.0 greeting for {@code mechanism}, then the 9-byte header of a long command frame. */
  private static Socket claim(int port, String mechanism, long size) throws IOException {
    Socket s = new Socket("127.0.0.1", port);
    OutputStream out = s.getOutputStream();
    byte[] greeting = new byte[64];
    greeting[0] = (byte) 0xFF;
    greeting[8] = 1;
    greeting[9] = 0x7F;
    greeting[10] = 3;
    byte[] name = mechanism.getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(name, 0, greeting, 12, name.length);
    out.write(greeting);
    byte[] header = new byte[9];
    header[0] = 0x06; // command, 8-byte size
    for (int i = 0; i < 8; i++) {
      header[1 + i] = (byte) (size >>> (56 - 8 * i));
    }
    out.write(header);
    out.flush();
    return s;
  }

  /**
   * True if the peer closes the connection (after its greeting, which is read and discarded);
   * false if it is still open, waiting, after 2 s. The refusal comes at once; 2 s only bounds the
   * control case, which never closes.
   */
  private static boolean closedByPeer(Socket s) throws IOException {
    s.setSoTimeout(2000);
    InputStream in = s.getInputStream();
    byte[] buf = new byte[256];
    try {
      while (true) {
        if (in.read(buf) < 0) {
          return true;
        }
      }
    } catch (SocketTimeoutException e) {
      return false;
    } catch (IOException e) {
      return true; // reset by the peer
    }
  }

  private static long usedHeap() {
    System.gc();
    Runtime rt = Runtime.getRuntime();
    return rt.totalMemory() - rt.freeMemory();
  }
}
