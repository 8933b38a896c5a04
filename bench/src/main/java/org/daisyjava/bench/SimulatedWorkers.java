package org.daisyjava.bench;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import org.daisyjava.core.protocol.Message;

/**
 * The protocol side of one driver thread's simulated workers, whatever carries their bytes (a
 * JeroMQ socket in {@link LoadShard}, a raw NIO connection in {@link NioShard}): each worker's
 * phase, its session version and when it last sent; what it answers to each frame; heartbeats
 * for those that have been silent. It follows PROTOCOL.md as the Java worker does with no-op
 * blocks: {@code hello}; on {@code welcome} its prefetch of acquires (version 2: one acquire of
 * all of them); each {@code block} released at once, asking for as many again (version 2: one
 * release of the whole batch); on {@code no_more_blocks} a {@code goodbye}. Not thread-safe: one
 * driver thread owns it; the counters are the shard's, shared by its drivers.
 */
final class SimulatedWorkers {
  /** States of a simulated worker; {@link #DONE} ones are finished and read no more. */
  enum Phase { CONNECTING, HELLO_SENT, WORKING, DONE }

  /** How a driver sends a frame to the scheduler on behalf of worker {@code i}. */
  interface Transport {
    void send(int i, byte[] frame);
  }

  /** What a shard counts over all its drivers' workers, printed in its {@code result} line. */
  static final class Counters {
    final AtomicLong welcomed = new AtomicLong();
    final AtomicLong blocks = new AtomicLong();
    final AtomicLong refused = new AtomicLong();
    final AtomicLong abandons = new AtomicLong();
    final AtomicLong heartbeatsSent = new AtomicLong();
    /** Frames no worker of the shard expected (or answers after its goodbye). */
    final AtomicLong other = new AtomicLong();
    final AtomicLong unfinished = new AtomicLong();
    /** When the last worker of the shard was welcomed (System.nanoTime), 0 if none was. */
    final AtomicLong lastWelcomeNanos = new AtomicLong();
    /** When the workers were welcomed, from {@link #goNanos}. */
    final WelcomeTimes welcomeTimes = new WelcomeTimes();
    /** When the shard said "go" (System.nanoTime); set before any worker connects. */
    volatile long goNanos;

    void welcomed(long now) {
      welcomed.incrementAndGet();
      lastWelcomeNanos.accumulateAndGet(now, Math::max);
      welcomeTimes.add(now - goNanos);
    }
  }

  private final Phase[] phase;
  /** Welcomed to a version-2 session. */
  private final boolean[] v2;
  private final long[] lastSent;
  private final int prefetch;
  private final Counters counters;
  private final Transport transport;
  /** What the welcome said (the scheduler scales it with the number of workers). */
  private long heartbeatNanos = 1_000_000_000L;
  private long lastSweep;
  private int remaining;

  SimulatedWorkers(int count, int prefetch, Counters counters, Transport transport) {
    this.phase = new Phase[count];
    this.v2 = new boolean[count];
    this.lastSent = new long[count];
    this.prefetch = prefetch;
    this.counters = counters;
    this.transport = transport;
    this.remaining = count;
    Arrays.fill(phase, Phase.CONNECTING);
  }

  /** Worker {@code i} is connected: its hello goes out. */
  void sendHello(int i, byte[] hello) {
    send(i, hello);
    phase[i] = Phase.HELLO_SENT;
  }

  boolean isDone(int i) {
    return phase[i] == Phase.DONE;
  }

  /** Workers not yet done. */
  int remaining() {
    return remaining;
  }

  /** A frame from the scheduler for worker {@code i}. */
  void onFrame(int i, byte[] frame) {
    if (phase[i] == Phase.DONE) {
      counters.other.incrementAndGet(); // answers to acquires still outstanding after no_more_blocks
      return;
    }
    String type = FrameScan.text(frame, "type");
    if (type == null) {
      counters.other.incrementAndGet();
      return;
    }
    switch (type) {
      case "block" -> {
        if (v2[i]) {
          long[] ids = FrameScan.numbers(frame, "block_id", Message.MAX_BATCH);
          counters.blocks.addAndGet(ids.length);
          send(i, SimulatedWorkerFrames.releaseBatch(ids));
        } else {
          counters.blocks.incrementAndGet();
          send(i, SimulatedWorkerFrames.release(FrameScan.number(frame, "block_id")));
        }
      }
      case "wait", "heartbeat" -> { }
      case "welcome" -> {
        long hb = FrameScan.number(frame, "heartbeat_ms");
        if (hb > 0) {
          heartbeatNanos = hb * 1_000_000L;
        }
        counters.welcomed(System.nanoTime());
        phase[i] = Phase.WORKING;
        v2[i] = FrameScan.number(frame, "version") == 2;
        if (v2[i]) {
          send(i, SimulatedWorkerFrames.acquireBatch(prefetch));
        } else {
          for (int k = 0; k < prefetch; k++) {
            send(i, SimulatedWorkerFrames.ACQUIRE);
          }
        }
      }
      case "no_more_blocks" -> {
        send(i, SimulatedWorkerFrames.GOODBYE);
        finish(i);
      }
      case "refuse" -> {
        counters.refused.incrementAndGet();
        finish(i);
      }
      case "abandon" -> counters.abandons.incrementAndGet();
      default -> counters.other.incrementAndGet();
    }
  }

  /** A heartbeat from each working worker silent for a heartbeat interval; looks a few times per interval. */
  void heartbeatIfDue(long now) {
    if (now - lastSweep <= heartbeatNanos / 4) {
      return;
    }
    lastSweep = now;
    for (int i = 0; i < phase.length; i++) {
      if (phase[i] == Phase.WORKING && now - lastSent[i] >= heartbeatNanos) {
        send(i, SimulatedWorkerFrames.HEARTBEAT);
        counters.heartbeatsSent.incrementAndGet();
      }
    }
  }

  /** Worker {@code i} is finished (said goodbye, was refused, or lost its connection). */
  void finish(int i) {
    if (phase[i] != Phase.DONE) {
      phase[i] = Phase.DONE;
      remaining--;
    }
  }

  /** The driver has stopped: the workers not yet done count as unfinished. */
  void countUnfinished() {
    counters.unfinished.addAndGet(remaining);
    remaining = 0;
  }

  private void send(int i, byte[] frame) {
    transport.send(i, frame);
    lastSent[i] = System.nanoTime();
  }
}
