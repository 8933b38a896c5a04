package org.daisyjava.core.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.daisyjava.core.protocol.Message.Hello;
import org.junit.jupiter.api.Test;

/** {@code hello}'s optional fields travel, and stay off the wire when they have their default. */
class HelloCodecTest {
  @Test
  void aRequestedWorkerIdTravelsAndIsOmittedWhenNone() throws ProtocolException {
    Hello asking = new Hello("a", "h:1", "h", 1, "12_3", "/logs/a/worker-7.err", 4, 7);
    assertEquals(asking, MessageCodec.decode(MessageCodec.encode(asking)));
    Hello plain = new Hello("a", "h:1", "h", 1, null, null, 1);
    String wire = new String(MessageCodec.encode(plain), StandardCharsets.UTF_8);
    assertFalse(wire.contains("worker_id"), wire);
    assertEquals(0, ((Hello) MessageCodec.decode(MessageCodec.encode(plain))).workerId());
    byte[] negative = "{\"v\":1,\"type\":\"hello\",\"task\":\"a\",\"name\":\"n\",\"host\":\"h\",\"pid\":1,\"worker_id\":-3}"
        .getBytes(StandardCharsets.UTF_8);
    ProtocolException e = assertThrows(ProtocolException.class, () -> MessageCodec.decode(negative));
    assertTrue(e.getMessage().contains("worker_id"), e.getMessage());
  }
}
