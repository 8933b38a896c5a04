package org.daisyjava.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.channels.Selector;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.daisyjava.core.protocol.CurveKeyPair;
import org.daisyjava.core.protocol.ServerKeys;
import org.daisyjava.core.protocol.ServerSecurity;
import org.daisyjava.core.protocol.WorkerKeyFile;
import org.daisyjava.core.protocol.ZmqSockets;
import org.daisyjava.launcher.config.SchedulerSettings.Encryption;
import org.daisyjava.launcher.run.WorkerKeys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

/**
 * The NIO client ({@link ZmtpConnection} with {@link CurveClient} / {@link NullClient}) against a
 * real JeroMQ 0.6.0 ROUTER made as the scheduler makes its own ({@link ZmqSockets#router}: CURVE
 * server keys and the authenticator that admits only the run's client key), on 127.0.0.1.
 */
@Timeout(60)
class ZmtpInteropTest {
  private static final long GUARD_NANOS = 30_000_000_000L;

  /** A client connection on its own selector, polled by the test thread; records what it is told. */
  private static final class Client implements ZmtpConnection.Listener {
    final Selector selector = Selector.open();
    final List<byte[]> received = new ArrayList<>();
    boolean session;
    ZmtpConnection.End end;
    String why;
    final ZmtpConnection connection;

    Client(ClientMechanism mechanism, int port) throws Exception {
      connection = new ZmtpConnection(0, mechanism, 16, this);
      connection.connect(selector, new InetSocketAddress("127.0.0.1", port));
    }

    @Override
    public void onSession(ZmtpConnection c) {
      session = true;
    }

    @Override
    public void onMessage(ZmtpConnection c, byte[] payload) {
      received.add(payload);
    }

    @Override
    public void onEnd(ZmtpConnection c, ZmtpConnection.End e, String reason) {
      end = e;
      why = reason;
    }

    /** Polls until {@code done} holds (or the hang guard fails the test). */
    void pollUntil(BooleanSupplier done) throws Exception {
      long deadline = System.nanoTime() + GUARD_NANOS;
      while (!done.getAsBoolean()) {
        assertTrue(System.nanoTime() < deadline, "hang guard: condition not reached; ended " + end + ": " + why);
        ZmtpConnection.poll(selector, 10);
      }
    }

    void close() throws Exception {
      connection.close();
      selector.close();
    }
  }

  private static byte[] id() {
    byte[] id = new byte[16];
    new SecureRandom().nextBytes(id);
    return id;
  }

  private static byte[] raw(String z85) {
    return ZMQ.Curve.z85Decode(z85);
  }

  /** Messages of several sizes: short frames, long frames (> 255 bytes), one beyond the read buffer's start. */
  private static List<byte[]> payloads(String from) {
    List<byte[]> out = new ArrayList<>();
    for (int size : new int[] {1, 40, 255, 256, 3000, 70_000}) {
      byte[] p = new byte[size];
      Arrays.fill(p, (byte) ('a' + size % 26));
      byte[] tag = (from + size).getBytes(StandardCharsets.US_ASCII);
      System.arraycopy(tag, 0, p, 0, Math.min(tag.length, size));
      out.add(p);
    }
    return out;
  }

  /** Handshake, then each payload both ways; the ROUTER sees the routing id the client announced. */
  private static void exchange(ZContext context, ZMQ.Socket router, ClientMechanism mechanism, byte[] id)
      throws Exception {
    int port = router.bindToRandomPort("tcp://127.0.0.1");
    Client client = new Client(mechanism, port);
    try {
      client.pollUntil(() -> client.session);
      List<byte[]> up = payloads("up");
      for (byte[] p : up) {
        client.connection.send(p);
      }
      router.setReceiveTimeOut(100);
      long deadline = System.nanoTime() + GUARD_NANOS;
      for (byte[] p : up) {
        byte[] from = null;
        while (from == null) {
          assertTrue(System.nanoTime() < deadline, "hang guard: the ROUTER received nothing");
          ZmtpConnection.poll(client.selector, 1); // (writes what the kernel did not take at once)
          from = router.recv();
        }
        assertArrayEquals(id, from, "the ROUTER files the message under the client's routing id");
        assertTrue(router.hasReceiveMore());
        assertArrayEquals(p, router.recv(), "the message's content, as sent");
        assertTrue(!router.hasReceiveMore());
      }
      List<byte[]> down = payloads("down");
      for (byte[] p : down) {
        router.sendMore(id);
        router.send(p);
      }
      client.pollUntil(() -> client.received.size() == down.size());
      for (int i = 0; i < down.size(); i++) {
        assertArrayEquals(down.get(i), client.received.get(i));
      }
      assertNull(client.end, "the connection is still up: " + client.why);
    } finally {
      client.close();
    }
  }

  @Test
  void curveHandshakeAndMessagesBothWaysWithAJeromqRouter() throws Exception {
    WorkerKeys keys = WorkerKeys.generate(Encryption.CURVE);
    WorkerKeyFile file = (WorkerKeyFile) WorkerKeyFile.read(keys.workerFileText());
    byte[] id = id();
    try (ZContext context = new ZContext(1); ZmqSockets.ServerEndpoint router = ZmqSockets.router(context,
        keys.server())) {
      CurveClient curve = new CurveClient(raw(file.client().publicKey()), raw(file.client().secretKey()),
          raw(file.serverPublicKey()), id, new SecureRandom());
      exchange(context, router.socket(), curve, id);
      assertEquals(0, router.refusedHandshakes());
    }
  }

  @Test
  void nullHandshakeAndMessagesBothWaysWithAJeromqRouter() throws Exception {
    byte[] id = id();
    try (ZContext context = new ZContext(1); ZmqSockets.ServerEndpoint router = ZmqSockets.router(context,
        ServerSecurity.PLAIN)) {
      exchange(context, router.socket(), new NullClient(id), id);
    }
  }

  @Test
  void aWrongServerKeyEndsTheHandshakeAsRefused() throws Exception {
    WorkerKeys keys = WorkerKeys.generate(Encryption.CURVE);
    WorkerKeyFile file = (WorkerKeyFile) WorkerKeyFile.read(keys.workerFileText());
    byte[] impostor = raw(CurveKeyPair.generate().publicKey());
    try (ZContext context = new ZContext(1); ZmqSockets.ServerEndpoint router = ZmqSockets.router(context,
        keys.server())) {
      int port = router.socket().bindToRandomPort("tcp://127.0.0.1");
      Client client = new Client(new CurveClient(raw(file.client().publicKey()), raw(file.client().secretKey()),
          impostor, id(), new SecureRandom()), port);
      try {
        client.pollUntil(() -> client.end != null);
        assertEquals(ZmtpConnection.End.REFUSED, client.end);
        assertTrue(!client.session, "no session with a server that does not hold the key's secret");
        router.socket().setReceiveTimeOut(0);
        assertNull(router.socket().recv(), "nothing reached the ROUTER");
      } finally {
        client.close();
      }
    }
  }

  @Test
  void aClientKeyTheServerDoesNotAdmitIsRefused() throws Exception {
    WorkerKeys keys = WorkerKeys.generate(Encryption.CURVE);
    WorkerKeyFile file = (WorkerKeyFile) WorkerKeyFile.read(keys.workerFileText());
    CurveKeyPair stranger = CurveKeyPair.generate();
    try (ZContext context = new ZContext(1); ZmqSockets.ServerEndpoint router = ZmqSockets.router(context,
        keys.server())) {
      int port = router.socket().bindToRandomPort("tcp://127.0.0.1");
      Client client = new Client(new CurveClient(raw(stranger.publicKey()), raw(stranger.secretKey()),
          raw(file.serverPublicKey()), id(), new SecureRandom()), port);
      try {
        client.pollUntil(() -> client.end != null);
        assertEquals(ZmtpConnection.End.REFUSED, client.end);
        assertNotNull(client.why);
        assertEquals(1, router.refusedHandshakes(), "the authenticator saw and refused the key");
      } finally {
        client.close();
      }
    }
  }
}
