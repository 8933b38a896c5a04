package org.daisyjava.nacl;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

/**
 * JeroMQ's CURVE on this module, end to end over loopback: a handshake and a message in each
 * direction, and what the handshake costs in scalar multiplications. A side needs four (the
 * client: its short-term key pair, the HELLO box, the vouch, the INITIATE box; the server: the
 * HELLO, its short-term key pair, the INITIATE, the vouch); the rest are repeats of a pair
 * {@link Box#beforenm} remembers. Without that memory it is twelve (the test fails so when the memory is switched off).
 * A short-term key pair from the {@link KeyPairReserve} takes one off a side.
 */
class HandshakeCostTest {
  @Test
  void aHandshakeCostsFourScalarMultiplicationsASide() {
    KeyPairReserve.clear();
    assertEquals(8, handshakeCost(), "scalar multiplications of one handshake, both sides");
  }

  @Test
  void shortTermKeyPairsMadeAheadLeaveThreeASide() {
    KeyPairReserve.clear();
    // filled after the test's long-term keys are made, which would take pairs too
    long cost = handshakeCost(() -> {
      KeyPairReserve.fill(2);
      while (KeyPairReserve.filling()) {
        Thread.onSpinWait();
      }
    });
    assertEquals(6, cost, "both short-term pairs came from the reserve");
    assertEquals(0, KeyPairReserve.held());
  }

  private static long handshakeCost() {
    return handshakeCost(() -> {});
  }

  /** Scalar multiplications of one CURVE handshake over loopback, {@code beforeConnect} run uncounted. */
  private static long handshakeCost(Runnable beforeConnect) {
    try (ZContext context = new ZContext()) {
      byte[] serverPublic = new byte[32];
      byte[] serverSecret = new byte[32];
      Box.keyPair(serverPublic, serverSecret);
      byte[] clientPublic = new byte[32];
      byte[] clientSecret = new byte[32];
      Box.keyPair(clientPublic, clientSecret);

      ZMQ.Socket server = context.createSocket(SocketType.ROUTER);
      server.setCurveServer(true);
      server.setCurveSecretKey(serverSecret);
      int port = server.bindToRandomPort("tcp://127.0.0.1");
      ZMQ.Socket client = context.createSocket(SocketType.DEALER);
      client.setCurveServerKey(serverPublic);
      client.setCurvePublicKey(clientPublic);
      client.setCurveSecretKey(clientSecret);

      beforeConnect.run();
      long before = X25519.MULTIPLICATIONS.sum();
      client.connect("tcp://127.0.0.1:" + port);
      client.send("ping");
      byte[] identity = server.recv();
      assertEquals("ping", server.recvStr());
      long handshake = X25519.MULTIPLICATIONS.sum() - before;
      server.sendMore(identity);
      server.send("pong");
      assertEquals("pong", new String(client.recv(), StandardCharsets.UTF_8));
      return handshake;
    }
  }
}
