package org.daisyjava.launcher.doctor;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.zeromq.ZMQ;

/**
 * The doctor's messages between probe job and head, one format for both ends: ZeroMQ multipart
 * {@code [daisy-doctor, TOKEN, KIND, PAYLOAD]} from a DEALER (the probe) to the head's ROUTER,
 * which prepends the peer identity. Kinds: {@code ping} (answered by {@code pong}) and
 * {@code report} (a {@link ProbeReport} text, answered by {@code thanks}). The token, random per
 * doctor run, keeps strays and old probes out; anything else is dropped. Not the scheduler's
 * protocol: a doctor runs without a scheduler.
 */
final class DoctorWire {
  static final String MAGIC = "daisy-doctor";
  static final String PING = "ping";
  static final String PONG = "pong";
  static final String REPORT = "report";
  static final String THANKS = "thanks";
  /** How long the probe waits for each answer (a worker's handshake window is of this order). */
  static final Duration ANSWER_WAIT = Duration.ofSeconds(5);
  private static final int MAX_FRAMES = 5;

  private DoctorWire() {}

  static void send(ZMQ.Socket s, String token, String kind, String payload) {
    s.sendMore(MAGIC);
    s.sendMore(token);
    s.sendMore(kind);
    s.send(payload);
  }

  /** The next message's frames (null on timeout), at most MAX_FRAMES, each at most ProbeReport.MAX_BYTES. */
  static List<String> receive(ZMQ.Socket s) {
    byte[] first = s.recv();
    if (first == null) {
      return null;
    }
    List<String> frames = new ArrayList<>();
    frames.add(frame(first));
    readRest(s, frames);
    return frames;
  }

  /**
   * The rest of a message whose first frame was read already (a ROUTER's peer identity, which is
   * bytes, not text): its frames, bounded as in {@link #receive}.
   */
  static List<String> rest(ZMQ.Socket s) {
    List<String> frames = new ArrayList<>();
    readRest(s, frames);
    return frames;
  }

  /** Reads the message's remaining frames, keeping them while {@code frames} holds fewer than MAX_FRAMES. */
  private static void readRest(ZMQ.Socket s, List<String> frames) {
    while (s.hasReceiveMore()) {
      byte[] f = s.recv();
      if (frames.size() < MAX_FRAMES && f != null) {
        frames.add(frame(f));
      }
    }
  }

  /** True if {@code frames} (without a routing identity) is a {@code kind} message of this doctor run. */
  static boolean matches(List<String> frames, String token, String kind) {
    return frames.size() >= 3 && frames.get(0).equals(MAGIC) && frames.get(1).equals(token)
        && frames.get(2).equals(kind);
  }

  private static String frame(byte[] f) {
    int n = Math.min(f.length, ProbeReport.MAX_BYTES);
    return new String(f, 0, n, StandardCharsets.UTF_8);
  }
}
