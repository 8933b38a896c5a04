package org.daisyjava.core.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.daisyjava.core.Block;
import org.daisyjava.core.Roi;
import org.daisyjava.core.protocol.Message.Acquire;
import org.daisyjava.core.protocol.Message.AcquireBatch;
import org.daisyjava.core.protocol.Message.Assign;
import org.daisyjava.core.protocol.Message.AssignBatch;
import org.daisyjava.core.protocol.Message.Heartbeat;
import org.daisyjava.core.protocol.Message.Hello;
import org.daisyjava.core.protocol.Message.Outcome;
import org.daisyjava.core.protocol.Message.Release;
import org.daisyjava.core.protocol.Message.ReleaseBatch;
import org.daisyjava.core.protocol.Message.Welcome;
import org.junit.jupiter.api.Test;

/**
 * Version 2's batched messages travel intact, version 1's frames are what they were, the
 * negotiation fields default to version 1, and every malformed batch is a {@link
 * ProtocolException} (never another exception, never a list beyond the cap).
 */
class BatchCodecTest {
  private static Message roundTrip(Message m) throws ProtocolException {
    return MessageCodec.decode(MessageCodec.encode(m));
  }

  private static String wire(Message m) {
    return new String(MessageCodec.encode(m), StandardCharsets.UTF_8);
  }

  private static byte[] bytes(String json) {
    return json.getBytes(StandardCharsets.UTF_8);
  }

  private static Assign assign(long id, int attempt) {
    Roi read = Roi.of(new long[] {id * 10 - 2, 0, 5}, new long[] {14, 10, 10});
    Roi write = Roi.of(new long[] {id * 10, 0, 5}, new long[] {10, 10, 10});
    return new Assign(new Block("task-a", id, read, write), attempt);
  }

  @Test
  void batchedMessagesRoundTrip() throws ProtocolException {
    List<Assign> blocks = new ArrayList<>();
    for (int i = 0; i < Message.MAX_BATCH; i++) {
      blocks.add(assign(i + 1, 1 + i % 3));
    }
    AssignBatch assigned = new AssignBatch(blocks);
    assertEquals(assigned, roundTrip(assigned));
    String w = wire(assigned);
    assertTrue(w.startsWith("{\"v\":2,\"type\":\"block\""), w);
    assertEquals(w.indexOf("task-a"), w.lastIndexOf("task-a"), "the task is written once: " + w);

    ReleaseBatch released = new ReleaseBatch(List.of(new Outcome(3, true, null),
        new Outcome(9, false, "exit code 1\nstderr: \"boom\"\u001b[0m"), new Outcome(4, true, null)), 5);
    assertEquals(released, roundTrip(released));
    assertEquals(new ReleaseBatch(List.of(), 64), roundTrip(new ReleaseBatch(List.of(), 64)));
    assertEquals(new ReleaseBatch(List.of(new Outcome(1, true, null)), 0),
        roundTrip(new ReleaseBatch(List.of(new Outcome(1, true, null)), 0)));
    assertFalse(wire(new ReleaseBatch(List.of(new Outcome(1, true, null)), 0)).contains("acquire"));

    assertEquals(new AcquireBatch(17), roundTrip(new AcquireBatch(17)));
    assertEquals(new AcquireBatch(1),
        MessageCodec.decode(bytes("{\"v\":2,\"type\":\"acquire\"}")), "count defaults to 1");
  }

  @Test
  void negotiationFieldsDefaultToVersionOneAndVersionOneFramesAreUnchanged() throws ProtocolException {
    Hello old = new Hello("a", "h:1", "h", 1, null, null, 1, 0);
    assertFalse(wire(old).contains("versions"), wire(old));
    assertEquals(ProtocolVersion.V1, ((Hello) roundTrip(old)).newest());
    Hello both = new Hello("a", "h:1", "h", 1, null, null, 2, 0, ProtocolVersion.V2);
    assertTrue(wire(both).startsWith("{\"v\":1,\"type\":\"hello\""), "a hello is a version-1 message");
    assertTrue(wire(both).contains("\"versions\":[1,2]"), wire(both));
    assertEquals(both, roundTrip(both));
    // a newer worker that also speaks 3: the newest this side knows
    Hello newer = (Hello) MessageCodec.decode(bytes("{\"v\":1,\"type\":\"hello\",\"task\":\"a\",\"name\":\"n\","
        + "\"host\":\"h\",\"pid\":1,\"versions\":[3,1,2]}"));
    assertEquals(ProtocolVersion.V2, newer.newest());
    Hello onlyOne = (Hello) MessageCodec.decode(bytes("{\"v\":1,\"type\":\"hello\",\"task\":\"a\",\"name\":\"n\","
        + "\"host\":\"h\",\"pid\":1,\"versions\":[1,7]}"));
    assertEquals(ProtocolVersion.V1, onlyOne.newest());

    Welcome v1 = new Welcome(3, null, 1000, 5, null);
    assertFalse(wire(v1).contains("version\""), wire(v1));
    assertEquals(ProtocolVersion.V1, ((Welcome) roundTrip(v1)).sessionVersion());
    Welcome v2 = new Welcome(3, null, 1000, 5, "/run", ProtocolVersion.V2);
    assertTrue(wire(v2).startsWith("{\"v\":1,\"type\":\"welcome\""), "a welcome is a version-1 message");
    assertEquals(v2, roundTrip(v2));

    // the version-1 forms of the batched types are what they were
    assertEquals("{\"v\":1,\"type\":\"acquire\"}", wire(new Acquire()));
    assertEquals("{\"v\":1,\"type\":\"release\",\"block_id\":7,\"status\":\"success\",\"acquire\":1}",
        wire(new Release(7, true, null, 1)));
    assertInstanceOf(Acquire.class, MessageCodec.decode(bytes("{\"v\":1,\"type\":\"acquire\",\"count\":5}")));
    assertInstanceOf(Message.Assign.class, roundTrip(assign(5, 1)));
    // unchanged types read the same with "v": 2
    assertInstanceOf(Heartbeat.class, MessageCodec.decode(bytes("{\"v\":2,\"type\":\"heartbeat\"}")));
  }

  @Test
  void malformedBatchesAreProtocolErrors() {
    String ok = "{\"block_id\":1,\"status\":\"success\"}";
    String many = String.join(",", java.util.Collections.nCopies(65, ok));
    String roi = "\"read_offset\":[0],\"read_shape\":[10],\"write_offset\":[0],\"write_shape\":[10]";
    String block = "{\"block_id\":1,\"attempt\":1," + roi + "}";
    List<String> bad = List.of(
        "{\"v\":3,\"type\":\"acquire\"}",
        "{\"v\":2.5,\"type\":\"acquire\"}",
        "{\"v\":2,\"type\":\"acquire\",\"count\":0}",
        "{\"v\":2,\"type\":\"acquire\",\"count\":65}",
        "{\"v\":2,\"type\":\"acquire\",\"count\":\"5\"}",
        "{\"v\":2,\"type\":\"acquire\",\"count\":99999999999999999999999}",
        "{\"v\":2,\"type\":\"release\"}",
        "{\"v\":2,\"type\":\"release\",\"blocks\":[]}",
        "{\"v\":2,\"type\":\"release\",\"blocks\":{}}",
        "{\"v\":2,\"type\":\"release\",\"blocks\":[" + many + "]}",
        "{\"v\":2,\"type\":\"release\",\"blocks\":[" + ok + "],\"acquire\":65}",
        "{\"v\":2,\"type\":\"release\",\"blocks\":[" + ok + "],\"acquire\":-1}",
        "{\"v\":2,\"type\":\"release\",\"blocks\":[7]}",
        "{\"v\":2,\"type\":\"release\",\"blocks\":[null]}",
        "{\"v\":2,\"type\":\"release\",\"blocks\":[{\"block_id\":1,\"status\":\"maybe\"}]}",
        "{\"v\":2,\"type\":\"release\",\"blocks\":[{\"block_id\":\"1\",\"status\":\"success\"}]}",
        "{\"v\":2,\"type\":\"release\",\"blocks\":[{\"block_id\":1,\"status\":\"failed\",\"error\":[1]}]}",
        "{\"v\":2,\"type\":\"block\",\"blocks\":[" + block + "]}",
        "{\"v\":2,\"type\":\"block\",\"task\":\"a\",\"blocks\":[]}",
        "{\"v\":2,\"type\":\"block\",\"task\":\"a\",\"blocks\":["
            + String.join(",", java.util.Collections.nCopies(65, block)) + "]}",
        "{\"v\":2,\"type\":\"block\",\"task\":\"a\",\"blocks\":[{\"block_id\":-1,\"attempt\":1," + roi + "}]}",
        "{\"v\":2,\"type\":\"block\",\"task\":\"a\",\"blocks\":[{\"block_id\":1," + roi + "}]}",
        "{\"v\":2,\"type\":\"block\",\"task\":\"a\",\"blocks\":[{\"block_id\":1,\"attempt\":1,"
            + "\"read_offset\":[0,0],\"read_shape\":[10,10],\"write_offset\":[0],\"write_shape\":[10]}]}",
        "{\"v\":1,\"type\":\"hello\",\"task\":\"a\",\"name\":\"n\",\"host\":\"h\",\"pid\":1,\"versions\":[7,8]}",
        "{\"v\":1,\"type\":\"hello\",\"task\":\"a\",\"name\":\"n\",\"host\":\"h\",\"pid\":1,\"versions\":[]}",
        "{\"v\":1,\"type\":\"hello\",\"task\":\"a\",\"name\":\"n\",\"host\":\"h\",\"pid\":1,\"versions\":2}",
        "{\"v\":1,\"type\":\"hello\",\"task\":\"a\",\"name\":\"n\",\"host\":\"h\",\"pid\":1,\"versions\":[\"2\"]}",
        "{\"v\":1,\"type\":\"hello\",\"task\":\"a\",\"name\":\"n\",\"host\":\"h\",\"pid\":1,\"versions\":["
            + String.join(",", java.util.Collections.nCopies(17, "1")) + "]}",
        "{\"v\":1,\"type\":\"welcome\",\"worker_id\":1,\"heartbeat_ms\":1,\"liveness\":1,\"version\":9}",
        "{\"v\":1,\"type\":\"welcome\",\"worker_id\":1,\"heartbeat_ms\":1,\"liveness\":1,\"version\":0}");
    for (String frame : bad) {
      assertThrows(ProtocolException.class, () -> MessageCodec.decode(bytes(frame)), frame);
    }
  }

  /** Mutated and truncated batched frames: a ProtocolException or a valid message, nothing else. */
  @Test
  void mutatedBatchesNeverThrowAnythingElse() {
    List<byte[]> seeds = new ArrayList<>();
    List<Assign> blocks = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      blocks.add(assign(i, 1));
    }
    seeds.add(MessageCodec.encode(new AssignBatch(blocks)));
    seeds.add(MessageCodec.encode(new ReleaseBatch(List.of(new Outcome(1, true, null),
        new Outcome(2, false, "boom")), 3)));
    seeds.add(MessageCodec.encode(new AcquireBatch(64)));
    seeds.add(MessageCodec.encode(new Hello("a", "n", "h", 1, null, null, 1, 0, ProtocolVersion.V2)));
    byte[] alphabet = bytes("{}[],:\"0123456789-e.ablockstversion ");
    Random random = new Random(14);
    int decoded = 0;
    for (int round = 0; round < 20_000; round++) {
      byte[] frame = seeds.get(random.nextInt(seeds.size())).clone();
      int edits = 1 + random.nextInt(4);
      for (int e = 0; e < edits; e++) {
        frame[random.nextInt(frame.length)] = alphabet[random.nextInt(alphabet.length)];
      }
      if (random.nextInt(4) == 0) {
        frame = java.util.Arrays.copyOf(frame, random.nextInt(frame.length));
      }
      try {
        Message m = MessageCodec.decode(frame);
        decoded++;
        if (m instanceof AssignBatch b) {
          assertTrue(b.blocks().size() <= Message.MAX_BATCH);
        } else if (m instanceof ReleaseBatch r) {
          assertTrue(r.blocks().size() <= Message.MAX_BATCH && r.acquire() <= Message.MAX_BATCH);
        }
      } catch (ProtocolException expected) {
        // the receiver logs and drops it
      }
    }
    System.out.printf("20,000 mutated batched frames: %d still decoded, the rest were protocol errors%n", decoded);
  }
}
