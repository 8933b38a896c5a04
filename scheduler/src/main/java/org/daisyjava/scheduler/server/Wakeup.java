package org.daisyjava.scheduler.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;

/**
 * Lets other threads wake the loop, which polls the pipe's source next to its ZeroMQ socket
 * (ZeroMQ sockets must stay on one thread, a pipe may be written from any).
 */
final class Wakeup implements AutoCloseable {
  private final Pipe pipe;
  private final ByteBuffer one = ByteBuffer.allocate(1);
  private final ByteBuffer drain = ByteBuffer.allocate(256);

  Wakeup() {
    try {
      pipe = Pipe.open();
      pipe.source().configureBlocking(false);
      pipe.sink().configureBlocking(false);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  Pipe.SourceChannel source() {
    return pipe.source();
  }

  /** Any thread: makes the loop's poll return. A full pipe already means "wake up". */
  synchronized void wake() {
    try {
      one.clear();
      one.put((byte) 1).flip();
      pipe.sink().write(one);
    } catch (IOException e) {
      // closed during shutdown: nobody is left to wake
    }
  }

  /** Loop thread: consumes pending wake-ups. */
  void drain() {
    try {
      while (true) {
        drain.clear();
        if (pipe.source().read(drain) <= 0) {
          return;
        }
      }
    } catch (IOException e) {
      // closed during shutdown
    }
  }

  @Override
  public void close() {
    try {
      pipe.sink().close();
      pipe.source().close();
    } catch (IOException e) {
      // nothing to do
    }
  }
}
