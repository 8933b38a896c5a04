package org.daisyjava.scheduler.server;

import org.daisyjava.core.protocol.Message;

/** Where the {@link ProtocolEngine}'s answers go: the ZeroMQ loop, or a test's list. */
interface Outbox {
  /** Sends {@code m} to the peer with {@code routingId}; never blocks (a full peer loses it). */
  void send(byte[] routingId, Message m);
}
