package org.daisyjava.worker;

import java.util.logging.Logger;
import org.daisyjava.core.protocol.PeerText;

/**
 * Logs frames from the scheduler that are dropped (malformed, another protocol version, unknown or
 * unexpected type): the first few each, then one line per thousand, so a confused peer cannot fill
 * the log.
 */
final class DroppedFrames {
  private static final Logger LOG = Logger.getLogger(DroppedFrames.class.getName());
  static final int LOGGED_IN_FULL = 5;
  static final int LOG_EVERY = 1000;

  private final String who;
  private long count;

  DroppedFrames(String who) {
    this.who = who;
  }

  /** Called on the poll-loop thread only. */
  void drop(String reason) {
    count++;
    if (count <= LOGGED_IN_FULL || count % LOG_EVERY == 0) {
      LOG.warning(who + ": dropped a frame from the scheduler (" + count + " so far): "
          + PeerText.quote(reason)); // the reason may quote the frame
    }
  }

  long count() {
    return count;
  }
}
