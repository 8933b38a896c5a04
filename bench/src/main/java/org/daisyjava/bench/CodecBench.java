package org.daisyjava.bench;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.daisyjava.core.Block;
import org.daisyjava.core.Roi;
import org.daisyjava.core.protocol.Message;
import org.daisyjava.core.protocol.Message.AcquireBatch;
import org.daisyjava.core.protocol.Message.Assign;
import org.daisyjava.core.protocol.Message.AssignBatch;
import org.daisyjava.core.protocol.Message.Heartbeat;
import org.daisyjava.core.protocol.Message.Outcome;
import org.daisyjava.core.protocol.Message.ReleaseBatch;
import org.daisyjava.core.protocol.MessageCodec;
import org.daisyjava.core.protocol.ProtocolException;

/**
 * What {@code MessageCodec} costs per message on one thread: ns and bytes allocated (the JVM's
 * per-thread allocation counter) for encode and decode of the hot messages — a version-2 release
 * of 16 outcomes that asks for 16 more, a version-2 block message of 16 3-D blocks, a heartbeat
 * and a version-2 acquire. Each is warmed up, then timed in rounds; prints min/median/max over
 * the rounds of the thread's CPU time per message (what the codec costs; on a shared machine the
 * wall time also counts other processes' turns, so it is printed beside it), and of the bytes
 * allocated. Args: messages per round (default 200,000), rounds (default 5).
 */
public final class CodecBench {
  private CodecBench() {}

  /** Defeats dead-code elimination: every result feeds it. */
  private static long sink;

  public static void main(String[] args) throws ProtocolException {
    int perRound = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    threads.setThreadAllocatedMemoryEnabled(true);
    threads.setThreadCpuTimeEnabled(true);

    List<Outcome> outcomes = new ArrayList<>();
    List<Assign> assigns = new ArrayList<>();
    for (int i = 0; i < 16; i++) {
      long id = 1_000_000L + i;
      outcomes.add(new Outcome(id, i % 5 != 4, i % 5 != 4 ? null : "exit code 1"));
      Roi write = Roi.of(new long[] {i * 64L, 128, 4096}, new long[] {64, 64, 64});
      Roi read = Roi.of(new long[] {i * 64L - 8, 120, 4088}, new long[] {80, 80, 80});
      assigns.add(new Assign(new Block("segment", id, read, write), 1 + i % 2));
    }
    List<Message> cases = List.of(new ReleaseBatch(outcomes, 16), new AssignBatch(assigns),
        new Heartbeat(), new AcquireBatch(16));
    List<String> names = List.of("v2 release, 16 outcomes + acquire 16", "v2 block, 16 3-D blocks",
        "heartbeat", "v2 acquire 16");

    System.out.printf("MessageCodec, %,d messages per round, %d rounds (min / median / max)%n", perRound, rounds);
    for (int c = 0; c < cases.size(); c++) {
      Message m = cases.get(c);
      byte[] frame = MessageCodec.encode(m);
      if (!MessageCodec.decode(frame).equals(m)) {
        throw new AssertionError("the codec does not round-trip " + m);
      }
      double[] encNs = new double[rounds];
      double[] encWall = new double[rounds];
      double[] encBytes = new double[rounds];
      double[] decNs = new double[rounds];
      double[] decWall = new double[rounds];
      double[] decBytes = new double[rounds];
      for (int warm = 0; warm < 3; warm++) {
        encode(m, perRound);
        decode(frame, perRound);
      }
      for (int r = 0; r < rounds; r++) {
        long a0 = threads.getCurrentThreadAllocatedBytes();
        long c0 = threads.getCurrentThreadCpuTime();
        long t0 = System.nanoTime();
        encode(m, perRound);
        long t1 = System.nanoTime();
        long c1 = threads.getCurrentThreadCpuTime();
        long a1 = threads.getCurrentThreadAllocatedBytes();
        decode(frame, perRound);
        long t2 = System.nanoTime();
        long c2 = threads.getCurrentThreadCpuTime();
        long a2 = threads.getCurrentThreadAllocatedBytes();
        encNs[r] = (c1 - c0) / (double) perRound;
        encWall[r] = (t1 - t0) / (double) perRound;
        encBytes[r] = (a1 - a0) / (double) perRound;
        decNs[r] = (c2 - c1) / (double) perRound;
        decWall[r] = (t2 - t1) / (double) perRound;
        decBytes[r] = (a2 - a1) / (double) perRound;
      }
      System.out.printf("%s (%d bytes on the wire)%n", names.get(c), frame.length);
      System.out.printf("  encode: %s ns/message CPU (wall %s), %s bytes/message%n", spread(encNs), spread(encWall),
          spread(encBytes));
      System.out.printf("  decode: %s ns/message CPU (wall %s), %s bytes/message%n", spread(decNs), spread(decWall),
          spread(decBytes));
    }
    if (sink == 42) {
      System.out.println(); // never, in practice; keeps the results alive
    }
  }

  private static void encode(Message m, int n) {
    long s = 0;
    for (int i = 0; i < n; i++) {
      s += MessageCodec.encode(m).length;
    }
    sink += s;
  }

  private static void decode(byte[] frame, int n) throws ProtocolException {
    long s = 0;
    for (int i = 0; i < n; i++) {
      s += MessageCodec.decode(frame).hashCode();
    }
    sink += s;
  }

  private static String spread(double[] values) {
    double[] v = values.clone();
    Arrays.sort(v);
    return String.format("%.0f / %.0f / %.0f", v[0], v[v.length / 2], v[v.length - 1]);
  }
}
