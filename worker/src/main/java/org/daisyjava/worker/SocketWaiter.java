package org.daisyjava.worker;

import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import org.zeromq.ZMQ;

/**
 * Waits until the socket has a message or the {@link Wakeup} is signalled, on a selector that
 * holds the socket's notification descriptor ({@code ZMQ_FD}) and the wake-up pipe for good.
 * JeroMQ's own poller re-registers its channels on every call, which on these machines costs
 * more than a whole block's round trip (measured: ~190 µs against ~50 µs per round trip).
 *
 * <p>{@code ZMQ_FD} is edge-triggered: it says that the socket's state may have changed, not that
 * a message is there. So the socket's {@code ZMQ_EVENTS} is always asked first — which also
 * consumes the pending notifications — and the selector only waits when it says "nothing".
 */
final class SocketWaiter implements Closeable {
  private final ZMQ.Socket socket;
  private final Selector selector;

  SocketWaiter(ZMQ.Socket socket, SelectableChannel wakeup) throws IOException {
    this.socket = socket;
    this.selector = Selector.open();
    try {
      SelectableChannel fd = socket.getFD();
      fd.configureBlocking(false);
      fd.register(selector, SelectionKey.OP_READ);
      wakeup.register(selector, SelectionKey.OP_READ);
    } catch (IOException | RuntimeException e) {
      selector.close();
      throw e;
    }
  }

  /**
   * Returns when the socket can be read, the wake-up was signalled, or {@code millis} have
   * passed (0: do not wait). Returns false if the thread was interrupted; the interrupt is then
   * taken off the thread (and must be handed on by the caller), because ZeroMQ's channels close
   * themselves when an interrupted thread touches them.
   */
  boolean await(long millis) {
    if (Thread.interrupted()) {
      return false;
    }
    int events = socket.getEvents();
    if (socket.errno() == zmq.ZError.EINTR) {
      return false; // JeroMQ met the interrupt while it looked at its mailbox, and kept it
    }
    if ((events & ZMQ.Poller.POLLIN) != 0) {
      return true;
    }
    try {
      if (millis <= 0) {
        selector.selectNow();
      } else {
        selector.select(millis);
      }
      selector.selectedKeys().clear();
    } catch (IOException | ClosedSelectorException e) {
      return true; // let the loop look at the socket and its timers
    }
    return !Thread.interrupted();
  }

  @Override
  public void close() throws IOException {
    selector.close();
  }
}
