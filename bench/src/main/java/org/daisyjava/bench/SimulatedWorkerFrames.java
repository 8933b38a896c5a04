package org.daisyjava.bench;

import java.nio.charset.StandardCharsets;
import org.daisyjava.core.protocol.Message;
import org.daisyjava.core.protocol.MessageCodec;
import org.daisyjava.core.protocol.ProtocolVersion;

/**
 * What the load generator's simulated workers send ({@link LoadShard}, {@link NioShard}): fixed
 * bytes made once by {@link MessageCodec}, and releases put together from fixed pieces (only the
 * block ids vary), so that thousands of workers cost their driver threads little. The bytes are
 * what {@link MessageCodec} would send.
 */
final class SimulatedWorkerFrames {
  static final byte[] ACQUIRE = MessageCodec.encode(new Message.Acquire());
  static final byte[] HEARTBEAT = MessageCodec.encode(new Message.Heartbeat());
  static final byte[] GOODBYE = MessageCodec.encode(new Message.Goodbye("load generator done"));
  private static final byte[] RELEASE_HEAD = "{\"v\":1,\"type\":\"release\",\"block_id\":"
      .getBytes(StandardCharsets.US_ASCII);
  private static final byte[] RELEASE_TAIL = ",\"status\":\"success\",\"acquire\":1}"
      .getBytes(StandardCharsets.US_ASCII);

  private SimulatedWorkerFrames() {}

  /** The hello of simulated worker {@code index}, offering version 2 or only 1. */
  static byte[] hello(int index, boolean offerV2) {
    return MessageCodec.encode(new Message.Hello("bench", "sim-" + index, "loadgen", ProcessHandle.current().pid(),
        null, null, 1, 0, offerV2 ? ProtocolVersion.V2 : ProtocolVersion.V1));
  }

  /** A version-2 acquire of {@code count} blocks. */
  static byte[] acquireBatch(int count) {
    return MessageCodec.encode(new Message.AcquireBatch(count));
  }

  /** A version-2 release of {@code ids}, all successful, asking for as many again. */
  static byte[] releaseBatch(long[] ids) {
    StringBuilder b = new StringBuilder(40 + ids.length * 40).append("{\"v\":2,\"type\":\"release\",\"blocks\":[");
    for (int k = 0; k < ids.length; k++) {
      b.append(k == 0 ? "" : ",").append("{\"block_id\":").append(ids[k]).append(",\"status\":\"success\"}");
    }
    return b.append("],\"acquire\":").append(ids.length).append('}').toString().getBytes(StandardCharsets.US_ASCII);
  }

  /** A version-1 release of block {@code id}, successful, asking for one more. */
  static byte[] release(long id) {
    byte[] digits = Long.toString(id).getBytes(StandardCharsets.US_ASCII);
    byte[] out = new byte[RELEASE_HEAD.length + digits.length + RELEASE_TAIL.length];
    System.arraycopy(RELEASE_HEAD, 0, out, 0, RELEASE_HEAD.length);
    System.arraycopy(digits, 0, out, RELEASE_HEAD.length, digits.length);
    System.arraycopy(RELEASE_TAIL, 0, out, RELEASE_HEAD.length + digits.length, RELEASE_TAIL.length);
    return out;
  }
}
