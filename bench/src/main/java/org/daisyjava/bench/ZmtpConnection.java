package org.daisyjava.bench;

import java.io.IOException;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import org.daisyjava.core.protocol.ZmqSockets;

/**
 * One DEALER's connection on raw NIO, a ZMTP 3.0 client: non-blocking connect, greeting, the
 * mechanism's handshake ({@link ClientMechanism}), then one-frame messages both ways. It lives on
 * one selector thread (the one that owns its {@link Selector}); nothing in it is thread-safe.
 *
 * <p>What goes out first: the greeting and the mechanism's first command in one write, as soon
 * as TCP is connected (JeroMQ waits for the peer's greeting before its first command; a ZMTP 3.0
 * peer reads the same bytes either way). Outgoing frames are collected while a read is handled
 * and written once after it, so that answering a batch costs one system call.
 *
 * <p>Bounds: the read buffer starts small and grows only to hold one whole frame, and a frame
 * header that claims more than a real worker accepts ({@link ZmqSockets#MAX_WIRE_MESSAGE}) ends
 * the connection before anything is allocated for it; the write buffer ends the connection when
 * the peer has stopped reading ({@link #MAX_PENDING} unsent). A connection that is refused, reset
 * or broken ends once, and its {@link Listener} is told how; connecting again takes a new one.
 */
final class ZmtpConnection {
  /** What a connection tells its owner, on the selector thread. */
  interface Listener {
    /** The handshake is complete; {@link #send} may be called from now on. */
    void onSession(ZmtpConnection connection);

    /** A message frame from the peer. */
    void onMessage(ZmtpConnection connection, byte[] payload);

    /** The connection has ended (once); {@code why} for a log. */
    void onEnd(ZmtpConnection connection, End end, String why);
  }

  /** How a connection ended. */
  enum End {
    /** Before the handshake was complete, by the server's ERROR command: it will not have us. */
    REFUSED,
    /**
     * Before the handshake was complete, otherwise: TCP refused, reset or timed out (a listen
     * queue that overflowed, a server that reset a handshake it could not finish in time), or a
     * broken handshake. A JeroMQ DEALER connects again after these.
     */
    FAILED,
    /** After: reset, closed by the peer, or a broken frame, box or nonce. */
    LOST
  }

  private enum Phase { IDLE, CONNECTING, GREETING, HANDSHAKE, SESSION, CLOSED }

  private static final int INITIAL_READ = 4096;
  private static final int INITIAL_WRITE = 1024;
  /** Unsent bytes beyond which the peer is taken to have stopped reading. */
  static final int MAX_PENDING = 4 << 20;

  private final int index;
  private final SocketChannel channel;
  private final ClientMechanism mechanism;
  private final byte[] greeting;
  private final Listener listener;
  private SelectionKey key;
  private ByteBuffer in = ByteBuffer.allocate(INITIAL_READ);
  /** Unsent bytes, in write mode (position = end of what is queued). */
  private ByteBuffer out = ByteBuffer.allocate(INITIAL_WRITE);
  private Phase phase = Phase.IDLE;
  /** Inside the handling of a read: frames queued by the listener are written after it. */
  private boolean batching;

  /**
   * Opens the socket (a file descriptor, not yet connected).
   *
   * @param index the owner's number of this connection (see {@link #index})
   * @param routingIdSize bytes of the routing id the mechanism announces (goes into the greeting)
   */
  ZmtpConnection(int index, ClientMechanism mechanism, int routingIdSize, Listener listener) throws IOException {
    this.index = index;
    this.mechanism = mechanism;
    this.greeting = ZmtpGreeting.client(mechanism.name(), routingIdSize);
    this.listener = listener;
    this.channel = SocketChannel.open();
    channel.configureBlocking(false);
    channel.setOption(StandardSocketOptions.TCP_NODELAY, true); // as JeroMQ sets it
  }

  int index() {
    return index;
  }

  /** The handshake is complete and the connection has not ended. */
  boolean inSession() {
    return phase == Phase.SESSION;
  }

  /** Starts connecting to {@code address}; the selector's thread then calls {@link #dispatch}. */
  void connect(Selector selector, SocketAddress address) {
    if (phase != Phase.IDLE) {
      throw new IllegalStateException("connect twice");
    }
    phase = Phase.CONNECTING;
    try {
      key = channel.register(selector, 0, this);
      if (channel.connect(address)) {
        connected();
      } else {
        key.interestOps(SelectionKey.OP_CONNECT);
      }
    } catch (IOException | RuntimeException e) {
      end(e);
    }
  }

  /** Waits up to {@code timeoutMs} (0: not at all) for events on {@code selector} and handles each. */
  static void poll(Selector selector, long timeoutMs) throws IOException {
    if (timeoutMs <= 0) {
      selector.selectNow(k -> ((ZmtpConnection) k.attachment()).dispatch(k));
    } else {
      selector.select(k -> ((ZmtpConnection) k.attachment()).dispatch(k), timeoutMs);
    }
  }

  private void dispatch(SelectionKey k) {
    try {
      if (!k.isValid()) {
        return;
      }
      if (k.isConnectable()) {
        if (channel.finishConnect()) {
          connected();
        }
        return;
      }
      if (k.isWritable()) {
        flush();
      }
      if (k.isValid() && k.isReadable()) {
        read();
      }
    } catch (IOException | RuntimeException e) {
      end(e);
    }
  }

  private void connected() throws IOException {
    phase = Phase.GREETING;
    out.put(greeting);
    frame(ZmtpFrame.COMMAND, mechanism.firstCommand());
    key.interestOps(SelectionKey.OP_READ);
    flush();
  }

  /** Queues one message frame (session only) and, outside the handling of a read, writes it. */
  void send(byte[] payload) {
    if (phase != Phase.SESSION) {
      return;
    }
    try {
      frame(0, mechanism.wrap(payload));
      if (!batching) {
        flush();
      }
    } catch (IOException | RuntimeException e) {
      end(e);
    }
  }

  private void frame(int flags, byte[] body) throws ZmtpException {
    int size = ZmtpFrame.wireSize(body.length);
    if (out.remaining() < size) {
      int pending = out.position() + size;
      if (pending > MAX_PENDING) {
        throw new ZmtpException(pending + " bytes unsent: the peer does not read");
      }
      ByteBuffer bigger = ByteBuffer.allocate(Math.max(out.capacity() * 2, pending));
      out.flip();
      bigger.put(out);
      out = bigger;
    }
    ZmtpFrame.write(out, flags, body);
  }

  private void flush() throws IOException {
    if (phase == Phase.CLOSED || out.position() == 0) {
      return;
    }
    out.flip();
    channel.write(out);
    out.compact();
    int ops = key.interestOps();
    int wanted = out.position() > 0 ? ops | SelectionKey.OP_WRITE : ops & ~SelectionKey.OP_WRITE;
    if (wanted != ops) {
      key.interestOps(wanted);
    }
  }

  private void read() throws IOException {
    int n = channel.read(in);
    if (n < 0) {
      throw new ZmtpException("closed by the peer");
    }
    in.flip();
    batching = true;
    try {
      while (phase != Phase.CLOSED) {
        if (phase == Phase.GREETING) {
          if (!takeGreeting()) {
            break;
          }
        } else if (ZmtpFrame.completeFrame(in, ZmqSockets.MAX_WIRE_MESSAGE) >= 0) {
          int flags = ZmtpFrame.flags(in);
          onFrame(flags, ZmtpFrame.take(in));
        } else {
          break;
        }
      }
    } finally {
      batching = false;
    }
    if (phase == Phase.CLOSED) {
      return;
    }
    in.compact();
    if (!in.hasRemaining()) {
      // a frame larger than the buffer (ZmtpFrame bounded its size): make room for it
      ByteBuffer bigger = ByteBuffer.allocate((int) Math.min((long) in.capacity() * 2,
          ZmqSockets.MAX_WIRE_MESSAGE + 9));
      in.flip();
      bigger.put(in);
      in = bigger;
    }
    flush();
  }

  /** Takes the peer's greeting if all of it has come (and returns true). */
  private boolean takeGreeting() throws ZmtpException {
    if (in.remaining() < ZmtpGreeting.SIZE) {
      return false;
    }
    byte[] peer = new byte[ZmtpGreeting.SIZE];
    in.get(peer);
    ZmtpGreeting.check(peer, mechanism.name());
    phase = Phase.HANDSHAKE;
    return true;
  }

  private void onFrame(int flags, byte[] body) throws IOException {
    if (phase == Phase.HANDSHAKE) {
      if ((flags & ZmtpFrame.COMMAND) == 0) {
        throw new ZmtpException("a message frame before the handshake was complete");
      }
      byte[] reply = mechanism.onCommand(body);
      if (reply != null) {
        frame(ZmtpFrame.COMMAND, reply);
      }
      if (mechanism.ready()) {
        phase = Phase.SESSION;
        listener.onSession(this);
      }
    } else {
      byte[] payload = mechanism.unwrap(flags, body);
      if (payload != null) {
        listener.onMessage(this, payload);
      }
    }
  }

  /** Closes the connection without telling the listener (its owner is done with it). */
  void close() {
    phase = Phase.CLOSED;
    if (key != null) {
      key.cancel();
    }
    try {
      channel.close();
    } catch (IOException e) {
      // closing: nothing more to lose
    }
  }

  private void end(Exception e) {
    if (phase == Phase.CLOSED) {
      return;
    }
    End end = phase == Phase.SESSION ? End.LOST
        : e instanceof ZmtpException z && z.isRefusal() ? End.REFUSED : End.FAILED;
    close();
    listener.onEnd(this, end, e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
  }
}
