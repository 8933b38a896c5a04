package org.daisyjava.nacl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The reserve of key pairs made ahead: every pair it hands out is a real one (public key =
 * X25519 of the secret and the base point), none twice, the reserve's own copy is zeroed, a pair
 * taken from it costs no scalar multiplication, and the filler makes what was missing when it was
 * asked — no more, however many are taken meanwhile, and never beyond {@link KeyPairReserve#MAX}.
 */
class KeyPairReserveTest {
  /** How long the filler may take under a loaded machine: a bound on a wait, not a timing assertion. */
  private static final long PATIENCE_NANOS = TimeUnit.SECONDS.toNanos(120);

  @BeforeEach
  @AfterEach
  void empty() throws InterruptedException {
    awaitFillerDone();
    KeyPairReserve.clear();
  }

  @Test
  void handsOutRealPairsEachOnceAndCostsNoMultiplication() throws InterruptedException {
    KeyPairReserve.fill(40);
    awaitFillerDone();
    assertEquals(40, KeyPairReserve.held());
    Set<String> seen = new HashSet<>();
    long before = X25519.MULTIPLICATIONS.sum();
    byte[][] publics = new byte[40][32];
    byte[][] secrets = new byte[40][32];
    for (int i = 0; i < 40; i++) {
      Box.keyPair(publics[i], secrets[i]);
    }
    assertEquals(0, X25519.MULTIPLICATIONS.sum() - before, "pairs from the reserve are made already");
    assertEquals(0, KeyPairReserve.held());
    for (int i = 0; i < 40; i++) {
      byte[] expected = new byte[32];
      X25519.scalarMultBase(expected, secrets[i]);
      assertArrayEquals(expected, publics[i], "pair " + i);
      assertTrue(seen.add(java.util.HexFormat.of().formatHex(secrets[i])), "secret key handed out twice");
    }

    // empty now: the next pair is made on the spot
    long again = X25519.MULTIPLICATIONS.sum();
    byte[] pk = new byte[32];
    byte[] sk = new byte[32];
    Box.keyPair(pk, sk);
    assertEquals(1, X25519.MULTIPLICATIONS.sum() - again);
    byte[] expected = new byte[32];
    X25519.scalarMultBase(expected, sk);
    assertArrayEquals(expected, pk);
  }

  @Test
  void aTakenPairLeavesZerosBehind() throws InterruptedException {
    KeyPairReserve.fill(1);
    awaitFillerDone();
    byte[] stored = KeyPairReserve.peekForTest();
    byte[] pk = new byte[32];
    byte[] sk = new byte[32];
    assertTrue(KeyPairReserve.take(pk, sk));
    assertArrayEquals(new byte[64], stored, "the reserve's copy of a pair it handed out");
    assertFalse(KeyPairReserve.take(pk, sk), "the one pair is gone");
  }

  @Test
  void pairsTakenWhileFillingAreNotMadeAgain() throws InterruptedException {
    KeyPairReserve.fill(300);
    int taken = 0;
    byte[] pk = new byte[32];
    byte[] sk = new byte[32];
    long deadline = System.nanoTime() + PATIENCE_NANOS;
    while (taken < 100 && System.nanoTime() < deadline) {
      if (KeyPairReserve.take(pk, sk)) {
        taken++;
      } else {
        Thread.onSpinWait();
      }
    }
    assertEquals(100, taken);
    awaitFillerDone();
    assertEquals(200, KeyPairReserve.held(), "300 asked for, 100 taken while they were made");
    // asking again for as many as are held makes nothing; for more, the difference
    KeyPairReserve.fill(200);
    assertFalse(KeyPairReserve.filling());
    KeyPairReserve.fill(250);
    awaitFillerDone();
    assertEquals(250, KeyPairReserve.held());
  }

  @Test
  void neverHoldsMoreThanTheCap() throws InterruptedException {
    KeyPairReserve.fill(KeyPairReserve.MAX - 5);
    KeyPairReserve.fill(Integer.MAX_VALUE); // raises the goal of the running filler to the cap
    awaitFillerDone();
    assertEquals(KeyPairReserve.MAX, KeyPairReserve.held());
    KeyPairReserve.fill(KeyPairReserve.MAX + 1);
    assertFalse(KeyPairReserve.filling(), "full: nothing to make");
    KeyPairReserve.fill(-3);
    assertFalse(KeyPairReserve.filling());
  }

  private static void awaitFillerDone() throws InterruptedException {
    long deadline = System.nanoTime() + PATIENCE_NANOS;
    while (KeyPairReserve.filling()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("the filler did not finish");
      }
      Thread.sleep(5);
    }
  }
}
