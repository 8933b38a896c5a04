package org.daisyjava.worker;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.nio.channels.SelectableChannel;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Wakes the poll loop from other threads. The loop registers {@link #channel()} in its ZeroMQ
 * poller next to the socket, so a signal ends its wait just like an incoming message, and no ZeroMQ
 * socket is ever touched by another thread. Signals coalesce: while one is pending, further ones
 * write nothing.
 */
final class Wakeup implements Closeable {
  private final Pipe pipe;
  private final AtomicBoolean pending = new AtomicBoolean();
  private final ByteBuffer drainBuffer = ByteBuffer.allocate(64);

  private Wakeup(Pipe pipe) {
    this.pipe = pipe;
  }

  static Wakeup open() throws IOException {
    Pipe pipe = Pipe.open();
    try {
      pipe.source().configureBlocking(false);
      pipe.sink().configureBlocking(false);
    } catch (IOException e) {
      pipe.source().close();
      pipe.sink().close();
      throw e;
    }
    return new Wakeup(pipe);
  }

  /** The channel that becomes readable on a signal; non-blocking. */
  SelectableChannel channel() {
    return pipe.source();
  }

  /** Any thread: wake the loop. Post what it should look at before calling this. */
  void signal() {
    if (pending.compareAndSet(false, true)) {
      try {
        pipe.sink().write(ByteBuffer.wrap(new byte[] {1}));
      } catch (IOException e) {
        // closed: the loop is gone and needs no waking
      }
    }
  }

  /**
   * Poll loop: consumes signals. Call before looking at what they announce, so none is lost. The
   * pipe is drained before the pending flag drops: the other way round, a signal written in between
   * would be drained while the flag stayed up, and every later signal would be swallowed.
   */
  void clear() {
    try {
      while (true) {
        drainBuffer.clear();
        if (pipe.source().read(drainBuffer) <= 0) {
          break;
        }
      }
    } catch (IOException e) {
      // closed: nothing to drain
    }
    pending.set(false);
  }

  @Override
  public void close() throws IOException {
    try {
      pipe.sink().close();
    } finally {
      pipe.source().close();
    }
  }
}
