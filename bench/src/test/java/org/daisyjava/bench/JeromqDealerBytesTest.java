package org.daisyjava.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.security.SecureRandom;
import java.util.Arrays;
import org.daisyjava.core.protocol.WorkerKeyFile;
import org.daisyjava.core.protocol.WorkerSecurity;
import org.daisyjava.core.protocol.ZmqSockets;
import org.daisyjava.launcher.config.SchedulerSettings.Encryption;
import org.daisyjava.launcher.run.WorkerKeys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

/**
 * What a real JeroMQ 0.6.0 DEALER (made by {@link ZmqSockets#dealer}, as LoadShard's and the
 * worker's) sends first, read off a plain TCP socket on 127.0.0.1, against what the NIO client
 * sends: the greeting byte for byte, NULL's READY byte for byte (it holds no randomness), and
 * CURVE's HELLO in every byte that is not a key or a box.
 */
@Timeout(60)
class JeromqDealerBytesTest {
  /** The first bytes the DEALER sends after it has the server's greeting: its greeting, then one frame. */
  private static byte[][] capture(WorkerSecurity security, byte[] id, String mechanism) throws Exception {
    try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        ZContext context = new ZContext(1)) {
      ZMQ.Socket dealer = ZmqSockets.dealer(context, security, id);
      dealer.setLinger(0);
      // (see below; a shorter handshake interval than the worker's only makes the retry sooner)
      dealer.setHandshakeIvl(2000);
      dealer.connect("tcp://127.0.0.1:" + listener.getLocalPort());
      listener.setSoTimeout(30_000); // hang guard
      for (int attempt = 1; ; attempt++) {
        try (Socket s = listener.accept()) {
          s.setSoTimeout(30_000); // hang guard
          DataInputStream in = new DataInputStream(s.getInputStream());
          byte[] greeting = new byte[ZmtpGreeting.SIZE];
          try {
            in.readFully(greeting, 0, 10);
          } catch (EOFException | java.net.SocketException e) {
            // JeroMQ 0.6.0: now and then (seen on the first connection of a JVM) a DEALER's engine
            // sends nothing, not even its signature, until its handshake timer closes the connection;
            // it then connects again, and that connection is read instead
            if (attempt < 5) {
              continue;
            }
            throw e;
          }
          // the DEALER's signature first, as a JeroMQ server waits for it before its version
          byte[] serverGreeting = ZmtpGreeting.client(mechanism, 0);
          serverGreeting[32] = 1; // as-server
          OutputStream out = s.getOutputStream();
          out.write(serverGreeting);
          out.flush();
          in.readFully(greeting, 10, ZmtpGreeting.SIZE - 10);
          int flags = in.readUnsignedByte();
          long size = (flags & ZmtpFrame.LONG) != 0 ? in.readLong() : in.readUnsignedByte();
          byte[] body = new byte[(int) size];
          in.readFully(body);
          return new byte[][] {greeting, {(byte) flags}, body};
        }
      }
    }
  }

  private static byte[] id() {
    byte[] id = new byte[16];
    new SecureRandom().nextBytes(id);
    return id;
  }

  @Test
  void nullGreetingAndReadyAreAJeromqDealersBytes() throws Exception {
    byte[] id = id();
    byte[][] jeromq = capture(WorkerSecurity.PLAIN, id, "NULL");
    assertArrayEquals(ZmtpGreeting.client("NULL", id.length), jeromq[0], "greeting");
    assertArrayEquals(new byte[] {ZmtpFrame.COMMAND}, jeromq[1], "READY's frame flags");
    assertArrayEquals(new NullClient(id).firstCommand(), jeromq[2], "READY");
  }

  @Test
  void curveGreetingAndHelloAreAJeromqDealersBytes() throws Exception {
    WorkerKeys keys = WorkerKeys.generate(Encryption.CURVE);
    WorkerKeyFile file = (WorkerKeyFile) WorkerKeyFile.read(keys.workerFileText());
    byte[] id = id();
    byte[][] jeromq = capture(file, id, "CURVE");
    assertArrayEquals(ZmtpGreeting.client("CURVE", id.length), jeromq[0], "greeting");
    assertArrayEquals(new byte[] {ZmtpFrame.COMMAND}, jeromq[1], "HELLO's frame flags (200 bytes: short)");
    byte[] ours = new CurveClient(ZMQ.Curve.z85Decode(file.client().publicKey()),
        ZMQ.Curve.z85Decode(file.client().secretKey()), ZMQ.Curve.z85Decode(file.serverPublicKey()), id,
        new SecureRandom()).firstCommand();
    assertEquals(200, jeromq[2].length, "JeroMQ's HELLO");
    assertEquals(200, ours.length, "ours");
    // name, version 1.0 and the 72 bytes of padding; then C' (random), the short nonce, the box (random)
    assertArrayEquals(Arrays.copyOfRange(jeromq[2], 0, 80), Arrays.copyOfRange(ours, 0, 80), "HELLO's head");
    assertArrayEquals(Arrays.copyOfRange(jeromq[2], 112, 120), Arrays.copyOfRange(ours, 112, 120),
        "HELLO's short nonce (1)");
  }
}
