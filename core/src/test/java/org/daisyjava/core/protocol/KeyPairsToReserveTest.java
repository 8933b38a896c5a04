package org.daisyjava.core.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.concurrent.TimeUnit;
import org.daisyjava.nacl.Box;
import org.daisyjava.nacl.KeyPairReserve;
import org.junit.jupiter.api.Test;

/** Which schedulers have short-term key pairs made ahead, and how many. */
class KeyPairsToReserveTest {
  @Test
  void onePerExpectedWorkerFromAHundredOn() {
    assertEquals(0, ZmqSockets.keyPairsToReserve(1));
    assertEquals(0, ZmqSockets.keyPairsToReserve(ZmqSockets.RESERVE_FROM - 1));
    assertEquals(ZmqSockets.RESERVE_FROM, ZmqSockets.keyPairsToReserve(ZmqSockets.RESERVE_FROM));
    assertEquals(10_000, ZmqSockets.keyPairsToReserve(10_000));
    assertEquals(KeyPairReserve.MAX, ZmqSockets.keyPairsToReserve(1_000_000), "bounded");
  }

  @Test
  void workersOfUnknownNumberGetSome() {
    assertEquals(ZmqSockets.RESERVE_UNSIZED, ZmqSockets.keyPairsToReserve(0));
    assertEquals(ZmqSockets.RESERVE_UNSIZED, ZmqSockets.keyPairsToReserve(-7), "nonsense counts as unknown");
  }

  @Test
  void onlyACurveSchedulerMakesThem() throws InterruptedException {
    int before = KeyPairReserve.held();
    ZmqSockets.reserveKeyPairs(new ServerSecurity.Plain(), 10_000);
    assertFalse(KeyPairReserve.filling(), "plain text has no handshake keys");
    assertEquals(before, KeyPairReserve.held());

    CurveKeyPair client = CurveKeyPair.generate();
    ZmqSockets.reserveKeyPairs(new ServerKeys(CurveKeyPair.generate(), client.publicKey()), 150);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (KeyPairReserve.filling() && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    assertEquals(Math.max(before, 150), KeyPairReserve.held());
    byte[] pk = new byte[32];
    byte[] sk = new byte[32];
    while (KeyPairReserve.held() > before) {
      Box.keyPair(pk, sk); // leave the JVM's reserve as it was
    }
  }
}
