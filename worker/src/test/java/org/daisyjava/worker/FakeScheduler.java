package org.daisyjava.worker;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import org.daisyjava.core.Block;
import org.daisyjava.core.BlockCode;
import org.daisyjava.core.Roi;
import org.daisyjava.core.protocol.Message;
import org.daisyjava.core.protocol.Message.Heartbeat;
import org.daisyjava.core.protocol.Message.Welcome;
import org.daisyjava.core.protocol.MessageCodec;
import org.daisyjava.core.protocol.ProtocolException;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

/**
 * A scheduler's ROUTER socket driven step by step by a test, on the test's thread: receive what a
 * worker sends, answer what the test wants, including garbage.
 */
final class FakeScheduler implements AutoCloseable {
  /**
   * How long a test waits for what must come before it fails: a hang guard only (nothing passes
   * faster or slower with it), long enough for a worker JVM to start on a loaded machine.
   */
  static final Duration PATIENCE = Duration.ofSeconds(60);

  private final ZContext zmq = new ZContext(1);
  private final ZMQ.Socket router;
  private final String address;
  /** The routing id of the worker that spoke last; answers go there. */
  private byte[] peer;
  /**
   * Acquires carried by the last release ({@code "acquire": n}), handed to the test as that many
   * {@link Message.Acquire} messages — which is what they mean (PROTOCOL.md).
   */
  private int piggybacked;

  FakeScheduler() {
    router = zmq.createSocket(SocketType.ROUTER);
    router.setLinger(0);
    int port = router.bindToRandomPort("tcp://127.0.0.1");
    address = "tcp://127.0.0.1:" + port;
  }

  String address() {
    return address;
  }

  /** The next message from a worker (heartbeats included), or null after {@code timeout}. */
  Message receive(Duration timeout) {
    if (piggybacked > 0) {
      piggybacked--;
      return new Message.Acquire();
    }
    router.setReceiveTimeOut((int) Math.max(1, timeout.toMillis()));
    byte[] from = router.recv();
    if (from == null) {
      return null;
    }
    byte[] frame = router.recv();
    peer = from;
    try {
      Message m = MessageCodec.decode(frame);
      if (m instanceof Message.Release release) {
        piggybacked += release.acquire();
      }
      return m;
    } catch (ProtocolException e) {
      throw new AssertionError("the worker sent a malformed frame: " + e.getMessage(), e);
    }
  }

  /** The next message that is not a heartbeat; fails the test if none comes within PATIENCE. */
  Message next() {
    long deadline = System.nanoTime() + PATIENCE.toNanos();
    while (true) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return fail("the worker sent nothing but heartbeats for " + PATIENCE.toSeconds() + " s");
      }
      Message m = receive(Duration.ofNanos(left));
      if (m == null) {
        return fail("the worker sent nothing for " + PATIENCE.toSeconds() + " s");
      }
      if (!(m instanceof Heartbeat)) {
        return m;
      }
    }
  }

  /** The next non-heartbeat message, which must be a {@code type}. */
  <T extends Message> T expect(Class<T> type) {
    Message m = next();
    return assertInstanceOf(type, m, "expected " + type.getSimpleName() + ", got " + m);
  }

  /** Nothing but heartbeats for {@code quiet}: the worker is waiting. Returns the first other message. */
  Message nextWithin(Duration quiet) {
    long deadline = System.nanoTime() + quiet.toNanos();
    while (true) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return null;
      }
      Message m = receive(Duration.ofNanos(left));
      if (m != null && !(m instanceof Heartbeat)) {
        return m;
      }
    }
  }

  void send(Message message) {
    sendRaw(MessageCodec.encode(message));
  }

  /** Sends the frames as one message to the last worker that spoke. */
  void sendRaw(byte[]... frames) {
    assertNotNull(peer, "no worker has spoken yet");
    router.sendMore(peer);
    for (int i = 0; i < frames.length; i++) {
      router.send(frames[i], i < frames.length - 1 ? ZMQ.SNDMORE : 0);
    }
  }

  /** Expects a hello, answers with a welcome; returns the hello. */
  Message.Hello welcome(long workerId, BlockCode process, long heartbeatMs, int liveness, String runDir) {
    Message.Hello hello = expect(Message.Hello.class);
    send(new Welcome(workerId, process, heartbeatMs, liveness, runDir));
    return hello;
  }

  /** Welcome with a relaxed heartbeat, for tests not about liveness. */
  Message.Hello welcome(BlockCode process, String runDir) {
    return welcome(1, process, 200, 25, runDir);
  }

  void sendBlock(Block block, int attempt) {
    send(new Message.Assign(block, attempt));
  }

  /** A 1-D block: write [10 id, 10 id + 10), read 2 more on each side. */
  static Block block(String task, long id) {
    return new Block(task, id, Roi.of(new long[] {id * 10 - 2}, new long[] {14}),
        Roi.of(new long[] {id * 10}, new long[] {10}));
  }

  @Override
  public void close() {
    zmq.close();
  }
}
