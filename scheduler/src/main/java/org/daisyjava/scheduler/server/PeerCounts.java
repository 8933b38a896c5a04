package org.daisyjava.scheduler.server;

/**
 * What peers did wrong, for the snapshot and {@code status.json}.
 *
 * @param droppedMessages frames read and dropped (malformed, unexpected, over a peer's limits)
 * @param refusedHandshakes connections refused by CURVE authentication (no or a wrong key)
 * @param refusedHellos hellos answered with {@code refuse} (unknown task, …)
 * @param ignoredPeers peers that spent their protocol-error budget and are no longer listened to
 */
public record PeerCounts(long droppedMessages, long refusedHandshakes, long refusedHellos, long ignoredPeers) {
  public static final PeerCounts NONE = new PeerCounts(0, 0, 0, 0);
}
