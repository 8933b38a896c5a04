package org.daisyjava.nacl;

import java.util.Arrays;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Key pairs made before they are asked for, handed out by {@link Box#keyPair}.
 *
 * <p>A CURVE server makes a short-term key pair for every connection (its WELCOME carries the
 * public half): one of the four scalar multiplications of its side of a handshake. When thousands
 * of workers connect at once, those handshakes are where a head node's CPU goes (X25519 was 43 %
 * of the scheduler's I/O-thread samples with 10,000 simulated workers). A pair does not depend on
 * the peer, so a scheduler that expects many workers has them made while it waits for the first
 * one — a batch system takes seconds to start a job — and the storm is left with three.
 *
 * <p>Each pair is handed out once, and the copy kept here is zeroed as it is: a short-term key
 * from the reserve is as secret and as short-lived as one made on the spot (it lives in this
 * process's memory only, a little longer). When the reserve is empty, {@link Box#keyPair} makes
 * the pair itself, as before. Any pair {@link Box#keyPair} hands out while the reserve holds some
 * comes from it (a worker's, a run's long-term keys made later in the same JVM): they are all
 * random pairs from the same {@code SecureRandom}; only their number is chosen for the server's
 * short-term ones.
 */
public final class KeyPairReserve {
  /** The most pairs held: 64 bytes each, about 1 MB in all. */
  public static final int MAX = 16_384;

  /** Each element: public key (32 bytes), then secret key (32 bytes). */
  private static final ConcurrentLinkedQueue<byte[]> PAIRS = new ConcurrentLinkedQueue<>();
  /** Pairs in {@link #PAIRS} (its own size() walks the queue). */
  private static final AtomicInteger HELD = new AtomicInteger();
  /** Pairs the filler has still to make; guarded by the class, as is {@link #filler}. */
  private static int toMake;
  private static Thread filler;

  private KeyPairReserve() {}

  /**
   * Has pairs made, on a daemon thread of its own, until {@code count} are held (at most {@link
   * #MAX}); returns at once. The pairs to make are counted when this is called: pairs taken while
   * they are being made are not made again, so connections that arrive early do not turn the
   * filler into a second storm of key making beside theirs.
   */
  public static synchronized void fill(int count) {
    int missing = Math.min(MAX, Math.max(0, count)) - HELD.get();
    if (missing <= toMake) {
      return;
    }
    toMake = missing;
    if (filler == null) {
      filler = new Thread(KeyPairReserve::makePairs, "daisy-key-pairs");
      filler.setDaemon(true);
      filler.start();
    }
  }

  /** Pairs held now. Any thread. */
  public static int held() {
    return HELD.get();
  }

  /** A pair from the reserve into the two arrays, or false if it is empty. Any thread. */
  static boolean take(byte[] publicKey, byte[] secretKey) {
    byte[] pair = PAIRS.poll();
    if (pair == null) {
      return false;
    }
    HELD.decrementAndGet();
    System.arraycopy(pair, 0, publicKey, 0, 32);
    System.arraycopy(pair, 32, secretKey, 0, 32);
    Arrays.fill(pair, (byte) 0);
    return true;
  }

  /** True while pairs are being made. Any thread. */
  public static synchronized boolean filling() {
    return filler != null;
  }

  /** The array of the pair that {@link #take} would hand out next, for a test to see it zeroed. */
  static byte[] peekForTest() {
    return PAIRS.peek();
  }

  /** Zeroes and drops every pair held (tests, which share one JVM). */
  static void clear() {
    byte[] pair;
    while ((pair = PAIRS.poll()) != null) {
      HELD.decrementAndGet();
      Arrays.fill(pair, (byte) 0);
    }
  }

  private static void makePairs() {
    try {
      while (true) {
        synchronized (KeyPairReserve.class) {
          if (toMake <= 0 || HELD.get() >= MAX) {
            return;
          }
          toMake--;
        }
        makeOne();
      }
    } finally {
      // also when making one failed: a later fill must be able to start a filler again
      synchronized (KeyPairReserve.class) {
        toMake = 0;
        filler = null;
      }
    }
  }

  private static void makeOne() {
    byte[] publicKey = new byte[32];
    byte[] secretKey = new byte[32];
    Box.makeKeyPair(publicKey, secretKey);
    byte[] pair = new byte[64];
    System.arraycopy(publicKey, 0, pair, 0, 32);
    System.arraycopy(secretKey, 0, pair, 32, 32);
    Arrays.fill(secretKey, (byte) 0);
    PAIRS.add(pair);
    HELD.incrementAndGet();
  }
}
